"""The portal inside another site's page, in a real browser: a host page on one origin
(http://shop.localhost, fulfilled by Playwright without a server) embeds the portal
from another (the live server on http://localhost:PORT) with the snippet. The two are
different sites, so the frame's cookies are third-party ones."""

import re

import pytest
from playwright.sync_api import Frame, Page, expect

from portal.customers import identity
from portal.demo import request_forms
from portal.sandbox.seed import seed
from tests.browser.a11y import axe_violations
from tests.factories import IDENTITY_SECRET, find_ticket, new_ticket, set_faults

SHOP = "http://shop.localhost"
SLOW = 15_000  # ms: an upper bound to wait for, never a delay
TICKET_NUMBER = re.compile(r"Your ticket number is #(\d+)")


@pytest.fixture
def shop_embedding(settings):
    """The shop may frame the portal, and vouches for its customers."""
    settings.PORTAL_ALLOWED_ORIGINS = [SHOP]
    settings.PORTAL_IDENTITY_SECRET = IDENTITY_SECRET


@pytest.fixture
def page(new_page) -> Page:
    """Chromium counts a page Playwright fulfils as public, and asks before letting a public
    page reach a loopback address (Local Network Access): granted, as a real host page and
    portal are both public and never meet that question."""
    return new_page(permissions=["local-network-access"])


def open_host_page(page: Page, portal_url: str, /, origin: str = SHOP, **data: str) -> None:
    """A made-up company page carrying the snippet (`data` its data-attributes, e.g.
    identity_token=...), served at `origin`."""
    attributes = "".join(
        f' data-{name.replace("_", "-")}="{value}"' for name, value in data.items()
    )
    html = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Bramblewood Bikes: help</title></head>
