"""Save what a customer sent (a `NewTicket` or a `Reply`) in the outbox, have `delivery`
try it at once, and have `emails` send the email its state calls for. The pages hand
over one record and render the row that comes back."""

import hashlib
from datetime import timedelta

from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from portal.outbox import delivery, emails, tasks
from portal.outbox.models import Submission, changed_now_and_on_commit, changes_of
from portal.tixallo import addresses
from portal.tixallo.errors import Invalid
from portal.tixallo.types import NewTicket, Reply

SAFETY_DELAY = timedelta(seconds=30)


def submit(
    sent: NewTicket | Reply, *, key: str, site_url: str, hold: bool = False
) -> tuple[Submission, Invalid | None]:
    """Save first, then send once; Tixallo's refusal comes back for the form. The same
    key twice (a double click, a reload) is the same submission; one Tixallo refused may
    be sent again with corrected content. `hold`: keep it until the customer confirms
    their email (`release`). `site_url`: the portal's address the customer came through,
    for the links in their emails. Until it is delivered, the customer's pages show it
    "Sending…" (`pending`, under the change marker the row's save moves)."""
    submission = _save(sent, key, site_url, hold)
    error = None
    if submission.state != Submission.State.HELD:
        error = delivery.send(submission)
        submission.refresh_from_db()
    if error is None:
        emails.acknowledge(submission)
    return submission, error


def _save(sent: NewTicket | Reply, key: str, site_url: str, hold: bool) -> Submission:
    is_ticket = isinstance(sent, NewTicket)
    # Matched against the signed-in email (canonical) by pending() and the pages: one
    # spelling, whatever Tixallo's owner address looks like.
    email = sent.customer_email
    fields = {"kind": Submission.Kind.TICKET if is_ticket else Submission.Kind.REPLY,
              "payload": sent.to_json(), "customer_email": addresses.canonical(email),
              "site_url": site_url, "ticket_id": "" if is_ticket else sent.ticket_id,
              "language": translation.get_language() or "en"}  # fmt: skip
    try:
        with transaction.atomic():
            if hold:  # no delivery booked: `release` books it once the customer confirms
                return Submission.objects.create(
                    idempotency_key=key, state=Submission.State.HELD, **fields
                )
            submission = Submission.objects.create(idempotency_key=key, **fields)
            # Booked with the row (same database, same transaction): even if this
            # process dies right after, the worker will try it.
            tasks.deliver_submission.using(run_after=timezone.now() + SAFETY_DELAY).enqueue(
                submission.pk
            )
            return submission
    except IntegrityError:
        existing = Submission.objects.get(idempotency_key=key)
    if existing.state == Submission.State.REJECTED:
        Submission.objects.filter(pk=existing.pk).update(state=Submission.State.QUEUED, **fields)
        changed_now_and_on_commit(email)
        existing.refresh_from_db()
    return existing


def pending(email: str, kind: str, ticket_id: str = "") -> list[Submission]:
    """What this customer sent that Tixallo hasn't taken yet, oldest first. Kept in this
    process's cache under their shared change marker (`changes_of`), so it is dropped by
    any process's change: pages ask on every render, and an unchanged poll asks no one."""
    email = addresses.canonical(email)
    key = f"outbox:pending:{changes_of(email)}:{kind}:" + _digest(email, ticket_id)
    local = caches["local"]
    found = local.get(key)
    if found is None:
        queued = Submission.objects.filter(
            customer_email=email, kind=kind, state=Submission.State.QUEUED
        )
        if ticket_id:
            queued = queued.filter(ticket_id=ticket_id)
        found = list(queued.order_by("created_at")[:50])
        local.set(key, found, 3600)
    return found


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def release(submission: Submission, hours: int) -> bool:
    """The customer clicked the emailed confirmation link: a held submission still within
    its time is queued and sent. True for the one click that released it."""
    now = timezone.now()
    with transaction.atomic():
        released = Submission.objects.filter(
            pk=submission.pk,
            state=Submission.State.HELD,
            created_at__gte=now - timedelta(hours=hours),
        ).update(state=Submission.State.QUEUED, next_attempt_at=now)
        if released:
            changed_now_and_on_commit(submission.customer_email)  # now "Sending…"
            tasks.deliver_submission.using(run_after=now + SAFETY_DELAY).enqueue(submission.pk)
    if released:
        delivery.send(submission)
    submission.refresh_from_db()
    emails.acknowledge(submission)
    return bool(released)


def expire_held(hours: int) -> int:
    """Held submissions nobody confirmed in time are marked expired (kept, shown in admin)."""
    cutoff = timezone.now() - timedelta(hours=hours)
    held = Submission.objects.filter(state=Submission.State.HELD, created_at__lt=cutoff)
    return held.update(state=Submission.State.EXPIRED)
