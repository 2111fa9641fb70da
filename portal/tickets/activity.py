"""When something a customer sees last changed, for "Updated … ago" and the order of
My requests. The mirror notes each full ticket it fetches (`mirror.public_times`); a
list row whose `updated_at` moved since is read once more (cached, and the page the
customer opens next). Tickets never opened show `updated_at`."""

from datetime import UTC, datetime

from portal.mirror import public_times, reads
from portal.tixallo.errors import TixalloError
from portal.tixallo.types import Ticket

MAX_READS = 5  # per list request: a poll catches up with the rest
OLDEST = datetime.min.replace(tzinfo=UTC)


def newest_first(tickets: tuple[Ticket, ...]) -> list[tuple[Ticket, datetime | None]]:
    """Each ticket with the time of its last public change, newest first."""
    known = public_times.known([ticket.id for ticket in tickets])
    reads_left = MAX_READS
    rows = []
    for ticket in tickets:
        updated, public = known.get(ticket.id) or (None, None)
        if updated != ticket.updated_at and updated is not None and reads_left:
            reads_left -= 1
            updated, public = _reread(ticket)
        rows.append((ticket, public if updated == ticket.updated_at else ticket.updated_at))
    return sorted(rows, key=lambda row: row[1] or OLDEST, reverse=True)


def _reread(ticket: Ticket) -> tuple[datetime | None, datetime | None]:
    try:
        full = reads.ticket(ticket.id)  # a fetch notes its times (`public_times.learn`)
    except TixalloError:
        return None, None
    return full.updated_at, full.public_updated_at
