"""Change markers: what tells every process that a copy (`reads`) no longer shows Tixallo.

Each ticket has a marker (`TicketMark`), and each customer's lists one (a version
number), bumped by an event (`ticket_changed`) or by the portal's own write (`forget_*`).
`ALL_LISTS` is bumped for a change of a customer the portal never read. They live in the
shared store, so every process sees them; a copy remembers their versions when its fetch
began (`Copy.versions`) and is current only while they are still the same.
"""

import hashlib
import time
from dataclasses import dataclass

from portal.mirror import owners
from portal.shared import store
from portal.tixallo import addresses

ALL_LISTS = "mirror:lists:all"
MARK_SECONDS = 30 * 24 * 3600  # outlives every copy: a lost marker only costs a fetch


@dataclass(frozen=True, slots=True)
class TicketMark:
    """A ticket's change marker. Kept in the store as a plain tuple in this order, as
    before it had names, so markers written by an older release read alike (`of`)."""

    version: int = 0  # a new one (time.time_ns()) at each change a customer sees
    changed_at: float | None = None  # the change's updated_at, if an event said
    heard_at: float | None = None  # the newest change heard of, internal notes too

    @classmethod
    def of(cls, stored: tuple | None) -> "TicketMark":
        """The mark as the store holds it: a tuple (version, changed_at, heard_at), or
        None where no change was ever heard of."""
        return cls(*stored) if stored else cls()

    def stored(self) -> tuple[int, float | None, float | None]:
        return (self.version, self.changed_at, self.heard_at)


def version(stored: tuple | int | None) -> int:
    """A marker's version as the store holds it: a ticket's tuple, or a list's number."""
    return TicketMark.of(stored).version if isinstance(stored, tuple) else stored or 0


def ticket_changed(
    ticket_id: str,
    at: float | None,
    *,
    public: bool = True,
    customer_id: str = "",
    email: str = "",
) -> None:
    """An event told of a change of this ticket at `at` (its updated_at, if known):
    its copy and its customer's lists are no longer current. An internal note
    changes nothing a customer sees; it is only heard (for `trust`)."""
    key = ticket_key(ticket_id)
    mark = TicketMark.of(store.get(key))
    heard_at = max(mark.heard_at or 0, at or 0) or None
    if not public:
        store.set(key, TicketMark(mark.version, mark.changed_at, heard_at).stored(), MARK_SECONDS)
        return
    store.set(key, TicketMark(time.time_ns(), at, heard_at).stored(), MARK_SECONDS)
    email = email or owners.email_for(customer_id=customer_id, ticket_id=ticket_id)
    if email:
        forget_customer(email)
    else:  # a customer the portal never read: every customer's lists, once
        store.set(ALL_LISTS, time.time_ns(), MARK_SECONDS)


def forget_ticket(ticket_id: str) -> None:
    """The portal itself changed this ticket: read it afresh at the next look."""
    key = ticket_key(ticket_id)
    heard_at = TicketMark.of(store.get(key)).heard_at
    store.set(key, TicketMark(time.time_ns(), None, heard_at).stored(), MARK_SECONDS)


def forget_customer(email: str) -> None:
    store.set(customer_key(addresses.canonical(email)), time.time_ns(), MARK_SECONDS)


def ticket_key(ticket_id: str) -> str:
    return f"mirror:changed:{digest(ticket_id)}"


def customer_key(email: str) -> str:
    return f"mirror:lists:{digest(email)}"


def digest(*parts: str) -> str:
    # JSON from Tixallo (and events) may hold lone surrogates: hashed all the same.
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]
