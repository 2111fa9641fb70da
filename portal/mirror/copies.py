"""Where the mirror keeps its copies: in this process first, and with Redis also in the
cache every instance shares.

A copy carries the change markers it was fetched under and is used only while they are
the shared ones (`reads`), so a process's own copy can never show an old state, and an
unchanged poll reads it without a round trip: with Redis that took an unchanged ticket
poll from four round trips to none (README, Performance). With Redis, the shared cache
is asked when this process has no copy it can use, so one instance's fetch serves the
others and Tixallo's cost does not grow with instances."""

import pickle
import time
from collections.abc import Callable
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache, caches

from portal.tixallo.types import Ticket, TicketPage

STALE_SECONDS = 24 * 3600  # the last copy seen, for when Tixallo can't answer
REFUSAL_SECONDS = 60  # Tixallo's "no such ticket" or "no such cursor"


class Copy(NamedTuple):
    """What the cache keeps. A tuple with the value still pickled inside: a poll reads
    the fingerprint and the owner without unpickling a whole conversation."""

    blob: bytes  # the Ticket or TicketPage, pickled; b"" for a refusal
    fetched_at: float
    marks: tuple[int, ...]  # the change markers in force when its fetch began
    fingerprint: str  # of what a customer sees: polls compare it, nothing is rendered
    updated_at: float | None = None  # a ticket's, as a unix time
    refused: str = ""  # a key of REFUSALS: Tixallo's answer, kept briefly
    ident: str = ""  # a ticket's id
    owner: str = ""  # a ticket's customer email, lowercased
    fetch: str = ""  # which fetch stored it: waiters know a new copy when they see one

    @property
    def value(self) -> Ticket | TicketPage | None:
        return pickle.loads(self.blob) if self.blob else None  # noqa: S301 - our own cache


def get(key: str, usable: Callable[[Copy], bool]) -> Copy | None:
    """This process's copy if `usable`; else (with Redis) the shared one, if any."""
    own = caches["local"].get(key)
    if not settings.REDIS_URL or (own is not None and usable(own)):
        return own
    shared = cache.get(key)
    if shared is None or (own is not None and shared.fetch == own.fetch):
        return own
    if usable(shared):
        caches["local"].set(key, shared, _seconds_left(shared))
    return shared


def put(key: str, copy: Copy) -> None:
    seconds = _seconds_left(copy)
    caches["local"].set(key, copy, seconds)
    if settings.REDIS_URL:
        cache.set(key, copy, seconds)


def _seconds_left(copy: Copy) -> float:
    kept = REFUSAL_SECONDS if copy.refused else STALE_SECONDS
    return max(1.0, kept - (time.time() - copy.fetched_at))
