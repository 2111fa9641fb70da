"""The Tixallo client (`portal.tixallo.client`) against the sandbox, in-process and over
real HTTP on loopback.

The `tixallo` fixture runs a test twice: once through httpx.WSGITransport, once through a
sandbox served on 127.0.0.1. The guards at the end pin what the review's mutation run
(issue 9) found untested.
"""

import logging

import httpx
import pytest

from portal.tixallo import client
from portal.tixallo.errors import (
    AuthFailed,
    BadResponse,
    Invalid,
    Misconfigured,
    NotFound,
    RateLimited,
    TixalloError,
    Unavailable,
)
from portal.tixallo.types import Ticket, new_idempotency_key
from tests.factories import (
    TICKET,
    api_requests,
    new_ticket,
    set_faults,
    set_status,
    ticket_count,
)


def test_it_creates_and_fetches_a_ticket(tixallo):
    created = client.create_ticket(**TICKET)
    assert isinstance(created, Ticket)
    assert created.ticket_number >= 1001
    assert created.status == "new"
    fetched = client.get_ticket(created.id)
    assert fetched.subject == TICKET["subject"]
    assert fetched.description == TICKET["description"]
    assert fetched.customer.email == "alex@example.com"
    assert fetched.messages == ()


def test_it_lists_tickets_newest_first_across_pages(tixallo):
    numbers = [
        client.create_ticket(**TICKET | {"subject": f"T{i}"}).ticket_number for i in range(5)
    ]
    seen, cursor = [], None
    while True:
        page = client.list_tickets(limit=2, cursor=cursor, customer_email="alex@example.com")
        seen += [t.ticket_number for t in page.tickets]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert seen == sorted(numbers, reverse=True)


def test_it_filters_by_customer_and_status(tixallo, sandbox):
    mine = client.create_ticket(**TICKET)
    client.create_ticket(**TICKET | {"customer_email": "someone@example.org"})
    assert [t.id for t in client.list_tickets(customer_email="alex@example.com").tickets] == [
        mine.id
    ]
    assert client.list_tickets(customer_email="alex@example.com", status="solved").tickets == ()
    assert len(client.list_tickets(status=["new", "open"]).tickets) == 2


def test_it_adds_a_customer_message(tixallo):
    ticket = client.create_ticket(**TICKET)
    message = client.add_message(ticket.id, body="Any news?", customer_email="alex@example.com")
    assert message.author_type == "customer"
    assert message.public is True
    assert [m.body for m in client.get_ticket(ticket.id).messages] == ["Any news?"]


def test_it_reports_validation_errors_per_field(tixallo):
    with pytest.raises(Invalid) as caught:
        client.create_ticket(**TICKET | {"subject": "", "customer_email": "nope"})
    assert set(caught.value.fields) >= {"subject", "customer_email"}
    assert caught.value.status == 422


def test_it_reports_a_refused_reply_to_a_closed_ticket(tixallo, sandbox):
    ticket = client.create_ticket(**TICKET)
    set_status(sandbox, ticket.id, "closed")
    with pytest.raises(Invalid) as caught:
        client.add_message(ticket.id, body="Hello?", customer_email="alex@example.com")
    assert caught.value.type == "ticket_closed"


def test_it_marks_a_ticket_solved_for_its_customer(tixallo, sandbox):
    ticket = client.create_ticket(**TICKET)
    solved = client.mark_solved(ticket.id)
    assert solved.id == ticket.id and solved.status == "solved"
    assert client.get_ticket(ticket.id).status == "solved"
    set_status(sandbox, ticket.id, "closed")
    with pytest.raises(Invalid) as caught:
        client.mark_solved(ticket.id)
    assert caught.value.type == "ticket_closed"
    with pytest.raises(NotFound):
        client.mark_solved("tkt_does_not_exist")


def test_it_reports_an_unknown_ticket_as_not_found(tixallo):
    with pytest.raises(NotFound):
        client.get_ticket("tkt_does_not_exist")


def test_it_refuses_path_tricks_in_ids(tixallo):
    with pytest.raises(NotFound):
        client.get_ticket("../tickets")


def test_it_reports_a_wrong_key_as_auth_failure(tixallo):
    wrong = client.Connection(client.connection().base_url, "tx_wrong")
    with pytest.raises(AuthFailed):
        client.list_tickets(conn=wrong)


def test_it_retries_gets_on_server_errors(tixallo, sandbox):
    set_faults(sandbox, next=["500", "503"])
    before = api_requests(sandbox)
    assert client.list_tickets().tickets == ()
    assert api_requests(sandbox) - before == 3


def test_it_retries_gets_on_timeouts(tixallo, sandbox):
    set_faults(sandbox, next=["timeout"])
    before = api_requests(sandbox)
    assert client.list_tickets().tickets == ()
    assert api_requests(sandbox) - before == 2


def test_it_gives_up_with_unavailable_after_its_attempts(tixallo, sandbox):
    set_faults(sandbox, next=["500"] * 10)
    before = api_requests(sandbox)
    with pytest.raises(Unavailable):
        client.list_tickets()
    assert api_requests(sandbox) - before == client.MAX_ATTEMPTS


