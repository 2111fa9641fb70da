"""Issue 19 in a real browser: searching and sorting My requests (bookmarkable, live),
rating a solved request and muting its answer emails — with and without JavaScript, in
the frame, in German, and the admin's satisfaction chart; axe-clean throughout."""

import re

from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from portal.config.models import PortalSettings
from portal.customers import identity
from portal.sandbox import agents
from portal.satisfaction.models import Rating
from tests.browser.a11y import axe_violations
from tests.browser.test_customer_journey import sign_in
from tests.browser.test_embed_in_browser import open_host_page, portal_frame, shop_embedding
from tests.factories import IDENTITY_SECRET, new_ticket, set_status, ticket_link

__all__ = ["shop_embedding"]  # the fixture, used by the frame test


def solved_ticket(portal, subject: str = "Printer jams on page two"):
    ticket = new_ticket(subject=subject)
    agents.agent_reply(portal.store, ticket.id, "A new roller is on its way.", "Rita")
    set_status(portal.store, ticket.id, "solved")
    return ticket


def test_a_customer_finds_an_old_request_by_a_word_and_the_list_stays_live(
    page, portal, live, screenshot
):
    wanted = new_ticket(subject="Invoice is wrong")
    new_ticket(subject="Password reset mail never arrives")
    new_ticket(subject="Second invoice missing")
    sign_in(page)
    page.get_by_label("Search by subject or number").fill("invoice")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/tickets/\?(.*&)?q=invoice"))
    rows = page.locator(".ticket-row")
    expect(rows).to_have_count(2)
    expect(page.locator(".search-summary")).to_contain_text("2 requests match “invoice”.")
    assert axe_violations(page) == []

    agents.agent_reply(portal.store, wanted.id, "Corrected invoice attached.")
    expect(rows.first).to_contain_text("Invoice is wrong")  # recently updated first, live
    expect(rows.first).to_contain_text("Waiting for your reply")
    expect(rows).to_have_count(2)  # still the search

    page.get_by_label("Sort").select_option("created")
    page.get_by_role("button", name="Search").click()
    expect(rows.first).to_contain_text("Second invoice missing")
    page.get_by_role("link", name="Open", exact=True).click()  # a tab keeps the search
    expect(page).to_have_url(re.compile(r"status=open.*q=invoice"))
    expect(rows).to_have_count(2)  # both are open
    # Last: Chromium reports the style a screenshot injects as a CSP violation if the
    # page changes after it.
    screenshot(page, "my-requests-search")


def test_a_customer_rates_a_solved_request_and_changes_it(page, portal, screenshot):
    ticket = solved_ticket(portal)
    page.goto(ticket_link(ticket.id))
    box = page.locator("#rating")
    expect(box.get_by_role("heading", name="How did we do?")).to_be_visible()
    box.get_by_label("Good, I'm satisfied").check()
    box.get_by_label("Comment (optional)").fill("Quick and kind, thank you")
    box.get_by_role("button", name="Send my rating").click()
    expect(box.get_by_role("status")).to_have_text("You rated our help: good. Thank you!")
    assert axe_violations(page) == []
    box.get_by_label("Bad, I'm not satisfied").check()
    box.get_by_role("button", name="Change my rating").click()
    expect(box.get_by_role("status")).to_contain_text("You rated our help: bad")
    assert Rating.objects.get().rating == "bad"
    screenshot(page, "ticket-rating")


def test_without_javascript_rating_and_muting_work_too(nojs_page, portal):
    PortalSettings.objects.update_or_create(pk=1, defaults={"email_agent_answers": True})
    ticket = solved_ticket(portal)
    page: Page = nojs_page
    page.goto(ticket_link(ticket.id))
    page.get_by_label("Bad, I'm not satisfied").check()
    page.get_by_role("button", name="Send my rating").click()
    expect(page.locator("#rating").get_by_role("status")).to_contain_text("rated our help: bad")
    assert page.url.endswith("#rating")
    page.get_by_role("button", name="Stop emails about this request").click()
    expect(page.locator("#answer-emails")).to_contain_text("Muted: we won't email you")
    page.get_by_role("button", name="Email me about answers again").click()
    expect(page.locator("#answer-emails")).to_contain_text("We email you when we answer")


def test_a_customer_mutes_a_noisy_request_in_german_and_dark(new_page, portal, screenshot):
    PortalSettings.objects.update_or_create(pk=1, defaults={"email_agent_answers": True})
    ticket = solved_ticket(portal)
    page = new_page(locale="de-DE", color_scheme="dark")
    page.goto(ticket_link(ticket.id))
    expect(page.get_by_role("heading", name="Wie war unsere Hilfe?")).to_be_visible()
    page.get_by_role("button", name="E-Mails zu dieser Anfrage abschalten").click()
    expect(page.locator("#answer-emails")).to_contain_text("Stummgeschaltet")
    assert axe_violations(page) == []
    screenshot(page, "ticket-rating-muted-de")


def test_rating_works_inside_the_frame(new_page, portal, shop_embedding):
    ticket = solved_ticket(portal, "Where is my parcel?")
    page = new_page(permissions=["local-network-access"])
    token = identity.mint("alex@example.com", "Alex Example", IDENTITY_SECRET)
    open_host_page(page, portal.url, identity_token=token, page="requests")
    inside = page.frame_locator("iframe")
    inside.get_by_label("Search by subject or number").fill("parcel")
    inside.get_by_role("button", name="Search").click()
    inside.get_by_role("link", name=re.compile("Where is my parcel")).click()
    # Until the frame's page has loaded: when it does, embed.js scrolls the host page to
    # the frame's top, and a click aimed before that scroll lands elsewhere.
    portal_frame(page).wait_for_url(f"**/embed/tickets/{ticket.id}/")
    inside.get_by_label("Good, I'm satisfied").check()
    inside.get_by_role("button", name="Send my rating").click()
    expect(inside.locator("#rating").get_by_role("status")).to_contain_text("good")
    assert axe_violations(page, frame=portal_frame(page)) == []


def test_the_admin_reads_the_satisfaction_trend(page, portal, screenshot):
    User.objects.create_superuser("boss", "boss@example.com", "correct horse battery")
    for number, (score, comment) in enumerate(
        [("good", "Fast"), ("good", ""), ("bad", "Took a week"), ("good", "Kind")], start=1001
    ):
        Rating.objects.create(
            ticket_id=f"tkt_{number}", ticket_number=number, subject=f"Request {number}",
            rating=score, comment=comment,
        )  # fmt: skip
    page.goto("/admin/login/?next=/admin/satisfaction/rating/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "correct horse battery")
    page.click("input[type=submit]")
    chart = page.get_by_role("img", name=re.compile("Share of good ratings by week"))
    expect(chart).to_be_visible()
    expect(page.get_by_text("Took a week")).to_be_visible()
    assert chart.evaluate("e => e.getBoundingClientRect().width") > 300  # styled (CSP allows it)
    assert axe_violations(page) == []
    screenshot(page, "admin-satisfaction")


def test_without_javascript_search_and_sort_work(nojs_page, portal):
    new_ticket(subject="Invoice is wrong")
    new_ticket(subject="Password reset")
    page: Page = nojs_page
    sign_in(page)
    page.get_by_label("Search by subject or number").fill("#1002")
    page.get_by_label("Sort").select_option("created")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".ticket-row")).to_have_count(1)
    expect(page.locator(".ticket-row")).to_contain_text("Password reset")
    assert "sort=created" in page.url and "q=%231002" in page.url
