"""The webhook receiver: signed deliveries from the sandbox's own sender make every
polling page show a change at its next poll; anything else is refused with a 4xx."""

import json
import logging
import time
from datetime import UTC, datetime, timedelta

import pytest

from portal.config import crypto
from portal.config.models import PortalSettings
from portal.sandbox import agents, tickets, webhooks
from portal.webhooks.models import ReceivedEvent, TicketSeen
from tests.factories import (
    WEBHOOK_SECRET,
    WEBHOOK_URL,
    api_requests,
    deliver_event,
    new_ticket,
    post_webhook,
    sign_in_as,
    signature_header,
    webhook_dispatcher,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("webhook_secret")]


def page(client, ticket_id: str) -> str:
    return client.get(f"/tickets/{ticket_id}/").content.decode()


@pytest.fixture
def cached(client, sandbox):
    """A customer's ticket, its page read once, so the portal now has it cached."""
    ticket = new_ticket()
    sign_in_as(client)
    assert "Fresh answer" not in page(client, ticket.id)
    return ticket


def test_it_shows_an_agent_reply_at_the_next_poll_after_the_webhook(client, sandbox, cached):
    dispatcher = webhook_dispatcher(client, sandbox)
    agents.agent_reply(sandbox, cached.id, "Fresh answer")
    assert "Fresh answer" not in page(client, cached.id)  # the cached page, until told
    assert dispatcher.run_once() == 2  # message.created, ticket.updated (now pending)
    html = page(client, cached.id)
    assert "Fresh answer" in html and "Waiting for your reply" in html
    assert webhooks.pending_events(sandbox) == []


def test_it_refreshes_every_customers_lists(client, sandbox, cached):
    solved = 'tone-done">Solved<'
    assert solved not in client.get("/tickets/").content.decode()
    agents.set_status(sandbox, cached.id, "solved")
    assert solved not in client.get("/tickets/").content.decode()  # cached
    event = webhooks.build_event("ticket.updated", _summary(sandbox, cached))
    assert deliver_event(client, event).status_code == 200
    assert solved in client.get("/tickets/").content.decode()


def test_it_refreshes_lists_for_a_ticket_created_elsewhere(client, sandbox, signed_in):
    assert "From the phone" not in client.get("/tickets/").content.decode()
    with sandbox.transaction() as conn:  # as an agent would, in Tixallo
        row = tickets.create_ticket(
            conn, subject="From the phone", description="Hi", customer_email="alex@example.com"
        )
    event = webhooks.build_event("ticket.created", tickets.ticket_summary(row))
    assert deliver_event(client, event).status_code == 200
    assert "From the phone" in client.get("/tickets/").content.decode()


def test_it_acknowledges_a_repeated_event_once(client, sandbox, cached):
    message = agents.agent_reply(sandbox, cached.id, "Fresh answer")
    event = webhooks.build_event("message.created", message)
    first = deliver_event(client, event)
    assert first.status_code == 200 and first.content == b"applied\n"
    assert "Fresh answer" in page(client, cached.id)
    before = api_requests(sandbox)
    again = deliver_event(client, event)
    assert again.status_code == 200 and again.content.startswith(b"duplicate")
    page(client, cached.id)
    assert api_requests(sandbox) == before  # no second effect: the page stayed cached
    assert ReceivedEvent.objects.filter(event_id=event["id"]).count() == 1


def test_it_ignores_an_event_older_than_what_it_knows(client, sandbox, cached):
    older = webhooks.build_event("ticket.updated", agents.set_status(sandbox, cached.id, "open"))
    newer = webhooks.build_event("ticket.updated", agents.set_status(sandbox, cached.id, "pending"))
    assert deliver_event(client, newer).content == b"applied\n"  # they arrive out of order
    assert "Waiting for your reply" in page(client, cached.id)
    before = api_requests(sandbox)
    response = deliver_event(client, older)
    assert response.status_code == 200 and response.content.startswith(b"stale")
    assert "Waiting for your reply" in page(client, cached.id)
    assert api_requests(sandbox) == before  # nothing was forgotten
    seen = TicketSeen.objects.get(ticket_id=cached.id)
    assert seen.updated_at == datetime.fromisoformat(newer["data"]["updated_at"])


def test_it_applies_an_event_from_the_same_moment(client, sandbox, cached):
    """A reply's message and its ticket share one updated_at: both count."""
    message = agents.agent_reply(sandbox, cached.id, "Fresh answer")
    ticket = _summary(sandbox, cached)
    assert ticket["updated_at"] == message["created_at"]
    assert (
        deliver_event(client, webhooks.build_event("ticket.updated", ticket)).content
        == b"applied\n"
    )
    event = webhooks.build_event("message.created", message)
    assert deliver_event(client, event).content == b"applied\n"


