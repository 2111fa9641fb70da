"""A circuit breaker for Tixallo: after repeated failures the portal stops calling
for a short while (reads are served from cache where possible, writes queue in the
outbox), then lets calls through again. Its state lives in the store handed to it at
start (`use_store`: the portal's shared store, MirrorConfig.ready), so every portal
process agrees; this package imports nothing of the portal. Without one it never opens."""

from typing import Any, Protocol

from django.conf import settings

FAILURES = "tixallo-breaker:failures"
OPEN_UNTIL = "tixallo-breaker:open"


class Store(Protocol):
    def get_many(self, keys: list[str], *, read_through: bool = False) -> dict[str, Any]: ...
    def set(self, key: str, value: object, seconds: float | None = None) -> None: ...
    def incr(self, key: str, seconds: float, by: int = 1) -> int: ...
    def delete(self, *keys: str) -> None: ...


_store: Store | None = None


def use_store(store: Store | None) -> None:
    global _store
    _store = store


def is_open() -> bool:
    return _store is not None and OPEN_UNTIL in _store.get_many([OPEN_UNTIL], read_through=True)


def record_failure() -> None:
    if _store is None:
        return
    if _store.incr(FAILURES, settings.TIXALLO_BREAKER_WINDOW) >= settings.TIXALLO_BREAKER_FAILURES:
        _store.set(OPEN_UNTIL, True, settings.TIXALLO_BREAKER_PAUSE)
        _store.delete(FAILURES)


def record_success() -> None:
    # Most calls succeed with nothing to reset: a read, and a write only when needed.
    if _store is not None and _store.get_many([FAILURES, OPEN_UNTIL], read_through=True):
        _store.delete(FAILURES, OPEN_UNTIL)
