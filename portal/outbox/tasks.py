"""The background side of the outbox, on Django's tasks framework (django-tasks-db
runs them from the database: `manage.py db_worker`)."""

from django.tasks import task
from django.urls import reverse
from django.utils import translation

from portal.customers import access
from portal.outbox import delivery
from portal.outbox.models import Submission
from portal.tickets import emails


@task()
def deliver_submission(submission_id: int) -> str:
    """Try once; while Tixallo can't take it, come back at the row's next attempt. The
    next run is booked whatever happens here, so a row never waits without a task."""
    submission = Submission.objects.get(pk=submission_id)
    try:
        if submission.state == Submission.State.QUEUED:
            delivery.send(submission)
    finally:
        submission.refresh_from_db()
        if submission.state == Submission.State.QUEUED:
            schedule(submission)
    if submission.state == Submission.State.DELIVERED:
        confirm(submission)
    return submission.state


def schedule(submission: Submission) -> None:
    """Book a delivery run, not before the row's next attempt or its current lease ends."""
    moments = [submission.next_attempt_at, submission.leased_until]
    deliver_submission.using(run_after=max(m for m in moments if m)).enqueue(submission.pk)


def confirm(submission: Submission) -> None:
    """The email with the ticket number and link, sent once per ticket."""
    if submission.kind != Submission.Kind.TICKET or not delivery.mark_once(
        submission, "confirmed_at"
    ):
        return
    path = reverse("tickets:link", args=[access.ticket_link_token(submission.ticket_id)])
    with translation.override(submission.language):  # the customer's, not the worker's
        emails.send_ticket_confirmation(
            submission.customer_email,
            submission.ticket_number,
            submission.payload.get("subject", ""),
            submission.site_url.rstrip("/") + path,
        )


def ask_to_confirm(submission: Submission, link: str, hours: int) -> None:
    """The "confirm your request" email for a held submission, sent once."""
    if delivery.mark_once(submission, "confirm_asked_at"):
        with translation.override(submission.language):
            emails.send_confirm_request(
                submission.customer_email, submission.payload.get("subject", ""), link, hours
            )


def tell_received(submission: Submission) -> None:
    """The "received, reference R-…" email, sent once however often the form is sent."""
    if delivery.mark_once(submission, "received_mailed_at"):
        with translation.override(submission.language):
            emails.send_received(
                submission.customer_email,
                submission.reference,
                submission.payload.get("subject", ""),
            )
