"""One log line per request — id, method, path, status, duration, and how many
requests to Tixallo it made — and the request id on every other line logged
while it is handled (`portal.telemetry.logs`).

The id comes from the proxy's `X-Request-ID` when it is a sane token, so a line
here can be matched with the proxy's; otherwise a new one. It goes back in the
response's `X-Request-ID`.
"""

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

log = logging.getLogger("portal.request")

REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="")
_UPSTREAM: ContextVar[list[int] | None] = ContextVar("upstream_calls", default=None)
SANE_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
# Private links (/t/, /signin/, /confirm/, ...) carry a token made by Django's signing,
# "value:signature": the key to a ticket. Logs are read by more people than tickets, so
# any path segment with a colon is logged masked (and every handler masks again, for
# other loggers: portal.telemetry.logs).
SIGNED_SEGMENT = re.compile(r"[^/]*:[^/]*")
# Probes come every few seconds and say nothing new: logged only at DEBUG.
QUIET_PATHS = ("/healthz", "/readyz", "/metrics")


def masked(path: str) -> str:
    return SIGNED_SEGMENT.sub("<token>", path)


def upstream_called() -> None:
    calls = _UPSTREAM.get()
    if calls is not None:
        calls[0] += 1


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        request_id = given if SANE_ID.fullmatch(given) else uuid.uuid4().hex
        calls = [0]
        REQUEST_ID.set(request_id)
        _UPSTREAM.set(calls)
        started = time.monotonic()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response["X-Request-ID"] = request_id
            return response
        finally:
            duration_ms = round((time.monotonic() - started) * 1000, 1)
            path = masked(request.path_info)
            level = logging.DEBUG if request.path_info in QUIET_PATHS else logging.INFO
            log.log(
                level,
                "%s %s %s %.1fms upstream=%d",
                request.method,
                path,
                status,
                duration_ms,
                calls[0],
                extra={
                    "method": request.method,
                    "path": path,
                    "status": status,
                    "duration_ms": duration_ms,
                    "upstream_calls": calls[0],
                },
            )


@receiver(request_finished)
def _forget(**kwargs: object) -> None:
    """Not at the end of the middleware: Django logs a 4xx/5xx (django.request) after
    every middleware returned, and that line should carry the id too."""
    REQUEST_ID.set("")
    _UPSTREAM.set(None)
