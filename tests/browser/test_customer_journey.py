"""A customer follows their requests in a real browser: a private link, sign-in by
email, My requests, a conversation that updates live (a ticket closed while its page is
open included), replies and "This is solved", the language switcher — with and without
JavaScript, without serious accessibility problems or console errors."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from portal.sandbox import agents
from portal.sandbox.seed import seed
from tests.browser.a11y import axe_violations
from tests.factories import new_ticket, ticket_link


def sign_in(page: Page, email: str = "alex@example.com") -> None:
    page.goto("/signin/")
    page.get_by_label("Your email address").fill(email)
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    link = re.search(r"http://\S+/signin/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My requests")).to_be_visible()


def test_it_shows_an_agents_reply_on_the_open_page_without_a_reload(page, portal, live, screenshot):
    ticket = new_ticket(subject="Cannot export invoices")
    page.goto(ticket_link(ticket.id))
    expect(page.get_by_text("Received", exact=True)).to_be_visible()
    page.evaluate("window.notReloaded = true")

    agents.agent_reply(portal.store, ticket.id, "We found the bug; a fix ships today.", "Rita")

    expect(page.locator("#conversation").get_by_text("We found the bug")).to_be_visible()
    expect(page.locator(".badge", has_text="Waiting for your reply")).to_be_visible()
    expect(page.locator("#announcer")).to_contain_text("New message from Rita")
    expect(page.locator("#announcer")).to_contain_text("Status changed: Waiting for your reply")
    assert page.evaluate("window.notReloaded") is True
    screenshot(page, "ticket-conversation")


def test_it_updates_my_requests_when_a_ticket_changes(page, portal, live, screenshot):
    first = new_ticket(subject="Invoice is wrong")
    new_ticket(subject="Password reset mail never arrives")
    sign_in(page)
    rows = page.locator(".ticket-row")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Password reset mail never arrives")
    screenshot(page, "my-requests")

    agents.agent_reply(portal.store, first.id, "Corrected invoice attached.")

    expect(rows.first).to_contain_text("Invoice is wrong")  # newest update first
    expect(rows.first).to_contain_text("Waiting for your reply")


def test_it_sends_a_reply_once_and_clears_the_box(page, portal, live):
    ticket = new_ticket()
    page.goto(ticket_link(ticket.id))
    page.get_by_label("Your reply").fill("Here is the screenshot you asked for.")
    page.get_by_role("button", name="Send reply").dblclick()

    expect(page.locator("#conversation .message")).to_have_count(2)
    expect(page.get_by_label("Your reply")).to_have_value("")
    bodies = [m["body"] for m in agents.get_ticket(portal.store, ticket.id)["messages"]]
    assert bodies == ["Here is the screenshot you asked for."]


def test_it_shows_reply_errors_inline_and_moves_focus_to_them(page, portal):
    ticket = new_ticket()
    page.goto(ticket_link(ticket.id))
    page.get_by_role("button", name="Send reply").click()
    reply = page.get_by_label("Your reply")
    expect(reply).to_have_attribute("aria-invalid", "true")
    expect(reply).to_be_focused()


def test_it_works_end_to_end_without_javascript(nojs_page, portal):
    page = nojs_page
    ticket = new_ticket(subject="No JS here")
    sign_in(page)
    page.get_by_role("link", name="No JS here").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("No JS here")
    page.get_by_label("Your reply").fill("Replying without JavaScript.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Replying without JavaScript.")).to_be_visible()
    page.get_by_role("link", name="← My requests").click()
    page.get_by_role("link", name="Solved or closed").click()
    expect(page.get_by_text("No requests here.")).to_be_visible()
    assert agents.get_ticket(portal.store, ticket.id)["messages"][0]["author_type"] == "customer"


def test_it_never_shows_another_customers_ticket(page, portal):
    theirs = new_ticket("someone@example.org", subject="Their secret")
    sign_in(page)
    response = page.goto(f"/tickets/{theirs.id}/")
    assert response.status == 404
    expect(page.get_by_text("Their secret")).to_have_count(0)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_it_has_no_serious_accessibility_problems_on_the_customer_pages(new_page, portal, scheme):
    page = new_page(color_scheme=scheme)
    ticket = new_ticket(subject="Accessible?")
    agents.agent_reply(portal.store, ticket.id, "Yes: see https://example.com/a11y")
    sign_in(page)
    assert axe_violations(page) == []
    page.goto(ticket_link(ticket.id))
    assert axe_violations(page) == []
    page.goto("/signin/")
    assert axe_violations(page) == []


def test_it_fits_a_320px_phone_without_sideways_scrolling(new_page, portal):
    page = new_page(viewport={"width": 320, "height": 640})
    ticket = new_ticket(subject="A very long subject " * 5)
    agents.agent_reply(portal.store, ticket.id, "https://example.com/" + "x" * 120)
    for url in ("/", ticket_link(ticket.id)):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_a_live_close_removes_the_reply_box_and_keeps_what_was_typed(
    page, portal, live, screenshot
):
    ticket = new_ticket(subject="Bell rattles")
    page.goto(ticket_link(ticket.id))
    page.get_by_label("Your reply").fill("It rattles on cobbles too.")

    agents.set_status(portal.store, ticket.id, "closed")

    closed = page.get_by_text("This request is closed, so it can't take new replies.")
    expect(closed).to_be_visible()
    expect(page.get_by_label("Your reply")).to_have_count(0)
    expect(page.locator("#announcer")).to_contain_text("Status changed: Closed")
    kept = page.get_by_label("Your unsent reply")
    expect(kept).to_have_value("It rattles on cobbles too.")
    screenshot(page, "closed-while-open")
    page.get_by_role("button", name="Start a new request with this text").click()

    expect(page.get_by_role("heading", name="Submit a request")).to_be_visible()
    expect(page.get_by_label("Subject")).to_have_value("Follow-up to #1001: Bell rattles")
    expect(page.get_by_label("How can we help?")).to_have_value("It rattles on cobbles too.")


def test_without_javascript_solve_and_a_late_reply_work_too(nojs_page, portal):
    page = nojs_page
    ticket = new_ticket(subject="Saddle squeaks")
    page.goto(ticket_link(ticket.id))
    page.get_by_role("button", name="This is solved").click()
    expect(page.locator(".badge", has_text="Solved")).to_be_visible()
    expect(page.get_by_role("button", name="This is solved")).to_have_count(0)

    agents.set_status(portal.store, ticket.id, "closed")  # while the customer types
    page.get_by_label("Your reply").fill("Squeaks again after the rain.")
    page.get_by_role("button", name="Send reply").click()

    expect(page.get_by_text("closed before your reply arrived")).to_be_visible()
    expect(page.get_by_label("Your unsent reply")).to_have_value("Squeaks again after the rain.")
    page.get_by_role("button", name="Start a new request with this text").click()
    expect(page.get_by_label("How can we help?")).to_have_value("Squeaks again after the rain.")
    expect(page.get_by_label("Subject")).to_have_value("Follow-up to #1001: Saddle squeaks")


@pytest.mark.parametrize("javascript", [True, False])
def test_the_language_switcher_keeps_the_choice(new_page, portal, javascript):
    page = new_page(java_script_enabled=javascript)
    page.goto("/signin/")
    page.get_by_role("button", name="Deutsch").click()
    expect(page.get_by_role("heading", name="Ihre Anfragen ansehen")).to_be_visible()
    page.get_by_role("link", name="Anfrage stellen").first.click()
    expect(page.get_by_role("heading", name="Anfrage stellen")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Submit a request")).to_be_visible()


def test_pages_log_nothing_to_the_console_dark_german_on_a_phone(new_page, portal):
    """No CSP violation (the fixture fails on any) and no failed load, such as a missing
    /favicon.ico, on the pages a walk-through visits."""
    seed(portal.store)
    page = new_page(
        color_scheme="dark", locale="de-DE", viewport={"width": 360, "height": 720},
        permissions=["local-network-access"],
    )  # fmt: skip
    failures = []
    page.on("console", lambda m: failures.append(m.text) if "Failed to load" in m.text else None)
    ticket = new_ticket(subject="Klingel klappert")
    for url in ("/", "/signin/", ticket_link(ticket.id), "/embed/demo/?as=alex"):
        page.goto(url)
        expect(page.locator("h1").first).to_be_visible()
    expect(page.frame_locator("iframe").get_by_label("Ihre E-Mail-Adresse")).to_have_value(
        "alex@example.com"
    )
    page.goto("/favicon.ico")
    assert failures == []