def test_it_respects_the_retry_budget(tixallo, sandbox, settings):
    settings.TIXALLO_RETRY_BUDGET = 0
    set_faults(sandbox, next=["500", "500"])
    before = api_requests(sandbox)
    with pytest.raises(Unavailable):
        client.list_tickets()
    assert api_requests(sandbox) - before == 1


def test_a_write_waits_for_retry_after_on_429(tixallo, sandbox, monkeypatch):
    waits = []
    monkeypatch.setattr(client.time, "sleep", waits.append)
    set_faults(sandbox, next=["429"], retry_after=1)
    assert client.create_ticket(**TICKET).ticket_number
    assert waits and waits[0] >= 1


def test_a_read_does_not_wait_on_429_but_pauses_reads(tixallo, sandbox, monkeypatch):
    """Reads are paused for every process (portal.mirror.budget) and answered from
    copies meanwhile: no request thread sleeps through a Retry-After."""
    waits = []
    monkeypatch.setattr(client.time, "sleep", waits.append)
    set_faults(sandbox, next=["429"], retry_after=1)
    with pytest.raises(RateLimited):
        client.list_tickets()
    assert waits == []


def test_it_raises_rate_limited_when_retry_after_exceeds_the_budget(tixallo, sandbox):
    set_faults(sandbox, next=["429"] * 3, retry_after=30)
    with pytest.raises(RateLimited) as caught:
        client.list_tickets()
    assert caught.value.retry_after == 30


def test_it_does_not_retry_auth_failures(tixallo, sandbox):
    set_faults(sandbox, next=["401", "401"])
    before = api_requests(sandbox)
    with pytest.raises(AuthFailed):
        client.list_tickets()
    assert api_requests(sandbox) - before == 1


def test_it_treats_a_malformed_body_as_an_error_not_a_crash(tixallo, sandbox, settings):
    settings.TIXALLO_RETRY_BUDGET = 0
    set_faults(sandbox, next=["malformed"])
    with pytest.raises(BadResponse):
        client.list_tickets()


def test_it_creates_exactly_one_ticket_when_a_response_is_dropped(tixallo, sandbox):
    before_tickets = ticket_count(sandbox)
    set_faults(sandbox, next=["drop"])
    ticket = client.create_ticket(**TICKET, idempotency_key="k" * 32)
    assert ticket_count(sandbox) == before_tickets + 1
    assert client.get_ticket(ticket.id).subject == TICKET["subject"]


def test_it_retries_a_post_only_with_the_same_key(tixallo, sandbox):
    set_faults(sandbox, next=["500", "drop", "timeout"])
    first = client.create_ticket(**TICKET, idempotency_key="a" * 32)
    again = client.create_ticket(**TICKET, idempotency_key="a" * 32)
    assert first.id == again.id
    assert ticket_count(sandbox) == 1


def test_it_sends_bearer_auth_json_and_a_user_agent(tixallo, monkeypatch):
    seen = []
    real_send = httpx.Client.send

    def spy(self, request, **kwargs):
        seen.append(request)
        return real_send(self, request, **kwargs)

    monkeypatch.setattr(httpx.Client, "send", spy)
    client.create_ticket(**TICKET)
    request = seen[-1]
    assert request.headers["Authorization"].startswith("Bearer ")
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"].startswith("TixalloPortal/")
    assert len(request.headers["Idempotency-Key"]) == 32


@pytest.mark.parametrize(
    "url",
    ["http://tixallo.com/api/v1", "ftp://tixallo.com/api/v1", "tixallo.com/api/v1", "https://"],
)
def test_it_refuses_plain_http_except_on_loopback(url):
    with pytest.raises(Misconfigured):
        client.list_tickets(conn=client.Connection(url, "k"))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8100/api/v1",
        "http://localhost/api",
        "http://[::1]/",
        "http://x.localhost/",
    ],
)
def test_it_allows_plain_http_on_loopback(url):
    assert client.base_url(client.Connection(url, "k")) == url.rstrip("/")


def test_it_refuses_to_call_without_a_key(tixallo):
    with pytest.raises(Misconfigured):
        client.list_tickets(conn=client.Connection(client.connection().base_url, ""))


def test_it_never_shows_the_key_in_errors_logs_or_reprs(tixallo, sandbox, settings, caplog):
    caplog.set_level(logging.DEBUG)
    key = settings.TIXALLO_API_KEY
    set_faults(sandbox, next=["500", "timeout", "drop", "malformed", "500"])
    errors = []
    for call in (client.list_tickets, lambda: client.get_ticket("tkt_nope")):
        try:
            call()
        except Exception as error:
            errors.append(error)
    assert errors
    texts = [str(e) for e in errors] + [repr(e) for e in errors]
    texts += [r.getMessage() for r in caplog.records] + [repr(client.connection())]
    assert not [text for text in texts if key in text]


