"""Record a rating and tell the agents: the row here, the count, and (unless switched
off) the customer's public message on the ticket, sent through the outbox so that a
rating given while Tixallo is down reaches the ticket later."""

from portal.outbox import queue
from portal.satisfaction.models import Rating, adds_to_ticket
from portal.telemetry import metrics
from portal.tixallo.types import Reply, Ticket

RATEABLE = ("solved",)  # closed requests keep their rating; open ones have none to give


def can_rate(ticket: Ticket) -> bool:
    return ticket.status in RATEABLE


def rate(ticket: Ticket, email: str, score: str, comment: str, *, key: str, site_url: str) -> None:
    """`key`: the action's idempotency key (the same form sent twice posts one message)."""
    Rating.objects.update_or_create(
        ticket_id=ticket.id,
        defaults={"rating": score, "comment": comment, "ticket_number": ticket.ticket_number,
                  "subject": ticket.subject[:300]},
    )  # fmt: skip
    metrics.rating(score)
    if not adds_to_ticket():
        return
    # `keep_solved`: Tixallo reopens a solved request the customer writes to; the
    # outbox marks it solved again once the message is in (outbox.delivery).
    rating = Reply(ticket.id, body=message(score, comment), customer_email=email, keep_solved=True)
    queue.submit(rating, key=key, site_url=site_url)  # a refusal (closed meanwhile): kept here only


def message(score: str, comment: str) -> str:
    """For the agents, in Tixallo: in English, whatever the customer's language."""
    label = {"good": "good", "bad": "bad"}[score]
    return f"Rated: {label} — {comment}" if comment else f"Rated: {label}"


def rating_of(ticket_id: str) -> Rating | None:
    return Rating.objects.filter(ticket_id=ticket_id).first()
