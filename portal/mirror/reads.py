"""Tickets and lists read through the cache, so Tixallo's cost follows changes, not viewers.

A copy is used as long as both hold:
- no change it misses is known: every ticket and every customer's lists have a
  change marker (`markers`), bumped by an event (`ticket_changed`) or the portal's own
  write (`forget_*`); a copy remembers the markers' versions when its fetch *began*, so
  a fetch that began before an event never passes for current, however late it is
  stored. A ticket copy whose `updated_at` is at least the event's also counts as
  current (it already shows that change);
- it is younger than `trust.trusted_for()`: minutes while webhooks are seen arriving
  (the safety refresh), `PORTAL_CACHE_SECONDS` otherwise.

Otherwise one request, in any thread or process, fetches it (`store.add` takes the
key's lock in the shared store) while the others wait for its copy. When Tixallo
is unavailable, over the budget or paused by a 429, the last copy seen (up to a day
old) answers instead of an error. Tixallo's "no such ticket" and refused cursors are
kept for `REFUSAL_SECONDS`, so a repeated guess costs Tixallo nothing.

Where things live (docs/architecture.md, "Where state lives"): the change markers, locks
and "just failed" notes in the shared store (`portal.shared.store`), which every process
sees; the copies in this process, and with Redis in the cache too (`copies`). A copy
carries the markers it was fetched under and is used only while they are the shared ones,
so a process that missed an invalidation reads again instead of showing an old state. A
page's read of the markers is a read-through (`store.get_many(read_through=True)`, a
second by default): a change made in another process (an event, the worker's delivery)
shows at most that much later. Storing a copy reads them afresh.

`ticket_copy` and `list_copy` read alike, step by step: look up the copy; wait while
another request fetches it, else take the key's lock (`_turn_to_fetch`); fetch; keep the
copy if no event came meanwhile.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings

from portal.mirror import budget, copies, owners, public_times, trust
from portal.mirror.copies import REFUSAL_SECONDS, Copy
from portal.mirror.markers import (
    ALL_LISTS,
    TicketMark,
    customer_key,
    digest,
    forget_customer,
    forget_ticket,
    ticket_changed,
    ticket_key,
    version,
)
from portal.shared import store
from portal.telemetry import metrics
from portal.tixallo import addresses, client
from portal.tixallo.errors import Invalid, NotFound, RateLimited, Unavailable
from portal.tixallo.types import Ticket, TicketPage

__all__ = [  # what pages, the outbox and webhooks use; what changed is told to `markers`
    "ALL_LISTS",
    "Copy",
    "forget_customer",
    "forget_ticket",
    "list_copy",
    "not_theirs",
    "ticket",
    "ticket_changed",
    "ticket_copy",
    "tickets_for",
    "unanswered_since",
]

POLL_PATIENCE = 300  # seconds; a poll's copy this old is refreshed like a first view
WAIT_STEP = 0.02
REFUSALS = {"not found": NotFound, "invalid": Invalid}
GAVE_NO_COPY = (NotFound, Invalid, Unavailable, RateLimited)


class Place(NamedTuple):
    """Where one copy is kept (`key`), and the change markers it must be current under:
    a ticket's own, or a customer's lists' and every list's."""

    key: str
    marker_keys: tuple[str, ...]


def _ticket_place(ticket_id: str) -> Place:
    return Place(f"mirror:ticket:{digest(ticket_id)}", (ticket_key(ticket_id),))


def _list_place(email: str, statuses: tuple[str, ...], cursor: str | None, limit: int) -> Place:
    query = digest(email, ",".join(statuses), cursor or "", str(limit))
    return Place(f"mirror:list:{query}", (customer_key(email), ALL_LISTS))


# --- a ticket, and a page of a customer's list, top to bottom ------------------------


def ticket(ticket_id: str, *, poll: bool = False) -> Ticket:
    return ticket_copy(ticket_id, poll=poll).value


def ticket_copy(ticket_id: str, *, poll: bool = False) -> Copy:
    """The ticket's copy; raises NotFound, or Unavailable / RateLimited with no copy."""
    place = _ticket_place(ticket_id)
    look = _look_up(place, read_through=True)
    if look.trusts(look.copy):
        return _hit(look.copy)
    with _turn_to_fetch(place, look.copy) as answered:
        if answered is not None:
            return answered  # another request fetched it meanwhile
        before = _look_up(place)  # before the fetch: an event during it outdates its copy
        if (stored := _stored_meanwhile(before, look.copy)) is not None:
            return stored
        try:
            with budget.priority(_priority(poll, look.copy)):
                fetched = client.get_ticket(ticket_id)
        except GAVE_NO_COPY as failure:
            return _without_tixallo(before, look.copy, failure)
        copy = copies.of_ticket(fetched, before.versions())
        _learn_from_ticket(copy, fetched, before, look.copy)
        return _keep_if_current(place, copy)


def tickets_for(
    email: str,
    statuses: tuple[str, ...],
    cursor: str | None,
    limit: int = 20,
    *,
    poll: bool = False,
) -> TicketPage:
    return list_copy(email, statuses, cursor, limit, poll=poll).value


