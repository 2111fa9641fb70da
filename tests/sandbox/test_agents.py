"""Agent actions, the demo agent, the seed data and the two management commands."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from portal.sandbox import agents, tickets
from portal.sandbox.demo_agent import DemoAgent
from portal.sandbox.management.commands import sandbox as sandbox_command
from portal.sandbox.management.commands import sandbox_agent
from portal.sandbox.seed import seed
from portal.sandbox.server import SandboxServer
from portal.sandbox.store import Store
from tests.factories import create_ticket, in_process_client


@pytest.fixture
def ticket(app):
    with in_process_client(app) as client:
        return create_ticket(client)


def test_it_replies_as_an_agent_and_sets_pending_by_default(app, ticket):
    message = agents.agent_reply(app.store, "1001", "On it!", "Rita")
    assert (message["author_type"], message["author_name"], message["public"]) == (
        "agent",
        "Rita",
        True,
    )
    assert agents.get_ticket(app.store, ticket["id"])["status"] == "pending"


def test_it_keeps_the_status_when_adding_a_note(app, ticket):
    agents.add_note(app.store, 1001, "Check the logs.")
    saved = agents.get_ticket(app.store, 1001)
    assert saved["status"] == "new"
    assert saved["updated_at"] > ticket["updated_at"]


def test_it_refuses_unknown_statuses_tickets_and_changes_to_closed_ones(app, ticket):
    with pytest.raises(ValueError, match="Unknown status"):
        agents.set_status(app.store, 1001, "done")
    with pytest.raises(tickets.NotFound):
        agents.set_status(app.store, 4242, "open")
    agents.set_status(app.store, 1001, "closed")
    with pytest.raises(tickets.TicketClosed):
        agents.agent_reply(app.store, 1001, "Too late")


def test_the_demo_agent_answers_a_new_ticket_once_the_delay_has_passed(app, ticket):
    agent = DemoAgent(app.store, delay_seconds=5)
    now = datetime.now(UTC)
    assert agent.run_once(now) == []
    assert agent.run_once(now + timedelta(seconds=6)) == [1001]
    saved = agents.get_ticket(app.store, 1001)
    assert saved["status"] == "pending"
    reply = saved["messages"][-1]
    assert (reply["author_type"], reply["author_name"]) == ("agent", "Sam from Support")
    assert "Alex" in reply["body"]
    assert agent.run_once(now + timedelta(seconds=60)) == []  # the customer has not answered


def test_the_demo_agent_answers_again_after_the_customer_writes_back(app, ticket):
    agent = DemoAgent(app.store, delay_seconds=0)
    agent.run_once()
    with in_process_client(app) as client:
        client.post(
            f"/tickets/{ticket['id']}/messages",
            json={"body": "Still broken", "customer_email": "alex@example.com"},
        )
    assert agent.run_once(datetime.now(UTC) + timedelta(seconds=1)) == [1001]
    bodies = [m["body"] for m in agents.get_ticket(app.store, 1001)["messages"]]
    assert len(bodies) == 3
    assert bodies[0] != bodies[2]  # varied, not the same canned text twice


def test_seed_fills_an_empty_store_once_with_alex_in_every_status(tmp_path):
    store = Store(tmp_path / "seeded.sqlite3")
    assert seed(store) == 12
    assert seed(store) == 0
    with store.transaction(write=False) as conn:
        page, _ = tickets.list_tickets(conn, limit=100, customer_email="alex@example.com")
        notes = conn.execute("SELECT COUNT(*) FROM messages WHERE public = 0").fetchone()[0]
        customers = conn.execute("SELECT COUNT(*) FROM customers").fetchone()[0]
    assert {t["status"] for t in page} == set(tickets.STATUSES)
    assert notes >= 1
    assert customers == 4
    assert agents.count_tickets(store) == 12
    store.close()


def test_the_agent_command_replies_notes_and_changes_status(app, ticket, tmp_path):
    db = str(tmp_path / "sandbox.sqlite3")
    call_command(sandbox_agent.Command(), "--db", db, "reply", "1001", "Hello", "--as", "Kim")
    call_command(sandbox_agent.Command(), "--db", db, "note", "1001", "VIP")
    call_command(sandbox_agent.Command(), "--db", db, "status", "1001", "solved")
    saved = agents.get_ticket(app.store, 1001)
    assert saved["status"] == "solved"
    assert [(m["author_name"], m["public"]) for m in saved["messages"]] == [
        ("Kim", True),
        ("Sam from Support", False),
    ]
    with pytest.raises(CommandError, match="No ticket"):
        call_command(sandbox_agent.Command(), "--db", db, "status", "4242", "open")


def test_the_server_command_prints_urls_but_never_the_secrets(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(SandboxServer, "serve_forever", _interrupt)
    call_command(
        sandbox_command.Command(),
        "--db",
        str(tmp_path / "s.sqlite3"),
        "--port",
        "0",
        "--key",
        "tx_secret_key_value",
        "--webhook-url",
        "http://127.0.0.1:9/hooks",
        "--webhook-secret",
        "whsec_secret_value",
        "--seed",
    )
    output = capsys.readouterr().out
    assert "/api/v1" in output
    assert "/console/" in output
    assert "Seeded 12 tickets." in output
    assert "tx_secret_key_value" not in output
    assert "whsec_secret_value" not in output


def _interrupt(self):
    raise KeyboardInterrupt


def test_the_server_command_needs_a_secret_with_a_webhook_url(tmp_path):
    with pytest.raises(CommandError, match="webhook-secret"):
        call_command(
            sandbox_command.Command(),
            "--db",
            str(tmp_path / "s.sqlite3"),
            "--key",
            "k",
            "--webhook-url",
            "http://127.0.0.1:9/hooks",
        )


def test_the_demo_agent_leaves_the_seeded_tickets_in_every_status(tmp_path):
    store = Store(tmp_path / "seeded.sqlite3")
    seed(store)
    started = datetime.now(UTC)
    agent = DemoAgent(store, delay_seconds=0, since=started)
    assert agent.run_once(started + timedelta(hours=1)) == []
    with store.transaction(write=False) as conn:
        page, _ = tickets.list_tickets(conn, limit=100, customer_email="alex@example.com")
    assert {t["status"] for t in page} == set(tickets.STATUSES)
    # What a customer writes during the demo is answered.
    pending = next(t for t in page if t["status"] == "pending")
    with store.transaction() as conn:
        ticket = tickets.find_ticket(conn, pending["id"])
        tickets.add_customer_message(conn, ticket, "Still slow", "Alex Example")
    answered = agent.run_once(datetime.now(UTC) + timedelta(seconds=1))
    assert answered == [pending["ticket_number"]]
    store.close()
