"""Nothing lost, nothing twice: submissions are saved, sent with one key, retried."""

import re
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from portal.outbox import delivery
from portal.outbox.models import Submission
from portal.outbox.tasks import deliver_submission
from tests.helpers import set_faults, ticket_count

pytestmark = pytest.mark.django_db

VALID = {
    "subject": "Order 5521 never arrived",
    "description": "Tracking says delivered, but nothing came.",
    "customer_email": "alex@example.com",
    "customer_name": "Alex Example",
    "priority": "high",
}


def queue_one(client, sandbox, settings, fault="500"):
    settings.TIXALLO_RETRY_BUDGET = 0
    set_faults(sandbox, next=[fault] * 3)
    response = client.post("/", VALID)
    set_faults(sandbox)
    return response, Submission.objects.get()


def test_it_gives_the_customer_a_reference_when_tixallo_is_down(client, sandbox, settings):
    response, submission = queue_one(client, sandbox, settings)
    assert response["Location"].startswith("/received/")
    assert re.fullmatch(r"R-[2-9A-HJ-NP-Z]{6}", submission.reference)
    assert submission.state == Submission.State.QUEUED
    assert submission.reference in mail.outbox[-1].subject
    assert ticket_count(sandbox) == 0


def test_it_delivers_later_and_shows_the_number_on_the_reference_page(client, sandbox, settings):
    response, submission = queue_one(client, sandbox, settings)
    page = client.get(response["Location"])
    assert submission.reference in page.content.decode()
    poll = re.search(r'hx-get="([^"]+)" hx-trigger="poll"', page.content.decode()).group(1)
    assert client.get(poll, HTTP_HX_REQUEST="true").status_code == 204  # nothing new yet

    assert deliver_submission.call(submission.pk) == Submission.State.DELIVERED

    fresh = client.get(poll, HTTP_HX_REQUEST="true").content.decode()
    assert "#1001" in fresh and 'hx-trigger="poll"' not in fresh
    assert "#1001" in mail.outbox[-1].subject  # the email with the number follows
    assert "/t/" in mail.outbox[-1].body


def test_it_retries_after_a_dropped_response_without_a_second_ticket(client, sandbox, settings):
    _, submission = queue_one(client, sandbox, settings, fault="drop")
    assert ticket_count(sandbox) == 1  # committed, but the portal never heard back
    deliver_submission.call(submission.pk)
    submission.refresh_from_db()
    assert submission.state == Submission.State.DELIVERED
    assert ticket_count(sandbox) == 1


def test_it_keeps_retrying_with_backoff_then_marks_failed(client, sandbox, settings):
    _, submission = queue_one(client, sandbox, settings)
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


def test_it_lets_an_admin_send_a_failed_submission_again(admin_client, client, sandbox, settings):
    _, submission = queue_one(client, sandbox, settings)
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
    _, submission = queue_one(client, sandbox, settings)
    page = admin_client.get("/admin/outbox/submission/?state=queued").content.decode()
    assert submission.reference in page and "500" in page


def test_it_makes_one_submission_of_a_resent_form(client, sandbox, settings):
    settings.TIXALLO_RETRY_BUDGET = 0
    set_faults(sandbox, force_status=500)
    first = client.post("/", VALID | {"idempotency_key": "e" * 32})
    second = client.post("/", VALID | {"idempotency_key": "e" * 32})
    # Same signed reference; the signature's timestamp may differ by a second.
    assert first["Location"].split(":")[0] == second["Location"].split(":")[0]
    assert Submission.objects.count() == 1


def test_it_sends_tixallos_validation_errors_back_to_the_form(client, sandbox, monkeypatch):
    from portal.tixallo import client as tixallo
    from portal.tixallo.errors import Invalid

    def refuse(**kwargs):
        raise Invalid("HTTP 422", fields={"subject": "Too spammy."})

    monkeypatch.setattr(tixallo, "create_ticket", refuse)
    response = client.post("/", VALID)
    assert response.status_code == 422
    assert "Too spammy." in response.content.decode()
    assert Submission.objects.get().state == Submission.State.REJECTED


def test_it_queues_a_reply_and_shows_it_as_sending(client, sandbox, settings):
    from tests.helpers import new_ticket, ticket_link

    ticket = new_ticket()
    link = ticket_link(ticket.id)
    client.get(link)
    settings.TIXALLO_RETRY_BUDGET = 0
    set_faults(sandbox, next=["503"] * 3)
    client.post(link, {"body": "Queued reply text"})
    set_faults(sandbox)
    page = client.get(link).content.decode()
    assert "Queued reply text" in page and "· Sending…" in page
    deliver_submission.call(Submission.objects.get().pk)
    settings.PORTAL_CACHE_SECONDS = 0
    page = client.get(link).content.decode()
    assert "Queued reply text" in page and "· Sending…" not in page


def test_two_workers_deliver_a_queue_of_100_exactly_once(sandbox, transactional_db):
    for n in range(100):
        Submission.objects.create(
            kind="ticket",
            payload=VALID | {"subject": f"Queued {n}"},
            customer_email="alex@example.com",
            idempotency_key=f"{n:032x}",
            site_url="http://testserver/",
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


def test_it_lists_a_queued_request_in_my_requests_until_it_has_a_number(client, sandbox, settings):
    from tests.helpers import sign_in_as

    _, submission = queue_one(client, sandbox, settings)
    sign_in_as(client)
    page = client.get("/tickets/").content.decode()
    assert submission.reference in page and 'tone-new">Sending…' in page
    deliver_submission.call(submission.pk)
    page = client.get("/tickets/").content.decode()
    assert 'tone-new">Sending…' not in page and "#1001" in page