<body><main><h1>Bramblewood Bikes</h1><p>Ask us anything.</p>
<script src="{portal_url}/embed.js"{attributes}></script>
<p>Below the portal.</p></main></body></html>"""
    page.route(f"{origin}/**", lambda route: route.fulfill(content_type="text/html", body=html))
    page.goto(f"{origin}/help")


def portal_frame(page: Page) -> Frame:
    handle = page.locator("iframe").element_handle()
    frame = handle.content_frame()
    assert frame is not None
    return frame


def content_height(frame: Frame) -> int:
    return frame.evaluate(
        "() => Math.ceil(document.documentElement.getBoundingClientRect().height)"
    )


def wait_until_fitted(page: Page, frame: Frame) -> int:
    """Waits until the iframe is exactly as tall as the page inside it; returns that."""
    height = content_height(frame)
    page.wait_for_function(
        "h => Math.round(document.querySelector('iframe').getBoundingClientRect().height) === h",
        arg=height,
    )
    return height


def test_the_frame_follows_the_height_of_its_content(page, portal, shop_embedding):
    open_host_page(page, portal.url)
    inside = page.frame_locator("iframe")
    expect(inside.get_by_role("heading", name="Submit a request")).to_be_visible()
    frame = portal_frame(page)
    before = wait_until_fitted(page, frame)
    assert before != 600  # the script's starting height was replaced by the real one

    inside.get_by_role("button", name="Send request").click()  # empty: errors make it taller

    expect(inside.get_by_text("This field is required.").first).to_be_visible()
    after = wait_until_fitted(page, frame)
    assert after > before


def test_a_customer_submits_a_request_inside_the_frame(page, portal, shop_embedding):
    open_host_page(page, portal.url, subject="Order 5521", priority="high")
    inside = page.frame_locator("iframe")
    expect(inside.get_by_label("Subject")).to_have_value("Order 5521")  # from data-subject
    inside.get_by_label("How can we help?").fill("The bell rattles since the first ride.")
    inside.get_by_label("Your email address").fill("robin@example.com")
    inside.get_by_label("Your name", exact=True).fill("Robin Rider")

    inside.get_by_role("button", name="Send request").click()

    confirmation = inside.get_by_text(TICKET_NUMBER)
    expect(confirmation).to_be_visible()
    number = int(TICKET_NUMBER.search(confirmation.inner_text()).group(1))
    ticket = find_ticket(portal.store, number)
    assert ticket["subject"] == "Order 5521"
    assert ticket["priority"] == "high"
    assert ticket["customer"]["email"] == "robin@example.com"
    expect(page).to_have_url(f"{SHOP}/help")  # the host page stayed where it was
    assert "/embed/submitted/" in portal_frame(page).url  # still embedded after navigating


def test_a_customer_the_host_vouches_for_sees_their_requests(page, portal, shop_embedding):
    new_ticket("alex@example.com", subject="Where is my parcel?")
    token = identity.mint("alex@example.com", "Alex Example", IDENTITY_SECRET)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    open_host_page(page, portal.url, identity_token=token, page="requests")
    inside = page.frame_locator("iframe")
    expect(inside.get_by_role("heading", name="My requests")).to_be_visible()
    expect(inside.get_by_text("Where is my parcel?")).to_be_visible()
    assert "token" not in portal_frame(page).url  # verified, then redirected to a clean URL
    # Handed over by message and posted by the frame's own script: in no URL at all.
    assert any("/embed/start/?" in url and "identity=1" in url for url in requested)
    assert not [url for url in requested if token in url]

    inside.get_by_role("link", name="Submit a request").first.click()
    expect(inside.get_by_label("Your email address")).to_have_value("alex@example.com")
    expect(inside.get_by_label("Your email address")).not_to_be_editable()
    expect(inside.get_by_label("Your name", exact=True)).to_have_value("Alex Example")


def test_a_site_not_on_the_list_cannot_frame_the_portal(
    page, portal, shop_embedding, browser_errors
):
    with page.expect_console_message(lambda m: "frame-ancestors" in m.text) as refusal:
        open_host_page(page, portal.url, origin="http://elsewhere.localhost")
    assert "violates" in refusal.value.text and "has been blocked" in refusal.value.text
    assert f"frame-ancestors 'self' {SHOP}" in refusal.value.text
    frame = portal_frame(page)
    assert not frame.url.startswith(portal.url)  # an error page, not the portal
    expect(page.frame_locator("iframe").locator("#main")).to_have_count(0)
    browser_errors.clear()  # provoked on purpose and checked above


def test_the_framed_portal_has_no_serious_accessibility_problems(page, portal, shop_embedding):
    open_host_page(page, portal.url)
    expect(
        page.frame_locator("iframe").get_by_role("heading", name="Submit a request")
    ).to_be_visible()
    assert axe_violations(page, frame=portal_frame(page)) == []


def test_with_cookies_blocked_it_says_so_and_keeps_what_was_typed(page, portal, shop_embedding):
    def without_cookies(route):
        # As a browser that blocks this frame's cookies: none reaches the page, and the
        # jar route.fetch() shares with the page is emptied again.
        response = route.fetch(max_redirects=0)
        page.context.clear_cookies()
        headers = {k: v for k, v in response.headers.items() if k.lower() != "set-cookie"}
        route.fulfill(response=response, headers=headers)

    page.route(f"{portal.url}/**", without_cookies)
    open_host_page(page, portal.url)
    inside = page.frame_locator("iframe")
    banner = inside.get_by_text("Your browser blocks the cookies")
    expect(banner).to_be_visible()
    new_tab = inside.get_by_role("link", name="Open the support portal in a new tab")
    expect(new_tab).to_have_attribute("target", "_blank")
    expect(new_tab).to_have_attribute("rel", "noopener")

    inside.get_by_label("Subject").fill("Saddle squeaks")
    inside.get_by_label("How can we help?").fill("Every turn of the pedals, a squeak.")
    inside.get_by_label("Your email address").fill("robin@example.com")
    inside.get_by_label("Your name", exact=True).fill("Robin Rider")
    inside.get_by_role("button", name="Send request").click()

    expect(inside.get_by_role("heading", name="Your message wasn't sent yet")).to_be_visible()
    expect(inside.get_by_label("How can we help?")).to_have_value(
        "Every turn of the pedals, a squeak."
    )
    expect(inside.get_by_role("link", name="Open in a new tab")).to_have_attribute(
        "target", "_blank"
    )


def test_the_demo_shop_embeds_the_portal_for_alex(page, portal):
    # No allowed origins and no identity secret: the demo's own origin frames ('self'),
    # and its token is signed with the demo secret.
    page.goto("/embed/demo/?as=alex")
    inside = page.frame_locator("iframe")
    expect(inside.get_by_label("Your email address")).to_have_value("alex@example.com")
    expect(inside.get_by_label("Your email address")).not_to_be_editable()
    inside.get_by_role("link", name="My requests").click()
    expect(inside.get_by_role("heading", name="My requests")).to_be_visible()


def test_a_slow_send_says_sending_inside_the_frame_too(page, portal, shop_embedding):
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


def test_embed_js_shows_a_new_tab_link_where_the_portal_may_not_be_framed(
    page, portal, shop_embedding, browser_errors
):
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


def test_embed_js_keeps_the_frame_on_an_allowed_site(page, portal, shop_embedding):
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


def test_data_form_opens_a_request_form_inside_the_frame(page, portal, shop_embedding):
    request_forms.seed()
    open_host_page(page, portal.url, form="technical")
    inside = page.frame_locator("iframe")
    expect(inside.get_by_role("heading", name="Technical problem")).to_be_visible()
    inside.get_by_label("Subject").fill("Sync stops")
    inside.get_by_label("Steps to see the problem").fill("Open the app\nTap Sync")
    inside.get_by_label("How can we help?").fill("It stops at 80 %.")
    inside.get_by_label("Your email address").fill("robin@example.com")
    inside.get_by_label("Your name", exact=True).fill("Robin Rider")
    assert axe_violations(page, frame=portal_frame(page)) == []

    inside.get_by_role("button", name="Send request").click()

    confirmation = inside.get_by_text(TICKET_NUMBER)
    expect(confirmation).to_be_visible()
    ticket = find_ticket(portal.store, int(TICKET_NUMBER.search(confirmation.inner_text())[1]))
    assert "Steps to see the problem:\n  Open the app\n  Tap Sync" in ticket["description"]
