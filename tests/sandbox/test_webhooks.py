"""Webhook events: queued with the change, signed, delivered from the background, retried."""

import hashlib
import hmac
import json
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from portal.sandbox import agents, webhooks
from portal.sandbox.loop import Loop
from tests.factories import create_ticket, in_process_client

SECRET = "whsec_test_only"


class Receiver(HTTPServer):
    """A tiny loopback endpoint that records what it is sent."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), ReceiverHandler)
        self.received = []
        self.arrived = threading.Event()
        self.status = 200


class ReceiverHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((dict(self.headers), body))
        self.server.arrived.set()
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format, *args):
        pass


@pytest.fixture
def receiver():
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield server
    server.shutdown()
    thread.join()
    server.server_close()


def test_it_delivers_signed_events_that_verify(app, receiver):
    app.store.set_webhook(f"http://127.0.0.1:{receiver.server_port}/hooks", SECRET)
    with in_process_client(app) as client:
        ticket = create_ticket(client)
    assert webhooks.WebhookDispatcher(app.store).run_once() == 1

    headers, body = receiver.received[0]
    assert webhooks.verify(body, headers["Tixallo-Signature"], SECRET, now=time.time())
    assert not webhooks.verify(body, headers["Tixallo-Signature"], "other", now=time.time())
    assert not webhooks.verify(body + b" ", headers["Tixallo-Signature"], SECRET, time.time())
    event = json.loads(body)
    assert event["id"].startswith("evt_")
    assert (event["type"], event["data"]["id"]) == ("ticket.created", ticket["id"])
    assert webhooks.WebhookDispatcher(app.store).run_once() == 0  # delivered once only


def test_it_signs_hmac_sha256_over_timestamp_dot_body():
    signature = webhooks.sign(b'{"a":1}', "secret", 1700000000)
    digest = hmac.new(b"secret", b'1700000000.{"a":1}', hashlib.sha256).hexdigest()
    assert signature == f"t=1700000000,v1={digest}"
    assert webhooks.verify(b'{"a":1}', signature, "secret", now=1700000100)
    assert not webhooks.verify(b'{"a":1}', signature, "secret", now=1700000000 + 301)


def test_it_accepts_any_of_several_v1_signatures_as_during_secret_rotation():
    current = webhooks.sign(b"{}", "new-secret", 1700000000)
    header = f"{current},v1={'0' * 64}"
    assert webhooks.verify(b"{}", header, "new-secret", now=1700000000)


def test_it_queues_the_matching_event_for_each_change(app):
    app.store.set_webhook("http://127.0.0.1:9/unused", SECRET)
    with in_process_client(app) as client:
        ticket = create_ticket(client)
        agents.agent_reply(app.store, ticket["ticket_number"], "Looking into it.")
        agents.add_note(app.store, ticket["id"], "Internal only.")
        client.post(
            f"/tickets/{ticket['id']}/messages",
            json={"body": "Thanks", "customer_email": "alex@example.com"},
        )
    events = [json.loads(row["body"]) for row in webhooks.pending_events(app.store)]
    assert [event["type"] for event in events] == [
        "ticket.created",
        "message.created",
        "ticket.updated",  # new -> pending by the agent's reply
        "message.created",  # the internal note (public false): receivers must filter
        "message.created",
        "ticket.updated",  # pending -> open by the customer's reply
    ]
    assert events[3]["data"]["public"] is False
    assert events[5]["data"]["status"] == "open"


def test_it_queues_nothing_without_a_webhook_url(app):
    with in_process_client(app) as client:
        create_ticket(client)
    assert webhooks.pending_events(app.store) == []


def test_it_retries_a_failed_delivery_later_with_backoff(app):
    app.store.set_webhook("http://127.0.0.1:9/hooks", SECRET)
    with in_process_client(app) as client:
        create_ticket(client)
    calls = []

    def flaky(url, body, headers):
        calls.append(url)
        return 500 if len(calls) == 1 else 204

    dispatcher = webhooks.WebhookDispatcher(app.store, sender=flaky)
    now = datetime.now(UTC)
    assert dispatcher.run_once(now) == 0
    assert webhooks.pending_events(app.store)[0]["last_error"] == "HTTP 500"
    assert dispatcher.run_once(now + timedelta(seconds=1)) == 0  # not due yet
    assert len(calls) == 1
    assert dispatcher.run_once(now + timedelta(seconds=3)) == 1
    assert webhooks.pending_events(app.store) == []


def test_it_delivers_from_a_background_thread(app, receiver):
    app.store.set_webhook(f"http://127.0.0.1:{receiver.server_port}/hooks", SECRET)
    dispatcher = webhooks.WebhookDispatcher(app.store)
    background = Loop().every(0.02, dispatcher.run_once).start()
    try:
        with in_process_client(app) as client:
            create_ticket(client)
        assert receiver.arrived.wait(timeout=3)
    finally:
        background.stop()
    assert json.loads(receiver.received[0][1])["type"] == "ticket.created"
