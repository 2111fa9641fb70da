"""One set of factories for the tests, the pytest version of healthchecks' `hc/test.py`:
the forms customers and admins post, customers and their tickets in the sandbox, queued
submissions, signed webhook deliveries, and the bare sandbox app for the sandbox's own
tests. Plain functions and constants; the fixtures built on them are in conftest.py.

Only the sandbox is imported at the top: the portal's modules are imported inside the
functions that use them, so the sandbox's own tests need no Django settings."""

import re
import time
from html import unescape
from typing import Any
from urllib.parse import urlencode

import httpx

from portal.sandbox import agents
from portal.sandbox.api import SandboxApp
from portal.sandbox.server import SandboxServer
from portal.sandbox.store import Store
from portal.sandbox.transport import SandboxTransport

# --- what customers send -------------------------------------------------------------

# A valid post of the "Submit a request" form; tests change a field with `FORM | {...}`.
FORM = {
    "subject": "Refund please",
    "description": "I was charged twice for order 5521.",
    "customer_email": "alex@example.com",
    "customer_name": "Alex Example",
    "priority": "medium",
}

# A valid POST /tickets body for Tixallo's API (the sandbox's, through the portal's client
# or directly): a ticket already in the helpdesk, not one typed into the portal.
TICKET = {
    "subject": "Cannot log in",
    "description": "The login page says 'invalid token'.",
    "customer_email": "alex@example.com",
    "customer_name": "Alex Example",
    "priority": "medium",
}


def request_form(slug: str = "billing", *fields: tuple, **options: Any):
    """A request form as an admin makes it; `fields` as (kind, label, required, options)
    tuples, e.g. ("choice", "Product", True, "Free plan\nPro plan")."""
    from portal.requestforms.models import FormField, RequestForm

    options = {"name": slug.replace("-", " ").capitalize()} | options
    form = RequestForm.objects.create(slug=slug, **options)
    for order, (kind, label, required, *choices) in enumerate(fields):
        FormField.objects.create(
            form=form, order=order, kind=kind, label=label, required=required,
            options=choices[0] if choices else "",
        )  # fmt: skip
    return form


def typed_into(form, **by_label: str) -> dict[str, str]:
    """A post's values for a request form's fields, named by their labels
    (`Order_number="5521"` for the field "Order number")."""
    keys = {field.label.replace(" ", "_"): f"field_{field.pk}" for field in form.fields.all()}
    return {keys[label]: value for label, value in by_label.items()}


# The fields of a billing form.
BILLING_FIELDS = [
    ("text", "Order number", True),
    ("choice", "Product", True, "Free plan\nPro plan"),
]


def sign_in_as(django_client, email: str = "alex@example.com") -> None:
    """Put a verified email in the session, as a redeemed sign-in link does."""
    session = django_client.session
    session["customer_email"] = email
    session["customer_since"] = session["customer_seen"] = int(time.time())
    session.save()


def request_with_session(email: str = ""):
    """A bare request with an empty session, or one signed in as `email`."""
    from django.contrib.sessions.backends.signed_cookies import SessionStore
    from django.test import RequestFactory

    from portal.customers import access

    request = RequestFactory().get("/")
    request.session = SessionStore()
    if email:
        request.session[access.SESSION_EMAIL] = email
    return request


# The host site's identity secret (long enough for HS512 too): the `embedding` fixture.
IDENTITY_SECRET = "a-shared-secret-long-enough-for-hs256-and-for-hs512-too-64-bytes"


def vouch_for(django_client, email: str = "alex@example.com", name: str = "Alex Example"):
    """Open the frame as the host site does for a customer it vouches for."""
    from portal.customers import identity

    token = identity.mint(email, name, IDENTITY_SECRET)
    response = enter_frame(django_client, token)
    assert response.status_code == 302


def enter_frame(django_client, token: str, **query: str):
    """What the frame's first page does with the token embed.js hands it: post it."""
    url = "/embed/start/" + ("?" + urlencode(query) if query else "")
    return django_client.post(url, {"token": token}, headers={"Sec-Fetch-Dest": "iframe"})


def emailed_link(message, path: str) -> str:
    """The portal link under `path` ("/signin/", "/confirm/", …) in an email's text."""
    return re.search(rf"http://testserver({path}[^/\s]+/)", message.body).group(1)


# --- pages -------------------------------------------------------------------------------------

GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9,en;q=0.5"}  # a German browser's request


def page_text(response) -> str:
    """A page's text as a reader sees it: no tags, scripts or styles; spaces collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


# --- tickets in the sandbox ---------------------------------------------------------------


def new_ticket(email: str = "alex@example.com", **fields: Any):
    """A ticket created through the portal's own client."""
    from portal.tixallo import client

    return client.create_ticket(**TICKET | {"customer_email": email} | fields)


def ticket_link(ticket_id: str) -> str:
    """The private link to a ticket, as the confirmation email carries it."""
    from portal.customers.access import ticket_link_token

    return f"/t/{ticket_link_token(ticket_id)}/"


def poll_url(html: str, page: str = "") -> str:
    """Where a page's htmx poll asks, as a URL for Django's test client."""
    found = re.search(r'hx-get="([^"]+)" hx-trigger="poll"', html).group(1).replace("&amp;", "&")
    return found if found.startswith("/") else page + found


def public_bodies(ticket) -> list[str]:
    """The public messages of a ticket read through the portal's client, as text."""
    return [m.body for m in ticket.public_messages]


