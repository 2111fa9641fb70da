"""The shared store: counters, markers, locks and values every portal process sees alike.

Redis when REDIS_URL is set (`redis_store`); otherwise the `shared_entry` table of the
portal's database (`table`: SQLite or PostgreSQL), each write one atomic statement, so
two processes counting or locking at once never both win. Keys that expire are dropped
by Redis, or by the table's cleanup, which a process runs after a write at most once a
minute (`table.CLEANUP_EVERY`), so the table holds about what is alive.

`get_many(..., read_through=True)` is a read-through: a value this process read less than
`SHARED_READ_THROUGH_SECONDS` ago (1 by default; 0: always ask) is used again without
asking the table or Redis. Only for readers to whom that much staleness is harmless (a
poll's change markers, the versions of what admins edit, the breaker); this process's own
writes are seen at once. It is what keeps an unchanged poll from asking anyone: on Redis it saved
2 of a poll's 4 round trips (README, Performance).
"""

import pickle
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import caches

from portal.shared.table import Table

if TYPE_CHECKING:
    from portal.shared.redis_store import Redis

_ABSENT = object()
_memo: dict[str, tuple[float, Any]] = {}
_MEMO_MAX = 10_000  # keys; past it the memo starts afresh (it only saves round trips)
_TABLE = Table()
_redis: "Redis | None" = None


def get(key: str, default: Any = None, *, read_through: bool = False) -> Any:
    return get_many([key], read_through=read_through).get(key, default)


def get_many(keys: Iterable[str], *, read_through: bool = False) -> dict[str, Any]:
    """The keys that exist (and have not expired), with their values."""
    keys = list(keys)
    found: dict[str, Any] = {}
    within = settings.SHARED_READ_THROUGH_SECONDS if read_through else 0.0
    if within > 0:
        now = time.monotonic()
        for key in list(keys):
            memo = _memo.get(key)
            if memo is not None and now - memo[0] < within:
                keys.remove(key)
                if memo[1] is not _ABSENT:
                    found[key] = memo[1]
    if keys:
        read = _backend().get_many(keys)
        found.update(read)
        if within > 0:
            if len(_memo) > _MEMO_MAX:
                _memo.clear()
            now = time.monotonic()
            _memo.update({key: (now, read.get(key, _ABSENT)) for key in keys})
    return found


def per_version[T](version_key: str, name: str, build: Callable[[], T]) -> T:
    """What admins edit (status wordings, request forms), built once per process for each
    version under `version_key` (bumped by a save) and kept in this process's cache: the
    version is read through, so an edit reaches every process within a second."""
    key = f"{name}:{get(version_key, read_through=True) or 0}"
    found = caches["local"].get(key)
    if found is None:
        found = build()
        caches["local"].set(key, found, 300)
    return found


def set(key: str, value: Any, seconds: float | None = None) -> None:
    """Keep `value` under `key` (for `seconds`, or until replaced or deleted)."""
    _written(key)
    _backend().set(key, pickle.dumps(value, pickle.HIGHEST_PROTOCOL), seconds)


def add(key: str, value: Any, seconds: float) -> bool:
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


def _backend() -> "Table | Redis":
    global _redis
    if not settings.REDIS_URL:
        return _TABLE
    if _redis is None or _redis.url != settings.REDIS_URL:
        from portal.shared.redis_store import Redis  # only with REDIS_URL: redis-py is big

        _redis = Redis(settings.REDIS_URL)
    return _redis
