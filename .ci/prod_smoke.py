"""The production-install step's checks, over HTTP against two gunicorn instances, the
outbox worker and the sandbox, as started by `.ci/prod-install` (which see).

Run with the installed portal's own Python (httpx is one of its dependencies):
    python prod_smoke.py A_URL B_URL SANDBOX_URL MAIL_DIR
A_URL and B_URL may be the same instance (.ci/image's one box).

Plain HTTP on loopback stands for the HTTPS proxy in front: every request says
`X-Forwarded-Proto: https` (BEHIND_HTTPS_PROXY=1), and cookies are kept by hand,
because a cookie jar would not send the portal's Secure cookies over http.
"""

import email
import email.policy
import html
import os
import re
import sys
import time
from pathlib import Path

import httpx

A, B, SANDBOX, MAIL_DIR = sys.argv[1:5]
TOKEN = os.environ["METRICS_TOKEN"]
API_KEY = os.environ["TIXALLO_API_KEY"]
ADMIN_PASSWORD = os.environ["DJANGO_SUPERUSER_PASSWORD"]
WAIT = 60  # seconds any one thing may take to show up


def step(text: str) -> None:
    print(f"prod-install: {text}", flush=True)


class Browser:
    """One visitor: their cookies, sent to whichever instance serves the request."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}
        self.http = httpx.Client(timeout=20, follow_redirects=False)

    def request(self, method: str, url: str, **kwargs) -> httpx.Response:
        origin = "https://" + httpx.URL(url).netloc.decode()
        headers = {"X-Forwarded-Proto": "https", "Origin": origin, "Referer": origin + "/"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = self.http.request(method, url, headers=headers, **kwargs)
        for cookie in response.headers.get_list("set-cookie"):
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        assert response.status_code < 500, f"{method} {url}: {response.status_code}"
        return response

    def get(self, url: str) -> httpx.Response:
        return self.request("GET", url)

    def post_form(self, url: str, page: str, fields: dict[str, str]) -> httpx.Response:
        """Post the form on `page` with its hidden fields (CSRF, keys, start time)."""
        hidden = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', page))
        hidden |= dict(re.findall(r'name="([^"]+)" value="([^"]*)" type="hidden"', page))
        data = {k: html.unescape(v) for k, v in hidden.items()} | fields
        return self.request("POST", url, data=data)


def wait_for(what: str, probe):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.5)
    raise SystemExit(f"prod-install: FAILED waiting for {what}")


def mails_to(address: str) -> list[str]:
    bodies = []
    for path in sorted(Path(MAIL_DIR).glob("*.eml"), key=lambda p: p.stat().st_mtime):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if address in message["To"]:
            bodies.append(message.get_body(preferencelist=("plain",)).get_content())
    return bodies


def link_in(bodies: list[str], pattern: str) -> str | None:
    for body in reversed(bodies):
        found = re.search(pattern, body)
        if found:
            return found.group(0)
    return None


def metric(base: str, name: str, labels: str) -> float:
    response = httpx.get(f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.status_code
    found = re.search(rf"^{re.escape(name)}\{{{re.escape(labels)}\}} (\S+)$", response.text, re.M)
    return float(found.group(1)) if found else 0.0


def set_faults(faults: dict) -> None:
    httpx.put(f"{SANDBOX}/_sandbox/faults", json=faults).raise_for_status()


def submit(browser: Browser, base: str, subject: str, address: str) -> httpx.Response:
    form = browser.get(f"{base}/")
    assert form.status_code == 200, form.status_code
    fields = {"subject": subject, "description": "Sent by the production-install step.",
              "customer_email": address, "customer_name": "Prod Install", "priority": "medium",
              "website": ""}  # fmt: skip
    response = browser.post_form(f"{base}/", form.text, fields)
    assert response.status_code == 302, (response.status_code, response.text[:500])
    return response


def main() -> None:
    for base in (A, B):
        ready = httpx.get(f"{base}/readyz")
        assert ready.status_code == 200 and ready.json()["status"] == "ready", ready.text
    step("both instances are ready (database and cache)")

    # A submission Tixallo refuses for now (a wrong key, as far as it can tell): the
    # customer gets a reference at once and the worker process delivers it later.
    queued = Browser()
    set_faults({"next": ["401"]})
    received = submit(queued, A, "Queued while Tixallo refused", "queued@example.com")
    assert "/received/" in received.headers["Location"], received.headers["Location"]
    set_faults({})
    step("a submission Tixallo refused waits in the outbox with a reference")

    customer = Browser()
    page = customer.get(f"{A}/")
    css = re.search(r'href="(/static/[^"]+\.css)"', page.text).group(1)
    asset = customer.get(f"{A}{css}")
    assert asset.status_code == 200 and "text/css" in asset.headers["Content-Type"]
    assert "max-age=" in asset.headers.get("Cache-Control", ""), asset.headers
    step(f"static asset {css} served with {asset.headers['Cache-Control']!r}")

    done = submit(customer, A, "Printer on fire", "alex@example.com")
    confirmation = customer.get(A + done.headers["Location"])
    number = re.search(r"#(\d+)", confirmation.text).group(1)
    tickets = httpx.get(f"{SANDBOX}/api/v1/tickets", headers={"Authorization": f"Bearer {API_KEY}"})
    assert "Printer on fire" in tickets.text
    step(f"submission end to end: ticket #{number} in the sandbox")

    link = wait_for("the confirmation email", lambda: link_in(
        mails_to("alex@example.com"), r"https?://[^\s]+/t/[^\s/]+/"))  # fmt: skip
    path = "/" + link.split("/", 3)[3]
    assert link.startswith(os.environ["PORTAL_URL"] + "/"), (
        f"emailed link not on PORTAL_URL: {link}"
    )
    other = Browser()
    assert "Printer on fire" in other.get(B + path).text
    step("the emailed private link opens on the other instance")

    customer.post_form(f"{A}/signin/", customer.get(f"{A}/signin/").text,
                       {"email": "alex@example.com", "website": ""})  # fmt: skip
    link = wait_for("the sign-in email", lambda: link_in(
        mails_to("alex@example.com"), r"https?://[^\s]+/signin/[^\s/]+/"))  # fmt: skip
    path = "/" + link.split("/", 3)[3]
    confirm = customer.get(A + path)
    assert customer.post_form(A + path, confirm.text, {}).status_code == 302
    mine = customer.get(f"{B}/tickets/")
    assert mine.status_code == 200 and "Printer on fire" in mine.text, mine.status_code
    step("signed in on instance A, 'My requests' on instance B (shared sessions and cache)")

    admin = Browser()
    login = admin.get(f"{A}/admin/login/")
    credentials = {"username": "admin", "password": ADMIN_PASSWORD, "next": "/admin/"}
    admin.post_form(f"{A}/admin/login/", login.text, credentials)
    health = admin.get(f"{B}/admin/health/")
    assert health.status_code == 200 and "Tixallo connection" in health.text, health.status_code
    step("admin signed in on A sees the Health page on B")

    reference_page = received.headers["Location"]
    wait_for("the worker to deliver the queued submission", lambda: re.search(
        r"#\d+", queued.get(B + reference_page).text))  # fmt: skip
    step("the worker process delivered the queued submission (shown on instance B)")

    for base in (A, B):
        delivered = metric(base, "portal_outbox_submissions", 'state="delivered"')
        assert delivered == 2, (base, delivered)
    sent = 'kind="ticket_confirmation",outcome="sent"'
    on_a = wait_for("the worker's counters", lambda: metric(A, "portal_emails_total", sent) >= 2)
    assert on_a and (A == B or metric(B, "portal_emails_total", sent) == 0)
    ok = metric(A, "portal_tixallo_requests_total", 'endpoint="POST /tickets",outcome="ok"')
    assert ok >= 2, ok  # the instance's and the worker's, added up
    step("/metrics: outbox from the database on both; A adds up its workers and the worker's")
    step("OK")


if __name__ == "__main__":
    main()
