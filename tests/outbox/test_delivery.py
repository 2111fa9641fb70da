"""Delivering what the outbox keeps: exactly once (one idempotency key, one lease, however
many workers), retried with backoff until it fails for good, and nothing lost or doubled
when Tixallo fails under load."""

import re
import threading
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portal.outbox import delivery
from portal.outbox.models import Submission
from portal.outbox.tasks import deliver_submission
from portal.sandbox import agents
from tests.factories import (
    FORM,
    make_submission,
    set_faults,
    submit_while_tixallo_fails,
    ticket_count,
)

pytestmark = pytest.mark.django_db


def test_it_retries_after_a_dropped_response_without_a_second_ticket(client, sandbox, settings):
    _, submission = submit_while_tixallo_fails(client, sandbox, settings, fault="drop")
    assert ticket_count(sandbox) == 1  # committed, but the portal never heard back
    deliver_submission.call(submission.pk)
    submission.refresh_from_db()
    assert submission.state == Submission.State.DELIVERED
    assert ticket_count(sandbox) == 1


def test_it_keeps_retrying_with_backoff_then_marks_failed(client, sandbox, settings):
    _, submission = submit_while_tixallo_fails(client, sandbox, settings)
    set_faults(sandbox, force_status=503)
    deliver_submission.call(submission.pk)
    submission.refresh_from_db()
    assert submission.state == Submission.State.QUEUED
    assert submission.next_attempt_at > timezone.now() + timedelta(seconds=10)
    assert "503" in submission.last_error
    Submission.objects.filter(pk=submission.pk).update(
        created_at=timezone.now() - timedelta(days=30)
    )
    deliver_submission.call(submission.pk)
    submission.refresh_from_db()
    assert submission.state == Submission.State.FAILED


@pytest.mark.slow  # stress
def test_two_workers_deliver_a_queue_of_100_exactly_once(sandbox, transactional_db):
    for n in range(100):
        make_submission(
            f"{n:032x}",
            payload=FORM | {"subject": f"Queued {n}"},
            customer_email="alex@example.com",
        )
    before = sandbox.stats()["requests"].get("POST /api/v1/tickets", 0)

    def work():
        from django.db import connection

        while batch := delivery.due():
            for submission in batch:
                delivery.send(submission)
        connection.close()  # each thread has its own; let the test database go

    workers = [threading.Thread(target=work) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert Submission.objects.filter(state="delivered").count() == 100
    assert ticket_count(sandbox) == 100
    posts = sandbox.stats()["requests"].get("POST /api/v1/tickets", 0) - before
    assert posts == 100  # not one sent twice


def test_it_does_not_spin_while_another_worker_holds_the_lease(client, sandbox, settings):
    settings.TIXALLO_RETRY_BUDGET = 0
    set_faults(sandbox, force_status=503)
    client.post("/", FORM | {"idempotency_key": "f" * 32})
    submission = Submission.objects.get()
    assert delivery.claim(submission)  # another worker is sending it right now
    before = DBTaskResult.objects.count()
    deliver_submission.call(submission.pk)
    booked = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert DBTaskResult.objects.count() == before + 1
    submission.refresh_from_db()
    assert booked.run_after >= submission.leased_until


@pytest.mark.slow  # stress
def test_200_submissions_under_heavy_faults_make_exactly_200_tickets(sandbox, settings):
    settings.RATE_LIMITS = {
        scope: {"address": (10_000, 60), "email": (10_000, 60)}
        for scope in ("submit", "signin", "reply")
    }
    set_faults(sandbox, error_rate=0.30, timeout_rate=0.10, drop_rate=0.05, seed=2026)
    numbers, references = 0, 0
    for n in range(200):
        form = FORM | {
            "subject": f"Request {n}",
            "description": f"Details of request {n}.",
            "customer_email": f"customer{n % 20}@example.com",
            "customer_name": "Someone",
            "idempotency_key": f"{n:032x}",
        }
        response = Client().post("/", form, follow=True)
        assert response.status_code == 200
        html = response.content.decode()
        if re.search(r"Your ticket number is <strong>#\d+", html):
            numbers += 1
        else:
            assert re.search(r"reference <strong>R-\w{6}", html)
            references += 1
    assert numbers + references == 200

    set_faults(sandbox)  # Tixallo is back: the worker delivers what was queued
    for submission in Submission.objects.filter(state=Submission.State.QUEUED):
        deliver_submission.call(submission.pk)

    assert ticket_count(sandbox) == 200
    subjects = {
        agents.get_ticket(sandbox, s.ticket_id)["subject"] for s in Submission.objects.all()
    }
    assert subjects == {f"Request {n}" for n in range(200)}
    assert not Submission.objects.exclude(state=Submission.State.DELIVERED).exists()
