"""`POST /webhooks/tixallo`: Tixallo's deliveries of ticket and message events.

Every refusal is a 4xx with a short plain-text reason that Tixallo's delivery log can
show (bad input never becomes a 500), and the answer is quick: one insert, one or two
small updates, two cache writes. The answers are for a machine and stay in English.
"""

import logging
import time

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from portal.config.current import absolute_url, for_request
from portal.mirror import trust
from portal.outbox import agent_answers
from portal.telemetry import metrics
from portal.webhooks import events, signature

log = logging.getLogger(__name__)

MAX_BODY = 256 * 1024


@csrf_exempt  # signed by Tixallo instead; a browser has no business here
def tixallo(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        response = _answer(405, "POST only")
        response["Allow"] = "POST"
        return response
    if (request.content_type or "").lower() != "application/json":
        return _refuse(415, "send application/json")
    if _declared_length(request) > MAX_BODY:
        return _refuse(413, "body larger than 256 KB")
    body = request.read(MAX_BODY + 1)  # never more, whatever the headers said
    if len(body) > MAX_BODY:
        return _refuse(413, "body larger than 256 KB")
    config = for_request(request)
    if not config.webhook_secret:
        log.error(
            "Tixallo webhook refused: no webhook secret is configured. Set "
            "TIXALLO_WEBHOOK_SECRET or the webhook signing secret in admin."
        )
        metrics.webhook("unknown", "unconfigured")
        return _answer(503, "webhooks are not configured on this portal")
    try:
        signature.verify(
            body, request.headers.get(signature.HEADER, ""), config.webhook_secret, time.time()
        )
        event = events.parse(body)
    except (signature.BadSignature, events.BadEvent) as refusal:
        return _refuse(400, str(refusal))
    trust.event_arrived()  # signed by Tixallo: proof that deliveries reach this portal
    outcome = events.apply(event)
    metrics.webhook(event.type, outcome.split(":")[0], _lag(event))
    if outcome in (events.APPLIED, events.STALE):  # news for the customer? (emails, if on)
        agent_answers.heard(event, outcome == events.APPLIED, absolute_url(request, "/"))
    log.info("Tixallo webhook %s %s: %s", event.type, event.id, outcome)
    return _answer(200, outcome)


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _lag(event: events.Event) -> float | None:
    return time.time() - event.created_at.timestamp() if event.created_at else None


def _refuse(status: int, reason: str) -> HttpResponse:
    log.warning("Tixallo webhook refused (%s): %s", status, reason)
    metrics.webhook("unknown", "refused")
    return _answer(status, reason)


def _answer(status: int, text: str) -> HttpResponse:
    response = HttpResponse(text + "\n", status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response
