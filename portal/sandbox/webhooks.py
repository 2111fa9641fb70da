"""Webhook events, signed the way Part B of the API contract describes (Stripe's scheme).

Events are queued in the store in the same transaction as the change that caused them, so none
is lost on a crash or restart; a `WebhookDispatcher`, run in the background by the sandbox's loop
(`loop.py`), delivers them with retries and backoff, and the API request that caused them never
waits for the delivery.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from .store import Store, new_id, now_iso

EVENT_TYPES = ("ticket.created", "ticket.updated", "message.created")
SIGNATURE_HEADER = "Tixallo-Signature"
MAX_ATTEMPTS = 8
BATCH = 20

# (url, raw body, headers) -> HTTP status code; injectable so tests need no server.
Sender = Callable[[str, bytes, dict[str, str]], int]


def sign(body: bytes, secret: str, timestamp: int) -> str:
    """The `Tixallo-Signature` header value: HMAC-SHA256 over "<t>.<raw body>"."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(body: bytes, header: str, secret: str, now: float, tolerance: int = 300) -> bool:
    """Check a signature header as a receiver should (several v1 values allowed)."""
    parts = [item.partition("=") for item in header.split(",")]
    stamps = [value for key, _, value in parts if key.strip() == "t"]
    candidates = [value for key, _, value in parts if key.strip() == "v1"]
    if len(stamps) != 1 or not stamps[0].isdigit() or abs(now - int(stamps[0])) > tolerance:
        return False
    expected = sign(body, secret, int(stamps[0])).rpartition("v1=")[2]
    return any(hmac.compare_digest(expected, candidate) for candidate in candidates)


def build_event(event_type: str, data: dict[str, Any], at: str | None = None) -> dict[str, Any]:
    if event_type not in EVENT_TYPES:
        raise ValueError(f"Unknown event type {event_type!r}")
    return {"id": new_id("evt"), "type": event_type, "created_at": at or now_iso(), "data": data}


def signed_request(event: dict[str, Any], secret: str, timestamp: int) -> tuple[bytes, dict]:
    """The exact body and headers a delivery sends; handy for tests of a webhook receiver."""
    body = json.dumps(event, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Tixallo-Sandbox-Webhooks/1",
        SIGNATURE_HEADER: sign(body, secret, timestamp),
    }
    return body, headers


def enqueue(conn: sqlite3.Connection, event_type: str, data: dict[str, Any]) -> str | None:
    """Queue an event inside the caller's transaction, if a webhook URL is configured."""
    row = conn.execute("SELECT value FROM settings WHERE key = 'webhook_url'").fetchone()
    if not row or not row["value"]:
        return None
    event = build_event(event_type, data)
    conn.execute(
        "INSERT INTO webhook_events (id, type, body, created_at, next_attempt_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (event["id"], event_type, json.dumps(event), event["created_at"], event["created_at"]),
    )
    return event["id"]


def httpx_sender(url: str, body: bytes, headers: dict[str, str]) -> int:
    return httpx.post(url, content=body, headers=headers, timeout=5.0).status_code


class WebhookDispatcher:
    """Delivers queued events, every `poll_seconds` when run by the sandbox's loop;
    `run_once()` lets tests drive it directly."""

    def __init__(self, store: Store, sender: Sender | None = None, poll_seconds: float = 0.5):
        self.store = store
        self.sender = sender or httpx_sender
        self.poll_seconds = poll_seconds

    def run_once(self, now: datetime | None = None) -> int:
        """Attempt every due event once; returns how many were delivered."""
        now = now or datetime.now(UTC)
        url, secret = self.store.webhook()
        if not url:
            return 0
        with self.store.transaction(write=False) as conn:
            due = conn.execute(
                "SELECT id, body, attempts FROM webhook_events WHERE delivered_at IS NULL"
                " AND failed_at IS NULL AND next_attempt_at <= ? ORDER BY created_at LIMIT ?",
                (now_iso(now), BATCH),
            ).fetchall()
        delivered = 0
        for row in due:  # the HTTP call happens outside any transaction
            error = self._send(url, secret, json.loads(row["body"]), now)
            self._record(row["id"], row["attempts"] + 1, error, now)
            delivered += error is None
        return delivered

    def _send(self, url: str, secret: str, event: dict[str, Any], now: datetime) -> str | None:
        body, headers = signed_request(event, secret, int(now.timestamp()))
        try:
            status = self.sender(url, body, headers)
        except (httpx.HTTPError, OSError) as exc:
            return f"{type(exc).__name__}: {exc}"
        return None if 200 <= status < 300 else f"HTTP {status}"

    def _record(self, event_id: str, attempts: int, error: str | None, now: datetime) -> None:
        # Exponential backoff: 2, 4, 8 ... seconds, then give up after MAX_ATTEMPTS.
        retry_at = now_iso(now + timedelta(seconds=2**attempts))
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE webhook_events SET attempts = ?, last_error = ?, next_attempt_at = ?,"
                " delivered_at = ?, failed_at = ? WHERE id = ?",
                (
                    attempts,
                    error,
                    retry_at,
                    now_iso(now) if error is None else None,
                    now_iso(now) if error and attempts >= MAX_ATTEMPTS else None,
                    event_id,
                ),
            )


def pending_events(store: Store) -> list[dict[str, Any]]:
    """Queued, undelivered events (for tests and the console)."""
    with store.transaction(write=False) as conn:
        rows = conn.execute(
            "SELECT type, body, attempts, last_error FROM webhook_events"
            " WHERE delivered_at IS NULL ORDER BY created_at"
        ).fetchall()
    return [dict(row) for row in rows]
