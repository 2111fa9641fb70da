"""A ticket page: who may see it, what is shown, replies, live polling."""

import re

import pytest

from portal.sandbox import agents
from tests.helpers import (
    api_requests,
    new_ticket,
    set_faults,
    set_status,
    sign_in_as,
    ticket_link,
)

pytestmark = pytest.mark.django_db


def test_it_shows_the_ticket_to_its_signed_in_customer(client, sandbox):
    ticket = new_ticket(subject="Printer jam", description="Line one\nLine two")
    agents.agent_reply(sandbox, ticket.id, "Try https://example.com/help?a=1&b=2", "Rita")
    sign_in_as(client)
    html = client.get(f"/tickets/{ticket.id}/").content.decode()
    assert "Printer jam" in html and f"#{ticket.ticket_number}" in html
    assert "Line one<br>Line two" in html
    assert "Rita" in html
    assert 'href="https://example.com/help?a=1&amp;b=2" rel="noopener nofollow"' in html
    assert "Waiting for your reply" in html


def test_it_never_renders_internal_notes(client, sandbox):
    ticket = new_ticket()
    agents.add_note(sandbox, ticket.id, "SECRET NOTE: customer is on the free plan")
    agents.agent_reply(sandbox, ticket.id, "Public answer")
    sign_in_as(client)
    for url in (f"/tickets/{ticket.id}/", ticket_link(ticket.id)):
        html = client.get(url).content.decode()
        assert "Public answer" in html
        assert "SECRET NOTE" not in html


