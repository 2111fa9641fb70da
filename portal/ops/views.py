from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from portal.ops import health as checks


@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """Admin → Health (staff only: wrapped in admin_view in portal/ops/urls.py), for staff
    with its own permission: it tells of the connection and of who changed its settings."""
    if not request.user.has_perm(checks.PERMISSION):
        raise PermissionDenied
    parts = checks.report()
    context = admin.site.each_context(request) | {
        "title": _("Health"),
        "parts": parts,
        "attention": checks.attention(parts),
    }
    return render(request, "admin/ops/health.html", context)