def find_ticket(store: Store, number: int) -> dict[str, Any]:
    return agents.get_ticket(store, number)


def set_status(store: Store, ticket_id: str, status: str) -> None:
    agents.set_status(store, ticket_id, status)


def tixallo_refuses(monkeypatch, **field_errors: str) -> None:
    """Tixallo answers every new ticket with a 422 and these field errors."""
    from portal.tixallo import client
    from portal.tixallo.errors import Invalid

    def refuse(**kwargs: Any):
        raise Invalid("HTTP 422", fields=field_errors)

    monkeypatch.setattr(client, "create_ticket", refuse)


def set_faults(store: Store, **faults: Any) -> None:
    store.set_faults(**faults)


def api_requests(store: Store) -> int:
    """How many API requests the sandbox has received so far."""
    return store.stats()["total"]


def ticket_count(store: Store) -> int:
    return agents.count_tickets(store)


# --- the outbox ------------------------------------------------------------------------------


def make_submission(key: str, **fields: Any):
    """A submission in the outbox, as if just saved (queued, never tried)."""
    from portal.outbox.models import Submission

    fields = {"kind": "ticket", "payload": {}, "customer_email": "a@example.com",
              "site_url": "http://testserver/"} | fields  # fmt: skip
    return Submission.objects.create(idempotency_key=key, **fields)


def submit_while_tixallo_fails(django_client, store: Store, settings, fault: str = "500"):
    """Post FORM while Tixallo fails with `fault`: the outbox keeps it. Returns the
    response and the queued submission."""
    from portal.outbox.models import Submission

    settings.TIXALLO_RETRY_BUDGET = 0
    set_faults(store, next=[fault] * 3)
    response = django_client.post("/", FORM)
    set_faults(store)
    return response, Submission.objects.get()


# --- what the portal's admins post ------------------------------------------------------------

SETTINGS_URL = "/admin/config/portalsettings/1/change/"


def settings_form(**changes: Any) -> dict[str, Any]:
    """The portal settings admin form as posted with nothing filled in, then `changes`."""
    data = {
        "base_url": "",
        "allowed_origins": "",
        "portal_name": "",
        "accent_colour": "",
        "support_email": "",
        "footer_text": "",
        "allow_priority": "on",
        "default_priority": "medium",
        "api_key": "",
        "webhook_secret": "",
        "identity_secret": "",
        "portal_url": "",
        "hold_hours": "72",
        "ticket_link_days": "90",
        "session_idle_days": "7",
        "session_max_days": "30",
    }
    return data | changes


# --- webhooks -------------------------------------------------------------------------------

WEBHOOK_URL = "/webhooks/tixallo"
WEBHOOK_SECRET = "whsec_test_2b9d4e6f8a1c3e5f"  # the `webhook_secret` fixture sets it


def signature_header(body: bytes, secret: str = WEBHOOK_SECRET, timestamp=None) -> dict:
    from portal.sandbox import webhooks

    return {webhooks.SIGNATURE_HEADER: webhooks.sign(body, secret, timestamp or int(time.time()))}


def post_webhook(django_client, body: bytes, headers: dict, content_type="application/json"):
    headers = {k: v for k, v in headers.items() if k != "Content-Type"}
    return django_client.post(WEBHOOK_URL, data=body, content_type=content_type, headers=headers)


def deliver_event(django_client, event: dict, secret: str = WEBHOOK_SECRET, timestamp=None):
    """One event, signed as Tixallo signs it, posted to the receiver."""
    from portal.sandbox import webhooks

    body, headers = webhooks.signed_request(event, secret, timestamp or int(time.time()))
    return post_webhook(django_client, body, headers)


def webhook_dispatcher(django_client, store: Store, secret: str = WEBHOOK_SECRET):
    """The sandbox's real sender, delivering signed events through Django's test client."""
    from portal.sandbox import webhooks

    store.set_webhook(f"http://testserver{WEBHOOK_URL}", secret)

    def send(_url, body, headers):
        return post_webhook(django_client, body, headers).status_code

    return webhooks.WebhookDispatcher(store, sender=send)


# --- the bare sandbox, for its own tests (no Django settings needed) --------------------------

API_KEY = "tx_test_sandbox_only_key"
IN_PROCESS_URL = "http://sandbox.localhost"


def make_app(tmp_path, **kwargs) -> SandboxApp:
    return SandboxApp(Store(tmp_path / "sandbox.sqlite3"), API_KEY, **kwargs)


def in_process_client(app: SandboxApp, key: str | None = API_KEY, **kwargs) -> httpx.Client:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.Client(
        transport=SandboxTransport(app),
        base_url=f"{IN_PROCESS_URL}/api/v1",
        headers=headers,
        **kwargs,
    )


def console_client(app: SandboxApp) -> httpx.Client:
    """A browser on the sandbox's own pages (the agent console, /_sandbox/…)."""
    return httpx.Client(transport=SandboxTransport(app), base_url=IN_PROCESS_URL)


def http_client(server: SandboxServer, key: str = API_KEY, read: float = 2.0) -> httpx.Client:
    return httpx.Client(
        base_url=server.api_url,
        headers={"Authorization": f"Bearer {key}"},
        timeout=httpx.Timeout(2.0, read=read),
    )


def create_ticket(client: httpx.Client, **overrides) -> dict:
    response = client.post("/tickets", json=TICKET | overrides)
    assert response.status_code == 201, response.text
    return response.json()["data"]
