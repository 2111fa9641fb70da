"""When something a customer sees last changed, for "Updated … ago" and the order of
My requests. Tixallo's `updated_at` also moves for an agent's internal note; a full
ticket says whether its newest change was one (`Ticket.public_updated_at`), a list
summary does not. So each full ticket the portal reads is remembered with its
`updated_at`, and a list row whose `updated_at` moved since is read once more (cached,
and the page the customer opens next). Tickets never opened show `updated_at`."""

import hashlib
from datetime import UTC, datetime

from django.core.cache import cache

from portal.mirror import reads
from portal.tixallo.errors import TixalloError
from portal.tixallo.types import Ticket

KEEP = 7 * 24 * 3600
MAX_READS = 5  # per list request: a poll catches up with the rest
OLDEST = datetime.min.replace(tzinfo=UTC)


def remember(ticket: Ticket) -> None:
    cache.set(_key(ticket.id), (ticket.updated_at, ticket.public_updated_at), KEEP)


def newest_first(tickets: tuple[Ticket, ...]) -> list[tuple[Ticket, datetime | None]]:
    """Each ticket with the time of its last public change, newest first."""
    keys = {ticket.id: _key(ticket.id) for ticket in tickets}
    known = cache.get_many(list(keys.values()))
    reads_left = MAX_READS
    rows = []
    for ticket in tickets:
        updated, public = known.get(keys[ticket.id]) or (None, None)
        if updated != ticket.updated_at and updated is not None and reads_left:
            reads_left -= 1
            updated, public = _reread(ticket)
        rows.append((ticket, public if updated == ticket.updated_at else ticket.updated_at))
    return sorted(rows, key=lambda row: row[1] or OLDEST, reverse=True)


def _reread(ticket: Ticket) -> tuple[datetime | None, datetime | None]:
    try:
        full = reads.ticket(ticket.id)
    except TixalloError:
        return None, None
    remember(full)
    return full.updated_at, full.public_updated_at


def _key(ticket_id: str) -> str:
    return "public-at:" + hashlib.sha256(ticket_id.encode(errors="replace")).hexdigest()[:32]
