"""The demo inbox (/sandbox/inbox/) in a browser: a long link stays inside its email card."""

import io

from django.core.mail import EmailMessage
from playwright.sync_api import expect

from portal.demo.console_mail import EmailBackend


def test_a_long_link_wraps_inside_the_email_card(new_page, portal):
    link = "http://127.0.0.1:8000/t/" + "x" * 180 + "/"
    EmailBackend(stream=io.StringIO()).send_messages(
        [EmailMessage("Your request", f"Open it here:\n{link}", to=["a@example.com"])]
    )
    page = new_page(viewport={"width": 375, "height": 800})
    page.goto("/sandbox/inbox/")
    expect(page.get_by_role("link", name=link)).to_be_visible()
    card = page.locator("article.msg").bounding_box()
    anchor = page.get_by_role("link", name=link).bounding_box()
    assert anchor["x"] + anchor["width"] <= card["x"] + card["width"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
