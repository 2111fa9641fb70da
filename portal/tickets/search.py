"""Search and sort on My requests. Tixallo lists a customer's tickets newest update
first and searches nothing, so the portal reads their most recent `SEARCH_PAGES` pages
of `SEARCH_PAGE_SIZE` (each cached like any list page: the keys depend on the customer
and the filter, never on what was typed) and filters those in Python. A customer with
more requests than that is told the search covered only the most recent ones."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from portal.mirror import reads
from portal.tixallo.errors import TixalloError
from portal.tixallo.types import Ticket

SEARCH_PAGE_SIZE = 100  # the API's largest page
SEARCH_PAGES = 2  # at most two requests to Tixallo for a whole search, most often cached
QUERY_MAX = 100  # characters; longer searches are cut, not refused
SORTS = ("updated", "created")  # "recently updated" (the API's order) or "newest first"
OLDEST = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Recent:
    """The customer's most recent tickets as read for a search; `complete` when these
    are all of them."""

    tickets: tuple[Ticket, ...]
    fingerprint: str
    complete: bool
    first: reads.Copy  # the first page's copy: whether Tixallo could refresh it just now


def clean_query(raw: str) -> str:
    """What was typed, as searched: control characters dropped, spaces collapsed, cut."""
    return " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", raw).split())[:QUERY_MAX]


def recent(email: str, statuses: tuple[str, ...], *, poll: bool = False) -> Recent:
    """Raises TixalloError only when not even the first page can be read; a later page
    that cannot be read leaves the search on the pages that could."""
    first = reads.list_copy(email, statuses, None, SEARCH_PAGE_SIZE, poll=poll)
    tickets, fingerprints, cursor = list(first.value.tickets), [first.fingerprint], None
    cursor = first.value.next_cursor
    for _page in range(SEARCH_PAGES - 1):
        if not cursor:
            break
        try:
            copy = reads.list_copy(email, statuses, cursor, SEARCH_PAGE_SIZE, poll=poll)
        except TixalloError:
            break
        tickets += copy.value.tickets
        fingerprints.append(copy.fingerprint)
        cursor = copy.value.next_cursor
    return Recent(tuple(tickets), ",".join(fingerprints), complete=not cursor, first=first)


def matches(ticket: Ticket, query: str) -> bool:
    """Every word is in the subject (any case) or is the request's number (#1042 too)."""
    subject = ticket.subject.casefold()
    number = str(ticket.ticket_number)
    return all(word in subject or word.lstrip("#") == number for word in query.casefold().split())


def newest_created_first(rows: list[tuple[Ticket, datetime | None]]) -> list:
    return sorted(rows, key=lambda row: row[0].created_at or OLDEST, reverse=True)