def list_copy(
    email: str,
    statuses: tuple[str, ...],
    cursor: str | None,
    limit: int = 20,
    *,
    poll: bool = False,
) -> Copy:
    """One page of a customer's tickets; raises Invalid for a cursor Tixallo refuses."""
    email = addresses.canonical(email)
    place = _list_place(email, statuses, cursor, limit)
    look = _look_up(place, read_through=True)
    if look.trusts(look.copy):
        return _hit(look.copy)
    with _turn_to_fetch(place, look.copy) as answered:
        if answered is not None:
            return answered
        before = _look_up(place)
        if (stored := _stored_meanwhile(before, look.copy)) is not None:
            return stored
        try:
            with budget.priority(_priority(poll, look.copy)):
                page = client.list_tickets(
                    customer_email=email, status=statuses or None, cursor=cursor, limit=limit
                )
        except GAVE_NO_COPY as failure:
            return _without_tixallo(before, look.copy, failure)
        owners.learn(page.tickets, email)
        return _keep_if_current(place, copies.of_list(page, before.versions()))


def not_theirs(email: str, ticket_id: str) -> bool:
    """True when the portal knows, without asking Tixallo, that this ticket is not this
    customer's: learnt as another's, or absent from their whole list in a current copy.
    Nothing is fetched to find out: guessed ids then cost Tixallo nothing."""
    email = addresses.canonical(email)
    if owner := owners.email_for(ticket_id=ticket_id):
        return owner != email
    look = _look_up(_list_place(email, (), None, 20), read_through=True)
    if not look.trusts(look.copy) or look.copy.refused:
        return False  # a ticket made since (by an agent, by email) may be missing
    page = look.copy.value
    return page.next_cursor is None and all(t.id != ticket_id for t in page.tickets)


def unanswered_since(copy: Copy) -> float | None:
    """When this copy was fetched, if it is older than trusted: it is shown because
    Tixallo could not give a newer one just now; else None."""
    age = time.time() - copy.fetched_at
    # The shortest trust first: most pages show a younger copy and ask the cache nothing.
    if age < settings.PORTAL_CACHE_SECONDS or age < trust.trusted_for():
        return None
    return copy.fetched_at


# --- looking up a copy -------------------------------------------------------------


@dataclass
class Look:
    """A copy under a place's key (`copy`, None if none), with what the shared store held
    for its markers (and any flags asked for) at the same moment (`shared`)."""

    place: Place
    copy: Copy | None
    shared: dict

    def versions(self) -> tuple[int, ...]:
        return tuple(version(self.shared.get(key)) for key in self.place.marker_keys)

    def ticket_mark(self) -> TicketMark:
        """The ticket's marker (a list's place has none: an empty one)."""
        stored = self.shared.get(self.place.marker_keys[0])
        return TicketMark.of(stored if isinstance(stored, tuple) else None)

    def current(self, copy: Copy) -> bool:
        """No change the copy misses is known."""
        if copy.versions == self.versions():
            return True
        # A ticket copy that already shows the newest change heard of is current too.
        changed_at = self.ticket_mark().changed_at
        if changed_at is None or copy.updated_at is None:
            return False
        return copy.updated_at >= changed_at

    def trusts(self, copy: Copy | None) -> bool:
        """Current, and young enough to show without asking."""
        if copy is None or not self.current(copy):
            return False
        age = time.time() - copy.fetched_at
        return age < (REFUSAL_SECONDS if copy.refused else trust.trusted_for())


def _look_up(
    place: Place,
    *,
    flags: tuple[str, ...] = (),
    read_through: bool = False,
    newer_than: Copy | None = None,
) -> Look:
    """The place's copy (`copies`) with its markers and `flags` (from the store): this
    process's own if it can serve (trusted, and not `newer_than`'s fetch), else the one
    another instance stored (with Redis)."""
    marks = store.get_many((*place.marker_keys, *flags), read_through=read_through)
    look = Look(place, None, marks)

    def usable(copy: Copy) -> bool:
        if newer_than is not None and copy.fetch_id == newer_than.fetch_id:
            return False
        return look.trusts(copy)

    look.copy = copies.get(place.key, usable)
    return look


def _hit(copy: Copy) -> Copy:
    if copy.refused:
        raise REFUSALS[copy.refused](f"Tixallo said {copy.refused} (kept {REFUSAL_SECONDS} s)")
    metrics.cache_read("hit")
    return copy


# --- one fetch at a time -------------------------------------------------------------


@contextmanager
def _turn_to_fetch(place: Place, old: Copy | None) -> Iterator[Copy | None]:
    """One fetch per key at a time, in any thread or process: the copy another request's
    fetch stored meanwhile; else None, and this request holds the key's lock until the
    block ends (its copy stored, or its fetch failed)."""
    metrics.cache_read("miss")
    lock = f"{place.key}:lock"
    while not store.add(lock, True, _flight_seconds()):
        if (waited := _wait_for_other_fetch(place, old)) is not None:
            yield _answer(waited)
            return
    try:
        yield None
    finally:
        store.delete(lock)


