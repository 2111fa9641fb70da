"""A ticket page (/tickets/<id>/ for its signed-in customer, /t/<token>/ by private link):
who may see it, what is shown, and its live polling. Replying: test_reply.py."""

import re

import pytest
from django.core import mail

from portal.sandbox import agents
from tests.factories import (
    api_requests,
    emailed_link,
    new_ticket,
    poll_url,
    set_faults,
    set_status,
    sign_in_as,
    ticket_link,
)

pytestmark = pytest.mark.django_db


# --- who may see it ------------------------------------------------------------------


def test_it_opens_a_ticket_by_its_private_link_without_signing_in(client, sandbox):
    ticket = new_ticket(subject="Via link")
    response = client.get(ticket_link(ticket.id))
    assert response.status_code == 200
    assert "Via link" in response.content.decode()


def test_it_hides_another_customers_ticket_behind_a_404(client, sandbox, signed_in):
    theirs = new_ticket("someone@example.org")
    assert client.get(f"/tickets/{theirs.id}/").status_code == 404
    assert client.post(f"/tickets/{theirs.id}/", {"body": "hi"}).status_code == 404


def test_it_answers_404_for_a_guessed_id(client, sandbox):
    sign_in_as(client)
    assert client.get("/tickets/tkt_0000000000/").status_code == 404


def test_it_answers_404_for_a_tampered_link(client, sandbox):
    ticket = new_ticket()
    link = ticket_link(ticket.id)
    assert client.get(link[:-4] + "xx/").status_code == 404
    assert client.get("/t/not-a-token/").status_code == 404


@pytest.mark.parametrize("ticket_id", ["%00", "%0A", "%7F", "x" * 5000, "..", "a%2Fb"])
def test_it_answers_404_for_odd_ticket_ids(client, sandbox, signed_in, ticket_id):
    assert client.get(f"/tickets/{ticket_id}/").status_code == 404


def test_it_spends_no_upstream_call_on_guesses_without_a_session(client, sandbox):
    before = api_requests(sandbox)
    for n in range(5):
        assert client.get(f"/tickets/tkt_guess{n}/").status_code == 302  # to sign in
    assert client.get("/tickets/tkt_guess/", headers={"HX-Request": "true"}).status_code == 404
    assert api_requests(sandbox) == before


def test_a_bookmarked_request_signed_out_leads_to_sign_in_and_back(client, sandbox):
    ticket = new_ticket(subject="Bookmarked")
    response = client.get(f"/tickets/{ticket.id}/")
    assert response.status_code == 302
    assert response["Location"] == f"/signin/?ticket={ticket.id}"
    signin_page = client.get(response["Location"]).content.decode()
    assert f'name="ticket" value="{ticket.id}"' in signin_page
    client.post("/signin/", {"email": "alex@example.com", "ticket": ticket.id})
    link = emailed_link(mail.outbox[-1], "/signin/")
    response = client.post(link)
    assert response["Location"] == f"/tickets/{ticket.id}/"
    assert "Bookmarked" in client.get(response["Location"]).content.decode()
    assert client.get(link)["Location"] == f"/tickets/{ticket.id}/"  # opened again


def test_a_sign_in_link_leads_back_only_to_a_plain_ticket_id(client, sandbox):
    client.post("/signin/", {"email": "alex@example.com", "ticket": "//evil.example/x"})
    response = client.post(emailed_link(mail.outbox[-1], "/signin/"))
    assert response["Location"] == "/tickets/"


# --- what is shown -------------------------------------------------------------------


def test_it_shows_the_ticket_to_its_signed_in_customer(client, sandbox, signed_in):
    ticket = new_ticket(subject="Printer jam", description="Line one\nLine two")
    agents.agent_reply(sandbox, ticket.id, "Try https://example.com/help?a=1&b=2", "Rita")
    html = client.get(f"/tickets/{ticket.id}/").content.decode()
    assert "Printer jam" in html and f"#{ticket.ticket_number}" in html
    assert "Line one<br>Line two" in html
    assert "Rita" in html
    assert 'href="https://example.com/help?a=1&amp;b=2" rel="noopener nofollow"' in html
    assert "Waiting for your reply" in html


def test_it_never_renders_internal_notes(client, sandbox, signed_in):
    ticket = new_ticket()
    agents.add_note(sandbox, ticket.id, "SECRET NOTE: customer is on the free plan")
    agents.agent_reply(sandbox, ticket.id, "Public answer")
    for url in (f"/tickets/{ticket.id}/", ticket_link(ticket.id)):
        html = client.get(url).content.decode()
        assert "Public answer" in html
        assert "SECRET NOTE" not in html


