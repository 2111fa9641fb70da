"""The sandbox's state in one SQLite file, so it survives restarts and can be shared between the
sandbox server and `manage.py sandbox_agent` running in another process.

One connection guarded by a re-entrant lock serves every thread of a process: the sandbox is a
development tool with tiny load, and a connection per request thread would leak connections.
WAL mode plus a busy timeout let a second process read and write the same file safely.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from .faults import Faults

SCHEMA = """
CREATE TABLE IF NOT EXISTS customers (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tickets (
    id TEXT PRIMARY KEY,
    ticket_number INTEGER NOT NULL UNIQUE,
    subject TEXT NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    priority TEXT NOT NULL,
    source TEXT NOT NULL,
    customer_id TEXT NOT NULL REFERENCES customers (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tickets_by_update ON tickets (updated_at DESC, id DESC);
CREATE TABLE IF NOT EXISTS messages (
    id TEXT PRIMARY KEY,
    ticket_id TEXT NOT NULL REFERENCES tickets (id),
    author_type TEXT NOT NULL,
    author_name TEXT NOT NULL,
    body TEXT NOT NULL,
    public INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_ticket ON messages (ticket_id, created_at);
CREATE TABLE IF NOT EXISTS idempotency (
    key TEXT NOT NULL,
    request TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (key, request)
);
CREATE TABLE IF NOT EXISTS faults (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    config TEXT NOT NULL,
    revision INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, count INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS emails (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    sent_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS webhook_events (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    delivered_at TEXT,
    failed_at TEXT,
    last_error TEXT
);
"""

IDEMPOTENCY_WINDOW = timedelta(hours=24)
# Children before parents, for the foreign keys.
CLEARED_TABLES = (
    "messages tickets customers idempotency faults counters settings webhook_events emails"
)
INBOX_SIZE = 50
TICKETS_CREATED = "tickets_created"  # counter name; route counters all contain a space


def now_iso(moment: datetime | None = None) -> str:
    """UTC ISO 8601 with a `Z`. Fixed-width microseconds keep string order equal to time order."""
    moment = moment or datetime.now(UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


class Store:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        # isolation_level=None: we issue BEGIN/COMMIT ourselves so writes can be BEGIN IMMEDIATE.
        self._conn = sqlite3.connect(
            self.path, timeout=10, isolation_level=None, check_same_thread=False
        )
        self._conn.row_factory = sqlite3.Row
        for pragma in ("journal_mode=WAL", "busy_timeout=10000", "foreign_keys=ON"):
            self._conn.execute(f"PRAGMA {pragma}")
        self._conn.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def clear(self) -> None:
        """Forget everything (tickets, faults, counters, queued events, settings): a fresh
        sandbox for the next test without a new file."""
        with self.transaction() as conn:
            for table in CLEARED_TABLES.split():
                conn.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[sqlite3.Connection]:
        """One atomic unit. Writers take the write lock up front (IMMEDIATE) so that reading
        then writing inside the block cannot fail halfway with SQLITE_BUSY."""
        with self._lock:
            if self._conn.in_transaction:
                raise RuntimeError("Store.transaction() does not nest; pass the connection on.")
            self._conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    # --- settings -------------------------------------------------------------------------

    def get_setting(self, key: str, default: str = "") -> str:
        with self.transaction(write=False) as conn:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row["value"] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (key, value))

    def set_webhook(self, url: str, secret: str) -> None:
        """Where events go; an empty url turns delivery off."""
        self.set_setting("webhook_url", url)
        self.set_setting("webhook_secret", secret)

    def webhook(self) -> tuple[str, str]:
        return self.get_setting("webhook_url"), self.get_setting("webhook_secret")

    # --- the demo inbox ---------------------------------------------------------------------

    def add_email(self, recipient: str, subject: str, body: str) -> None:
        """An email the demo portal sent (its mail server is this sandbox); the newest kept."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO emails (recipient, subject, body, sent_at) VALUES (?, ?, ?, ?)",
                (recipient, subject, body, now_iso()),
            )
            conn.execute(
                "DELETE FROM emails WHERE id <= (SELECT MAX(id) FROM emails) - ?", (INBOX_SIZE,)
            )

    def emails(self) -> list[sqlite3.Row]:
        with self.transaction(write=False) as conn:
            return conn.execute("SELECT * FROM emails ORDER BY id DESC").fetchall()

    # --- faults ---------------------------------------------------------------------------

    def get_faults(self) -> Faults:
        with self.transaction(write=False) as conn:
            return _load_faults(conn)[0]

    def set_faults(self, faults: Faults | None = None, **settings: Any) -> Faults:
        """Replace the fault configuration: `set_faults(next=["500"])` or `set_faults(Faults())`."""
        faults = faults if faults is not None else Faults.from_dict(settings)
        with self.transaction() as conn:
            revision = _load_faults(conn)[1] + 1
            _save_faults(conn, faults, revision)
        return faults

    def reset_faults(self) -> Faults:
        return self.set_faults(Faults())

    def begin_api_request(self, route: str) -> tuple[Faults, str | None, int]:
        """Count the request and hand out the next queued fault, atomically, so two concurrent
        requests never both receive the same queued fault."""
        with self.transaction() as conn:
            _increment(conn, route)
            faults, revision = _load_faults(conn)
            queued = faults.next.pop(0) if faults.next else None
            if queued is not None:
                _save_faults(conn, faults, revision)
        return faults, queued, revision

    # --- stats ----------------------------------------------------------------------------

    def count_ticket_created(self, conn: sqlite3.Connection) -> None:
        _increment(conn, TICKETS_CREATED)

    def stats(self) -> dict[str, Any]:
        with self.transaction(write=False) as conn:
            rows = conn.execute("SELECT name, count FROM counters ORDER BY name").fetchall()
        routes = {row["name"]: row["count"] for row in rows if row["name"] != TICKETS_CREATED}
        created = next((row["count"] for row in rows if row["name"] == TICKETS_CREATED), 0)
        return {"requests": routes, "total": sum(routes.values()), "tickets_created": created}

    def reset_stats(self) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM counters")

    # --- idempotency ----------------------------------------------------------------------

    def find_idempotent(
        self, conn: sqlite3.Connection, key: str, request: str
    ) -> tuple[int, bytes] | None:
        cutoff = now_iso(datetime.now(UTC) - IDEMPOTENCY_WINDOW)
        row = conn.execute(
            "SELECT status, body FROM idempotency WHERE key = ? AND request = ? AND created_at > ?",
            (key, request, cutoff),
        ).fetchone()
        return (row["status"], row["body"].encode()) if row else None

    def save_idempotent(
        self, conn: sqlite3.Connection, key: str, request: str, status: int, body: bytes
    ) -> None:
        # Expired keys are pruned here so the table stays small and an old key can be reused.
        cutoff = now_iso(datetime.now(UTC) - IDEMPOTENCY_WINDOW)
        conn.execute("DELETE FROM idempotency WHERE created_at <= ?", (cutoff,))
        conn.execute(
            "INSERT OR REPLACE INTO idempotency (key, request, status, body, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (key, request, status, body.decode(), now_iso()),
        )


def _increment(conn: sqlite3.Connection, name: str) -> None:
    conn.execute(
        "INSERT INTO counters (name, count) VALUES (?, 1)"
        " ON CONFLICT (name) DO UPDATE SET count = count + 1",
        (name,),
    )


def _load_faults(conn: sqlite3.Connection) -> tuple[Faults, int]:
    row = conn.execute("SELECT config, revision FROM faults WHERE id = 1").fetchone()
    if row is None:
        return Faults(), 0
    return Faults.from_dict(json.loads(row["config"])), row["revision"]


def _save_faults(conn: sqlite3.Connection, faults: Faults, revision: int) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO faults (id, config, revision) VALUES (1, ?, ?)",
        (json.dumps(faults.to_dict()), revision),
    )
