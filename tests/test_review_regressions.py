"""Bad input and edge cases found in review: each was a 500, a lost text or a leak."""

import pytest
from django.core import signing

from portal.tickets.forms import STARTED_SALT
from portal.tixallo.client import BearerAuth
from tests.helpers import (
    api_requests,
    new_ticket,
    set_faults,
    set_status,
    sign_in_as,
    ticket_count,
    ticket_link,
)

pytestmark = pytest.mark.django_db

VALID = {
    "subject": "Refund please",
    "description": "Charged twice.",
    "customer_email": "alex@example.com",
    "customer_name": "Alex Example",
    "priority": "medium",
}


@pytest.mark.parametrize("ticket_id", ["%00", "%0A", "%7F", "x" * 5000, "..", "a%2Fb"])
def test_it_answers_404_for_odd_ticket_ids(client, sandbox, ticket_id):
    sign_in_as(client)
    assert client.get(f"/tickets/{ticket_id}/").status_code == 404


def test_it_spends_no_upstream_call_on_guesses_without_a_session(client, sandbox):
    before = api_requests(sandbox)
    for n in range(5):
        assert client.get(f"/tickets/tkt_guess{n}/").status_code == 404
    assert api_requests(sandbox) == before


def test_it_keeps_a_reply_typed_after_the_session_ended(client, sandbox):
    ticket = new_ticket()
    response = client.post(f"/tickets/{ticket.id}/", {"body": "My long careful reply"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "My long careful reply" in html and "/signin/" in html


def test_it_keeps_a_reply_to_a_ticket_closed_meanwhile(client, sandbox, settings):
    settings.PORTAL_CACHE_SECONDS = 0
    ticket = new_ticket()
    set_status(sandbox, ticket.id, "closed")
    response = client.post(ticket_link(ticket.id), {"body": "Typed before it closed"})
    assert response.status_code == 422
    assert "Typed before it closed" in response.content.decode()


def test_it_pages_back_without_a_trail(client, sandbox):
    for n in range(3):
        new_ticket(subject=f"T{n}")
    sign_in_as(client)
    page = client.get("/tickets/?status=all&cursor=anything-at-all")
    assert page.status_code == 302  # a cursor Tixallo rejects: back to the first page
    assert page["Location"] == "/tickets/?status=all"


def test_it_keeps_the_list_when_a_poll_fails(client, sandbox):
    new_ticket()
    sign_in_as(client)
    set_faults(sandbox, force_status=503)
    assert client.get("/tickets/?v=old", HTTP_HX_REQUEST="true").status_code == 204


def test_it_counts_an_email_with_spaces_against_the_same_limit(client, sandbox, settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {
        "signin": {"address": (100, 3600), "email": (2, 900)}
    }
    codes = [
        client.post("/signin/", {"email": " " * n + "victim@example.com"}).status_code
        for n in range(4)
    ]
    assert codes == [200, 200, 429, 429]


def test_it_refuses_a_replayed_old_start_time(client, sandbox, settings, monkeypatch):
    settings.MIN_FILL_SECONDS = 2
    # A start-time token signed in 1970: valid signature, far past its max age.
    monkeypatch.setattr(signing.time, "time", lambda: 1.0)
    token = signing.dumps(1.0, salt=STARTED_SALT)
    monkeypatch.undo()
    assert client.post("/", VALID | {"started": token}).status_code == 429


def test_it_never_hands_one_customers_ticket_to_another_with_the_same_form_key(client, sandbox):
    key = "d" * 32
    first = client.post("/", VALID | {"idempotency_key": key})
    second = client.post("/", VALID | {"idempotency_key": key, "customer_email": "b@example.com"})
    assert first["Location"] != second["Location"]
    assert ticket_count(sandbox) == 2


def test_it_keeps_the_key_out_of_the_auth_objects_repr():
    assert "secret-key" not in repr(BearerAuth("secret-key"))


def test_it_does_not_let_a_browser_cache_the_form(client, sandbox):
    assert "no-store" in client.get("/")["Cache-Control"]
