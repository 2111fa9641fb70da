"""Tickets, customers and messages: queries and changes on an open store connection.

Every function takes the connection of a transaction the caller holds, so a change, its webhook
event and (for the API) its idempotency record commit together or not at all.
"""

from __future__ import annotations

import base64
import binascii
import json
import sqlite3
from typing import Any

from . import webhooks
from .store import new_id, now_iso

STATUSES = ("new", "open", "pending", "on_hold", "solved", "closed")
PRIORITIES = ("low", "medium", "high", "urgent")
# A customer writing back on these statuses means the ball is in the agents' court again.
REOPENED_BY_CUSTOMER = ("pending", "solved")

TICKET_FIELDS = (
    "id",
    "ticket_number",
    "subject",
    "status",
    "priority",
    "source",
    "created_at",
    "updated_at",
    "customer_id",
)
FIRST_TICKET_NUMBER = 1001


class NotFound(LookupError):
    pass


class TicketClosed(ValueError):
    pass


def ticket_summary(row: sqlite3.Row) -> dict[str, Any]:
    """A ticket as `GET /tickets` lists it (Part A)."""
    return {name: row[name] for name in TICKET_FIELDS}


def message_dict(row: sqlite3.Row) -> dict[str, Any]:
    message = dict(row)
    message["public"] = bool(message["public"])
    return message


def find_ticket(conn: sqlite3.Connection, ref: str | int, by_number: bool = False) -> sqlite3.Row:
    """A ticket by its opaque id, or by its number when `by_number` (the console, the CLI)."""
    if by_number:
        row = conn.execute("SELECT * FROM tickets WHERE ticket_number = ?", (ref,)).fetchone()
    else:
        row = conn.execute("SELECT * FROM tickets WHERE id = ?", (ref,)).fetchone()
    if row is None:
        raise NotFound(f"No ticket {ref}.")
    return row


def ticket_detail(conn: sqlite3.Connection, ticket: sqlite3.Row) -> dict[str, Any]:
    """A ticket as `GET /tickets/{id}` returns it: with description, customer and every
    message oldest first, internal notes included, as the real API would."""
    customer = conn.execute(
        "SELECT id, email, name FROM customers WHERE id = ?", (ticket["customer_id"],)
    ).fetchone()
    messages = conn.execute(
        "SELECT id, ticket_id, author_type, author_name, body, public, created_at FROM messages"
        " WHERE ticket_id = ? ORDER BY created_at, rowid",
        (ticket["id"],),
    ).fetchall()
    return {
        **ticket_summary(ticket),
        "description": ticket["description"],
        "customer": dict(customer),
        "messages": [message_dict(row) for row in messages],
    }


def encode_cursor(row: sqlite3.Row | dict[str, Any]) -> str:
    raw = json.dumps([row["updated_at"], row["id"]]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _storable(text: str) -> bool:
    """Text SQLite can take as UTF-8: no lone surrogates, no NUL."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def decode_cursor(cursor: str) -> tuple[str, str]:
    """Raises ValueError for anything that is not a cursor this sandbox handed out."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        updated_at, ticket_id = json.loads(raw)
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError) as exc:
        raise ValueError("Invalid cursor.") from exc
    if not isinstance(updated_at, str) or not isinstance(ticket_id, str):
        raise ValueError("Invalid cursor.")
    if not _storable(updated_at) or not _storable(ticket_id):
        raise ValueError("Invalid cursor.")
    return updated_at, ticket_id


def list_tickets(
    conn: sqlite3.Connection,
    limit: int = 25,
    after: tuple[str, str] | None = None,
    customer_email: str | None = None,
    statuses: tuple[str, ...] = (),
) -> tuple[list[dict[str, Any]], str | None]:
    """Newest `updated_at` first; keyset pagination over (updated_at, id), so pages neither
    repeat nor skip tickets when new ones arrive between requests."""
    where, args = [], []
    if after:
        where.append("(t.updated_at < ? OR (t.updated_at = ? AND t.id < ?))")
        args += [after[0], after[0], after[1]]
    if customer_email:
        where.append("c.email = ?")  # the column is COLLATE NOCASE
        args.append(customer_email)
    if statuses:
        where.append(f"t.status IN ({', '.join('?' * len(statuses))})")
        args += statuses
    sql = "SELECT t.* FROM tickets t JOIN customers c ON c.id = t.customer_id"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY t.updated_at DESC, t.id DESC LIMIT ?"
    rows = conn.execute(sql, [*args, limit + 1]).fetchall()
    more = len(rows) > limit
    rows = rows[:limit]
    return [ticket_summary(row) for row in rows], encode_cursor(rows[-1]) if more else None


