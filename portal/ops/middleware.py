"""The probes (`ops.urls.PROBES`: /healthz, /readyz, /metrics) answered near the top of
the middleware, before the rest of it:

- before host validation (CommonMiddleware asks every request's host): a kubernetes
  probe comes by the pod's IP address and Prometheus by the instance's, not by the
  public host name in ALLOWED_HOSTS;
- before the HTTPS redirect (SecurityMiddleware), the "being set up" page (SetupMiddleware
  reads the portal's settings from the database: /healthz must answer while the database
  is away) and the session, CSRF, language and frame middlewares, which a probe needs
  none of and whose cost it should not pay.

A customer's request pays one dict lookup here. The probes' own rules (GET and HEAD only,
never cached, /metrics's bearer token) are on the views (`ops.probes`)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from portal.ops.urls import PROBES


class ProbesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.probes = {f"/{probe.pattern}": probe.callback for probe in PROBES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = self.probes.get(request.path_info)
        return self.get_response(request) if probe is None else probe(request)
