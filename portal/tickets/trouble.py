"""Turn an upstream failure into a calm sentence for the customer, and a log line
with the cause for the admin. Nothing here shows a traceback or the key."""

import logging
import math
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from portal.tickets import timewords
from portal.tickets.forms import started_now
from portal.tixallo.errors import (
    AuthFailed,
    Misconfigured,
    RateLimited,
    TixalloError,
    VisitorLimited,
)

log = logging.getLogger("portal.upstream")


def explain(error: TixalloError) -> str:
    if isinstance(error, VisitorLimited):
        return _(
            "You have opened many pages in a short time. Please wait %(seconds)s seconds, "
            "then try again."
        ) % {"seconds": wait_of(error)}
    if isinstance(error, RateLimited):
        log.warning("Tixallo is rate limiting the portal: %s", error)
        if error.retry_after:  # Tixallo said how long: so do we
            wait = timewords.try_again_in(math.ceil(error.retry_after))
            return _("Our support system is busy right now.") + " " + wait
        return _("Our support system is busy right now. Please wait a moment and try again.")
    if isinstance(error, AuthFailed | Misconfigured):
        log.error("The portal cannot use Tixallo — check the API key and base URL: %s", error)
        return _(
            "The support portal can't reach our helpdesk right now. We have logged the "
            "problem for our team; please try again later."
        )
    log.error("Tixallo is unavailable: %s", error)
    return _("We couldn't reach our support system just now. Please try again in a minute.")


def page(request: HttpRequest, error: TixalloError) -> HttpResponse:
    """A whole page saying calmly that a read failed, with a retry hint (HTTP 503; 429
    with the real wait when this visitor used its share of reads)."""
    return calm(render(request, "tickets/trouble.html", {"trouble": explain(error)}), error)


def calm(response: HttpResponse, error: TixalloError) -> HttpResponse:
    """`response` as the answer to a failed read: its status and Retry-After."""
    limited = isinstance(error, VisitorLimited)
    response.status_code = 429 if limited else 503
    response["Retry-After"] = str(wait_of(error) if limited else 30)
    return response


def wait_of(error: RateLimited) -> int:
    return max(1, math.ceil(error.retry_after or 1))


def too_many(
    request: HttpRequest, template: str, context: dict[str, Any], wait: int
) -> HttpResponse:
    """A rate limit or a too-quick form: the typed text kept in an unbound form (with a
    new start time, so the next send goes through), HTTP 429 with the real wait. The form
    is made as the view made it (`options`: locked fields, a hidden priority)."""
    form = context["form"]
    initial = form.initial | form.data.dict() | {"started": started_now()}
    context["form"] = type(form)(initial=initial, **getattr(form, "options", {}))
    context["trouble"] = _("This wasn't sent.") + " " + timewords.try_again_in(wait)
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(max(1, wait))
    return response
