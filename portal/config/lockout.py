"""The admin sign-in's lockout page (django-axes calls `locked_out`; settings.AXES_*):
what happened and how long to wait, with the wait in `Retry-After` too."""

import math

from axes.helpers import get_cool_off
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def locked_out(
    request: HttpRequest, response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    seconds = int(get_cool_off(request).total_seconds())
    context = admin.site.each_context(request) | {"minutes": max(1, math.ceil(seconds / 60))}
    page = render(request, "admin/locked_out.html", context, status=429)
    page["Retry-After"] = str(seconds)
    return page
