"""The outbox never strands a submission and never sends an email twice."""

import pytest
from django.core import mail
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from portal.config.current import portal_config
from portal.outbox import delivery
from portal.outbox.models import Submission
from portal.outbox.tasks import deliver_submission
from portal.tixallo import client as tixallo
from portal.tixallo.errors import CircuitOpen
from tests.helpers import set_faults, ticket_count

pytestmark = pytest.mark.django_db

VALID = {
    "subject": "Lost parcel",
    "description": "Tracking stopped a week ago.",
    "customer_email": "alex@example.com",
    "customer_name": "Alex Example",
    "priority": "medium",
    "idempotency_key": "f" * 32,
}


def test_it_books_a_delivery_run_with_every_new_submission(client, sandbox):
    client.post("/", VALID)
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
    response = client.post("/", VALID)
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.state == Submission.State.QUEUED and submission.leased_until is None
    assert "RuntimeError" in submission.last_error
    monkeypatch.undo()
    assert deliver_submission.call(submission.pk) == Submission.State.DELIVERED


def test_it_emails_once_however_often_the_form_is_sent(client, sandbox, settings):
    settings.TIXALLO_RETRY_BUDGET = 0
    set_faults(sandbox, force_status=503)
    for _ in range(3):
        client.post("/", VALID)
    assert [m.subject for m in mail.outbox].count(mail.outbox[0].subject) == 1
    set_faults(sandbox)
    submission = Submission.objects.get()
    deliver_submission.call(submission.pk)
    deliver_submission.call(submission.pk)
    confirmations = [m for m in mail.outbox if "#1001" in m.subject]
    assert len(confirmations) == 1
    assert ticket_count(sandbox) == 1


def test_it_does_not_spin_while_another_worker_holds_the_lease(client, sandbox, settings):
    settings.TIXALLO_RETRY_BUDGET = 0
    set_faults(sandbox, force_status=503)
    client.post("/", VALID)
    submission = Submission.objects.get()
    assert delivery.claim(submission)  # another worker is sending it right now
    before = DBTaskResult.objects.count()
    deliver_submission.call(submission.pk)
    booked = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert DBTaskResult.objects.count() == before + 1
    submission.refresh_from_db()
    assert booked.run_after >= submission.leased_until


def test_it_answers_at_once_while_the_circuit_is_open(sandbox, settings, monkeypatch):
    settings.TIXALLO_BREAKER_FAILURES = 2
    set_faults(sandbox, force_status=503)
    for _ in range(2):  # two calls failing after their retries open the breaker
        with pytest.raises(Exception):  # noqa: B017 - Unavailable
            tixallo.list_tickets()
    sleeps = []
    monkeypatch.setattr(tixallo.time, "sleep", sleeps.append)
    with pytest.raises(CircuitOpen):
        tixallo.list_tickets()
    assert sleeps == []


def test_it_normalises_origins_from_the_environment(settings):
    settings.PORTAL_ALLOWED_ORIGINS = [
        "https://WWW.Example.com/", "https://a;b.com", "https://*.example.com", "https://ok.io",
    ]  # fmt: skip
    assert portal_config().allowed_origins == ("https://www.example.com", "https://ok.io")


def test_it_writes_the_later_email_in_the_customers_language(client, sandbox, settings):
    settings.TIXALLO_RETRY_BUDGET = 0
    set_faults(sandbox, force_status=503)
    client.post("/", VALID, HTTP_ACCEPT_LANGUAGE="de")
    set_faults(sandbox)
    with translation.override("en"):  # the worker's own language
        deliver_submission.call(Submission.objects.get().pk)
    assert mail.outbox[-1].subject.startswith("Wir haben Ihre Anfrage #")
