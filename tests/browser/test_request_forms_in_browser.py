"""Request forms in a real browser: the chooser, a form's own fields, their errors and
what reaches Tixallo, with and without JavaScript; axe finds nothing to fix. In the
frame: test_embed_in_browser.py."""

import re

import pytest
from playwright.sync_api import Page, expect

from portal.demo import request_forms
from tests.browser.a11y import axe_violations
from tests.factories import find_ticket

TICKET_NUMBER = re.compile(r"Your ticket number is #(\d+)")


@pytest.fixture
def demo_forms(portal):
    request_forms.seed()  # "Billing question" and "Technical problem", as in the demo


def fill_in_billing(page: Page) -> None:
    page.get_by_label("Subject").fill("Charged twice")
    page.get_by_label("Order number").fill("5521")
    page.get_by_label("Product").select_option(label="Pro plan")
    page.get_by_label("Date of the charge").fill("2026-11-30")
    page.get_by_label("How can we help?").fill("My card shows two charges for one order.")
    page.get_by_label("Your email address").fill("robin@example.com")
    page.get_by_label("Your name", exact=True).fill("Robin Browser")


def sent_ticket(page: Page, portal) -> dict:
    confirmation = page.get_by_text(TICKET_NUMBER)
    expect(confirmation).to_be_visible()
    return find_ticket(portal.store, int(TICKET_NUMBER.search(confirmation.inner_text())[1]))


def test_the_chooser_offers_each_form_with_its_help(page, portal, demo_forms, screenshot):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Submit a request")
    expect(page.get_by_text("Invoices, charges, refunds and your plan.")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "request-form-chooser")


def test_a_filled_in_form_is_accessible(page, portal, demo_forms, screenshot):
    page.goto("/?form=billing")
    fill_in_billing(page)
    assert axe_violations(page) == []
    screenshot(page, "request-form")


def test_a_customer_picks_a_form_and_its_fields_reach_the_agents(page, portal, demo_forms):
    page.goto("/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Billing question").click()

    expect(page.get_by_role("heading", name="Billing question")).to_be_visible()
    fill_in_billing(page)
    page.get_by_label("Order number").fill("")
    page.get_by_role("button", name="Send request").click()
    order = page.get_by_label("Order number")
    expect(order).to_have_attribute("aria-invalid", "true")
    expect(order).to_have_accessible_description(re.compile("This field is required"))
    assert axe_violations(page) == []
    order.fill("5521")
    page.get_by_role("button", name="Send request").click()

    ticket = sent_ticket(page, portal)
    assert ticket["subject"] == "Billing question: Charged twice"
    assert ticket["description"].startswith(
        "Billing question\nOrder number: 5521\nProduct: Pro plan\nDate of the charge: 2026-11-30"
    )


def test_it_all_works_without_javascript_in_german(new_page, portal, demo_forms):
    page = new_page(java_script_enabled=False, locale="de-DE")
    page.goto("/")
    page.get_by_role("link", name="Technisches Problem").click()
    page.get_by_label("Betreff").fill("Sync hängt")
    page.get_by_label("Betroffene Personen").fill("3")
    page.get_by_label("Es hat vorher funktioniert").check()
    page.get_by_label("Wie können wir Ihnen helfen?").fill("Die Synchronisierung bleibt stehen.")
    page.get_by_label("Ihre E-Mail-Adresse").fill("robin@example.com")
    page.get_by_label("Ihr Name", exact=True).fill("Robin Browser")
    page.get_by_role("button", name="Anfrage senden").click()

    number = page.get_by_text(re.compile(r"#(\d+)")).first
    expect(number).to_be_visible()
    ticket = find_ticket(portal.store, int(re.search(r"#(\d+)", number.inner_text())[1]))
    assert "People affected: 3\nIt worked before: Yes" in ticket["description"]
