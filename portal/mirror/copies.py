"""Where the mirror keeps its copies: in this process first, and with Redis also in the
cache every instance shares.

A copy carries the change markers it was fetched under and is used only while they are
the shared ones (`reads`), so a process's own copy can never show an old state, and an
unchanged poll reads it without a round trip: with Redis that took an unchanged ticket
poll from four round trips to none (README, Performance). With Redis, the shared cache
is asked when this process has no copy it can use, so one instance's fetch serves the
others and Tixallo's cost does not grow with instances."""

import pickle
import secrets
import time
from collections.abc import Callable
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache, caches

from portal.mirror.markers import digest
from portal.tixallo import addresses
from portal.tixallo.types import Ticket, TicketPage

STALE_SECONDS = 24 * 3600  # the last copy seen, for when Tixallo can't answer
REFUSAL_SECONDS = 60  # Tixallo's "no such ticket" or "no such cursor"


class Copy(NamedTuple):
    """What the cache keeps. A tuple with the value still pickled inside: a poll reads
    the fingerprint and the owner without unpickling a whole conversation. Pickled by
    position, so a field renamed (`fetch_id` was `fetch`) still reads copies stored
    before: add fields only at the end, with a default."""

    blob: bytes  # the Ticket or TicketPage, pickled; b"" for a refusal
    fetched_at: float
    versions: tuple[int, ...]  # of the change markers (`markers`) when its fetch began
    fingerprint: str  # of what a customer sees: polls compare it, nothing is rendered
    updated_at: float | None = None  # a ticket's, as a unix time
    refused: str = ""  # "not found" or "invalid": Tixallo's answer, kept briefly
    ident: str = ""  # a ticket's id
    owner: str = ""  # a ticket's customer email, lowercased
    fetch_id: str = ""  # which fetch stored it: waiters know a new copy when they see one

    @property
    def value(self) -> Ticket | TicketPage | None:
        return pickle.loads(self.blob) if self.blob else None  # noqa: S301 - our own cache


def get(key: str, usable: Callable[[Copy], bool]) -> Copy | None:
    """This process's copy if `usable`; else (with Redis) the shared one, if any."""
    own = caches["local"].get(key)
    if not settings.REDIS_URL or (own is not None and usable(own)):
        return own
    shared = cache.get(key)
    if shared is None or (own is not None and shared.fetch_id == own.fetch_id):
        return own
    if usable(shared):
        caches["local"].set(key, shared, _seconds_left(shared))
        return shared
    # Neither can serve as is: the newer, should Tixallo fail (the last copy seen).
    return shared if own is None or shared.fetched_at >= own.fetched_at else own


def put(key: str, copy: Copy) -> None:
    seconds = _seconds_left(copy)
    caches["local"].set(key, copy, seconds)
    if settings.REDIS_URL:
        cache.set(key, copy, seconds)


def _seconds_left(copy: Copy) -> float:
    kept = REFUSAL_SECONDS if copy.refused else STALE_SECONDS
    return max(1.0, kept - (time.time() - copy.fetched_at))


def of_ticket(ticket: Ticket, versions: tuple[int, ...]) -> Copy:
    aware = ticket.updated_at and ticket.updated_at.tzinfo
    return Copy(
        _pickled(ticket),
        time.time(),
        versions,
        fingerprint(ticket),
        updated_at=ticket.updated_at.timestamp() if aware else None,
        ident=ticket.id,
        owner=addresses.canonical(ticket.customer_email),
        fetch_id=_new_fetch_id(),
    )


def of_list(page: TicketPage, versions: tuple[int, ...]) -> Copy:
    return Copy(_pickled(page), time.time(), versions, fingerprint(page), fetch_id=_new_fetch_id())


def of_refusal(refused: str, versions: tuple[int, ...]) -> Copy:
    return Copy(b"", time.time(), versions, "", refused=refused, fetch_id=_new_fetch_id())


def fingerprint(value: Ticket | TicketPage) -> str:
    """Changes whenever anything a customer sees does; internal notes don't count."""
    if isinstance(value, Ticket):
        seen = (value.status, value.priority, value.subject, value.public_messages)
    else:
        seen = value
    return digest(repr(seen))


def _pickled(value: Ticket | TicketPage) -> bytes:
    return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)


def _new_fetch_id() -> str:
    return secrets.token_hex(8)
