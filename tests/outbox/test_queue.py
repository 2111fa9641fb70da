"""Saving a submission: tried at once, kept with a reference when Tixallo is away, one
per form however often it is sent, a delivery run booked in case this process dies."""

import re

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from portal.outbox.models import Submission
from portal.outbox.tasks import deliver_submission
from portal.tixallo import client as tixallo
from tests.factories import (
    FORM,
    set_faults,
    submit_while_tixallo_fails,
    ticket_count,
    tixallo_refuses,
)

pytestmark = pytest.mark.django_db

ONE_FORM = FORM | {"idempotency_key": "f" * 32}  # one form, however often it is sent


def test_it_gives_the_customer_a_reference_when_tixallo_is_down(client, sandbox, settings):
    response, submission = submit_while_tixallo_fails(client, sandbox, settings)
    assert response["Location"].startswith("/received/")
    assert re.fullmatch(r"R-[2-9A-HJ-NP-Z]{6}", submission.reference)
    assert submission.state == Submission.State.QUEUED
    assert submission.reference in mail.outbox[-1].subject
    assert ticket_count(sandbox) == 0


def test_it_makes_one_submission_of_a_resent_form(client, sandbox, settings):
    settings.TIXALLO_RETRY_BUDGET = 0
    set_faults(sandbox, force_status=500)
    first = client.post("/", FORM | {"idempotency_key": "e" * 32})
    second = client.post("/", FORM | {"idempotency_key": "e" * 32})
    # Same signed reference; the signature's timestamp may differ by a second.
    assert first["Location"].split(":")[0] == second["Location"].split(":")[0]
    assert Submission.objects.count() == 1


def test_it_sends_tixallos_validation_errors_back_to_the_form(client, sandbox, monkeypatch):
    tixallo_refuses(monkeypatch, subject="Too spammy.")
    response = client.post("/", FORM)
    assert response.status_code == 422
    assert "Too spammy." in response.content.decode()
    assert Submission.objects.get().state == Submission.State.REJECTED


def test_it_books_a_delivery_run_with_every_new_submission(client, sandbox):
    client.post("/", ONE_FORM)
    submission = Submission.objects.get()
    assert submission.state == Submission.State.DELIVERED  # sent at once…
    booked = DBTaskResult.objects.filter(task_path__endswith="deliver_submission")
    assert booked.count() == 1  # …and a run was booked anyway, in case this process died


def test_it_never_leaves_a_submission_leased_after_an_unexpected_error(
    client, sandbox, monkeypatch
):
    def broken(**kwargs):
        raise RuntimeError("the cache went away")

    monkeypatch.setattr(tixallo, "create_ticket", broken)
    response = client.post("/", ONE_FORM)
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.state == Submission.State.QUEUED and submission.leased_until is None
    assert "RuntimeError" in submission.last_error
    monkeypatch.undo()
    assert deliver_submission.call(submission.pk) == Submission.State.DELIVERED
