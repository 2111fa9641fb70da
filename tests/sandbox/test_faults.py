"""Fault injection, in-process (SandboxTransport) and over real HTTP on 127.0.0.1."""

import json
import threading
import time

import httpx
import pytest

from portal.sandbox.faults import FaultConfigError, Faults
from portal.sandbox.server import SandboxServer
from tests.factories import (
    IN_PROCESS_URL,
    TICKET,
    console_client,
    create_ticket,
    http_client,
    in_process_client,
    make_app,
    ticket_count,
)


@pytest.fixture
def server(app):
    with SandboxServer(app) as server:
        yield server


@pytest.fixture(params=["in-process", "http"])
def api(request, app):
    """Each test runs twice: through httpx.WSGITransport and through a real socket."""
    if request.param == "in-process":
        client = in_process_client(app)
    else:
        server = request.getfixturevalue("server")
        client = http_client(server, read=0.2)
    with client:
        yield client


def test_it_answers_500_for_the_queued_faults_then_recovers(app, api):
    app.store.set_faults(next=["500", "503"])
    first, second, third = (api.get("/tickets") for _ in range(3))
    assert (first.status_code, second.status_code, third.status_code) == (500, 503, 200)
    assert first.json()["error"]["type"] == "server_error"


def test_it_times_out_without_creating_anything(app, api):
    app.store.set_faults(next=["timeout"])
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        api.post("/tickets", json=TICKET)
    assert time.monotonic() - started < 2
    assert ticket_count(app.store) == 0
    assert api.get("/tickets").status_code == 200


def test_it_commits_then_drops_the_response(app, api):
    app.store.set_faults(next=["drop"])
    with pytest.raises(httpx.RemoteProtocolError):
        api.post("/tickets", json=TICKET, headers={"Idempotency-Key": "dropped-once"})
    assert ticket_count(app.store) == 1
    retry = api.post("/tickets", json=TICKET, headers={"Idempotency-Key": "dropped-once"})
    assert retry.status_code == 201
    assert ticket_count(app.store) == 1


def test_it_rate_limits_with_a_retry_after_header(app, api):
    app.store.set_faults(next=["429"], retry_after=3)
    response = api.get("/tickets")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "3"
    assert response.json()["error"]["type"] == "rate_limited"


def test_it_answers_401_even_to_the_right_key(app, api):
    app.store.set_faults(next=["401"])
    response = api.get("/tickets")
    assert response.status_code == 401
    assert response.json()["error"]["type"] == "unauthorized"


def test_it_sends_a_broken_json_body_with_status_200(app, api):
    app.store.set_faults(next=["malformed"])
    response = api.get("/tickets")
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_it_forces_a_status_on_every_api_request_but_not_the_controls(app, api):
    app.store.set_faults(force_status=503)
    assert [api.get("/tickets").status_code for _ in range(3)] == [503, 503, 503]
    assert api.get(api.base_url.join("/_sandbox/stats")).status_code == 200


def test_it_adds_latency_over_real_http(app, server):
    app.store.set_faults(latency_ms=100)
    with http_client(server) as client:
        started = time.monotonic()
        assert client.get("/tickets").status_code == 200
    assert time.monotonic() - started >= 0.1


def test_it_adds_latency_in_process_through_the_injected_sleep(tmp_path):
    slept = []
    app = make_app(tmp_path, sleep=slept.append)
    app.store.set_faults(latency_ms=250)
    with in_process_client(app) as client:
        assert client.get("/tickets").status_code == 200
    assert slept == [0.25]
    app.store.close()


def test_it_releases_a_hung_connection_when_the_server_closes(app):
    app.store.set_faults(next=["timeout"], hang_seconds=60)
    server = SandboxServer(app).start()
    with http_client(server, read=0.2) as client, pytest.raises(httpx.ReadTimeout):
        client.get("/tickets")
    started = time.monotonic()
    server.close()
    assert time.monotonic() - started < 2


def test_it_hands_each_queued_fault_to_exactly_one_concurrent_request(app):
    app.store.set_faults(next=["500", "500"])
    statuses = []
    with in_process_client(app) as client:

        def get():
            statuses.append(client.get("/tickets").status_code)

        threads = [threading.Thread(target=get) for _ in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(statuses) == [200] * 8 + [500] * 2


def test_it_repeats_seeded_random_faults_after_each_reset(app):
    settings = {"error_rate": 0.3, "timeout_rate": 0.2, "seed": 42}

    def outcomes():
        app.store.set_faults(**settings)
        seen = []
        with in_process_client(app) as client:
            for _ in range(20):
                try:
                    seen.append(client.get("/tickets").status_code)
                except httpx.ReadTimeout:
                    seen.append("timeout")
        return seen

    first = outcomes()
    assert first == outcomes()
    assert {200, 500, "timeout"} <= set(first)


def test_it_changes_faults_over_http_and_validates_them(app):
    with console_client(app) as c:
        assert c.get("/_sandbox/faults").json() == Faults().to_dict()
        changed = c.put("/_sandbox/faults", json={"next": [500, "drop"], "latency_ms": 5})
        assert changed.status_code == 200
        assert app.store.get_faults().next == ["500", "drop"]
        bad = c.put("/_sandbox/faults", json={"next": ["explode"], "error_rate": 2, "x": 1})
        assert bad.status_code == 400
        assert set(bad.json()["error"]["fields"]) == {"next", "error_rate", "x"}
        assert c.put("/_sandbox/faults", json={}).json()["next"] == []


def test_it_rejects_rates_adding_up_to_more_than_one():
    with pytest.raises(FaultConfigError):
        Faults.from_dict({"error_rate": 0.6, "drop_rate": 0.6})


def test_it_counts_api_requests_per_route_and_resets(app):
    with in_process_client(app) as client:
        ticket = create_ticket(client)
        client.get("/tickets")
        client.get(f"/tickets/{ticket['id']}")
        client.get("/tickets", headers={"Authorization": "Bearer wrong"})
        stats = client.get(f"{IN_PROCESS_URL}/_sandbox/stats").json()
        assert stats["requests"] == {
            "GET /api/v1/tickets": 2,
            "GET /api/v1/tickets/{id}": 1,
            "POST /api/v1/tickets": 1,
        }
        assert (stats["total"], stats["tickets_created"]) == (4, 1)
        reset = client.post(f"{IN_PROCESS_URL}/_sandbox/stats/reset").json()
    assert (reset["total"], reset["tickets_created"], reset["requests"]) == (0, 0, {})
