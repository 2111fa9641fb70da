"""Tixallo reads through the cache, so polling pages cost the upstream little.

A ticket is kept for `PORTAL_CACHE_SECONDS`; a customer's lists carry a version
that any change of theirs (or a webhook) bumps, so they are never served stale
after the portal itself changed something.

Webhooks (`portal.webhooks`) invalidate too, but an event names the customer by
`customer_id`, not by the email the lists are keyed on. So every list key also
carries one global version, `forget_all_lists()` bumps it, and each customer's
lists are fetched afresh once, at their next poll. That costs one list request per
customer looking at a list per change, and is simply correct: no mapping from
customer ids to emails to keep in step. Tickets are forgotten one by one.
"""

import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

from portal.ops import metrics
from portal.tixallo import client
from portal.tixallo.errors import Unavailable
from portal.tixallo.types import Ticket, TicketPage

STALE_SECONDS = 24 * 3600
ALL_LISTS_VERSION_KEY = "tickets-version:all"


def ticket(ticket_id: str) -> Ticket:
    key = f"ticket:{_digest(ticket_id)}"
    return _fresh_or_stale(key, key, lambda: client.get_ticket(ticket_id))


def tickets_for(
    email: str, statuses: tuple[str, ...], cursor: str | None, limit: int = 20
) -> TicketPage:
    # From the clock, like the global one: an evicted key never revives old lists.
    version = cache.get_or_set(_list_version_key(email), time.time_ns, None)
    # Started from the clock, so a version key lost from the cache never comes back
    # as one that older cached lists were stored under.
    everyone = cache.get_or_set(ALL_LISTS_VERSION_KEY, time.time_ns, None)
    query = _digest(email, ",".join(statuses), cursor or "", str(limit))
    key = f"tickets:{everyone}.{version}:{query}"
    return _fresh_or_stale(
        key,
        f"tickets:{query}",
        lambda: client.list_tickets(
            customer_email=email, status=statuses or None, cursor=cursor, limit=limit
        ),
    )


def _fresh_or_stale[T](key: str, stale_key: str, fetch: Callable[[], T]) -> T:
    """The cached copy, else Tixallo's; while Tixallo is unavailable (or the circuit
    breaker is open) the last copy seen, up to a day old, rather than an error page."""
    found = cache.get(key)
    if found is not None:
        metrics.cache_read("hit")
        return found
    metrics.cache_read("miss")
    try:
        found = fetch()
    except Unavailable:
        stale = cache.get(f"stale:{stale_key}")
        if stale is None:
            raise
        metrics.cache_read("stale")
        return stale
    cache.set(key, found, settings.PORTAL_CACHE_SECONDS)
    cache.set(f"stale:{stale_key}", found, STALE_SECONDS)
    return found


def forget_ticket(ticket_id: str) -> None:
    cache.delete(f"ticket:{_digest(ticket_id)}")


def forget_all_lists() -> None:
    """Every customer's lists are stale (a webhook told of a change; see the docstring)."""
    try:
        cache.incr(ALL_LISTS_VERSION_KEY)
    except ValueError:  # not cached yet: no list was stored under it
        pass


def forget_customer(email: str) -> None:
    key = _list_version_key(email)
    try:
        cache.incr(key)
    except ValueError:  # not cached yet: nothing stale to hide
        pass


def _list_version_key(email: str) -> str:
    return f"tickets-version:{_digest(email.lower())}"


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
