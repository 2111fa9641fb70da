"""A form without its CSRF cookie (cookies blocked in the frame): a friendly page that
gives back what was typed."""

import re

import pytest
from django.test import Client

from tests.factories import FORM, new_ticket, request_form, ticket_link, typed_into

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("embedding")]


def test_a_csrf_failure_is_friendly_and_gives_back_what_was_typed(sandbox):
    browser = Client(enforce_csrf_checks=True)  # sends no CSRF cookie: as if blocked
    response = browser.post("/embed/", FORM | {"description": "Line one\n<b>two</b>"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your message wasn't sent yet" in html
    assert "inside another website" in html
    assert re.search(r"<textarea[^>]*readonly[^>]*>Refund please</textarea>", html)
    assert "Line one\n&lt;b&gt;two&lt;/b&gt;</textarea>" in html  # escaped, not lost
    assert '<a class="button" href="/" target="_blank" rel="noopener">' in html
    assert 'class="embedded"' in html
    assert "X-Frame-Options" not in response  # shown inside the frame, where it happened
    assert "https://www.example.com" in response["Content-Security-Policy"]


def test_a_csrf_failure_gives_back_a_request_forms_fields_and_opens_that_form(sandbox):
    form = request_form("billing", ("text", "Order number", True), ("text", "Coupon", False))
    browser = Client(enforce_csrf_checks=True)
    posted = FORM | typed_into(form, Order_number="5521") | {"form": "billing"}
    html = browser.post("/embed/", posted).content.decode()
    order = f"typed-field_{form.fields.get(label='Order number').pk}"
    assert re.search(rf'<label for="{order}">Order number</label>\s*<textarea id="{order}"', html)
    assert "Coupon" not in html  # left empty: nothing to give back
    assert html.index("Refund please") < html.index("5521") < html.index("charged twice")
    assert 'href="/?form=billing" target="_blank"' in html


def test_a_csrf_failure_on_a_reply_keeps_the_reply(sandbox):
    ticket = new_ticket()
    link = ticket_link(ticket.id)
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/embed" + link, {"body": "Still broken, sorry."})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Still broken, sorry.</textarea>" in html
    assert f'href="{link}" target="_blank"' in html


def test_a_csrf_failure_for_htmx_is_just_the_message(sandbox):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/", FORM, HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    html = response.content.decode()
    assert html.lstrip().startswith('<div class="card refusal"')
    assert "Refund please" in html


def test_a_first_party_csrf_failure_is_friendly_too(sandbox):
    response = Client(enforce_csrf_checks=True).post("/signin/", {"email": "a@example.com"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "a@example.com</textarea>" in html and "site-header" in html


@pytest.mark.parametrize("action", ["reply/", "solve/", "rating/"])
def test_a_csrf_failure_on_an_action_opens_its_request_page_in_the_new_tab(sandbox, action):
    ticket = new_ticket()
    link = ticket_link(ticket.id)
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/embed" + link + action, {"body": "Still broken, sorry."})
    assert response.status_code == 403
    assert f'href="{link}" target="_blank"' in response.content.decode()