def upsert_customer(
    conn: sqlite3.Connection, email: str, name: str = "", at: str | None = None
) -> sqlite3.Row:
    """Look the customer up by email (case-insensitively), creating it if missing."""
    row = conn.execute("SELECT * FROM customers WHERE email = ?", (email,)).fetchone()
    if row is None:
        conn.execute(
            "INSERT INTO customers (id, email, name, created_at) VALUES (?, ?, ?, ?)",
            (new_id("cus"), email, name, at or now_iso()),
        )
    elif name and not row["name"]:
        # Like a helpdesk: a request naming an existing customer differently does not
        # rename them (anyone can type anyone's email into a form).
        conn.execute("UPDATE customers SET name = ? WHERE id = ?", (name, row["id"]))
    return conn.execute("SELECT * FROM customers WHERE email = ?", (email,)).fetchone()


def create_ticket(
    conn: sqlite3.Connection,
    *,
    subject: str,
    description: str,
    customer_email: str,
    customer_name: str = "",
    priority: str = "medium",
    status: str = "new",
    source: str = "api",
    at: str | None = None,
    notify: bool = True,
) -> sqlite3.Row:
    at = at or now_iso()
    customer = upsert_customer(conn, customer_email, customer_name, at)
    # Numbering inside the writer's transaction (BEGIN IMMEDIATE) cannot race.
    (number,) = conn.execute(
        "SELECT COALESCE(MAX(ticket_number) + 1, ?) FROM tickets", (FIRST_TICKET_NUMBER,)
    ).fetchone()
    ticket_id = new_id("tkt")
    conn.execute(
        "INSERT INTO tickets (id, ticket_number, subject, description, status, priority, source,"
        " customer_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (ticket_id, number, subject, description, status, priority, source, customer["id"], at, at),
    )
    ticket = find_ticket(conn, ticket_id)
    if notify:
        webhooks.enqueue(conn, "ticket.created", ticket_summary(ticket))
    return ticket


def add_message(
    conn: sqlite3.Connection,
    ticket: sqlite3.Row,
    *,
    author_type: str,
    author_name: str,
    body: str,
    public: bool = True,
    status: str | None = None,
    at: str | None = None,
    notify: bool = True,
) -> dict[str, Any]:
    """Append a message, bump the ticket's `updated_at` and optionally change its status."""
    if ticket["status"] == "closed":
        raise TicketClosed("This ticket is closed; start a new ticket instead.")
    at = at or now_iso()
    message_id = new_id("msg")
    conn.execute(
        "INSERT INTO messages (id, ticket_id, author_type, author_name, body, public, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (message_id, ticket["id"], author_type, author_name, body, int(public), at),
    )
    row = conn.execute("SELECT * FROM messages WHERE id = ?", (message_id,)).fetchone()
    message = message_dict(row)
    if notify:
        webhooks.enqueue(conn, "message.created", message)
    update_ticket(conn, ticket, status=status, at=at, notify=notify)
    return message


def add_customer_message(
    conn: sqlite3.Connection, ticket: sqlite3.Row, body: str, customer_name: str
) -> dict[str, Any]:
    status = "open" if ticket["status"] in REOPENED_BY_CUSTOMER else None
    return add_message(
        conn, ticket, author_type="customer", author_name=customer_name, body=body, status=status
    )


def update_ticket(
    conn: sqlite3.Connection,
    ticket: sqlite3.Row,
    status: str | None = None,
    at: str | None = None,
    notify: bool = True,
) -> sqlite3.Row:
    """Bump `updated_at`; fire `ticket.updated` only when the status really changes."""
    if status is not None and status not in STATUSES:
        raise ValueError(f"Unknown status {status!r}; use one of {', '.join(STATUSES)}.")
    new_status = status or ticket["status"]
    conn.execute(
        "UPDATE tickets SET status = ?, updated_at = ? WHERE id = ?",
        (new_status, at or now_iso(), ticket["id"]),
    )
    updated = find_ticket(conn, ticket["id"])
    if notify and new_status != ticket["status"]:
        webhooks.enqueue(conn, "ticket.updated", ticket_summary(updated))
    return updated
