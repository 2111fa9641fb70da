"""The shared store: counters, markers, locks and values every portal process sees alike.

Redis when REDIS_URL is set; otherwise the `shared_entry` table of the portal's database
(SQLite or PostgreSQL), each write one atomic statement (`INSERT ... ON CONFLICT DO
UPDATE ... RETURNING`), so two processes counting or locking at once never both win.
Keys that expire are dropped by Redis, or by `cleanup`, which a process runs after a
write at most once every `CLEANUP_EVERY` seconds, so the table holds about what is alive.

`get_many(..., within=1.0)` is a read-through on the database: a value this process read
less than a second ago is used again without asking. Only for readers to whom a second of
staleness is harmless (a poll's change markers); this process's own writes are seen at
once. Redis answers every read (one round trip, as the cache did): no staleness there.
"""

import pickle
import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import connection

CLEANUP_EVERY = 60.0  # seconds, per process
REDIS_PREFIX = "portal:shared:"
REPLACE = " DO UPDATE SET number = NULL, value = excluded.value, expires_at = excluded.expires_at"
_ABSENT = object()
_memo: dict[str, tuple[float, Any]] = {}
_MEMO_MAX = 10_000  # keys; past it the memo starts afresh (it only saves round trips)
_last_cleanup = 0.0


def get(key: str, default: Any = None, *, within: float = 0.0) -> Any:  # noqa: ANN401
    return get_many([key], within=within).get(key, default)


def get_many(keys: Iterable[str], *, within: float = 0.0) -> dict[str, Any]:
    """The keys that exist (and have not expired), with their values."""
    keys = list(keys)
    found: dict[str, Any] = {}
    backend = _backend()
    within = within if backend is _TABLE else 0.0
    if within > 0:
        now = time.monotonic()
        for key in list(keys):
            memo = _memo.get(key)
            if memo is not None and now - memo[0] < within:
                keys.remove(key)
                if memo[1] is not _ABSENT:
                    found[key] = memo[1]
    if keys:
        read = backend.get_many(keys)
        found.update(read)
        if within > 0:
            if len(_memo) > _MEMO_MAX:
                _memo.clear()
            now = time.monotonic()
            _memo.update({key: (now, read.get(key, _ABSENT)) for key in keys})
    return found


def set(key: str, value: Any, seconds: float | None = None) -> None:  # noqa: A001, ANN401
    """Keep `value` under `key` (for `seconds`, or until replaced or deleted)."""
    _written(key)
    _backend().set(key, pickle.dumps(value, pickle.HIGHEST_PROTOCOL), seconds)


def add(key: str, value: Any, seconds: float) -> bool:  # noqa: ANN401
    """Keep `value` only if the key is absent or expired: True for the one caller that
    did (a lock: release it with `delete`; it expires anyway if its holder dies)."""
    _written(key)
    return _backend().add(key, pickle.dumps(value, pickle.HIGHEST_PROTOCOL), seconds)


def incr(key: str, seconds: float, by: int = 1) -> int:
    """Add `by` to a counter and return its new value. A new (or expired) counter starts
    from 0 and expires `seconds` after that first hit: a fixed window."""
    _written(key)
    return _backend().incr(key, by, seconds)


def bump(key: str, seconds: float | None = None) -> int:
    """A new version under `key`, greater than the one before and than any version an
    emptied store could have handed out earlier (it starts from the clock)."""
    _written(key)
    return _backend().bump(key, time.time_ns(), seconds)


def delete(*keys: str) -> None:
    for key in keys:
        _written(key)
    if keys:
        _backend().delete(list(keys))


def cleanup() -> int:
    """Drop the expired keys now; how many went (Redis drops its own: 0)."""
    return _backend().cleanup()


def forget_memo() -> None:
    _memo.clear()


def _written(key: str) -> None:
    _memo.pop(key, None)


def _backend() -> "_Table | _Redis":
    if settings.REDIS_URL:
        if _Redis.instance is None or _Redis.instance.url != settings.REDIS_URL:
            _Redis.instance = _Redis(settings.REDIS_URL)
        return _Redis.instance
    return _TABLE


def _value(number: int | None, blob: bytes | memoryview | None) -> Any:  # noqa: ANN401
    if blob is None:
        return number
    return pickle.loads(bytes(blob))  # noqa: S301 - written by this module only


class _Table:
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
        return {key: _value(number, blob) for key, number, blob in rows}

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


_TABLE = _Table()


class _Redis:
    """The store in Redis. While Redis is down it answers as if every key were absent
    (limits count from zero, locks are granted) and logs that once a minute, as the
    cache does (portal/caches/redis.py)."""

    instance: "_Redis | None" = None
    # Atomic in Redis: a counter's expiry is set by its first hit only.
    INCR = (
        "local n = redis.call('INCRBY', KEYS[1], ARGV[1]) "
        "if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end "
        "return n"
    )
    BUMP = (
        "local n = redis.call('INCR', KEYS[1]) "
        "if n < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) n = ARGV[1] end "
        "if tonumber(ARGV[2]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) "
        "else redis.call('PERSIST', KEYS[1]) end "
        "return n"
    )

    def __init__(self, url: str) -> None:
        import redis  # only a portal with REDIS_URL imports redis-py

        from portal.caches import redis as tolerant

        self.outage, self.unavailable = tolerant.OUTAGE, tolerant._unavailable
        self.url = url
        self.client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        self.incr_script = self.client.register_script(self.INCR)
        self.bump_script = self.client.register_script(self.BUMP)

    def get_many(self, keys: list[str]) -> dict[str, Any]:
        values = self._try(lambda: self.client.mget([REDIS_PREFIX + k for k in keys]), None)
        found = {}
        for key, raw in zip(keys, values or [], strict=False):
            if raw is not None:  # counters are plain integers, values pickles (b"\x80...")
                found[key] = int(raw) if raw[:1].isdigit() or raw[:1] == b"-" else _value(0, raw)
        return found

    def set(self, key: str, blob: bytes, seconds: float | None) -> None:
        self._try(lambda: self.client.set(REDIS_PREFIX + key, blob, px=_millis(seconds)), None)

    def add(self, key: str, blob: bytes, seconds: float) -> bool:
        added = self._try(
            lambda: self.client.set(REDIS_PREFIX + key, blob, px=_millis(seconds), nx=True), True
        )
        return bool(added)

    def incr(self, key: str, by: int, seconds: float) -> int:
        keys = [REDIS_PREFIX + key]
        return int(self._try(lambda: self.incr_script(keys, [by, _millis(seconds)]), by))

    def bump(self, key: str, floor: int, seconds: float | None) -> int:
        args = [floor, _millis(seconds) or 0]
        return int(self._try(lambda: self.bump_script([REDIS_PREFIX + key], args), floor))

    def delete(self, keys: list[str]) -> None:
        self._try(lambda: self.client.delete(*[REDIS_PREFIX + k for k in keys]), None)

    def cleanup(self) -> int:
        return 0

    def _try(self, call: Any, fallback: Any) -> Any:  # noqa: ANN401
        try:
            return call()
        except self.outage as error:
            self.unavailable(error)
            return fallback


def _millis(seconds: float | None) -> int | None:
    return None if seconds is None else max(1, int(seconds * 1000))
