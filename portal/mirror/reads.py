"""Tickets and lists read through the cache, so Tixallo's cost follows changes, not viewers.

A copy is used as long as both hold:
- no change it misses is known: every ticket and every customer's lists have a
  change marker, bumped by an event (`ticket_changed`) or the portal's own write
  (`forget_*`); a copy remembers the markers in force when its fetch *began*, so a
  fetch that began before an event never passes for current, however late it is
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
page's read of the markers is a read-through of `MARKS_READ_THROUGH` seconds per process:
a change made in another process (an event, the worker's delivery) shows at most that
much later.
"""

import hashlib
import pickle
import secrets
import time
from collections.abc import Callable

from django.conf import settings

from portal.mirror import budget, copies, owners, public_times, trust
from portal.mirror.copies import Copy
from portal.shared import store
from portal.telemetry import metrics
from portal.tixallo import addresses, client
from portal.tixallo.errors import Invalid, NotFound, RateLimited, Unavailable
from portal.tixallo.types import Ticket, TicketPage

STALE_SECONDS = copies.STALE_SECONDS
REFUSAL_SECONDS = copies.REFUSAL_SECONDS
POLL_PATIENCE = 300  # seconds; a poll's copy this old is refreshed like a first view
MARK_SECONDS = 30 * 24 * 3600  # outlives every copy: a lost marker only costs a fetch
WAIT_STEP = 0.02
MARKS_READ_THROUGH = 1.0  # seconds; only where a page reads a copy, never when storing one
ALL_LISTS = "mirror:lists:all"
REFUSALS = {"not found": NotFound, "invalid": Invalid}


# --- reading -------------------------------------------------------------------


def ticket(ticket_id: str, *, poll: bool = False) -> Ticket:
    return ticket_copy(ticket_id, poll=poll).value


def ticket_copy(ticket_id: str, *, poll: bool = False) -> Copy:
    """The ticket's copy; raises NotFound, or Unavailable / RateLimited with no copy."""
    marker = _ticket_mark(ticket_id)
    return _read(
        f"mirror:ticket:{_digest(ticket_id)}",
        (marker,),
        lambda: client.get_ticket(ticket_id),
        poll,
        learn=lambda copy, value, old, found: _learn_ticket(copy, value, old, found.get(marker)),
    )


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
    query = _digest(email, ",".join(statuses), cursor or "", str(limit))
    return _read(
        f"mirror:list:{query}",
        (_customer_mark(email), ALL_LISTS),
        lambda: client.list_tickets(
            customer_email=email, status=statuses or None, cursor=cursor, limit=limit
        ),
        poll,
        learn=lambda copy, value, old, found: owners.learn(value.tickets, email),
    )


def not_theirs(email: str, ticket_id: str) -> bool:
    """True when the portal knows, without asking Tixallo, that this ticket is not this
    customer's: learnt as another's, or absent from their whole list in a current copy.
    Nothing is fetched to find out: guessed ids then cost Tixallo nothing."""
    email = addresses.canonical(email)
    if owner := owners.email_for(ticket_id=ticket_id):
        return owner != email
    key = f"mirror:list:{_digest(email, '', '', '20')}"  # list_copy(email, (), None)
    mark_keys = (_customer_mark(email), ALL_LISTS)
    found = _found(key, mark_keys, within=MARKS_READ_THROUGH)
    copy = found.get(key)
    if copy is None or not _trusted(copy, mark_keys, found) or copy.refused:
        return False  # a ticket made since (by an agent, by email) may be missing
    page = copy.value
    return page.next_cursor is None and all(t.id != ticket_id for t in page.tickets)


def _read(
    key: str,
    mark_keys: tuple[str, ...],
    fetch: Callable[[], Ticket | TicketPage],
    poll: bool,
    learn: Callable[[Copy, Ticket | TicketPage, Copy | None, dict], None],
) -> Copy:
    found = _found(key, mark_keys, within=MARKS_READ_THROUGH)
    old = found.get(key)
    if old is not None and _trusted(old, mark_keys, found):
        if old.refused:
            raise REFUSALS[old.refused](f"Tixallo said {old.refused} (kept {REFUSAL_SECONDS} s)")
        metrics.cache_read("hit")
        return old
    metrics.cache_read("miss")
    while not store.add(f"{key}:lock", True, _flight_seconds()):
        waited = _wait_for_flight(key, mark_keys, old)
        if waited is not None:
            return _answer(waited)
    return _fetch(key, mark_keys, fetch, poll, learn, old)


