"""Tixallo reads through the cache, so polling pages cost the upstream little.

A ticket is kept for `PORTAL_CACHE_SECONDS`; a customer's lists carry a version
that any change of theirs (or a webhook) bumps, so they are never served stale
after the portal itself changed something.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

from portal.tixallo import client
from portal.tixallo.types import Ticket, TicketPage


def ticket(ticket_id: str) -> Ticket:
    key = f"ticket:{_digest(ticket_id)}"
    found = cache.get(key)
    if found is None:
        found = client.get_ticket(ticket_id)
        cache.set(key, found, settings.PORTAL_CACHE_SECONDS)
    return found


def tickets_for(
    email: str, statuses: tuple[str, ...], cursor: str | None, limit: int = 20
) -> TicketPage:
    version = cache.get_or_set(_list_version_key(email), 1, None)
    key = f"tickets:{version}:{_digest(email, ','.join(statuses), cursor or '', str(limit))}"
    found = cache.get(key)
    if found is None:
        found = client.list_tickets(
            customer_email=email, status=statuses or None, cursor=cursor, limit=limit
        )
        cache.set(key, found, settings.PORTAL_CACHE_SECONDS)
    return found


def forget_ticket(ticket_id: str) -> None:
    cache.delete(f"ticket:{_digest(ticket_id)}")


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
