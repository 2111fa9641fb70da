"""Email the customer when an agent answers in public or solves their request
(heard from Tixallo's webhooks), once per message, if the admin switched it on
(portal settings: off by default, since Tixallo may email customers itself).

The webhook receiver calls `heard()` with the event it read and applied (parsed once,
`webhooks.events.parse`: nothing here reads the body again); the email itself is
sent by the outbox worker (`mail_answer`), so the webhook is answered at once. The
email is in the language the customer last used on the portal and carries the
private ticket link, as the confirmation does.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation

from portal.config.current import portal_config
from portal.customers import access
from portal.mirror import reads
from portal.mutes.models import is_muted
from portal.outbox import emails
from portal.outbox.models import CustomerNotice, Submission, TicketStatusSeen
from portal.tixallo.errors import TixalloError
from portal.tixallo.types import Event

log = logging.getLogger("portal.outbox")
KEEP = timedelta(days=90)
RATED_QUIET = timedelta(minutes=10)
ID_LENGTH = CustomerNotice._meta.get_field("ticket_id").max_length
STATUS_LENGTH = TicketStatusSeen._meta.get_field("status").max_length


def heard(event: Event, in_order: bool, site_url: str) -> None:
    """After the receiver applied an event (`in_order`: not older than a change already
    heard of): book an email if it is an agent's public message or the ticket's change
    to solved, and the switch is on. A late message is still news; a late status is not."""
    if not portal_config().email_agent_answers:
        return  # nothing of the event is stored: the switch may stay off for good
    ticket_id, message_id = event.ticket_id, event.message_id
    # This app's own columns are shorter than the receiver's: longer ids fit none.
    if len(ticket_id) > ID_LENGTH or len(message_id) > ID_LENGTH:
        return
    key = ""
    if event.type == "message.created":
        if message_id and event.from_agent and event.public:
            key = f"message:{message_id}"
    elif in_order and (status := event.status) and len(status) <= STATUS_LENGTH:
        if _status_changed(ticket_id, status) and status == "solved" and not _rated(ticket_id):
            key = f"solved:{ticket_id}:{event.updated_at}"
    if key and _claim(key, ticket_id):
        mail_answer.enqueue(ticket_id, message_id, site_url)


def note_status(ticket_id: str, status: str) -> None:
    """A status the customer knows already: "solved" before their own "This is solved"
    (no email about it), or the status before it if Tixallo refused."""
    TicketStatusSeen.objects.update_or_create(ticket_id=ticket_id, defaults={"status": status})


@task()
def mail_answer(ticket_id: str, message_id: str, site_url: str) -> bool:
    """The email itself: the agent's message (or the news that it is solved) and the
    private link. Reads the ticket afresh for the customer's address."""
    if is_muted(ticket_id):
        return False  # the customer muted this request's answer emails (on its page)
    reads.forget_ticket(ticket_id)
    try:
        ticket = reads.ticket(ticket_id)
    except TixalloError as error:
        log.warning("No answer email for ticket %s: %s", ticket_id, error)
        return False
    email = ticket.customer_email
    if not email:
        return False
    message = next((m for m in ticket.public_messages if m.id == message_id), None)
    if message_id and message is None:
        return False  # not public after all, or gone
    path = reverse("tickets:link", args=[access.ticket_link_token(ticket.id)])
    with translation.override(_language_of(email)):
        return emails.send_answer(
            email,
            ticket.ticket_number,
            ticket.subject,
            message.body if message else "",
            message.author_name if message else "",
            site_url.rstrip("/") + path,
        )


def _status_changed(ticket_id: str, status: str) -> bool:
    """Record the ticket's status; True when it differs from the last one heard."""
    seen, created = TicketStatusSeen.objects.get_or_create(
        ticket_id=ticket_id, defaults={"status": status}
    )
    if created:
        return True
    if seen.status == status:
        return False
    TicketStatusSeen.objects.filter(pk=ticket_id).update(status=status)
    return True


def _rated(ticket_id: str) -> bool:
    """The customer rated this solved request just now: Tixallo reopened it for the
    rating's message and the outbox solved it again (delivery), which is no news. Events
    may come in any order, so any solve within RATED_QUIET of a rating's delivery counts;
    and a rating not delivered yet (queued during an outage, held, or being delivered
    right now: the row stays queued until delivery finishes) counts as given just now."""
    since = timezone.now() - RATED_QUIET
    rated = Submission.objects.filter(ticket_id=ticket_id, payload__keep_solved=True)  # Reply
    pending = [Submission.State.QUEUED, Submission.State.HELD]
    return rated.filter(Q(delivered_at__gte=since) | Q(state__in=pending)).exists()


def _claim(key: str, ticket_id: str) -> bool:
    try:
        with transaction.atomic():
            CustomerNotice.objects.create(key=key[:300], ticket_id=ticket_id)
    except IntegrityError:
        return False  # already sent (a repeated delivery under a new event id)
    CustomerNotice.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
    return True


def _language_of(email: str) -> str:
    """The language of the customer's latest request or reply on the portal."""
    latest = Submission.objects.filter(customer_email=email).order_by("-created_at").first()
    return latest.language if latest else settings.LANGUAGE_CODE
