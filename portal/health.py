"""/healthz for load balancers and Docker's HEALTHCHECK.

A middleware placed first, so it answers before host validation (the probe comes
from 127.0.0.1, not the public host name), sessions or anything else — and it
never calls Tixallo: a slow upstream must not get a healthy container restarted.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == "/healthz" and request.method in ("GET", "HEAD"):
            response = JsonResponse({"status": "ok", "version": settings.VERSION})
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)
