"""The shared store in the portal's own database (SQLite >= 3.35 or PostgreSQL), without
Redis: the `shared_entry` table (`models.Entry`), each write one atomic statement
(`INSERT ... ON CONFLICT DO UPDATE ... RETURNING`), so two processes counting or locking
at once never both win. A process deletes the expired rows after a write at most once
every `CLEANUP_EVERY` seconds, so the table holds about what is alive."""

import pickle
import time
from typing import Any

from django.db import connection

CLEANUP_EVERY = 60.0  # seconds, per process
REPLACE = " DO UPDATE SET number = NULL, value = excluded.value, expires_at = excluded.expires_at"
_last_cleanup = 0.0


def value_of(number: int | None, blob: bytes | memoryview | None) -> Any:
    if blob is None:
        return number
    return pickle.loads(bytes(blob))  # noqa: S301 - written by the store only


class Table:
    """The store in the portal's database: SQLite >= 3.35 or PostgreSQL."""

    TABLE = "shared_entry"

    def get_many(self, keys: list[str]) -> dict[str, Any]:
        marks = ", ".join(["%s"] * len(keys))
        rows = self._run(
            f'SELECT "key", number, value FROM {self.TABLE} WHERE "key" IN ({marks})'  # noqa: S608
            " AND (expires_at IS NULL OR expires_at > %s)",
            [*keys, time.time()],
            write=False,
        )
        return {key: value_of(number, blob) for key, number, blob in rows}

    def set(self, key: str, blob: bytes, seconds: float | None) -> None:
        self._run(
            self._upsert("NULL, %s") + REPLACE + ' RETURNING "key"',
            [key, blob, _until(seconds)],
        )

    def add(self, key: str, blob: bytes, seconds: float) -> bool:
        # Conflicting with a live key, the update's WHERE fails and no row is returned.
        rows = self._run(
            self._upsert("NULL, %s")
            + REPLACE
            + f' WHERE {self.TABLE}.expires_at <= %s RETURNING "key"',
            [key, blob, _until(seconds), time.time()],
        )
        return bool(rows)

    def incr(self, key: str, by: int, seconds: float) -> int:
        old = f"{self.TABLE}.expires_at <= %s"  # expired: the window starts again
        rows = self._run(
            self._upsert("%s, NULL")
            + f" DO UPDATE SET number = CASE WHEN {old} THEN excluded.number"
            f" ELSE COALESCE({self.TABLE}.number, 0) + excluded.number END,"
            f" expires_at = CASE WHEN {old} THEN excluded.expires_at"
            f" ELSE {self.TABLE}.expires_at END, value = NULL RETURNING number",
            [key, by, _until(seconds), time.time(), time.time()],
        )
        return rows[0][0]

    def bump(self, key: str, floor: int, seconds: float | None) -> int:
        rows = self._run(
            self._upsert("%s, NULL")
            + f" DO UPDATE SET number = CASE WHEN {self.TABLE}.number >= excluded.number"
            f" THEN {self.TABLE}.number + 1 ELSE excluded.number END,"
            " value = NULL, expires_at = excluded.expires_at RETURNING number",
            [key, floor, _until(seconds)],
        )
        return rows[0][0]

    def delete(self, keys: list[str]) -> None:
        marks = ", ".join(["%s"] * len(keys))
        self._run(f'DELETE FROM {self.TABLE} WHERE "key" IN ({marks})', keys, rows=False)  # noqa: S608

    def cleanup(self) -> int:
        global _last_cleanup
        _last_cleanup = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.TABLE} WHERE expires_at <= %s", [time.time()])  # noqa: S608
            return cursor.rowcount

    def _upsert(self, columns: str) -> str:
        return (
            f'INSERT INTO {self.TABLE} ("key", number, value, expires_at)'  # noqa: S608
            f' VALUES (%s, {columns}, %s) ON CONFLICT ("key")'
        )

    def _run(self, sql: str, params: list, *, write: bool = True, rows: bool = True) -> list:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall() if rows else []
        # Not inside a caller's transaction: its row locks would last until that commits.
        due = time.monotonic() - _last_cleanup > CLEANUP_EVERY
        if write and due and not connection.in_atomic_block:
            self.cleanup()
        return found


def _until(seconds: float | None) -> float | None:
    return None if seconds is None else time.time() + seconds