def test_it_never_shows_an_internal_note_and_changes_nothing_for_one(client, sandbox, cached):
    note = agents.add_note(sandbox, cached.id, "SECRET NOTE")
    before = api_requests(sandbox)
    response = deliver_event(client, webhooks.build_event("message.created", note))
    assert response.status_code == 200 and response.content.startswith(b"internal")
    assert "SECRET NOTE" not in page(client, cached.id)
    assert api_requests(sandbox) == before
    assert not TicketSeen.objects.exists()  # an older public change still counts


def test_it_refreshes_for_a_message_that_does_not_say_whether_it_is_public(client, sandbox):
    message = {"id": "msg_1", "ticket_id": "tkt_1", "body": "Hi"}
    response = deliver_event(client, webhooks.build_event("message.created", message))
    assert response.content == b"applied\n"


def test_it_applies_an_event_without_a_usable_time(client, sandbox, cached):
    agents.agent_reply(sandbox, cached.id, "Fresh answer")
    event = webhooks.build_event("ticket.updated", {"id": cached.id, "updated_at": "yesterday"})
    assert deliver_event(client, event).content == b"applied\n"
    assert "Fresh answer" in page(client, cached.id)


def test_it_refuses_a_bad_signature(client, sandbox, cached):
    agents.agent_reply(sandbox, cached.id, "Fresh answer")
    event = webhooks.build_event("ticket.updated", _summary(sandbox, cached))
    response = deliver_event(client, event, secret="whsec_someone_else")
    assert response.status_code == 400
    assert response.content == b"signature does not match\n"
    assert "Fresh answer" not in page(client, cached.id)
    assert not ReceivedEvent.objects.exists()


def test_it_refuses_a_body_changed_after_signing(client):
    body, headers = webhooks.signed_request(_event(), WEBHOOK_SECRET, int(time.time()))
    response = post_webhook(client, body.replace(b"tkt_", b"tkt_x"), headers)
    assert response.status_code == 400


def test_it_refuses_a_stale_timestamp(client):
    response = deliver_event(client, _event(), timestamp=int(time.time()) - 301)
    assert response.status_code == 400 and b"too old" in response.content
    assert deliver_event(client, _event(), timestamp=int(time.time()) - 290).status_code == 200


def test_it_refuses_a_future_timestamp(client):
    response = deliver_event(client, _event(), timestamp=int(time.time()) + 60)
    assert response.status_code == 400 and b"future" in response.content


def test_it_accepts_any_of_several_v1_while_the_secret_rotates(client):
    for order in (0, 1):
        body, headers = webhooks.signed_request(_event(), WEBHOOK_SECRET, int(time.time()))
        good = headers[webhooks.SIGNATURE_HEADER]
        timestamp, good_v1 = good.split(",")
        old_v1 = webhooks.sign(body, "whsec_old", int(time.time())).split(",")[1]
        v1s = [old_v1, good_v1] if order else [good_v1, old_v1]
        headers[webhooks.SIGNATURE_HEADER] = ",".join([timestamp, *v1s, "v0=ignored"])
        assert post_webhook(client, body, headers).status_code == 200


def test_it_refuses_a_missing_signature_header(client):
    response = post_webhook(client, webhooks.signed_request(_event(), WEBHOOK_SECRET, 0)[0], {})
    assert response.status_code == 400 and b"missing" in response.content


@pytest.mark.parametrize(
    "header",
    [
        "garbage",
        "t=,v1=abc",
        "v1=abc",
        "t=1700000000",
        "t=17000000x0,v1=abc",
        "t=1,t=2,v1=abc",
        "t=²,v1=abc",
        "t=1700000000,v1=" + "a" * 5000,
    ],
)
def test_it_refuses_a_malformed_signature_header(client, header):
    body = webhooks.signed_request(_event(), WEBHOOK_SECRET, 0)[0]
    response = post_webhook(client, body, {webhooks.SIGNATURE_HEADER: header})
    assert response.status_code == 400 and b"malformed" in response.content


def test_it_refuses_a_non_ascii_signature_without_a_500(client):
    body = webhooks.signed_request(_event(), WEBHOOK_SECRET, 0)[0]
    header = f"t={int(time.time())},v1=ä€"
    response = post_webhook(client, body, {webhooks.SIGNATURE_HEADER: header})
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{not json", b"not JSON"),
        (b"\xff\xfe", b"not JSON"),
        (b"[" * 100_000 + b"]" * 100_000, b"not JSON"),
        (b"[]", b"not a JSON object"),
        (b'"evt"', b"not a JSON object"),
        (b'{"type": "ticket.updated", "data": {"id": "tkt_1"}}', b"event id missing"),
        (b'{"id": 7, "type": "ticket.updated", "data": {"id": "tkt_1"}}', b"event id missing"),
        (b'{"id": "evt_1", "type": "ticket.deleted", "data": {}}', b"unknown event type"),
        (b'{"id": "evt_1", "type": "ticket.updated"}', b"event data missing"),
        (b'{"id": "evt_1", "type": "ticket.updated", "data": []}', b"event data missing"),
        (b'{"id": "evt_1", "type": "ticket.updated", "data": {}}', b"ticket id missing"),
        (b'{"id": "evt_1", "type": "message.created", "data": {"id": "m"}}', b"ticket id missing"),
    ],
)
def test_it_refuses_a_signed_body_that_is_not_an_event(client, body, reason):
    response = post_webhook(client, body, signature_header(body))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert reason in response.content


