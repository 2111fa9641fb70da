"""The request page's view (`views.ticket`, URL names "ticket" and "link"): the page and
its poll in both mounts, and posts from forms drawn before its actions had URLs of their
own, handed to the reply and "This is solved"."""

import re

import pytest

from portal.tickets import urls
from portal.tickets.views import ticket
from tests.factories import find_ticket, new_ticket, poll_url, sign_in_as, ticket_link
from tests.tickets.views.routes import assert_routes

pytestmark = pytest.mark.django_db


def test_it_is_what_both_page_urls_resolve_to():
    assert_routes("ticket", "link", "", ticket.ticket)


def test_it_shows_the_page_signed_in_through_the_link_and_in_the_frame(client, sandbox, vouched):
    found = new_ticket(subject="Printer on fire")
    sign_in_as(client)
    for page in (f"/tickets/{found.id}/", ticket_link(found.id), f"/embed/tickets/{found.id}/"):
        response = client.get(page)
        assert response.status_code == 200 and "Printer on fire" in response.content.decode()


def test_its_forms_post_to_the_actions_own_urls(client, sandbox):
    found = new_ticket()
    link = ticket_link(found.id)
    html = client.get(link).content.decode()
    assert f'action="{link}reply/"' in html and f'hx-post="{link}reply/"' in html
    assert f'action="{link}solve/"' in html
    assert f'action="{link}"' not in html
    sign_in_as(client)
    framed = client.get(f"/embed/tickets/{found.id}/").content.decode()
    assert f'hx-post="/embed/tickets/{found.id}/reply/"' in framed
    assert f'action="/embed/tickets/{found.id}/solve/"' in framed


def test_it_answers_its_poll_with_204_or_the_conversation(client, sandbox):
    found = new_ticket()
    link = ticket_link(found.id)
    poll = poll_url(client.get(link).content.decode(), link)
    assert poll.startswith(link + "?v=")
    assert client.get(poll, HTTP_HX_REQUEST="true").status_code == 204
    changed = client.get(link + "?v=old", HTTP_HX_REQUEST="true")
    assert changed.status_code == 200
    assert changed.content.decode().lstrip().startswith('<section id="conversation"')


def test_it_still_takes_a_reply_posted_to_the_page_url(client, sandbox):
    found = new_ticket()
    link = ticket_link(found.id)
    response = client.post(link, {"body": "From a page opened yesterday"})
    assert response.status_code == 302 and response["Location"] == link + "#latest"
    assert "From a page opened yesterday" in client.get(link).content.decode()


def test_it_still_takes_this_is_solved_posted_to_the_page_url(client, sandbox):
    found = new_ticket()
    sign_in_as(client)
    page = f"/tickets/{found.id}/"
    response = client.post(page, {"action": "solve"})
    assert response.status_code == 302 and response["Location"] == page
    assert find_ticket(sandbox, found.ticket_number)["status"] == "solved"


def test_it_still_keeps_a_reply_posted_to_the_page_url_after_the_session_ended(client, sandbox):
    found = new_ticket()
    response = client.post(f"/tickets/{found.id}/", {"body": "Typed for an hour"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Typed for an hour</textarea>" in html
    assert re.search(rf'action="/tickets/{found.id}/reply/"', html)  # sent on from here


def test_every_action_under_a_request_page_knows_its_page():
    """The frame's "open in a new tab" opens an action's page (`PAGE_OF_ACTION`)."""
    pages = {"tickets/<str:ticket_id>/": "ticket", "t/<str:token>/": "link"}
    actions = {
        pattern.name: page
        for pattern in urls.urlpatterns
        for prefix, page in pages.items()
        if str(pattern.pattern).startswith(prefix) and str(pattern.pattern) != prefix
    }
    assert actions == urls.PAGE_OF_ACTION
