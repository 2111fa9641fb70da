"""Pulling Tixallo's plug loses nothing and duplicates nothing."""

import re

import pytest
from django.test import Client

from portal.mirror import reads
from portal.outbox.models import Submission
from portal.outbox.tasks import deliver_submission
from portal.sandbox import agents
from portal.tixallo import breaker, client
from portal.tixallo.errors import Unavailable
from tests.helpers import api_requests, new_ticket, set_faults, ticket_count, ticket_link

pytestmark = pytest.mark.django_db


def test_200_submissions_under_heavy_faults_make_exactly_200_tickets(sandbox, settings):
    settings.RATE_LIMITS = {
        scope: {"address": (10_000, 60), "email": (10_000, 60)}
        for scope in ("submit", "signin", "reply")
    }
    set_faults(sandbox, error_rate=0.30, timeout_rate=0.10, drop_rate=0.05, seed=2026)
    numbers, references = 0, 0
    for n in range(200):
        form = {
            "subject": f"Request {n}",
            "description": f"Details of request {n}.",
            "customer_email": f"customer{n % 20}@example.com",
            "customer_name": "Someone",
            "priority": "medium",
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


def test_it_stops_calling_tixallo_after_repeated_failures(sandbox, settings):
    settings.TIXALLO_BREAKER_FAILURES = 3
    set_faults(sandbox, force_status=503)
    for _ in range(3):  # three calls, each failing after its retries
        with pytest.raises(Unavailable):
            client.list_tickets()
    assert breaker.is_open()
    before = api_requests(sandbox)
    with pytest.raises(Unavailable, match="circuit open"):
        client.list_tickets()
    assert api_requests(sandbox) == before


def test_it_closes_the_breaker_after_a_success(sandbox, settings):
    settings.TIXALLO_BREAKER_FAILURES = 2
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    assert not breaker.is_open()


def test_it_serves_the_last_copy_while_tixallo_is_down(client, sandbox, settings):
    ticket = new_ticket(subject="Still readable")
    link = ticket_link(ticket.id)
    assert client.get(link).status_code == 200
    reads.forget_ticket(ticket.id)  # the fresh copy is gone; the last one seen stays
    set_faults(sandbox, force_status=503)
    response = client.get(link)
    assert response.status_code == 200
    assert "Still readable" in response.content.decode()
