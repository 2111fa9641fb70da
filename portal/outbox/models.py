import hashlib
import secrets

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.shared import store
from portal.tixallo import addresses
from portal.tixallo.types import NewTicket, Reply

# No 0/O or 1/I: references are read out on the phone.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_reference() -> str:
    return "R-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


CHANGES_KEEP = 30 * 24 * 3600  # seconds; a forgotten number starts again from the clock


def changes_of(email: str) -> int:
    """A number that changes whenever this customer's submissions may have, in any
    process (the worker's deliveries too: it lives in the shared store). Polled pages
    compare it instead of querying the outbox; what they keep under it
    (`queue.pending`) is kept per process, addressed by it."""
    key = _changes_key(email)
    # Read through: the worker's delivery (another process) shows within a second, and a
    # poll costs no query.
    found = store.get(key, read_through=True)
    return found if found is not None else store.bump(key, CHANGES_KEEP)


def changed(email: str) -> None:
    store.bump(_changes_key(email), CHANGES_KEEP)


def changed_now_and_on_commit(email: str) -> None:
    """Pages showing "Sending…" look again (`queue.pending`); again once committed, so
    a page that looked in between, before the commit, does not keep what it saw."""
    changed(email)
    transaction.on_commit(lambda: changed(email))


def _changes_key(email: str) -> str:
    return "outbox:changes:" + hashlib.sha256(addresses.canonical(email).encode()).hexdigest()[:32]


class Submission(models.Model):
    """A new ticket or a reply, saved before it is sent to Tixallo, so nothing a
    customer sends is lost when Tixallo is slow, down or misconfigured."""

    class Kind(models.TextChoices):
        TICKET = "ticket", _("new ticket")
        REPLY = "reply", _("reply")

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        DELIVERED = "delivered", _("delivered")
        REJECTED = "rejected", _("rejected by Tixallo")
        FAILED = "failed", _("failed: needs a look")
        # The portal settings' "hold requests until the email is confirmed" (issue 9).
        HELD = "held", _("held: waiting for the customer's confirmation")
        EXPIRED = "expired", _("expired: never confirmed")

    reference = models.CharField(max_length=12, unique=True, default=new_reference)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    # What is sent: `NewTicket` or `Reply`, as JSON (read through `sent`).
    payload = models.JSONField(help_text=_("What is sent to Tixallo."))
    customer_email = models.EmailField()
    idempotency_key = models.CharField(max_length=64, unique=True)
    site_url = models.URLField(help_text=_("The portal's address, for links in emails."))
    language = models.CharField(max_length=10, default="en")  # of the customer's emails
    ticket_id = models.CharField(max_length=200, blank=True)
    ticket_number = models.IntegerField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    leased_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # Set once by whoever sends that email (a conditional UPDATE): never twice.
    received_mailed_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirm_asked_at = models.DateTimeField(null=True, blank=True)  # held: link emailed
    created_at = models.DateTimeField(auto_now_add=True)
    requeued_at = models.DateTimeField(null=True, blank=True)  # by an admin: gives more time
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")

    def __str__(self) -> str:
        return f"{self.reference} ({self.get_kind_display()}, {self.get_state_display()})"

    def save(self, *args: object, **kwargs: object) -> None:
        super().save(*args, **kwargs)
        changed_now_and_on_commit(self.customer_email)

    @property
    def sent(self) -> NewTicket | Reply:
        """What the customer sent, typed; rows saved by earlier versions read the same."""
        if self.kind == self.Kind.TICKET:
            return NewTicket.from_json(self.payload)
        return Reply.from_json(self.payload, ticket_id=self.ticket_id)

    def mark_once(self, field: str) -> bool:
        """Set this timestamp unless it is set: True for the one caller that set it (an
        email is then theirs to send, `emails`). One conditional UPDATE."""
        marked = Submission.objects.filter(pk=self.pk, **{f"{field}__isnull": True})
        return marked.update(**{field: timezone.now()}) == 1


class CustomerNotice(models.Model):
    """An email telling a customer about an agent's answer or a solved request, sent
    once: the unique key ("message:<id>", "solved:<ticket id>:<time>") is claimed first."""

    key = models.CharField(max_length=300, unique=True)
    ticket_id = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key


class TicketStatusSeen(models.Model):
    """The last status heard of per ticket, so "solved" is news only when it is new
    (a later update of a solved ticket, or the customer's own "Mark as solved", is not)."""

    ticket_id = models.CharField(max_length=200, primary_key=True)
    status = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.status}"
