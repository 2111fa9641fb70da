"""The circuit breaker (`portal.tixallo.breaker`): opened by calls that failed after
their retries (429s included), closed by any answer, and while open no call and no wait."""

import pytest

from portal.mirror import budget
from portal.shared import store
from portal.tixallo import breaker, client
from portal.tixallo.errors import CircuitOpen, NotFound, RateLimited, Unavailable
from tests.factories import api_requests, set_faults

pytestmark = pytest.mark.django_db


def test_a_429_counts_as_a_failure_for_the_breaker(sandbox, settings):
    settings.TIXALLO_BREAKER_FAILURES = 2
    settings.TIXALLO_RETRY_BUDGET = 0.0
    set_faults(sandbox, force_status=429)
    for _ in range(2):
        with pytest.raises(RateLimited):
            client.list_tickets()
        store.delete(budget.PAUSED_UNTIL)  # the shared 429 pause has tests of its own
    set_faults(sandbox)
    before = api_requests(sandbox)
    with pytest.raises(CircuitOpen):
        client.list_tickets()
    assert api_requests(sandbox) == before  # not called while open


def test_a_success_closes_the_count(sandbox, settings):
    settings.TIXALLO_BREAKER_FAILURES = 2
    settings.TIXALLO_RETRY_BUDGET = 0.0
    set_faults(sandbox, next=["500"])
    with pytest.raises(Unavailable):
        client.list_tickets()
    client.list_tickets()  # a success forgets the failure
    set_faults(sandbox, next=["500"])
    with pytest.raises(Unavailable):
        client.list_tickets()
    client.list_tickets()  # still closed


def test_it_answers_at_once_while_the_circuit_is_open(sandbox, settings, monkeypatch):
    settings.TIXALLO_BREAKER_FAILURES = 2
    set_faults(sandbox, force_status=503)
    for _ in range(2):  # two calls failing after their retries open the breaker
        with pytest.raises(Exception):  # noqa: B017 - Unavailable
            client.list_tickets()
    sleeps = []
    monkeypatch.setattr(client.time, "sleep", sleeps.append)
    with pytest.raises(CircuitOpen):
        client.list_tickets()
    assert sleeps == []


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


def test_one_call_failing_after_its_retries_counts_once(sandbox, settings):
    settings.TIXALLO_BREAKER_FAILURES = 2
    set_faults(sandbox, force_status=503)
    with pytest.raises(Exception):  # noqa: B017 - Unavailable after five attempts
        client.list_tickets()
    assert not breaker.is_open()


def test_a_not_found_is_no_failure(sandbox, settings):
    settings.TIXALLO_BREAKER_FAILURES = 2
    breaker.record_failure()
    with pytest.raises(NotFound):
        client.get_ticket("tkt_nobody")
    breaker.record_failure()
    assert not breaker.is_open()  # Tixallo answered in between
