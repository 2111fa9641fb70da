"""Admin → Health in Chromium: readable, styled under the admin's CSP, accessible."""

import re

from django.contrib.auth.models import User

from tests.browser.a11y import axe_violations
from tests.helpers import new_ticket


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