def test_it_escapes_what_customers_and_agents_wrote(client, sandbox):
    ticket = new_ticket(subject="<b>bold</b>", description="<script>alert(1)</script>")
    sign_in_as(client)
    html = client.get(f"/tickets/{ticket.id}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>bold</b>" not in html


def test_it_hides_another_customers_ticket_behind_a_404(client, sandbox):
    theirs = new_ticket("someone@example.org")
    sign_in_as(client)
    assert client.get(f"/tickets/{theirs.id}/").status_code == 404
    assert client.post(f"/tickets/{theirs.id}/", {"body": "hi"}).status_code == 404


def test_it_answers_404_for_a_guessed_id_or_no_session(client, sandbox):
    ticket = new_ticket()
    assert client.get(f"/tickets/{ticket.id}/").status_code == 404
    sign_in_as(client)
    assert client.get("/tickets/tkt_0000000000/").status_code == 404


def test_it_opens_a_ticket_by_its_private_link_without_signing_in(client, sandbox):
    ticket = new_ticket(subject="Via link")
    response = client.get(ticket_link(ticket.id))
    assert response.status_code == 200
    assert "Via link" in response.content.decode()


def test_it_answers_404_for_a_tampered_link(client, sandbox):
    ticket = new_ticket()
    link = ticket_link(ticket.id)
    assert client.get(link[:-4] + "xx/").status_code == 404
    assert client.get("/t/not-a-token/").status_code == 404


def test_it_adds_a_reply_and_redirects_without_javascript(client, sandbox):
    ticket = new_ticket()
    link = ticket_link(ticket.id)
    response = client.post(link, {"body": "Here is more detail", "idempotency_key": "b" * 32})
    assert response.status_code == 302 and response["Location"].endswith("#latest")
    assert "Here is more detail" in client.get(link).content.decode()


def test_it_sends_a_double_clicked_reply_once(client, sandbox):
    ticket = new_ticket()
    link = ticket_link(ticket.id)
    for _ in range(2):
        client.post(link, {"body": "Only once", "idempotency_key": "c" * 32})
    bodies = [m["body"] for m in agents.get_ticket(sandbox, ticket.id)["messages"]]
    assert bodies == ["Only once"]


def test_it_returns_the_form_and_the_conversation_to_htmx_after_a_reply(client, sandbox):
    ticket = new_ticket()
    response = client.post(ticket_link(ticket.id), {"body": "Live reply"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<form method="post"')
    assert 'id="conversation"' in html and 'hx-swap-oob="true"' in html
    assert "Live reply" in html


def test_it_shows_an_empty_reply_inline_with_focusable_error(client, sandbox):
    ticket = new_ticket()
    response = client.post(ticket_link(ticket.id), {"body": "  "}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    html = response.content.decode()
    assert "This field is required." in html
    assert 'aria-invalid="true"' in html


def test_it_reopens_a_solved_ticket_on_reply(client, sandbox):
    ticket = new_ticket()
    set_status(sandbox, ticket.id, "solved")
    link = ticket_link(ticket.id)
    assert "Replying opens it again" in client.get(link).content.decode()
    client.post(link, {"body": "Still broken"})
    assert agents.get_ticket(sandbox, ticket.id)["status"] == "open"


def test_it_offers_no_reply_on_a_closed_ticket_and_stops_polling(client, sandbox):
    ticket = new_ticket()
    set_status(sandbox, ticket.id, "closed")
    html = client.get(ticket_link(ticket.id)).content.decode()
    assert "can't take new replies" in html
    assert 'name="body"' not in html
    assert "data-poll-seconds" not in html


def test_a_reply_refused_as_closed_keeps_its_text_for_a_new_request(client, sandbox):
    ticket = new_ticket()
    link = ticket_link(ticket.id)
    client.get(link)  # cached as open
    set_status(sandbox, ticket.id, "closed")
    response = client.post(link, {"body": "Hello?"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "closed before your reply arrived" in html
    assert '<textarea id="kept-text" name="description" rows="5" readonly>Hello?</textarea>' in html
    assert "Start a new request with this text" in html
    assert 'name="body"' not in html  # no reply box that cannot send
    assert "data-poll-seconds" not in html  # the page knows it is closed now


def test_it_keeps_the_reply_when_tixallo_is_down(client, sandbox):
    ticket = new_ticket()
    link = ticket_link(ticket.id)
    set_faults(sandbox, force_status=500)
    response = client.post(link, {"body": "Please keep me"})
    assert response.status_code == 503
    assert "Please keep me" in response.content.decode()


@pytest.mark.parametrize("fault", [500, 401, 429])
def test_it_says_calmly_when_a_ticket_cannot_be_read(client, sandbox, fault):
    ticket = new_ticket()
    set_faults(sandbox, force_status=fault)
    response = client.get(ticket_link(ticket.id))
    assert response.status_code == 503
    assert "Try again" in response.content.decode()


def test_it_answers_an_unchanged_poll_with_204_and_no_upstream_call(client, sandbox):
    ticket = new_ticket()
    link = ticket_link(ticket.id)
    html = client.get(link).content.decode()
    poll_url = re.search(r'hx-get="([^"]+)" hx-trigger="poll"', html).group(1)
    before = api_requests(sandbox)
    assert client.get(poll_url, HTTP_HX_REQUEST="true").status_code == 204
    assert api_requests(sandbox) == before


def test_it_sends_the_new_conversation_when_a_poll_finds_a_change(client, sandbox, settings):
    settings.PORTAL_CACHE_SECONDS = 0
    ticket = new_ticket()
    link = ticket_link(ticket.id)
    poll_url = re.search(r'hx-get="([^"]+)"', client.get(link).content.decode()).group(1)
    agents.agent_reply(sandbox, ticket.id, "An agent answered", "Sam")
    response = client.get(poll_url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "An agent answered" in response.content.decode()
    assert "<html" not in response.content.decode()


def test_it_ignores_internal_notes_when_deciding_if_anything_changed(client, sandbox, settings):
    settings.PORTAL_CACHE_SECONDS = 0
    ticket = new_ticket()
    link = ticket_link(ticket.id)
    poll_url = re.search(r'hx-get="([^"]+)"', client.get(link).content.decode()).group(1)
    agents.add_note(sandbox, ticket.id, "internal only")
    assert client.get(poll_url, HTTP_HX_REQUEST="true").status_code == 204
