"""`/healthz`, `/readyz` and `/metrics`: cheap, on any host name (answered ahead of the
rest of the middleware: `ops.middleware`), and none of them ever calls Tixallo: a slow
upstream must not get a healthy instance restarted or taken out of the load balancer.
GET and HEAD only, never cached on the way."""

import hmac
import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from portal.ops import collect

log = logging.getLogger(__name__)


@require_safe
@cache_control(no_store=True)
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Nothing else is touched."""
    return JsonResponse({"status": "ok", "version": settings.VERSION})


@require_safe
@cache_control(no_store=True)
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: the database and the cache answer (never Tixallo)."""
    checks = {"database": _database_ok(), "cache": _cache_ok()}
    ready = all(checks.values())
    body = {"status": "ready" if ready else "unavailable"}
    body |= {name: "ok" if ok else "unreachable" for name, ok in checks.items()}
    return JsonResponse(body, status=200 if ready else 503)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any failure means "not ready"; the log says which
        log.warning("readyz: the database does not answer", exc_info=True)
        return False
    return True


def _cache_ok() -> bool:
    key, token = "ops:readyz", uuid.uuid4().hex
    try:
        cache.set(key, token, 10)
        return cache.get(key) == token
    except Exception:
        log.warning("readyz: the cache does not answer", exc_info=True)
        return False


@require_safe
@cache_control(no_store=True)
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text format, for a bearer of METRICS_TOKEN; 404 while it is unset."""
    token = settings.METRICS_TOKEN
    if not token:
        return HttpResponse("metrics are off: set METRICS_TOKEN\n", status=404,
                            content_type="text/plain; charset=utf-8")  # fmt: skip
    # "Bearer <token>" exactly (the scheme in any case, RFC 9110): a bare token, another
    # scheme or extra words are refused.
    scheme, _space, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.encode(), token.encode()):
        response = HttpResponse("a bearer token is required\n", status=401,
                                content_type="text/plain; charset=utf-8")  # fmt: skip
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    body, content_type = collect.exposition()
    return HttpResponse(body, content_type=content_type)
