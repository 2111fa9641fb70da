"""Fuzzing with Hypothesis: every form, query parameter and the webhook endpoint get
generated input (odd Unicode, lone surrogates, NUL, invalid UTF-8, huge and empty
values, wrong types). The property: never a 5xx, and an invalid request stores nothing.
Modest example counts keep the suite fast; `HYPOTHESIS_PROFILE=deep` runs more."""

import json
import os
import time
from urllib.parse import quote_from_bytes

import pytest
from django.core import mail
from django.core.cache import cache
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from portal.outbox.models import Submission
from portal.shared import store
from portal.shared.models import Entry
from portal.webhooks.models import ReceivedEvent
from tests.factories import new_ticket, post_webhook, sign_in_as, signature_header, ticket_count

settings.register_profile(
    "suite",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile("deep", parent=settings.get_profile("suite"), max_examples=500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

ODD = st.sampled_from(
    ["", " ", "\x00", "\ud800", "a\udfffb", "\u202e", "💥" * 50, "x" * 30000, "<script>", "'\""]
)
TEXT = st.one_of(ODD, st.text(max_size=300), st.text(st.characters(codec="utf-8"), max_size=50))
RAW = st.one_of(
    st.binary(max_size=200),  # invalid UTF-8 included
    TEXT.map(lambda text: text.encode("utf-8", "surrogatepass")),
)
FIELDS = {
    "/": ["subject", "description", "customer_email", "customer_name", "priority",
          "idempotency_key", "started", "website"],
    "/signin/": ["email", "started", "website"],
}  # fmt: skip
JSONISH = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXT),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)


def _form_body(values: dict[str, bytes]) -> bytes:
    return b"&".join(
        quote_from_bytes(name.encode()).encode() + b"=" + quote_from_bytes(value).encode()
        for name, value in values.items()
    )


def _fresh():
    # Rate limits and the request budget would turn every later example into a 429 or a
    # 503: they live in the shared store (a table without Redis, which a test's examples
    # share) and the cache.
    cache.clear()
    Entry.objects.all().delete()
    store.forget_memo()
    mail.outbox.clear()


