"""What a support agent does in Tixallo, for the console, `manage.py sandbox_agent` and the
demo agent. Each change bumps the ticket's `updated_at` and queues the matching webhook.

A ticket is referred to by its opaque id ("tkt_...") or by its number (1042 or "1042").
"""

from __future__ import annotations

import sqlite3
from typing import Any

from . import tickets
from .store import Store

DEFAULT_AGENT = "Sam from Support"


def _find(conn: sqlite3.Connection, ref: str | int) -> sqlite3.Row:
    if isinstance(ref, int) or str(ref).isdigit():
        return tickets.find_ticket(conn, int(ref), by_number=True)
    return tickets.find_ticket(conn, ref)


def _body(body: str) -> str:
    if not body.strip():
        raise ValueError("The message is empty.")
    return body.strip()


def agent_reply(
    store: Store,
    ticket_ref: str | int,
    body: str,
    agent_name: str = DEFAULT_AGENT,
    status: str | None = "pending",
    at: str | None = None,
) -> dict[str, Any]:
    """A public reply the customer sees; by default the ticket then waits on them (pending)."""
    return _agent_message(store, ticket_ref, body, agent_name, status=status, at=at)


def add_note(
    store: Store, ticket_ref: str | int, body: str, agent_name: str = DEFAULT_AGENT
) -> dict[str, Any]:
    """An internal note (public false): the API returns it, the portal must never show it."""
    return _agent_message(store, ticket_ref, body, agent_name, public=False)


def _agent_message(
    store: Store, ticket_ref: str | int, body: str, agent_name: str, **options: Any
) -> dict[str, Any]:
    with store.transaction() as conn:
        ticket = _find(conn, ticket_ref)
        return tickets.add_message(
            conn,
            ticket,
            author_type="agent",
            author_name=agent_name or DEFAULT_AGENT,
            body=_body(body),
            **options,
        )


def set_status(store: Store, ticket_ref: str | int, status: str) -> dict[str, Any]:
    """Change the status; closed tickets are final, as in the real helpdesk."""
    with store.transaction() as conn:
        ticket = _find(conn, ticket_ref)
        if status not in tickets.STATUSES:
            raise ValueError(f"Unknown status {status!r}; use {', '.join(tickets.STATUSES)}.")
        if status == ticket["status"]:
            return tickets.ticket_summary(ticket)  # nothing changed: no bump, no event
        if ticket["status"] == "closed":
            raise tickets.TicketClosed("This ticket is closed and cannot change any more.")
        return tickets.ticket_summary(tickets.update_ticket(conn, ticket, status=status))


def get_ticket(store: Store, ticket_ref: str | int) -> dict[str, Any]:
    """The ticket as `GET /tickets/{id}` returns it (notes included); raises NotFound."""
    with store.transaction(write=False) as conn:
        return tickets.ticket_detail(conn, _find(conn, ticket_ref))


def count_tickets(store: Store) -> int:
    with store.transaction(write=False) as conn:
        return conn.execute("SELECT COUNT(*) FROM tickets").fetchone()[0]
