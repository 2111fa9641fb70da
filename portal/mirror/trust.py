"""Are Tixallo's webhooks arriving? A secret in the settings is no proof: the URL may
be registered wrongly, a proxy may block it, Tixallo may have disabled it.

Evidence for: a verified delivery within `WINDOW` (`event_arrived`). Evidence
against: a ticket read again because its copy had grown old, which turned out to
have changed more than `GRACE` seconds earlier with no event telling of it
(`change_missed`). Webhooks count as arriving when the newest evidence is for them.
While they arrive, a copy is trusted until an event changes it (with a safety
refresh after `PORTAL_WEBHOOK_CACHE_SECONDS`); otherwise only for
`PORTAL_CACHE_SECONDS`, as without webhooks. The evidence, like the change markers an
event moves, is in the shared store, so every process (with or without Redis) learns
of an event the one that received it heard.
"""

import time

from django.conf import settings

from portal.shared import store

LAST_EVENT = "mirror:webhooks:last-event"
LAST_MISS = "mirror:webhooks:last-miss"
WINDOW = 24 * 3600  # a quiet night must not turn every page back to short caching
GRACE = 60.0  # seconds an event may take to arrive after its change
KEEP = 2 * WINDOW
MEMO_SECONDS = 1.0  # each process asks the store at most once a second
_memo: tuple[float, bool] | None = None


def event_arrived() -> None:
    """A signed delivery came in (whatever its outcome: duplicates prove it too)."""
    store.set(LAST_EVENT, time.time(), KEEP)
    forget_memo()


def change_missed() -> None:
    store.set(LAST_MISS, time.time(), KEEP)
    forget_memo()


def forget_memo() -> None:
    """Ask the store at the next question (after the evidence changed, or the store)."""
    global _memo
    _memo = None


def webhooks_arriving() -> bool:
    """True while webhooks are known to be arriving recently."""
    global _memo
    memo = _memo
    if memo is not None and time.monotonic() - memo[0] < MEMO_SECONDS:
        return memo[1]
    found = store.get_many([LAST_EVENT, LAST_MISS])
    last_event, last_miss = found.get(LAST_EVENT), found.get(LAST_MISS)
    arriving = last_event is not None and time.time() - last_event <= WINDOW
    arriving = arriving and (last_miss is None or last_miss < last_event)
    _memo = (time.monotonic(), arriving)
    return arriving


def trusted_for() -> float:
    """How long a copy no event has changed is used before Tixallo is asked again."""
    if webhooks_arriving():
        return max(settings.PORTAL_WEBHOOK_CACHE_SECONDS, settings.PORTAL_CACHE_SECONDS)
    return settings.PORTAL_CACHE_SECONDS