def _fetch(
    key: str,
    mark_keys: tuple[str, ...],
    fetch: Callable[[], Ticket | TicketPage],
    poll: bool,
    learn: Callable[[Copy, Ticket | TicketPage, Copy | None, dict], None],
    old: Copy | None,
) -> Copy:
    """Fetch and store, holding the key's lock until the copy is stored. The markers are
    read before the fetch begins: an event during the fetch leaves this copy not current."""
    try:
        found = _found(key, mark_keys)
        marks = _marks(mark_keys, found)
        stored = found.get(key)  # by the flight that ended just before this one began
        if stored is not None and stored.fetch != (old.fetch if old else ""):
            if _current(stored, mark_keys, found):
                return _answer(stored)
        try:
            with budget.priority(_priority(poll, old)):
                value = fetch()
        except (NotFound, Invalid) as refusal:
            kind = "not found" if isinstance(refusal, NotFound) else "invalid"
            refused = Copy(b"", time.time(), marks, "", refused=kind, fetch=_fetch_id())
            copies.put(key, refused)
            raise
        except (Unavailable, RateLimited):
            store.set(f"{key}:failed", time.time(), 5)  # waiters answer at once, as we do
            if (last := _last_seen(key, old)) is not None:
                metrics.cache_read("stale")
                return last  # the last copy seen, even one an event made stale
            raise
        copy = _copy(value, marks)
        # `old` only when it was read again because it had grown old, not for an event.
        aged = old is not None and not old.refused and _current(old, mark_keys, found)
        learn(copy, value, old if aged else None, found)
        if _current(copy, mark_keys, store.get_many(mark_keys)):
            copies.put(key, copy)
            if not settings.REDIS_URL:  # the cache is this process's own
                store.set(f"{key}:last", copy, STALE_SECONDS)
        # else an event came during the fetch: this answer is not put back
        return copy
    finally:
        store.delete(f"{key}:lock")


def _priority(poll: bool, old: Copy | None) -> float:
    """The share of the budget this read may use. A poll refreshing a copy it has is
    the least urgent read, the more so the younger the copy: when the budget is tight,
    the pages that waited longest are refreshed first, and no customer waits for ever."""
    if not poll or old is None or old.refused:
        return budget.FIRST_VIEW
    waited = min(1.0, (time.time() - old.fetched_at) / POLL_PATIENCE)
    return budget.POLL + (budget.FIRST_VIEW - budget.POLL) * waited


def _copy(value: Ticket | TicketPage, marks: tuple[int, ...]) -> Copy:
    blob = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    if not isinstance(value, Ticket):
        return Copy(blob, time.time(), marks, fingerprint(value), fetch=_fetch_id())
    stamp = value.updated_at.timestamp() if value.updated_at and value.updated_at.tzinfo else None
    owner = addresses.canonical(value.customer.email if value.customer else "")
    return Copy(
        blob, time.time(), marks, fingerprint(value), stamp, "", value.id, owner, _fetch_id()
    )


def _fetch_id() -> str:
    return secrets.token_hex(8)


def _wait_for_flight(key: str, mark_keys: tuple[str, ...], old: Copy | None) -> Copy | None:
    """Another request is fetching this key: its copy (or its refusal) once stored; the
    last copy seen if it failed; None to fetch after all (it took too long, or an event
    came meanwhile)."""
    began = time.time()
    patience = _flight_seconds()
    page_bound = (left := client.time_left()) is not None and left < patience
    deadline = time.monotonic() + (left if page_bound else patience)
    while time.monotonic() < deadline:
        _pause(WAIT_STEP)
        flags = (f"{key}:lock", f"{key}:failed")
        found = _found(key, mark_keys, flags=flags, newer_than=old)
        copy = found.get(key)
        newer = copy is not None and (old is None or copy.fetch != old.fetch)
        if newer and _current(copy, mark_keys, found):
            return copy
        if found.get(f"{key}:failed", 0) >= began:
            if (last := _last_seen(key, old)) is not None:
                return last
            raise Unavailable("Tixallo did not answer (another request just tried)")
        if f"{key}:lock" not in found:
            return None
    if page_bound:  # the page's time is up: the copy it has, or a calm "not now"
        if (last := _last_seen(key, old)) is not None:
            return last
        raise Unavailable("Tixallo did not answer within the page's time")
    return None


def _last_seen(key: str, old: Copy | None) -> Copy | None:
    """The last copy seen, for when Tixallo can't answer: this process's own, else (one
    box, where each process keeps its own cache) the one any process last fetched, kept
    in the shared store on each fetch: written per change, read only on failure."""
    if old is None or old.refused:
        old = None if settings.REDIS_URL else store.get(f"{key}:last")
    return old if old is not None and not old.refused else None


