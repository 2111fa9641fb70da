"""Until Tixallo is connected, customers see a calm "being set up" page (HTTP 503)
and staff see what to do, instead of forms that cannot work."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portal.config.current import portal_config

# Paths that work without a connection: admin (where it is fixed), assets. (The probes
# are answered before this middleware: portal/ops/middleware.py.)
OPEN_PREFIXES = (
    "/admin/",
    "/static/",
    "/brand",
    "/favicon.ico",
    "/embed.js",
    "/sandbox/",
    "/webhooks/",
)


class SetupMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(OPEN_PREFIXES):
            return self.get_response(request)
        request.portal_config = config = portal_config()
        if config.configured:
            return self.get_response(request)
        response = render(request, "setup.html", {"portal": config}, status=503)
        response["Retry-After"] = "300"
        return response
