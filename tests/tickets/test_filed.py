"""The confirmation page after a submission (/submitted/…): the ticket number and what was
sent, but the private link only by email; a proven owner goes straight to the ticket."""

import re

import pytest
from django.core import mail

from tests.factories import FORM, page_text, sign_in_as

pytestmark = pytest.mark.django_db


def test_the_confirmation_page_is_never_cached(client, sandbox, signed_in):
    response = client.get(client.post("/", FORM)["Location"], follow=True)
    assert (
        "no-cache" in response.headers.get("Cache-Control", "")
        or "no-store" in response["Cache-Control"]
    )


def test_the_confirmation_shows_what_was_sent_but_no_private_link(client, sandbox):
    response = client.post("/", FORM, follow=True)
    html = response.content.decode()
    assert re.search(r"#\d+", html) and "Refund please" in html
    assert "I was charged twice for order 5521." in html and "alex@example.com" in html
    assert "/t/" not in html and "/tickets/" not in response.redirect_chain[-1][0]
    assert "/t/" in mail.outbox[-1].body  # the link went to the inbox
    assert "/sandbox/inbox/" in html  # the demo's inbox, for a self-contained demo


def test_a_signed_in_owner_goes_straight_to_the_ticket(client, sandbox):
    sign_in_as(client, "alex@example.com")
    response = client.post("/", FORM)
    landing = client.get(response["Location"])
    assert landing.status_code == 302 and landing["Location"].startswith("/tickets/")


def test_a_signed_in_owner_is_told_on_the_ticket_that_it_arrived_once(client, sandbox):
    sign_in_as(client, "alex@example.com")
    ticket_page = client.post("/", FORM, follow=True)
    assert "Thank you — we&#x27;ve got your request #1001." in ticket_page.content.decode()
    again = client.get(ticket_page.redirect_chain[-1][0]).content.decode()
    assert "got your request" not in again


def test_the_confirmation_repeats_name_and_priority_too(client, sandbox):
    text = page_text(client.post("/", FORM | {"priority": "urgent"}, follow=True))
    assert "Your name Alex Example" in text and "Priority Urgent" in text


def test_someone_signed_in_as_another_email_gets_no_link(client, sandbox):
    sign_in_as(client, "mallory@example.com")
    html = client.post("/", FORM, follow=True).content.decode()
    assert "/t/" not in html and "/tickets/tkt" not in html


def test_it_answers_404_for_a_tampered_confirmation(client, sandbox):
    assert client.get("/submitted/not-a-signed-token/").status_code == 404
