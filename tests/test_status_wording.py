"""Statuses in customer words: defaults, admin overrides, unknown values as-is."""

import pytest

from portal.tickets import status
from portal.tickets.models import StatusWording
from portal.tickets.templatetags.portal import message_text
from tests.helpers import new_ticket, set_status, ticket_link

pytestmark = pytest.mark.django_db


def test_it_words_every_tixallo_status_for_customers():
    assert status.wording("pending").label == "Waiting for your reply"
    assert "within a day" in status.wording("open").expectation
    assert {status.wording(s).tone for s in status.OPEN + status.DONE} <= {
        "new", "active", "waiting", "done"
    }  # fmt: skip


def test_it_shows_an_unknown_status_as_it_is():
    wording = status.wording("escalated_to_vendor")
    assert wording.label == "escalated to vendor"
    assert wording.tone == "unknown"


def test_it_uses_the_admins_wording_at_once(client, sandbox):
    ticket = new_ticket()
    set_status(sandbox, ticket.id, "pending")
    assert "Waiting for your reply" in client.get(ticket_link(ticket.id)).content.decode()
    StatusWording.objects.create(status="pending", label="Your turn", expectation="")
    html = client.get(ticket_link(ticket.id)).content.decode()
    assert "Your turn" in html
    assert "Reply below to keep things moving." in html  # blank expectation: the default


def test_it_edits_wordings_in_django_admin(admin_client):
    response = admin_client.post(
        "/admin/tickets/statuswording/add/",
        {"status": "on_hold", "label": "Parked", "expectation": "Back soon."},
    )
    assert response.status_code == 302
    assert status.wording("on_hold").label == "Parked"


def test_it_renders_message_text_escaped_with_breaks_and_safe_links():
    html = message_text("<i>hi</i>\nsee https://example.com/x?a=1&b=2")
    assert html.startswith("&lt;i&gt;hi&lt;/i&gt;<br>")
    assert 'rel="noopener nofollow"' in html
    assert "a=1&amp;b=2" in html
