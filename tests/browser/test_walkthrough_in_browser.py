"""What only a browser shows of the walk-through (issue 10): a ticket closed while its
page is open, the busy state of a slow send, the embed script's diagnostics on a site
that may not frame the portal, and the language switcher."""

import pytest
from playwright.sync_api import Page, expect

from portal.sandbox import agents
from portal.sandbox.seed import seed
from tests.browser.test_embed_in_browser import open_host_page
from tests.helpers import new_ticket, set_faults, ticket_link

SLOW = 15_000  # ms: an upper bound to wait for, never a delay


@pytest.fixture
def live(settings):
    settings.PORTAL_POLL_SECONDS = 1
    settings.PORTAL_CACHE_SECONDS = 0


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


def test_a_slow_send_says_sending_inside_the_frame_too(new_page, portal, shop_only):
    page: Page = new_page(permissions=["local-network-access"])
    open_host_page(page, portal.url, lang="de")
    inside = page.frame_locator("iframe")
    inside.get_by_label("Betreff").fill("Langsam")
    inside.get_by_label("Wie können wir Ihnen helfen?").fill("Ein langsamer Test.")
    inside.get_by_label("Ihre E-Mail-Adresse").fill("robin@example.com")
    inside.get_by_label("Ihr Name", exact=True).fill("Robin Rider")
    set_faults(portal.store, latency_ms=3000)

    inside.get_by_role("button", name="Anfrage senden").click()

    form = inside.locator("#ticket-form")
    expect(form).to_have_attribute("aria-busy", "true")
    expect(form.locator("button[type=submit]")).to_have_text("Wird gesendet …")
    expect(inside.get_by_text("Ihre Ticketnummer lautet")).to_be_visible(timeout=SLOW)


@pytest.fixture
def shop_only(settings):
    settings.PORTAL_ALLOWED_ORIGINS = ["http://shop.localhost"]


def test_embed_js_shows_a_new_tab_link_where_the_portal_may_not_be_framed(
    new_page, portal, shop_only, browser_errors
):
    page: Page = new_page(permissions=["local-network-access"])
    with page.expect_console_message(
        lambda message: message.type == "warning" and "Tixallo Portal" in message.text,
        timeout=SLOW,
    ) as logged:
        open_host_page(page, portal.url, origin="http://elsewhere.localhost")
        link = page.get_by_role("link", name="Open support in a new tab")
        expect(link).to_be_visible(timeout=SLOW)
    assert "http://elsewhere.localhost" in logged.value.text
    assert "portal settings" in logged.value.text
    expect(link).to_have_attribute("href", f"{portal.url}/")
    expect(page.locator("iframe")).to_have_count(0)
    # Chromium's own report of the refused frame is the point of this test, not a bug.
    assert all("frame-ancestors" in error for error in browser_errors)
    browser_errors.clear()


def test_embed_js_keeps_the_frame_on_an_allowed_site(new_page, portal, shop_only):
    page: Page = new_page(permissions=["local-network-access"])
    open_host_page(page, portal.url)
    inside = page.frame_locator("iframe")
    expect(inside.get_by_role("heading", name="Submit a request")).to_be_visible()
    # The frame said hello back: the diagnostics stand down for good.
    page.wait_for_function("() => document.querySelector('iframe').style.height !== '600px'")
    expect(page.get_by_role("link", name="Open support in a new tab")).to_have_count(0)


def test_the_demo_shop_vouches_for_alex_and_the_frame_leaves_sign_out_to_it(
    page, portal, screenshot
):
    seed(portal.store)
    page.goto("/embed/demo/?as=alex")
    expect(page.get_by_text("Signed in as Alex Example")).to_be_visible()
    inside = page.frame_locator("iframe")
    expect(inside.get_by_label("Your email address")).to_have_value("alex@example.com")
    expect(inside.get_by_role("button", name="Sign out")).to_have_count(0)
    inside.get_by_role("link", name="My requests").click()
    expect(inside.locator(".ticket-row")).to_have_count(6)
    expect(inside.get_by_role("button", name="Sign out")).to_have_count(0)
    page.wait_for_function("() => document.querySelector('iframe').style.height !== '600px'")
    screenshot(page, "embedded")


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


def test_the_admin_copies_the_snippet_and_previews_the_branding(new_page, portal, screenshot):
    from django.contrib.auth import get_user_model

    from portal.config.models import PortalSettings

    get_user_model().objects.create_superuser("boss", "boss@example.com", "pass-for-tests-only")
    PortalSettings.objects.update_or_create(
        pk=1, defaults={"portal_name": "Bramblewood Help", "accent_colour": "#1f6f4a"}
    )
    page = new_page(permissions=["clipboard-read", "clipboard-write"])
    page.goto("/admin/login/?next=/admin/config/portalsettings/1/change/")
    page.get_by_label("Username").fill("boss")
    page.get_by_label("Password").fill("pass-for-tests-only")
    page.get_by_role("button", name="Log in").click()

    copy = page.locator('button[data-copy="embed-snippet"]')  # its name changes
    copy.click()
    expect(copy).to_have_text("Copied")
    assert "/embed.js" in page.evaluate("navigator.clipboard.readText()")
    preview = page.frame_locator("iframe.branding-preview")
    expect(preview.get_by_role("link", name="Bramblewood Help")).to_be_visible()
    expect(page.get_by_label("Priority when customers don't choose")).to_contain_text("Normal")
    screenshot(page, "admin-settings")


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