def test_it_shares_one_pooled_client_sized_for_the_threads(settings, network_transport):
    settings.WEB_THREADS = 16
    client.reset_http()
    try:
        shared = client.http()
        assert client.http() is shared
        pool = shared._transport._pool
        assert pool._max_connections >= 16
        assert shared.timeout.read == settings.TIXALLO_READ_TIMEOUT
        assert shared.timeout.connect == settings.TIXALLO_CONNECT_TIMEOUT
    finally:
        client.reset_http()


def test_it_honours_proxy_variables_for_real_deployments(settings, monkeypatch, network_transport):
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    client.reset_http()
    try:
        mounts = client.http()._mounts
        assert any(
            getattr(t, "_pool", None).__class__.__name__ == "HTTPProxy" for t in mounts.values()
        )
    finally:
        client.reset_http()


# --- guards -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.5/api/v1",
        "http://192.168.1.2/api/v1",
        "http://172.16.0.1/api/v1",
        "http://169.254.169.254/latest",
        "http://localhost.evil.example/api",
        "http://[fd00::1]/api",
        "ftp://127.0.0.1/api",
        "https:///nohost",
    ],
)
def test_plain_http_carries_the_key_only_to_loopback(url):
    with pytest.raises(Misconfigured):
        client.base_url(client.Connection(url, "k"))


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "127.8.9.1", "[::1]", "localhost", "LOCALHOST", "api.localhost"]
)
def test_loopback_hosts_may_use_plain_http(host):
    conn = client.Connection(f"http://{host}:8100/api/v1/", "k")
    assert client.base_url(conn) == f"http://{host}:8100/api/v1"


@pytest.mark.django_db
@pytest.mark.parametrize("ticket_id", ["", ".", "..", "x" * 201, "a\nb", "\x00"])
def test_odd_ids_are_refused_before_any_request(sandbox, ticket_id):
    before = api_requests(sandbox)
    with pytest.raises(NotFound):
        client.get_ticket(ticket_id)
    with pytest.raises(NotFound):
        client.add_message(ticket_id, body="x", customer_email="a@x.com")
    assert api_requests(sandbox) == before


@pytest.mark.django_db
def test_a_reply_sent_again_with_its_key_is_one_message(sandbox):
    ticket = new_ticket()
    key = new_idempotency_key()
    set_faults(sandbox, next=["drop"])  # Tixallo takes it, the answer is lost
    client.add_message(ticket.id, body="Thanks!", customer_email="alex@example.com",
                       idempotency_key=key)  # fmt: skip
    client.add_message(ticket.id, body="Thanks!", customer_email="alex@example.com",
                       idempotency_key=key)  # fmt: skip
    messages = [m for m in client.get_ticket(ticket.id).messages if m.body == "Thanks!"]
    assert len(messages) == 1


def test_backoff_doubles_with_jitter_up_to_the_cap(settings, monkeypatch):
    settings.TIXALLO_RETRY_BASE_DELAY = 1.0
    error = Unavailable("x")
    monkeypatch.setattr(client.random, "uniform", lambda low, high: high)
    assert [client._backoff(n, error) for n in (1, 2, 3, 4, 9)] == [1.0, 2.0, 4.0, 4.0, 4.0]
    monkeypatch.setattr(client.random, "uniform", lambda low, high: low)
    assert [client._backoff(n, error) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 2.0]
    assert client._backoff(1, RateLimited("x", retry_after=7.5)) == 7.5
    assert client._backoff(3, RateLimited("x", retry_after=0.1)) == 2.0
    assert client._backoff(1, RateLimited("x", retry_after=None)) == 0.5


@pytest.mark.django_db
def test_the_retry_budget_bounds_the_attempts(sandbox, settings):
    set_faults(sandbox, force_status=503)
    settings.TIXALLO_RETRY_BUDGET = 0.0
    before = api_requests(sandbox)
    with pytest.raises(Unavailable):
        client.list_tickets()
    assert api_requests(sandbox) - before == 1
    settings.TIXALLO_RETRY_BUDGET = 30.0
    settings.TIXALLO_RETRY_BASE_DELAY = 0.0
    before = api_requests(sandbox)
    with pytest.raises(Unavailable):
        client.list_tickets()
    assert api_requests(sandbox) - before == client.MAX_ATTEMPTS


@pytest.mark.django_db
def test_errors_are_named_by_status(sandbox):
    named = {401: "AuthFailed", 403: "AuthFailed", 404: "NotFound", 409: "TixalloError",
             422: "Invalid", 503: "Unavailable"}  # fmt: skip
    for status, kind in named.items():
        set_faults(sandbox, force_status=status)
        with pytest.raises(TixalloError) as raised:
            client.check_connection(client.connection())
        assert type(raised.value).__name__ == kind and raised.value.status == status


def test_the_auth_never_shows_the_key_in_its_repr():
    assert repr(client.BearerAuth("tx_secret_value")) == "BearerAuth(***)"


def test_it_keeps_the_key_out_of_the_auth_objects_repr():
    assert "secret-key" not in repr(client.BearerAuth("secret-key"))
