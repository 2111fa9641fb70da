"""Replying on a ticket page, and "This is solved": sent once, shown at once (or as
"Sending…" while the outbox keeps it), kept whenever it cannot be sent, refused calmly."""

import re

import pytest
from django.test import Client

from portal.outbox.models import Submission
from portal.outbox.tasks import deliver_submission
from portal.sandbox import agents
from tests.factories import find_ticket, new_ticket, set_faults, set_status, ticket_link

pytestmark = pytest.mark.django_db


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


def test_it_queues_a_reply_and_shows_it_as_sending(client, sandbox, settings):
    ticket = new_ticket()
    link = ticket_link(ticket.id)
    client.get(link)
    settings.TIXALLO_RETRY_BUDGET = 0
    set_faults(sandbox, next=["503"] * 3)
    client.post(link, {"body": "Queued reply text"})
    set_faults(sandbox)
    page = client.get(link).content.decode()
    assert "Queued reply text" in page and "· Sending…" in page
    deliver_submission.call(Submission.objects.get().pk)
    settings.PORTAL_CACHE_SECONDS = 0
    page = client.get(link).content.decode()
    assert "Queued reply text" in page and "· Sending…" not in page


def test_a_queued_reply_shows_as_sending_whatever_the_spelling_tixallo_keeps(
    client, sandbox, settings
):
    ticket = new_ticket(email="Anna.Smith@Example.COM")
    link = ticket_link(ticket.id)
    client.get(link)
    settings.TIXALLO_RETRY_BUDGET = 0
    set_faults(sandbox, next=["503"] * 3)
    client.post(link, {"body": "Queued reply text"})
    set_faults(sandbox)
    assert "· Sending…" in client.get(link).content.decode()


# --- a reply that cannot be sent is kept -------------------------------------------------


def test_it_keeps_the_reply_when_tixallo_is_down(client, sandbox):
    ticket = new_ticket()
    link = ticket_link(ticket.id)
    set_faults(sandbox, force_status=500)
    response = client.post(link, {"body": "Please keep me"})
    assert response.status_code == 503
    assert "Please keep me" in response.content.decode()


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


def test_a_reply_to_a_ticket_known_closed_sends_nothing_and_keeps_the_text(
    client, sandbox, settings
):
    settings.PORTAL_CACHE_SECONDS = 0
    ticket = new_ticket()
    link = ticket_link(ticket.id)
    client.get(link)
    set_status(sandbox, ticket.id, "closed")
    client.get(link)  # the portal now knows it is closed
    response = client.post(link, {"body": "One more thing"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    html = response.content.decode()
    assert "<html" not in html  # the reply form's place, for htmx
    assert re.search(r'<section id="conversation"[^>]*hx-swap-oob="true"', html)  # now Closed
    assert ">One more thing</textarea>" in html
    assert 'value="Follow-up to #1001: Cannot log in"' in html
    assert not Submission.objects.exists()


# --- "This is solved" ------------------------------------------------------------------


def test_a_customer_marks_an_open_request_solved(client, sandbox):
    ticket = new_ticket()
    link = ticket_link(ticket.id)
    assert "This is solved" in client.get(link).content.decode()
    response = client.post(link, {"action": "solve"})
    assert response.status_code == 302 and response["Location"] == link
    assert find_ticket(sandbox, 1001)["status"] == "solved"
    html = client.get(link).content.decode()
    assert "Solved" in html
    assert "This is solved" not in html  # only on open requests
    assert 'name="body"' in html  # a reply opens it again


def test_mark_as_solved_is_refused_on_a_closed_request_and_calm_when_tixallo_fails(client, sandbox):
    ticket = new_ticket()
    link = ticket_link(ticket.id)
    set_faults(sandbox, force_status=503)
    response = client.post(link, {"action": "solve"})
    assert response.status_code == 503
    set_faults(sandbox)
    set_status(sandbox, ticket.id, "closed")
    client.post(link, {"action": "solve"})
    assert find_ticket(sandbox, 1001)["status"] == "closed"


@pytest.mark.parametrize("limit", ["address", "email"])
def test_mark_as_solved_over_the_rate_limit_says_to_wait(client, sandbox, settings, limit):
    limits = {"address": (100, 3600), "email": (100, 600)} | {limit: (0, 600)}
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"reply": limits}
    ticket = new_ticket()
    response = client.post(ticket_link(ticket.id), {"action": "solve"})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "Please try again in " in response.content.decode()
    assert find_ticket(sandbox, 1001)["status"] != "solved"


def test_this_is_solved_works_for_the_second_visitor_of_a_cached_ticket_page(sandbox):
    """The conversation is cached for everyone; the solve form's CSRF token is not."""
    ticket = new_ticket()
    link = ticket_link(ticket.id)
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get(link)
    page = second.get(link).content.decode()
    solve_form = page[page.index('class="solve"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', solve_form).group(1)
    response = second.post(link, {"action": "solve", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert find_ticket(sandbox, ticket.ticket_number)["status"] == "solved"