def _found(
    key: str,
    mark_keys: tuple[str, ...],
    *,
    flags: tuple[str, ...] = (),
    within: float = 0.0,
    newer_than: Copy | None = None,
) -> dict:
    """The copy under `key` (`copies`) with the markers and `flags` (from the store): this
    process's own if it can serve (trusted, and not `newer_than`'s fetch), else the one
    another instance stored (with Redis)."""
    found = store.get_many((*mark_keys, *flags), within=within)

    def usable(copy: Copy) -> bool:
        if newer_than is not None and copy.fetch == newer_than.fetch:
            return False
        return _trusted(copy, mark_keys, found)

    copy = copies.get(key, usable)
    if copy is not None:
        found[key] = copy
    return found


def _trusted(copy: Copy, mark_keys: tuple[str, ...], found: dict) -> bool:
    """Current under the shared markers, and young enough to show without asking."""
    if not _current(copy, mark_keys, found):
        return False
    age = time.time() - copy.fetched_at
    return age < (REFUSAL_SECONDS if copy.refused else trust.trusted_for())


def unanswered_since(copy: Copy) -> float | None:
    """When this copy was fetched, if it is older than trusted: it is shown because
    Tixallo could not give a newer one just now; else None."""
    age = time.time() - copy.fetched_at
    # The shortest trust first: most pages show a younger copy and ask the cache nothing.
    if age < settings.PORTAL_CACHE_SECONDS or age < trust.trusted_for():
        return None
    return copy.fetched_at


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


# --- what changed ----------------------------------------------------------------


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
    key = _ticket_mark(ticket_id)
    seq, seen_at, heard = store.get(key) or (0, None, None)
    heard = max(heard or 0, at or 0) or None
    if not public:
        store.set(key, (seq, seen_at, heard), MARK_SECONDS)
        return
    store.set(key, (time.time_ns(), at, heard), MARK_SECONDS)
    email = email or owners.email_for(customer_id=customer_id, ticket_id=ticket_id)
    if email:
        forget_customer(email)
    else:  # a customer the portal never read: every customer's lists, once
        store.set(ALL_LISTS, time.time_ns(), MARK_SECONDS)


def forget_ticket(ticket_id: str) -> None:
    """The portal itself changed this ticket: read it afresh at the next look."""
    key = _ticket_mark(ticket_id)
    _seq, _at, heard = store.get(key) or (0, None, None)
    store.set(key, (time.time_ns(), None, heard), MARK_SECONDS)


def forget_customer(email: str) -> None:
    store.set(_customer_mark(addresses.canonical(email)), time.time_ns(), MARK_SECONDS)


def _current(copy: Copy, mark_keys: tuple[str, ...], found: dict) -> bool:
    if copy.marks == _marks(mark_keys, found):
        return True
    # A ticket copy that already shows the newest change heard of is current too.
    marker = found.get(mark_keys[0])
    at = marker[1] if isinstance(marker, tuple) else None
    return at is not None and copy.updated_at is not None and copy.updated_at >= at


def _marks(mark_keys: tuple[str, ...], found: dict) -> tuple[int, ...]:
    values = (found.get(key, 0) for key in mark_keys)
    return tuple(value[0] if isinstance(value, tuple) else value for value in values)


def _learn_ticket(copy: Copy, value: Ticket, old: Copy | None, marker: tuple | None) -> None:
    owners.learn([value])
    public_times.learn(value)
    # Read again only because the copy had grown old (`old`, else None), and it changed
    # long enough ago that its event should have come: an event went missing.
    if old is None or old.updated_at is None or copy.updated_at is None:
        return
    heard = (marker[2] if marker else None) or 0
    if copy.updated_at > max(old.updated_at, heard) and (
        copy.updated_at < time.time() - trust.GRACE
    ):
        trust.change_missed()


# --- fingerprints ----------------------------------------------------------------


def fingerprint(value: Ticket | TicketPage) -> str:
    """Changes whenever anything a customer sees does; internal notes don't count."""
    if isinstance(value, Ticket):
        seen = (value.status, value.priority, value.subject, value.public_messages)
    else:
        seen = value
    return _digest(repr(seen))


def _ticket_mark(ticket_id: str) -> str:
    return f"mirror:changed:{_digest(ticket_id)}"


def _customer_mark(email: str) -> str:
    return f"mirror:lists:{_digest(email)}"


def _digest(*parts: str) -> str:
    # JSON from Tixallo (and events) may hold lone surrogates: hashed all the same.
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]
