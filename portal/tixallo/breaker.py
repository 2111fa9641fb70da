"""A circuit breaker for Tixallo: after repeated failures the portal stops calling
for a short while (reads are served from cache where possible, writes queue in the
outbox), then lets calls through again. Its state lives in the store handed to it at
start (`use_store`: the portal's shared store, MirrorConfig.ready), so every portal
process agrees; this package imports nothing of the portal. Until then: Django's cache."""

from typing import Any, Protocol

from django.conf import settings
from django.core.cache import cache

FAILURES = "tixallo-breaker:failures"
OPEN_UNTIL = "tixallo-breaker:open"
SEEN_WITHIN = 1.0  # seconds: another process's opening or closing may be seen this late


class Store(Protocol):
    def get_many(self, keys: list[str], *, within: float = 0.0) -> dict[str, Any]: ...
    def set(self, key: str, value: object, seconds: float | None = None) -> None: ...
    def incr(self, key: str, seconds: float, by: int = 1) -> int: ...
    def delete(self, *keys: str) -> None: ...


_store: Store | None = None


def use_store(store: Store | None) -> None:
    global _store
    _store = store


def is_open() -> bool:
    if _store is None:
        return cache.get(OPEN_UNTIL) is not None
    return OPEN_UNTIL in _store.get_many([OPEN_UNTIL], within=SEEN_WITHIN)


def record_failure() -> None:
    window = settings.TIXALLO_BREAKER_WINDOW
    if _store is not None:
        failures = _store.incr(FAILURES, window)
    else:
        cache.add(FAILURES, 0, window)
        try:
            failures = cache.incr(FAILURES)
        except ValueError:  # expired between add and incr
            failures = 1
    if failures >= settings.TIXALLO_BREAKER_FAILURES:
        if _store is not None:
            _store.set(OPEN_UNTIL, True, settings.TIXALLO_BREAKER_PAUSE)
            _store.delete(FAILURES)
        else:
            cache.set(OPEN_UNTIL, True, settings.TIXALLO_BREAKER_PAUSE)
            cache.delete(FAILURES)


def record_success() -> None:
    if _store is None:
        cache.delete_many([FAILURES, OPEN_UNTIL])
    elif _store.get_many([FAILURES, OPEN_UNTIL], within=SEEN_WITHIN):  # a write only if needed
        _store.delete(FAILURES, OPEN_UNTIL)
