"""The background side of the outbox, on Django's tasks framework (django-tasks-db
runs them from the database: `manage.py db_worker`)."""

from django.tasks import task
from django.urls import reverse

from portal.outbox import delivery
from portal.outbox.models import Submission
from portal.tickets import access, emails


@task()
def deliver_submission(submission_id: int) -> str:
    """Try once; if Tixallo still can't take it, come back at the row's next attempt."""
    submission = Submission.objects.get(pk=submission_id)
    delivery.send(submission)
    submission.refresh_from_db()
    if submission.state == Submission.State.QUEUED:
        schedule(submission)
    elif submission.state == Submission.State.DELIVERED:
        confirm(submission)
    return submission.state


def schedule(submission: Submission) -> None:
    deliver_submission.using(run_after=submission.next_attempt_at).enqueue(submission.pk)


def confirm(submission: Submission) -> None:
    """The email that tells a queued customer their ticket number after all."""
    if submission.kind != Submission.Kind.TICKET:
        return
    path = reverse("tickets:link", args=[access.ticket_link_token(submission.ticket_id)])
    emails.send_ticket_confirmation(
        submission.customer_email,
        submission.ticket_number,
        submission.payload.get("subject", ""),
        submission.site_url.rstrip("/") + path,
    )
