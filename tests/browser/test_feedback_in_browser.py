"""What the customer is told, and where focus goes, in a real browser (issue 18): errors
rather than a wait for two quick clicks on an empty form, a request solved while its page
is open, and a reply just sent (focused, never announced as someone's new message)."""

import re

from playwright.sync_api import expect

from portal.sandbox import agents
from tests.factories import new_ticket, ticket_link


def test_two_quick_clicks_on_an_empty_form_show_its_errors_and_focus_the_first(
    page, portal, settings
):
    settings.MIN_FILL_SECONDS = 60  # every click is "too quick"
    page.goto("/")
    page.get_by_role("button", name="Send request").dblclick()

    subject = page.get_by_label("Subject", exact=True)
    expect(subject).to_have_attribute("aria-invalid", "true")
    expect(subject).to_be_focused()
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    expect(page.get_by_text("try again in")).to_have_count(0)


def test_solved_while_open_the_reply_box_says_replying_opens_it_again(page, portal, live):
    ticket = new_ticket(subject="Wobbly wheel")
    page.goto(ticket_link(ticket.id))
    page.get_by_label("Your reply").fill("Still wobbling.")
    note = page.get_by_text("This request is solved. Replying opens it again.")
    expect(note).to_be_hidden()
    page.evaluate("window.notReloaded = true")

    agents.set_status(portal.store, ticket.id, "solved")

    expect(page.locator(".badge", has_text="Solved")).to_be_visible()
    expect(note).to_be_visible()
    expect(page.get_by_label("Your reply")).to_have_value("Still wobbling.")  # kept
    assert page.evaluate("window.notReloaded") is True

    agents.set_status(portal.store, ticket.id, "open")  # reopened by the agent: the note goes
    expect(note).to_be_hidden()


def test_after_a_reply_focus_is_on_it_and_it_is_not_announced_as_new(page, portal, live):
    ticket = new_ticket()
    page.goto(ticket_link(ticket.id))
    page.get_by_label("Your reply").fill("Here is the photo.")
    page.get_by_role("button", name="Send reply").click()

    mine = page.locator("#conversation .message").last
    expect(mine).to_contain_text("Here is the photo.")
    expect(mine).to_be_focused()
    expect(page.locator("#announcer")).not_to_contain_text("New message")

    agents.agent_reply(portal.store, ticket.id, "Thanks, that helps.", "Rita")
    expect(page.locator("#announcer")).to_contain_text("New message from Rita")


def test_a_limit_says_the_real_wait_and_takes_focus(page, portal, settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {
        "submit": {"address": (0, 600), "email": (100, 600)}
    }
    page.goto("/")
    page.get_by_label("Subject", exact=True).fill("Printer")
    page.get_by_role("button", name="Send request").click()

    notice = page.get_by_role("alert")
    # The limit's window is aligned to the clock: the wait left is anything up to 10 minutes.
    wait = re.compile(r"Please try again in \d+ (minutes?|seconds?)\.")
    expect(notice).to_contain_text(wait)
    expect(notice).to_be_focused()
    expect(page.get_by_label("Subject", exact=True)).to_have_value("Printer")
