"""A database that restarts or fails over: a calm 503 instead of a 500.

Django turns any exception into its 500 handler. When the cause is the database
being unreachable (PostgreSQL restarting, a failover), the page says so calmly with
`Retry-After`, and nothing needs restarting afterwards: with `conn_health_checks`,
Django drops the broken connection at the next request and opens a new one. The
page is static (like 500.html), because rendering anything richer would ask the
database again."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views.defaults import server_error

log = logging.getLogger("portal.outage")


def server_error_or_outage(request: HttpRequest) -> HttpResponse:
    error = sys.exc_info()[1]
    if not isinstance(error, OperationalError | InterfaceError):
        return server_error(request)
    log.error("The database is unavailable: %s", type(error).__name__)
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = "30"
    response["Cache-Control"] = "no-store"
    return response
