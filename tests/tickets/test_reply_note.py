"""The reply box's note follows the request's state while its page is open: a poll that
finds it solved (or reopened) brings the note out of band, leaving the typed text alone."""

import pytest

from tests.factories import new_ticket, poll_url, set_status, ticket_link

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
NOTE = "This request is solved. Replying opens it again."


def test_a_poll_that_finds_the_request_solved_updates_the_reply_note(client, sandbox, settings):
    settings.PORTAL_CACHE_SECONDS = 0  # each poll reads Tixallo afresh
    ticket = new_ticket()
    link = ticket_link(ticket.id)
    page = client.get(link).content.decode()
    assert f'id="reply-note" hidden>{NOTE}' in page

    set_status(sandbox, ticket.id, "solved")
    fresh = client.get(poll_url(page, link), headers=HTMX).content.decode()
    assert f'id="reply-note" hx-swap-oob="true">{NOTE}' in fresh
    assert 'name="body"' not in fresh  # the box itself, and what is typed in it, stay

    set_status(sandbox, ticket.id, "open")
    reopened = client.get(poll_url(fresh, link), headers=HTMX).content.decode()
    assert 'id="reply-note" hx-swap-oob="true" hidden>' in reopened
