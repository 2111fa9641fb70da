"""An event: read tolerantly once (`parse`, into `tixallo.types.Event`, which is then
handed on: to `apply` here, to `outbox.agent_answers` by the view), applied at most once,
and never backwards in time.

Applying an event tells the portal's mirror of Tixallo (`portal.mirror.reads`) that
the ticket and its customer's lists changed, so the next poll of any page, in any
portal process sharing the cache, reads the change from Tixallo.

ASSUMPTION (part B of shared/tixallo-api.md): the envelope `{"id", "type", "created_at",
"data"}`, where `data` is the ticket (`ticket.*`) or the message with its `ticket_id`
(`message.created`); a message's `created_at` is the moment its ticket's `updated_at`
moved to, so both kinds are ordered on one clock.
"""

import json
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.mirror import reads
from portal.tixallo import addresses
from portal.tixallo.types import Event, short_text
from portal.webhooks.models import ReceivedEvent, TicketSeen

EVENT_TYPES = ("ticket.created", "ticket.updated", "message.created")
# Tixallo's retries end long before this; the table stays small.
KEEP = timedelta(days=30)

APPLIED = "applied"
DUPLICATE = "duplicate: already applied"
STALE = "stale: a newer change of this ticket is known"
INTERNAL = "internal note: nothing a customer sees changed"


class BadEvent(ValueError):
    """Why a body is not an event this receiver takes (safe to answer and to log)."""


def parse(body: bytes) -> Event:
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):  # also invalid UTF-8 and absurd nesting
        raise BadEvent("body is not JSON") from None
    if not isinstance(payload, dict):
        raise BadEvent("body is not a JSON object")
    event_id = short_text(payload.get("id"))
    if not event_id:
        raise BadEvent("event id missing")
    event_type = payload.get("type")
    if event_type not in EVENT_TYPES:
        raise BadEvent("unknown event type")
    data = payload.get("data")
    if not isinstance(data, dict):
        raise BadEvent("event data missing")
    if event_type == "message.created":
        ticket_id, at = data.get("ticket_id"), data.get("created_at")
        # Only an explicit false is a note. Forgetting a cached ticket shows nothing by
        # itself (pages never render notes), so when in doubt, refresh.
        public = data.get("public") is not False
        # A number is a message id too (the client reads ids as text the same way).
        raw_id = data.get("id")
        about = {"message_id": short_text(str(raw_id) if type(raw_id) is int else raw_id),
                 "from_agent": data.get("author_type") == "agent"}  # fmt: skip
    else:
        ticket_id, at, public = data.get("id"), data.get("updated_at"), True
        customer = data.get("customer") if isinstance(data.get("customer"), dict) else {}
        about = {
            "customer_id": short_text(data.get("customer_id")) or short_text(customer.get("id")),
            "customer_email": addresses.canonical(short_text(customer.get("email"))),
            "status": short_text(data.get("status")),
            "updated_at": short_text(at),
        }
    ticket_id = short_text(ticket_id)
    if not ticket_id:
        raise BadEvent("ticket id missing")
    created = _time(payload.get("created_at"))
    return Event(event_id, event_type, ticket_id, _time(at), public, created_at=created, **about)


def apply(event: Event) -> str:
    """Apply an event once; returns what happened (one of the constants above)."""
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: a duplicate leaves the rest usable
                ReceivedEvent.objects.create(
                    event_id=event.id, type=event.type, ticket_id=event.ticket_id
                )
        except IntegrityError:
            return DUPLICATE
        ReceivedEvent.objects.filter(received_at__lt=timezone.now() - KEEP).delete()
        at = event.changed_at.timestamp() if event.changed_at else None
        if not event.public:
            # The portal never shows notes, so nothing cached is stale. Not recorded in
            # TicketSeen either: that would hide an older public change still on its way.
            reads.ticket_changed(event.ticket_id, at, public=False)  # heard, for trust
            return INTERNAL
        if event.changed_at is not None and not _newest(event.ticket_id, event.changed_at):
            return STALE
        # Before the commit, on purpose: if the commit fails, Tixallo delivers again and
        # this runs again; a refill in between reads Tixallo, which already has the change.
        reads.ticket_changed(
            event.ticket_id, at, customer_id=event.customer_id, email=event.customer_email
        )
        return APPLIED


def _newest(ticket_id: str, at: datetime) -> bool:
    """Record `at` as the ticket's latest known change; False when a later one is known.
    An equal time counts as new: two changes within one clock tick must both show."""
    later_or_same = TicketSeen.objects.filter(ticket_id=ticket_id, updated_at__lte=at)
    if later_or_same.update(updated_at=at):
        return True
    if TicketSeen.objects.filter(ticket_id=ticket_id).exists():
        return False
    try:
        with transaction.atomic():
            TicketSeen.objects.create(ticket_id=ticket_id, updated_at=at)
    except IntegrityError:  # a concurrent delivery for this ticket recorded it first
        return bool(later_or_same.update(updated_at=at))
    TicketSeen.objects.filter(updated_at__lt=at - KEEP).delete()
    return True


def _time(value: object) -> datetime | None:
    """An ISO 8601 time, or None when there is none to go by (then the event applies)."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
        moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        return None
    # Years no database stores the same way (0001, 9999 with an offset): no time to go by.
    return moment if 1970 <= moment.year <= 9000 else None
