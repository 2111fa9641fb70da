"""Admin → Health and the probes. Included from portal/urls.py without a namespace.

The probes are answered by `ops.middleware.ProbesMiddleware` before the rest of the
middleware (why: there), which takes them from `PROBES` here; they are routed here too,
so they are found, named and reversed like every other page."""

from django.contrib import admin
from django.urls import path

from portal.ops import probes, views

PROBES = [
    path("healthz", probes.healthz, name="healthz"),
    path("readyz", probes.readyz, name="readyz"),
    path("metrics", probes.metrics, name="metrics"),
]

urlpatterns = [
    # Staff only (admin_view), before admin's own URLs.
    path("admin/health/", admin.site.admin_view(views.health), name="ops-health"),
    *PROBES,
]
