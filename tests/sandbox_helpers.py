"""Helpers for the sandbox's own tests: no Django settings needed, a store per test."""

from __future__ import annotations

import httpx

from portal.sandbox.api import SandboxApp
from portal.sandbox.server import SandboxServer
from portal.sandbox.store import Store
from portal.sandbox.transport import SandboxTransport

API_KEY = "tx_test_sandbox_only_key"
IN_PROCESS_URL = "http://sandbox.localhost"

NEW_TICKET = {
    "subject": "Webhook delivery delayed",
    "description": "Our order.created webhook took 12s to fire.",
    "customer_email": "alex@example.com",
    "customer_name": "Alex Example",
    "priority": "high",
}


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


def http_client(server: SandboxServer, key: str = API_KEY, read: float = 2.0) -> httpx.Client:
    return httpx.Client(
        base_url=server.api_url,
        headers={"Authorization": f"Bearer {key}"},
        timeout=httpx.Timeout(2.0, read=read),
    )


def create_ticket(client: httpx.Client, **overrides) -> dict:
    response = client.post("/tickets", json=NEW_TICKET | overrides)
    assert response.status_code == 201, response.text
    return response.json()["data"]


def ticket_count(app: SandboxApp) -> int:
    with app.store.transaction(write=False) as conn:
        return conn.execute("SELECT COUNT(*) FROM tickets").fetchone()[0]
