"""The sandbox's Tixallo API (contract parts A and B), in-process through httpx."""

import threading

import pytest

from portal.sandbox import agents
from portal.tixallo import client as tixallo
from tests.factories import (
    API_KEY,
    TICKET,
    create_ticket,
    in_process_client,
    make_app,
    new_ticket,
    ticket_count,
)


@pytest.fixture
def api(app):
    with in_process_client(app) as client:
        yield client


@pytest.mark.parametrize("key", [None, "tx_wrong"])
def test_it_refuses_requests_without_the_right_key(app, key):
    with in_process_client(app, key=key) as client:
        response = client.get("/tickets")
    assert response.status_code == 401
    assert response.json()["error"]["type"] == "unauthorized"
    assert API_KEY not in response.text


def test_it_creates_a_ticket_numbered_from_1001_for_a_new_customer(api):
    ticket = create_ticket(api, priority="high")
    assert ticket["id"].startswith("tkt_")
    assert ticket["ticket_number"] == 1001
    assert (ticket["status"], ticket["source"], ticket["priority"]) == ("new", "api", "high")
    assert ticket["customer"]["email"] == "alex@example.com"
    assert ticket["customer"]["name"] == "Alex Example"
    assert ticket["created_at"].endswith("Z")
    assert ticket["messages"] == []
    assert create_ticket(api)["ticket_number"] == 1002


def test_it_reuses_a_customer_by_email_ignoring_case(api):
    first = create_ticket(api)
    second = create_ticket(api, customer_email="ALEX@Example.com", customer_name="")
    assert second["customer_id"] == first["customer_id"]
    assert second["customer"]["name"] == "Alex Example"


def test_it_defaults_the_priority_to_medium(api):
    ticket = create_ticket(api, priority=None)
    assert ticket["priority"] == "medium"


def test_it_returns_one_ticket_with_description_customer_and_messages(api):
    created = create_ticket(api)
    response = api.get(f"/tickets/{created['id']}")
    assert response.status_code == 200
    ticket = response.json()["data"]
    assert ticket["description"] == TICKET["description"]
    assert set(ticket["customer"]) == {"id", "email", "name"}
    assert ticket["messages"] == []


def test_it_lists_tickets_as_part_a_describes_them(api):
    create_ticket(api)
    body = api.get("/tickets").json()
    assert body["next_cursor"] is None
    assert set(body["data"][0]) == {
        "id",
        "ticket_number",
        "subject",
        "status",
        "priority",
        "source",
        "created_at",
        "updated_at",
        "customer_id",
    }


def test_it_answers_404_for_an_unknown_ticket_and_path(api):
    missing = api.get("/tickets/tkt_nope")
    assert missing.status_code == 404
    assert missing.json()["error"]["type"] == "not_found"
    assert api.get("/agents").status_code == 404
    assert api.get("/tickets/..%2Ftickets").status_code == 404


def test_it_answers_405_with_allow_for_a_wrong_method(api):
    response = api.delete("/tickets")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, POST"


