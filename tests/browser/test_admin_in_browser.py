"""Django admin in Chromium: Health readable, styled under the admin's CSP and accessible;
the settings page's snippet copy button and branding preview; a request form built with
its fields on one page."""

import re

from django.contrib.auth.models import User
from playwright.sync_api import expect

from portal.config.models import PortalSettings
from tests.browser.a11y import axe_violations
from tests.factories import new_ticket


def test_an_admin_sees_each_part_with_what_to_do(page, portal, settings, screenshot):
    User.objects.create_superuser("boss", "boss@example.com", "correct horse battery")
    new_ticket()  # one answer from Tixallo on record
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "correct horse battery")
    page.click("input[type=submit]")
    page.click("#health-link h2 a")
    page.wait_for_url(re.compile("/admin/health/"))
    for part in ("tixallo", "breaker", "budget", "webhooks", "queue", "worker"):
        assert page.locator(f"#health-{part} .health-advice").inner_text().strip()
    assert "Tixallo answers." in page.locator("#health-tixallo").inner_text()
    # The page's stylesheet loaded (the admin's CSP allows only its own files).
    edge = page.locator("#health-tixallo").evaluate("e => getComputedStyle(e).borderLeftWidth")
    assert edge == "6px"
    assert axe_violations(page) == []
    screenshot(page, "admin-health")


def test_the_admin_copies_the_snippet_and_previews_the_branding(new_page, portal, screenshot):
    User.objects.create_superuser("boss", "boss@example.com", "pass-for-tests-only")
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


def test_an_admin_builds_a_request_form_customers_then_fill_in(page, portal):
    User.objects.create_superuser("boss", "boss@example.com", "pass-for-tests-only")
    page.goto("/admin/login/?next=/admin/requestforms/requestform/add/")
    page.get_by_label("Username").fill("boss")
    page.get_by_label("Password").fill("pass-for-tests-only")
    page.get_by_role("button", name="Log in").click()
    page.locator("#id_name").press_sequentially("Billing question")
    expect(page.locator("#id_slug")).to_have_value("billing-question")  # filled from the name
    page.get_by_role("button", name=re.compile("Add another field", re.I)).click()
    page.locator("#id_fields-0-label").fill("Order number")
    page.locator("#id_fields-0-required").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was added successfully")).to_be_visible()

    page.goto("/")
    expect(page.get_by_role("heading", name="Billing question")).to_be_visible()
    expect(page.get_by_label("Order number")).to_have_attribute("required", "")