def test_it_refuses_an_oversized_body(client):
    event = _event() | {"padding": "x" * 256 * 1024}
    response = deliver_event(client, event)
    assert response.status_code == 413


def test_it_refuses_other_methods_and_content_types(client):
    response = client.get(WEBHOOK_URL)
    assert response.status_code == 405 and response["Allow"] == "POST"
    body = webhooks.signed_request(_event(), WEBHOOK_SECRET, 0)[0]
    response = post_webhook(client, body, signature_header(body), content_type="text/plain")
    assert response.status_code == 415


def test_it_answers_503_and_tells_the_admin_without_a_secret(client, settings, caplog):
    settings.TIXALLO_WEBHOOK_SECRET = ""
    response = deliver_event(client, _event())
    assert response.status_code == 503
    assert b"not configured" in response.content
    assert any("TIXALLO_WEBHOOK_SECRET" in r.getMessage() for r in caplog.records)


def test_it_uses_the_secret_saved_in_admin(client, settings):
    settings.TIXALLO_WEBHOOK_SECRET = ""
    row = PortalSettings(pk=1)
    row.webhook_secret_encrypted = crypto.encrypt("whsec_from_admin")
    row.save()
    assert deliver_event(client, _event(), secret="whsec_from_admin").status_code == 200
    assert deliver_event(client, _event(), secret=WEBHOOK_SECRET).status_code == 400


def test_it_never_logs_the_secret_or_the_signature(client, caplog):
    caplog.set_level(logging.DEBUG)
    for secret in (WEBHOOK_SECRET, "whsec_wrong"):
        body, headers = webhooks.signed_request(_event(), secret, int(time.time()))
        post_webhook(client, body, headers)
        signature = headers[webhooks.SIGNATURE_HEADER].split("v1=")[1]
        logged = " ".join(r.getMessage() for r in caplog.records)
        assert WEBHOOK_SECRET not in logged and signature not in logged
    assert "refused" in logged and "applied" in logged


def test_it_forgets_events_after_a_month(client):
    old = ReceivedEvent.objects.create(event_id="evt_old", type="ticket.updated", ticket_id="t")
    ReceivedEvent.objects.filter(pk=old.pk).update(
        received_at=datetime.now(UTC) - timedelta(days=31)
    )
    assert deliver_event(client, _event()).status_code == 200
    assert not ReceivedEvent.objects.filter(event_id="evt_old").exists()


def _event() -> dict:
    """A well-formed event about a ticket the portal has not seen."""
    return webhooks.build_event(
        "ticket.updated", {"id": "tkt_unknown", "updated_at": "2026-11-01T10:00:00.000000Z"}
    )


def _summary(store, ticket) -> dict:
    found = agents.get_ticket(store, ticket.ticket_number)
    return {k: found[k] for k in ("id", "ticket_number", "status", "updated_at", "customer_id")}


@pytest.mark.parametrize(
    "moment",
    ["0001-01-01T00:00:00+00:00", "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"],
)
def test_it_never_fails_on_extreme_timestamps(client, sandbox, moment):
    event = webhooks.build_event("ticket.updated", {"id": "tkt_x", "updated_at": moment})
    assert deliver_event(client, event).status_code < 500


@pytest.mark.parametrize("odd", ["\ud800", "a\x00b"])
@pytest.mark.parametrize("where", ["id", "ticket"])
def test_a_signed_webhook_with_odd_ids_is_refused(client, odd, where):
    event = {"id": "evt_1", "type": "ticket.updated", "data": {"id": "tkt_1"}}
    if where == "id":
        event["id"] = odd
    else:
        event["data"]["id"] = odd
    body = json.dumps(event).encode()  # \ud800 travels as a JSON escape, as an attacker sends
    assert post_webhook(client, body, signature_header(body)).status_code == 400


def test_it_hands_the_event_it_read_on_for_answer_emails(client, sandbox, monkeypatch):
    """Read once (issue 20): the outbox gets the parsed event, never the body to parse."""
    from portal.outbox import agent_answers
    from portal.tixallo.types import Event

    heard = []
    monkeypatch.setattr(agent_answers, "heard", lambda *args: heard.append(args))
    ticket = new_ticket()
    message = {"id": 42, "ticket_id": ticket.id, "author_type": "agent", "body": "Hi",
               "public": True, "created_at": "2026-01-01T10:00:00Z"}  # fmt: skip
    response = deliver_event(client, webhooks.build_event("message.created", message))
    assert response.status_code == 200
    [(event, in_order, site_url)] = heard
    assert isinstance(event, Event) and in_order and site_url == "http://testserver/"
    assert (event.ticket_id, event.message_id, event.from_agent) == (ticket.id, "42", True)
