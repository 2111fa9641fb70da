"""When each ticket last changed in a way its customer sees. Tixallo's `updated_at` also
moves for an agent's internal note; only a full ticket tells a public change from a note
(`Ticket.public_updated_at`), a list summary does not. So every full ticket the mirror
fetches is noted here with its `updated_at`: once per change, not once per page view."""

import hashlib
from datetime import datetime

from django.core.cache import cache

from portal.tixallo.types import Ticket

KEEP = 7 * 24 * 3600


def learn(ticket: Ticket) -> None:
    cache.set(_key(ticket.id), (ticket.updated_at, ticket.public_updated_at), KEEP)


def known(ticket_ids: list[str]) -> dict[str, tuple[datetime | None, datetime | None]]:
    """(updated_at, public_updated_at) of the tickets fetched lately, by id."""
    keys = {_key(ident): ident for ident in ticket_ids}
    return {keys[key]: times for key, times in cache.get_many(list(keys)).items()}


def _key(ticket_id: str) -> str:
    return "public-at:" + hashlib.sha256(ticket_id.encode(errors="replace")).hexdigest()[:32]