def test_it_reports_every_invalid_field_with_422(api):
    response = api.post(
        "/tickets",
        json={"subject": "x" * 201, "customer_email": "not-an-email", "priority": "asap"},
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["type"] == "validation_error"
    assert set(error["fields"]) == {"subject", "description", "customer_email", "priority"}
    assert error["fields"]["description"] == "This field is required."


def test_it_refuses_bodies_that_are_not_a_json_object(api):
    assert api.post("/tickets", content=b"[1]", headers=_json()).status_code == 400
    broken = api.post("/tickets", content=b"{oops", headers=_json())
    assert broken.json()["error"]["type"] == "invalid_request"
    wrong_type = api.post("/tickets", content=b"subject=x", headers={"Content-Type": "text/plain"})
    assert wrong_type.status_code == 415


def _json():
    return {"Content-Type": "application/json"}


def test_it_pages_newest_first_without_duplicates_or_gaps(api):
    created = [create_ticket(api, subject=f"T{i}")["ticket_number"] for i in range(7)]
    seen, cursor = [], None
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        body = api.get("/tickets", params=params).json()
        assert len(body["data"]) <= 3
        seen += [ticket["ticket_number"] for ticket in body["data"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(created, reverse=True)


@pytest.mark.parametrize("params", [{"limit": "0"}, {"limit": "101"}, {"limit": "ten"}])
def test_it_refuses_a_limit_out_of_range(api, params):
    response = api.get("/tickets", params=params)
    assert response.status_code == 400
    assert "limit" in response.json()["error"]["fields"]


def test_it_refuses_a_cursor_it_did_not_issue(api):
    response = api.get("/tickets", params={"cursor": "not-a-cursor"})
    assert response.status_code == 400
    assert "cursor" in response.json()["error"]["fields"]


def test_it_filters_by_customer_email_and_by_one_or_more_statuses(app, api):
    mine = create_ticket(api)
    create_ticket(api, customer_email="someone@example.org")
    solved = create_ticket(api, subject="Done")
    agents.set_status(app.store, solved["id"], "solved")

    by_customer = api.get("/tickets", params={"customer_email": "Alex@Example.com"}).json()
    assert {t["id"] for t in by_customer["data"]} == {mine["id"], solved["id"]}
    new_only = api.get("/tickets", params={"status": "new", "customer_email": "alex@example.com"})
    assert [t["id"] for t in new_only.json()["data"]] == [mine["id"]]
    finished = api.get("/tickets", params={"status": "solved,closed"}).json()
    assert [t["id"] for t in finished["data"]] == [solved["id"]]
    assert api.get("/tickets", params={"status": "done"}).status_code == 400


def test_it_returns_internal_notes_marked_not_public(app, api):
    ticket = create_ticket(api)
    agents.agent_reply(app.store, ticket["id"], "We are on it.")
    agents.add_note(app.store, ticket["ticket_number"], "Customer is a VIP.")
    messages = api.get(f"/tickets/{ticket['id']}").json()["data"]["messages"]
    assert [(m["author_type"], m["public"]) for m in messages] == [
        ("agent", True),
        ("agent", False),
    ]
    assert messages[1]["body"] == "Customer is a VIP."


def test_it_adds_a_customer_message_and_reopens_a_solved_ticket(app, api):
    ticket = create_ticket(api)
    agents.set_status(app.store, ticket["id"], "solved")
    response = api.post(
        f"/tickets/{ticket['id']}/messages",
        json={"body": "It broke again.", "customer_email": "ALEX@example.com"},
    )
    assert response.status_code == 201
    message = response.json()["data"]
    assert (message["author_type"], message["author_name"]) == ("customer", "Alex Example")
    assert message["ticket_id"] == ticket["id"]
    fetched = api.get(f"/tickets/{ticket['id']}").json()["data"]
    assert fetched["status"] == "open"
    assert fetched["updated_at"] > ticket["updated_at"]


def test_it_refuses_a_message_from_someone_else_or_on_a_closed_ticket(app, api):
    ticket = create_ticket(api)
    path = f"/tickets/{ticket['id']}/messages"
    stranger = api.post(path, json={"body": "Hi", "customer_email": "eve@example.com"})
    assert stranger.status_code == 422
    assert "customer_email" in stranger.json()["error"]["fields"]
    agents.set_status(app.store, ticket["id"], "closed")
    closed = api.post(path, json={"body": "Hi", "customer_email": "alex@example.com"})
    assert closed.status_code == 422
    assert closed.json()["error"]["type"] == "ticket_closed"
    assert api.post("/tickets/tkt_nope/messages", json={"body": "Hi"}).status_code == 404


def test_it_replays_the_first_response_for_a_repeated_idempotency_key(app, api):
    headers = {"Idempotency-Key": "key-123"}
    first = api.post("/tickets", json=TICKET, headers=headers)
    again = api.post("/tickets", json=TICKET | {"subject": "Other"}, headers=headers)
    assert again.status_code == first.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert ticket_count(app.store) == 1
    other_key = api.post("/tickets", json=TICKET, headers={"Idempotency-Key": "key-456"})
    assert other_key.json()["data"]["id"] != first.json()["data"]["id"]


def test_it_creates_one_ticket_when_the_same_key_races(app, api):
    results = []

    def post():
        response = api.post("/tickets", json=TICKET, headers={"Idempotency-Key": "race"})
        results.append(response.json()["data"]["id"])

    threads = [threading.Thread(target=post) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1
    assert ticket_count(app.store) == 1


def test_it_does_not_remember_a_rejected_request_under_its_key(app, api):
    headers = {"Idempotency-Key": "fix-and-retry"}
    assert api.post("/tickets", json={}, headers=headers).status_code == 422
    assert api.post("/tickets", json=TICKET, headers=headers).status_code == 201
    assert ticket_count(app.store) == 1


def test_it_keeps_its_state_across_restarts(tmp_path):
    first = make_app(tmp_path)
    with in_process_client(first) as client:
        ticket = create_ticket(client)
    first.store.close()
    second = make_app(tmp_path)
    with in_process_client(second) as client:
        assert client.get(f"/tickets/{ticket['id']}").status_code == 200
    second.store.close()


def test_the_sandbox_keeps_an_existing_customers_name(sandbox):
    new_ticket("alex@example.com", customer_name="Alex Example")
    ticket = new_ticket("alex@example.com", customer_name="Mallory")
    assert tixallo.get_ticket(ticket.id).customer.name == "Alex Example"