def test_it_escapes_what_customers_and_agents_wrote(client, sandbox, signed_in):
    ticket = new_ticket(subject="<b>bold</b>", description="<script>alert(1)</script>")
    html = client.get(f"/tickets/{ticket.id}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>bold</b>" not in html


def test_one_customer_shows_under_one_name_in_a_thread(client, sandbox):
    ticket = new_ticket("sam@example.com", customer_name="")
    sign_in_as(client, "sam@example.com")
    client.post(f"/tickets/{ticket.id}/", {"body": "Any news?"})
    new_ticket("sam@example.com", customer_name="Sam Taylor")  # the customer now has a name
    agents.agent_reply(sandbox, ticket.id, "Looking", "Rita")
    html = client.get(f"/tickets/{ticket.id}/").content.decode()
    authors = re.findall(r'<p class="author">([^<·]+) ·', html)
    assert authors.count("Sam Taylor") == 2  # the description and the reply
    assert "sam@example.com ·" not in html


def test_it_offers_no_reply_on_a_closed_ticket_and_stops_polling(client, sandbox):
    ticket = new_ticket()
    set_status(sandbox, ticket.id, "closed")
    html = client.get(ticket_link(ticket.id)).content.decode()
    assert "can't take new replies" in html
    assert 'name="body"' not in html
    assert "data-poll-seconds" not in html


@pytest.mark.parametrize("fault", [500, 401, 429])
def test_it_says_calmly_when_a_ticket_cannot_be_read(client, sandbox, fault):
    ticket = new_ticket()
    set_faults(sandbox, force_status=fault)
    response = client.get(ticket_link(ticket.id))
    assert response.status_code == 503
    assert "Try again" in response.content.decode()


def test_a_second_view_of_an_unchanged_ticket_writes_nothing_to_the_cache(
    client, sandbox, monkeypatch
):
    # Cost follows changes: what a fetch learns is written once, not on every view.
    from django.core.cache import cache

    link = ticket_link(new_ticket().id)
    client.get(link)
    writes = []
    for name in ("set", "set_many", "add"):
        monkeypatch.setattr(cache, name, lambda *a, _name=name, **k: writes.append(_name))
    assert client.get(link).status_code == 200
    assert writes == []


def test_a_view_asks_the_outbox_once_for_the_replies_being_sent(client, sandbox, monkeypatch):
    from portal.outbox import queue

    link = ticket_link(new_ticket().id)
    asked = []
    real = queue.pending
    monkeypatch.setattr(queue, "pending", lambda *a, **k: asked.append(a) or real(*a, **k))
    assert client.get(link).status_code == 200
    assert len(asked) == 1


# --- live polling --------------------------------------------------------------------


def test_it_answers_an_unchanged_poll_with_204_and_no_upstream_call(client, sandbox):
    ticket = new_ticket()
    link = ticket_link(ticket.id)
    poll = poll_url(client.get(link).content.decode())
    before = api_requests(sandbox)
    assert client.get(poll, HTTP_HX_REQUEST="true").status_code == 204
    assert api_requests(sandbox) == before


def test_it_sends_the_new_conversation_when_a_poll_finds_a_change(client, sandbox, settings):
    settings.PORTAL_CACHE_SECONDS = 0
    ticket = new_ticket()
    link = ticket_link(ticket.id)
    poll = poll_url(client.get(link).content.decode())
    agents.agent_reply(sandbox, ticket.id, "An agent answered", "Sam")
    response = client.get(poll, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "An agent answered" in response.content.decode()
    assert "<html" not in response.content.decode()


def test_it_ignores_internal_notes_when_deciding_if_anything_changed(client, sandbox, settings):
    settings.PORTAL_CACHE_SECONDS = 0
    ticket = new_ticket()
    link = ticket_link(ticket.id)
    poll = poll_url(client.get(link).content.decode())
    agents.add_note(sandbox, ticket.id, "internal only")
    assert client.get(poll, HTTP_HX_REQUEST="true").status_code == 204


def test_a_poll_that_finds_the_ticket_closed_removes_the_reply_box(client, sandbox, settings):
    settings.PORTAL_CACHE_SECONDS = 0
    ticket = new_ticket()
    link = ticket_link(ticket.id)
    html = client.get(link).content.decode()
    assert 'name="body"' in html
    set_status(sandbox, ticket.id, "closed")
    polled = client.get(poll_url(html), HTTP_HX_REQUEST="true").content.decode()
    assert "Closed" in polled
    # The reply box is swapped for the closed note out of band, in the same answer.
    assert re.search(r'<div class="card closed-note" id="reply-form"\s+hx-swap-oob="true"', polled)
    assert 'name="body"' not in polled
    assert "Start a new request with this text" in polled  # filled in by live.js if typed