def _wait_for_other_fetch(place: Place, old: Copy | None) -> Copy | None:
    """Another request is fetching this key: its copy (or its refusal) once stored; the
    last copy seen if it failed; None to fetch after all (it took too long, or an event
    came meanwhile)."""
    began = time.time()
    patience = _flight_seconds()
    page_bound = (left := client.time_left()) is not None and left < patience
    deadline = time.monotonic() + (left if page_bound else patience)
    lock, failed = f"{place.key}:lock", f"{place.key}:failed"
    while time.monotonic() < deadline:
        _pause(WAIT_STEP)
        look = _look_up(place, flags=(lock, failed), newer_than=old)
        copy = look.copy
        newer = copy is not None and (old is None or copy.fetch_id != old.fetch_id)
        if newer and look.current(copy):
            return copy
        if look.shared.get(failed, 0) >= began:
            if (last := _last_seen(place, old)) is not None:
                return last
            raise Unavailable("Tixallo did not answer (another request just tried)")
        if lock not in look.shared:
            return None
    if page_bound:  # the page's time is up: the copy it has, or a calm "not now"
        if (last := _last_seen(place, old)) is not None:
            return last
        raise Unavailable("Tixallo did not answer within the page's time")
    return None


def _stored_meanwhile(before: Look, old: Copy | None) -> Copy | None:
    """The copy stored by the fetch that ended just before this one began, if current."""
    stored = before.copy
    if stored is not None and stored.fetch_id != (old.fetch_id if old else ""):
        if before.current(stored):
            return _answer(stored)
    return None


# --- fetching and keeping --------------------------------------------------------------


def _priority(poll: bool, old: Copy | None) -> float:
    """The share of the budget this read may use. A poll refreshing a copy it has is
    the least urgent read, the more so the younger the copy: when the budget is tight,
    the pages that waited longest are refreshed first, and no customer waits for ever."""
    if not poll or old is None or old.refused:
        return budget.FIRST_VIEW
    waited = min(1.0, (time.time() - old.fetched_at) / POLL_PATIENCE)
    return budget.POLL + (budget.FIRST_VIEW - budget.POLL) * waited


def _without_tixallo(before: Look, old: Copy | None, failure: Exception) -> Copy:
    """Tixallo gave no copy. Its refusal is kept (`REFUSAL_SECONDS`) and raised; while it
    is unavailable (or the budget spent), the last copy seen answers, else the error."""
    place = before.place
    if isinstance(failure, NotFound | Invalid):
        refused = "not found" if isinstance(failure, NotFound) else "invalid"
        copies.put(place.key, copies.of_refusal(refused, before.versions()))
        raise failure
    store.set(f"{place.key}:failed", time.time(), 5)  # waiters answer at once, as we do
    if (last := _last_seen(place, old)) is not None:
        metrics.cache_read("stale")
        return last  # the last copy seen, even one an event made stale
    raise failure


def _learn_from_ticket(copy: Copy, fetched: Ticket, before: Look, old: Copy | None) -> None:
    owners.learn([fetched])
    public_times.learn(fetched)
    # Read again only because the copy had grown old (not for an event), and it changed
    # long enough ago that its event should have come: an event went missing.
    aged = old is not None and not old.refused and before.current(old)
    if not aged or old.updated_at is None or copy.updated_at is None:
        return
    heard_at = before.ticket_mark().heard_at or 0
    if copy.updated_at > max(old.updated_at, heard_at) and (
        copy.updated_at < time.time() - trust.GRACE
    ):
        trust.change_missed()


def _keep_if_current(place: Place, copy: Copy) -> Copy:
    """Keep the copy unless an event came during the fetch (then it is only this
    request's answer)."""
    now = Look(place, None, store.get_many(place.marker_keys))
    if now.current(copy):
        copies.put(place.key, copy)
        if not settings.REDIS_URL:  # the cache is this process's own
            store.set(f"{place.key}:last", copy, copies.STALE_SECONDS)
    return copy


def _last_seen(place: Place, old: Copy | None) -> Copy | None:
    """The last copy seen, for when Tixallo can't answer: this process's own, else (one
    box, where each process keeps its own cache) the one any process last fetched, kept
    in the shared store on each fetch: written per change, read only on failure."""
    if old is None or old.refused:
        old = None if settings.REDIS_URL else store.get(f"{place.key}:last")
    return old if old is not None and not old.refused else None


def _answer(copy: Copy) -> Copy:
    if copy.refused:
        raise REFUSALS[copy.refused](f"Tixallo said {copy.refused}")
    return copy


def _pause(seconds: float) -> None:
    time.sleep(seconds)


def _flight_seconds() -> float:
    """How long one fetch may take, retries included: the lock's life, and the wait."""
    return (
        settings.TIXALLO_CONNECT_TIMEOUT
        + settings.TIXALLO_READ_TIMEOUT
        + settings.TIXALLO_RETRY_BUDGET
    )
