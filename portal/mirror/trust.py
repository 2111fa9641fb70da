"""Are Tixallo's webhooks arriving? A secret in the settings is no proof: the URL may
be registered wrongly, a proxy may block it, Tixallo may have disabled it.

Evidence for: a verified delivery within `WINDOW` (`event_arrived`). Evidence
against: a ticket read again because its copy had grown old, which turned out to
have changed more than `GRACE` seconds earlier with no event telling of it
(`change_missed`). Webhooks count as arriving when the newest evidence is for them.
While they arrive, a copy is trusted until an event changes it (with a safety
refresh after `PORTAL_WEBHOOK_CACHE_SECONDS`); otherwise only for
`PORTAL_CACHE_SECONDS`, as without webhooks.
"""

import time

from django.conf import settings
from django.core.cache import cache

LAST_EVENT = "mirror:webhooks:last-event"
LAST_MISS = "mirror:webhooks:last-miss"
WINDOW = 24 * 3600  # a quiet night must not turn every page back to short caching
GRACE = 60.0  # seconds an event may take to arrive after its change
KEEP = 2 * WINDOW
KEYS = (LAST_EVENT, LAST_MISS)  # read with a copy, in one round trip (`reads`)


def event_arrived() -> None:
    cache.set(LAST_EVENT, time.time(), KEEP)


def change_missed() -> None:
    cache.set(LAST_MISS, time.time(), KEEP)


def webhooks_arriving(found: dict | None = None) -> bool:
    """`found`: the KEYS as already read from the cache, if they were."""
    found = cache.get_many(KEYS) if found is None else found
    last_event, last_miss = found.get(LAST_EVENT), found.get(LAST_MISS)
    if last_event is None or time.time() - last_event > WINDOW:
        return False
    return last_miss is None or last_miss < last_event


def trusted_for(found: dict | None = None) -> float:
    """How long a copy no event has changed is used before Tixallo is asked again."""
    if webhooks_arriving(found):
        return max(settings.PORTAL_WEBHOOK_CACHE_SECONDS, settings.PORTAL_CACHE_SECONDS)
    return settings.PORTAL_CACHE_SECONDS