@given(data=st.data())
def test_the_forms_never_fail_and_store_nothing_invalid(client, sandbox, data):
    _fresh()
    path = data.draw(st.sampled_from(sorted(FIELDS)))
    names = data.draw(st.lists(st.sampled_from(FIELDS[path]), unique=True))
    body = _form_body({name: data.draw(RAW) for name in names})
    before = Submission.objects.count(), ticket_count(sandbox)
    response = client.post(path, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500
    if response.status_code >= 400:
        assert (Submission.objects.count(), ticket_count(sandbox)) == before
        assert not mail.outbox


@given(body=RAW, key=RAW)
def test_a_reply_never_fails_and_stores_nothing_invalid(client, sandbox, body, key):
    _fresh()
    ticket = new_ticket()
    sign_in_as(client)
    before = Submission.objects.count()
    form = _form_body({"body": body, "idempotency_key": key})
    response = client.post(
        f"/tickets/{ticket.id}/", form, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code < 500
    if response.status_code >= 400:
        assert Submission.objects.count() == before


@given(
    path=st.sampled_from(["/", "/tickets/", "/signin/", "/embed/start/", "/embed/", "/embed.js"]),
    query=st.lists(st.tuples(st.sampled_from(
        ["status", "cursor", "back", "v", "subject", "priority", "lang", "accent", "page",
         "identity_token", "as", "x"]), RAW), max_size=5),
)  # fmt: skip
@example(path="/tickets/", query=[("cursor", b"WyJcdWQ4MDAiLCAieCJd")])  # a crafted cursor
def test_query_strings_never_fail(client, sandbox, path, query):
    _fresh()
    sign_in_as(client)
    query_string = "&".join(f"{name}={quote_from_bytes(value)}" for name, value in query)
    assert client.get(f"{path}?{query_string}").status_code < 500


@given(segment=RAW)
def test_odd_ids_and_links_in_paths_never_fail(client, sandbox, segment):
    _fresh()
    sign_in_as(client)
    quoted = quote_from_bytes(segment, safe="") or "x"
    for prefix in ("/tickets/", "/t/", "/signin/", "/received/", "/submitted/", "/confirm/"):
        assert client.get(f"{prefix}{quoted}/").status_code < 500


@given(event=JSONISH, signed=st.booleans(), content_type=st.sampled_from(
    ["application/json", "text/plain", "application/json; charset=utf-8"]))  # fmt: skip
def test_the_webhook_never_fails_and_applies_nothing_invalid(
    client, webhook_secret, event, signed, content_type
):
    body = json.dumps(event).encode()
    before = ReceivedEvent.objects.count()
    response = post_webhook(client, body, signature_header(body) if signed else {}, content_type)
    assert response.status_code < 500
    if response.status_code != 200:
        assert ReceivedEvent.objects.count() == before


@given(
    kind=st.sampled_from(EVENT_TYPES := ["ticket.created", "ticket.updated", "message.created"]),
    event_id=TEXT,
    ticket_id=st.one_of(TEXT, st.integers(), st.none()),
    at=st.one_of(TEXT, st.integers(), st.none()),
)
@example(kind="ticket.updated", event_id="\ud800", ticket_id="tkt_1", at=None)
@example(kind="message.created", event_id="evt_1", ticket_id="a\x00b", at="2026-01-01")
@settings(max_examples=60)
def test_well_formed_events_with_odd_values_never_fail(client, webhook_secret, kind, event_id,
                                                       ticket_id, at):  # fmt: skip
    data = {"id": ticket_id, "ticket_id": ticket_id, "updated_at": at, "created_at": at}
    body = json.dumps({"id": event_id, "type": kind, "data": data}).encode()
    before = ReceivedEvent.objects.count()
    response = post_webhook(client, body, signature_header(body))
    assert response.status_code < 500
    if response.status_code != 200:
        assert ReceivedEvent.objects.count() == before


@given(
    kind=st.sampled_from(["ticket.updated", "message.created"]),
    status=st.one_of(TEXT, st.sampled_from(["solved", "so\ud800lved", "s\x00", "x" * 33])),
    item_id=st.one_of(TEXT, st.integers()),
    emails_on=st.booleans(),
)
@example(kind="ticket.updated", status="so\ud800lved", item_id="tkt_1", emails_on=False)
@example(kind="ticket.updated", status="x" * 33, item_id="tkt_1", emails_on=True)
@example(kind="message.created", status="open", item_id="\ud800", emails_on=True)
@settings(max_examples=40)
def test_odd_statuses_and_message_ids_never_fail(client, webhook_secret, kind, status, item_id,
                                                 emails_on):  # fmt: skip
    """With the agent-answer emails on, the status and the message id reach the outbox's
    own tables (`portal.outbox.agent_answers`), not only the receiver's."""
    from portal.config.models import PortalSettings

    PortalSettings.objects.update_or_create(pk=1, defaults={"email_agent_answers": emails_on})
    cache.clear()
    data = {"id": item_id, "ticket_id": "tkt_1", "status": status, "author_type": "agent",
            "updated_at": "2026-01-01T00:00:00Z", "created_at": "2026-01-01T00:00:00Z"}  # fmt: skip
    body = json.dumps({"id": f"evt_{time.monotonic_ns()}", "type": kind, "data": data}).encode()
    response = post_webhook(client, body, signature_header(body))
    assert response.status_code < 500


ADMIN_FIELDS = ["base_url", "portal_url", "hold_unverified", "hold_hours", "allowed_origins",
                "portal_name", "accent_colour", "support_email", "footer_text", "allow_priority",
                "default_priority", "api_key", "webhook_secret", "identity_secret",
                "remove_api_key", "remove_logo"]  # fmt: skip


@given(values=st.dictionaries(st.sampled_from(ADMIN_FIELDS), RAW, max_size=8))
def test_the_admin_settings_form_never_fails_and_saves_nothing_invalid(admin_client, values):
    from portal.config.models import PortalSettings

    before = PortalSettings.objects.filter(pk=1).values().first()
    response = admin_client.post(
        "/admin/config/portalsettings/1/change/",
        _form_body(values),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code < 500
    if response.status_code != 302:  # the form came back with errors: nothing saved
        assert PortalSettings.objects.filter(pk=1).values().first() == before
