"""The reply's own view (`views.reply`, URL names "reply" and "reply-link"): POST only,
in both mounts and the frame, with the page's answers (the text always kept)."""

import re

import pytest

from portal.sandbox import agents
from portal.tickets.views import reply
from tests.factories import new_ticket, set_faults, set_status, sign_in_as, ticket_link
from tests.tickets.views.routes import assert_routes

pytestmark = pytest.mark.django_db


def test_it_is_what_both_reply_urls_resolve_to():
    assert_routes("reply", "reply-link", "reply/", reply.reply)


def test_it_works_signed_in_through_the_link_and_in_the_frame(client, sandbox, vouched):
    found = new_ticket()
    sign_in_as(client)
    pages = (f"/tickets/{found.id}/", ticket_link(found.id), f"/embed/tickets/{found.id}/")
    for number, page in enumerate(pages):
        response = client.post(page + "reply/", {"body": f"Reply {number}"})
        assert response.status_code == 302 and response["Location"] == page + "#latest"
    bodies = [m["body"] for m in agents.get_ticket(sandbox, found.id)["messages"]]
    assert bodies == ["Reply 0", "Reply 1", "Reply 2"]


def test_it_gives_htmx_the_form_and_the_conversation(client, sandbox):
    found = new_ticket()
    link = ticket_link(found.id)
    response = client.post(link + "reply/", {"body": "Live reply"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<form method="post"')
    assert re.search(r'<section id="conversation"[^>]*hx-swap-oob="true"', html)
    assert f'hx-post="{link}reply/"' in html and f'hx-get="{link}?v=' in html


def test_it_keeps_the_text_when_it_cannot_send(client, sandbox):
    found = new_ticket()
    link = ticket_link(found.id)
    set_faults(sandbox, force_status=500)  # before the portal has a copy to show
    failing = client.post(link + "reply/", {"body": "Kept one"}, HTTP_HX_REQUEST="true")
    assert failing.status_code == 503 and "Kept one</textarea>" in failing.content.decode()
    set_faults(sandbox)
    signed_out = client.post(f"/tickets/{found.id}/reply/", {"body": "Kept two"})
    assert signed_out.status_code == 403 and "Kept two</textarea>" in signed_out.content.decode()
    invalid = client.post(link + "reply/", {"body": " "}, HTTP_HX_REQUEST="true")
    assert invalid.status_code == 422 and "This field is required." in invalid.content.decode()
    set_status(sandbox, found.id, "closed")
    closed = client.post(link + "reply/", {"body": "Kept three"})
    assert closed.status_code == 422 and "Kept three</textarea>" in closed.content.decode()
    assert agents.get_ticket(sandbox, found.id)["messages"] == []


def test_it_changes_nothing_on_a_get_a_forged_link_or_someone_elses_ticket(client, sandbox):
    found = new_ticket()
    assert client.get(ticket_link(found.id) + "reply/?body=x").status_code == 405
    assert client.post("/t/forged/reply/", {"body": "x"}).status_code == 404
    sign_in_as(client, "someone@example.org")
    assert client.post(f"/tickets/{found.id}/reply/", {"body": "x"}).status_code == 404
    assert agents.get_ticket(sandbox, found.id)["messages"] == []
