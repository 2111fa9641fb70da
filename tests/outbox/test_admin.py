"""The outbox in Django admin: "Send again" and what it says, failed and held requests,
and a plain warning when submissions wait and no worker runs."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portal.outbox.models import Submission
from portal.outbox.tasks import deliver_submission, schedule
from tests.factories import FORM, make_submission, submit_while_tixallo_fails, ticket_count

pytestmark = pytest.mark.django_db


def queued(age: timedelta) -> Submission:
    submission = make_submission(f"k-{age.total_seconds()}", payload={"subject": "x"})
    schedule(submission)
    DBTaskResult.objects.update(run_after=timezone.now() - age)
    return submission


def test_it_says_plainly_when_submissions_wait_and_no_worker_runs(admin_client):
    assert "no outbox worker is running" not in admin_client.get("/admin/").content.decode()
    queued(timedelta(minutes=10))
    for url in ("/admin/", "/admin/outbox/submission/"):
        page = admin_client.get(url).content.decode()
        assert "1 submission is waiting to be sent to Tixallo, but no outbox worker" in page
        assert "none has run yet" in page
        assert "manage.py db_worker" in page


def test_a_running_worker_or_a_fresh_queue_is_no_alarm(admin_client):
    queued(timedelta(seconds=20))  # due moments ago: a worker has not had its chance yet
    assert "no outbox worker" not in admin_client.get("/admin/").content.decode()
    DBTaskResult.objects.update(run_after=timezone.now() - timedelta(minutes=10))
    DBTaskResult.objects.create(
        args_kwargs={}, task_path="x", backend_name="default", run_after=timezone.now(),
        status="SUCCESSFUL", started_at=timezone.now(),
    )  # fmt: skip
    assert "no outbox worker" not in admin_client.get("/admin/").content.decode()


def test_send_again_says_what_it_did_and_why_not(admin_client):
    waiting = queued(timedelta(minutes=10))
    failed = make_submission(
        "k-failed", payload={"subject": "y"}, customer_email="b@example.com", state="failed"
    )
    response = admin_client.post(
        "/admin/outbox/submission/",
        {"action": "retry_now", "_selected_action": [waiting.pk, failed.pk]},
        follow=True,
    )
    text = response.content.decode()
    assert "1 submission queued again: the worker sends it within seconds." in text
    assert "1 was not sent again: it is queued already, with a try booked." in text
    assert "No outbox worker has run recently" in text


def test_send_again_leaves_held_and_expired_requests_waiting_for_the_customer(
    client, admin_client, sandbox, holding
):
    client.post("/", FORM)
    client.post("/", FORM | {"subject": "Second"})
    held, expired = Submission.objects.order_by("created_at")
    Submission.objects.filter(pk=expired.pk).update(state=Submission.State.EXPIRED)
    response = admin_client.post(
        "/admin/outbox/submission/",
        {"action": "retry_now", "_selected_action": [held.pk, expired.pk]},
        follow=True,
    )
    assert ticket_count(sandbox) == 0
    assert {s.state for s in Submission.objects.all()} == {"held", "expired"}
    page = response.content.decode()
    assert "waiting for the customer&#x27;s confirmation" in page
    assert "never confirmed their email" in page


def test_it_lets_an_admin_send_a_failed_submission_again(admin_client, client, sandbox, settings):
    _, submission = submit_while_tixallo_fails(client, sandbox, settings)
    Submission.objects.filter(pk=submission.pk).update(state=Submission.State.FAILED)
    response = admin_client.post(
        "/admin/outbox/submission/",
        {"action": "retry_now", "_selected_action": [submission.pk]},
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.state == Submission.State.QUEUED
    deliver_submission.call(submission.pk)
    submission.refresh_from_db()
    assert submission.state == Submission.State.DELIVERED


def test_it_shows_failed_submissions_in_admin_with_their_error(
    admin_client, client, sandbox, settings
):
    _, submission = submit_while_tixallo_fails(client, sandbox, settings)
    page = admin_client.get("/admin/outbox/submission/?state=queued").content.decode()
    assert submission.reference in page and "500" in page


def test_a_delivered_submission_shows_its_error_as_history_only(admin_client):
    error = "Tixallo answered 503 on try 2"
    done = make_submission("k-done", payload={"subject": "z"}, state="delivered", last_error=error)
    listing = admin_client.get("/admin/outbox/submission/").content.decode()
    assert error not in listing  # not the row's news once delivered
    page = admin_client.get(f"/admin/outbox/submission/{done.pk}/change/").content.decode()
    assert f"Before it was delivered: {error}" in page
    done.state = "failed"
    done.save()
    assert error in admin_client.get("/admin/outbox/submission/").content.decode()
