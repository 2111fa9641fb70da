"""A customer submits a request in a real browser, with and without JavaScript, under the CSP."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.a11y import axe_violations
from tests.factories import find_ticket, set_faults, ticket_count

REQUEST = {
    "subject": "The export button does nothing",
    "description": "I click Export on the invoices page and nothing downloads.",
    "customer_email": "robin@example.com",
    "customer_name": "Robin Browser",
    "priority": "high",
}
# What the customer reads next to each field: the tests find fields the way a person does, which
# also proves every field has a label.
LABELS = {
    "subject": "Subject",
    "description": "How can we help?",
    "customer_email": "Your email address",
    "customer_name": "Your name",
    "priority": "Priority",
}
SLOW = 15_000  # ms: an upper bound to wait for, never a delay
TICKET_NUMBER = re.compile(r"Your ticket number is #(\d+)")


def fill_in(page: Page, **values: str) -> None:
    for name, value in (REQUEST | values).items():
        field = page.get_by_label(LABELS[name], exact=True)
        if name == "priority":
            field.select_option(value)
        else:
            field.fill(value)


def send(page: Page) -> None:
    page.get_by_role("button", name="Send request").click()


def shown_ticket_number(page: Page) -> int:
    confirmation = page.get_by_text(TICKET_NUMBER)
    expect(confirmation).to_be_visible()
    return int(TICKET_NUMBER.search(confirmation.inner_text()).group(1))


def test_it_creates_a_ticket_and_shows_the_customer_its_number(page, portal, screenshot):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Submit a request")
    fill_in(page)
    screenshot(page, "submit-filled")

    send(page)

    expect(page).to_have_url(re.compile(r"/submitted/"))
    number = shown_ticket_number(page)
    screenshot(page, "submit-confirmation")
    ticket = find_ticket(portal.store, number)
    assert ticket["subject"] == REQUEST["subject"]
    assert ticket["description"] == REQUEST["description"]
    assert ticket["priority"] == "high"
    assert ticket["customer"]["email"] == REQUEST["customer_email"]


def test_it_creates_a_ticket_with_javascript_turned_off(nojs_page, portal):
    nojs_page.goto("/")
    fill_in(nojs_page, subject="Sent without JavaScript", priority="low")

    send(nojs_page)

    number = shown_ticket_number(nojs_page)
    ticket = find_ticket(portal.store, number)
    assert ticket["subject"] == "Sent without JavaScript"
    assert ticket["priority"] == "low"


def test_it_shows_field_errors_and_keeps_what_was_typed(page, portal, screenshot):
    page.goto("/")
    fill_in(page, description="", customer_email="robin-at-example.com")

    send(page)

    email = page.get_by_label(LABELS["customer_email"], exact=True)
    description = page.get_by_label(LABELS["description"], exact=True)
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description(re.compile("Enter a valid email address"))
    expect(description).to_have_accessible_description(re.compile("This field is required"))
    expect(email).to_have_value("robin-at-example.com")
    expect(page.get_by_label(LABELS["subject"], exact=True)).to_have_value(REQUEST["subject"])
    expect(page.get_by_label(LABELS["customer_name"], exact=True)).to_have_value(
        REQUEST["customer_name"]
    )
    expect(page.get_by_label(LABELS["priority"], exact=True)).to_have_value("high")
    screenshot(page, "submit-errors")
    assert ticket_count(portal.store) == 0


def test_it_sends_the_pages_with_a_content_security_policy(page, portal):
    response = page.goto("/")

    policy = response.headers["content-security-policy"]
    assert re.search(r"(^|; )script-src 'self'", policy)
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    # The `page` fixture fails the test if the page then reports a CSP violation or JS error.
    expect(page.get_by_role("button", name="Send request")).to_be_enabled()


def test_it_accepts_the_form_with_secure_cookies_over_http_on_localhost(page, portal, settings):
    # Chromium treats http://localhost as a secure context, so a `Secure` CSRF cookie (as in
    # production, and as an embedded portal needs) still round-trips in these tests.
    settings.CSRF_COOKIE_SECURE = settings.SESSION_COOKIE_SECURE = True
    page.goto("/")
    [csrf] = [c for c in page.context.cookies() if c["name"] == settings.CSRF_COOKIE_NAME]
    assert csrf["secure"]
    fill_in(page, subject="Sent with secure cookies")

    send(page)

    number = shown_ticket_number(page)
    assert find_ticket(portal.store, number)["subject"] == "Sent with secure cookies"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_it_has_no_serious_accessibility_problems_on_any_step(page, portal, scheme, screenshot):
    page.emulate_media(color_scheme=scheme)
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    screenshot(page, f"submit-{scheme}")
    assert axe_violations(page) == [], "the empty form"

    fill_in(page, subject="", customer_email="nope")
    send(page)
    expect(page.get_by_label(LABELS["subject"], exact=True)).to_have_attribute(
        "aria-invalid", "true"
    )
    assert axe_violations(page) == [], "the form with errors"

    fill_in(page)
    send(page)
    shown_ticket_number(page)
    screenshot(page, f"submitted-{scheme}")
    assert axe_violations(page) == [], "the confirmation"


def test_a_slow_send_says_sending_and_marks_the_form_busy(page, portal):
    page.goto("/")
    page.get_by_label("Subject").fill("Slow helpdesk")
    page.get_by_label("How can we help?").fill("Testing a slow answer.")
    page.get_by_label("Your email address").fill("robin@example.com")
    page.get_by_label("Your name", exact=True).fill("Robin Rider")
    set_faults(portal.store, latency_ms=3000)  # Tixallo takes its time

    page.get_by_role("button", name="Send request").click()

    form = page.locator("#ticket-form")
    expect(form).to_have_attribute("aria-busy", "true")
    expect(form.get_by_role("button")).to_have_text("Sending…")
    expect(page.get_by_text("Your ticket number is")).to_be_visible(timeout=SLOW)
