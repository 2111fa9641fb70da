"""The background side of the outbox, on Django's tasks framework (django-tasks-db
runs them from the database: `manage.py db_worker`)."""

from django.tasks import task

from portal.outbox import delivery, emails
from portal.outbox.models import Submission


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
    if submission.state != Submission.State.QUEUED:
        # The next reply to this ticket waited for this one: its turn, now.
        if (following := delivery.next_in_line(submission)) is not None:
            deliver_submission.enqueue(following.pk)
    if submission.state == Submission.State.DELIVERED:
        emails.acknowledge(submission)  # its number and link, once (the page may have sent it)
    return submission.state


def schedule(submission: Submission) -> None:
    """Book a delivery run, not before the row's next attempt or its current lease ends."""
    moments = [submission.next_attempt_at, submission.leased_until]
    deliver_submission.using(run_after=max(m for m in moments if m)).enqueue(submission.pk)
