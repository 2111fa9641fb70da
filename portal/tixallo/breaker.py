"""A circuit breaker for Tixallo: after repeated failures the portal stops calling
for a short while (reads are served from cache where possible, writes queue in the
outbox), then lets calls through again. Its state lives in Django's cache, so
with Redis every portal process agrees."""

from django.conf import settings
from django.core.cache import cache

FAILURES = "tixallo-breaker:failures"
OPEN_UNTIL = "tixallo-breaker:open"


def is_open() -> bool:
    return cache.get(OPEN_UNTIL) is not None


def record_failure() -> None:
    cache.add(FAILURES, 0, settings.TIXALLO_BREAKER_WINDOW)
    try:
        failures = cache.incr(FAILURES)
    except ValueError:  # expired between add and incr
        failures = 1
    if failures >= settings.TIXALLO_BREAKER_FAILURES:
        cache.set(OPEN_UNTIL, True, settings.TIXALLO_BREAKER_PAUSE)
        cache.delete(FAILURES)


def record_success() -> None:
    cache.delete_many([FAILURES, OPEN_UNTIL])
