"""Send one queued submission to Tixallo, always with its own idempotency key, so a
retry after a dropped response creates nothing new; record the outcome on the row and,
once Tixallo has it, tell the mirror (the customer's pages read afresh). The only
module of the outbox that calls Tixallo for a submission and drops cached copies.

A worker first takes a lease on the row with one UPDATE (atomic on SQLite and
PostgreSQL alike): two workers never send the same submission at the same time,
and a worker that dies mid-send frees it when the lease runs out.

A customer's submissions to one ticket go in the order written: each waits until the
one before it is delivered (or given up), so a conversation never shows them reversed."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from portal.mirror import reads
from portal.outbox.models import Submission
from portal.tixallo import client
from portal.tixallo.errors import Invalid, TixalloError
from portal.tixallo.types import NewTicket

log = logging.getLogger("portal.outbox")
LEASE = timedelta(seconds=60)
WAIT_TURN = timedelta(seconds=1)


def claim(submission: Submission) -> bool:
    now = timezone.now()
    taken = (
        Submission.objects.filter(pk=submission.pk, state=Submission.State.QUEUED)
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .update(leased_until=now + LEASE)
    )
    return taken == 1


def send(submission: Submission) -> Invalid | None:
    """One attempt. Returns Tixallo's validation error when it refused the content
    (the submission is then rejected); every other outcome is recorded on the row."""
    if (earlier := waits_for(submission)) is not None:
        _after(submission, earlier)
        return None
    if not claim(submission):
        return None  # another worker has it, or it is done
    try:
        _post(submission)
    except Invalid as error:
        _finish(submission, Submission.State.REJECTED, error=error.message)
        log.error("Submission %s refused by Tixallo: %s", submission.reference, error.message)
        if error.type == "ticket_closed":  # a reply to a ticket closed meanwhile
            reads.forget_ticket(submission.ticket_id)
        return error
    except TixalloError as error:
        _retry_later(submission, error.message)
    except Exception as error:  # the cache, the database, a bug: never stuck leased
        log.exception("Submission %s: sending failed unexpectedly", submission.reference)
        _retry_later(submission, f"{type(error).__name__} while sending")
    return None


def waits_for(submission: Submission) -> Submission | None:
    """The customer's earliest still-queued submission to the same ticket written before
    this one (the ticket's own, while it is queued, counts too), or None."""
    if not submission.ticket_id:
        return None  # a new ticket: nothing comes before it
    return _same_ticket(submission).filter(pk__lt=submission.pk).order_by("pk").first()


def next_in_line(submission: Submission) -> Submission | None:
    """The customer's next queued submission to this ticket, once this one is done."""
    if not submission.ticket_id:
        return None
    return _same_ticket(submission).filter(pk__gt=submission.pk).order_by("pk").first()


def _same_ticket(submission: Submission) -> models.QuerySet:
    return Submission.objects.filter(
        customer_email=submission.customer_email,
        ticket_id=submission.ticket_id,
        state=Submission.State.QUEUED,
    )


def _after(submission: Submission, earlier: Submission) -> None:
    """Not before the earlier one's next try (its delivery wakes this one sooner:
    `tasks`); at least a second on, so a worker never spins on it."""
    moments = [earlier.next_attempt_at, earlier.leased_until, timezone.now() + WAIT_TURN]
    submission.next_attempt_at = max(m for m in moments if m)
    Submission.objects.filter(pk=submission.pk, state=Submission.State.QUEUED).update(
        next_attempt_at=submission.next_attempt_at
    )


def _post(submission: Submission) -> None:
    sent, key = submission.sent, submission.idempotency_key
    if isinstance(sent, NewTicket):
        ticket = client.create_ticket(
            subject=sent.subject,
            description=sent.description,
            customer_email=sent.customer_email,
            customer_name=sent.customer_name,
            priority=sent.priority,
            idempotency_key=key,
        )
        submission.ticket_id, submission.ticket_number = ticket.id, ticket.ticket_number
    else:
        client.add_message(
            sent.ticket_id, body=sent.body, customer_email=sent.customer_email, idempotency_key=key
        )
        if sent.keep_solved:  # a rating: Tixallo reopened it, as for any reply
            _solve_again(submission)
    _finish(submission, Submission.State.DELIVERED)
    # Pages polling this ticket or the customer's list show it at their next poll (and,
    # until now, showed it "Sending…" from the outbox: nothing to drop before).
    reads.forget_ticket(submission.ticket_id)
    reads.forget_customer(submission.customer_email)


def _solve_again(submission: Submission) -> None:
    """A failure retries the whole submission, whose message Tixallo then answers from
    its idempotency key. No "solved" email follows (agent_answers knows a rating's)."""
    client.mark_solved(submission.ticket_id, idempotency_key=submission.idempotency_key + ":s")


def _finish(submission: Submission, state: str, error: str = "") -> None:
    submission.state, submission.leased_until = state, None
    submission.last_error = error or submission.last_error
    submission.attempts += 1
    if state == Submission.State.DELIVERED:
        submission.delivered_at = timezone.now()
    submission.save()


def _retry_later(submission: Submission, error: str) -> None:
    now = timezone.now()
    submission.attempts += 1
    submission.last_error = error
    submission.leased_until = None
    # Exponential, capped: 15 s, 30 s, 1 min … 10 min.
    delay = min(settings.OUTBOX_MAX_DELAY, 15 * 2 ** (submission.attempts - 1))
    submission.next_attempt_at = now + timedelta(seconds=delay)
    trying_since = submission.requeued_at or submission.created_at
    if now - trying_since > timedelta(seconds=settings.OUTBOX_GIVE_UP_AFTER):
        submission.state = Submission.State.FAILED
        log.error("Submission %s failed for good: %s", submission.reference, error)
    else:
        log.warning("Submission %s queued again: %s", submission.reference, error)
    submission.save()


def due(now: object = None) -> list[Submission]:
    now = now or timezone.now()
    queued = Submission.objects.filter(
        Q(leased_until__isnull=True) | Q(leased_until__lt=now),
        state=Submission.State.QUEUED,
        next_attempt_at__lte=now,
    )
    return list(queued.order_by("next_attempt_at")[:100])
