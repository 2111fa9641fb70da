"""The share of Tixallo's rate limit the portal may spend, shared by every process.

Tixallo limits a workspace per minute (part B: 429 with Retry-After), and the agents'
own tools spend the same limit. The portal allows itself `TIXALLO_REQUESTS_PER_MINUTE`
and spends it by priority: writes (a customer's request or reply) may use all of it,
a customer's first view of a page the first 85 % (`FIRST_VIEW`), polls the first 60 %
(`POLL`), and a poll whose copy has waited long a little more (`reads`), so that when
the budget is tight the oldest copies are refreshed first. A refused read is answered
from the copy the portal has (`reads`); a refused write waits in the outbox. A 429
pauses every read in every process until its Retry-After has passed, instead of each
request finding out for itself.

The client asks `admit()` before every HTTP attempt (retries included: each one
costs Tixallo a request) and reports each 429 to `rate_limited()`; this module is
handed to it at start (`MirrorConfig.ready`), so the client imports nothing of the portal.
Counters live in the shared store (`portal.shared.store`: Redis, else the database),
which every process counts into, one per minute, so "the last minute" is this minute's
count plus the part of the previous one that still falls within sixty seconds.
"""

import contextlib
import math
import time
from collections.abc import Iterator
from contextvars import ContextVar

from django.conf import settings

from portal.shared import store
from portal.tixallo.errors import Throttled

# The share of the budget a kind of request may use (priorities).
WRITE, FIRST_VIEW, POLL = 1.0, 0.85, 0.6
DEFAULT_PAUSE = 10.0  # seconds, for a 429 without Retry-After
PAUSED_UNTIL = "mirror:budget:paused-until"

_priority: ContextVar[float] = ContextVar("tixallo_priority", default=FIRST_VIEW)


@contextlib.contextmanager
def priority(share: float) -> Iterator[None]:
    """Reads made inside may use this share of the budget (FIRST_VIEW unless said)."""
    token = _priority.set(share)
    try:
        yield
    finally:
        _priority.reset(token)


def admit(method: str) -> None:
    """Count one request about to be sent, or raise Throttled when it may not be."""
    share = WRITE if method not in ("GET", "HEAD") else _priority.get()
    now = time.time()
    found = store.get_many([PAUSED_UNTIL, _minute_key(now - 60)])
    if share < WRITE:
        paused = found.get(PAUSED_UNTIL)
        if paused is not None and paused > now:
            raise Throttled(f"Tixallo asked to wait {paused - now:.0f} s (429)")
    limit = settings.TIXALLO_REQUESTS_PER_MINUTE
    allowed = limit * share
    key = _minute_key(now)
    spent_now = store.incr(key, 3660)  # kept an hour, for usage()
    previous = found.get(_minute_key(now - 60)) or 0
    if spent_now + previous * (1 - (now % 60) / 60) > allowed:
        _give_back(key)
        raise Throttled(f"over {share:.0%} of the portal's budget ({limit} requests a minute)")


def rate_limited(retry_after: float | None) -> None:
    """Tixallo answered 429: no process reads until Retry-After has passed."""
    until = time.time() + (retry_after if retry_after is not None else DEFAULT_PAUSE)
    store.set(PAUSED_UNTIL, until, math.ceil(until - time.time()) + 1)


def usage() -> dict:
    """For the health page and metrics: requests sent in the last minute and hour,
    the budget, and until when reads are paused after a 429 (unix time or None)."""
    now = time.time()
    minutes = [_minute_key(now - 60 * n) for n in range(61)]
    counts = store.get_many([*minutes, PAUSED_UNTIL])
    this, previous = counts.get(minutes[0], 0), counts.get(minutes[1], 0)
    paused = counts.get(PAUSED_UNTIL)
    return {
        "used_last_minute": int(this + previous * (1 - (now % 60) / 60)),
        "used_last_hour": int(sum(counts.get(key, 0) for key in minutes[:60])),
        "limit_per_minute": settings.TIXALLO_REQUESTS_PER_MINUTE,
        "paused_until": paused if paused is not None and paused > now else None,
    }


def _minute_key(moment: float) -> str:
    return f"mirror:budget:{int(moment // 60)}"


def _give_back(key: str) -> None:
    store.incr(key, 3660, by=-1)
