"""My tickets: the verified customer's requests, filtered, paged by the API's cursors.

"Newer" needs the cursors that led here; they travel in the query string
(`back`), so paging works without JavaScript and without session state. A search
(`q`) or the "newest first" order (`sort=created`) reads the customer's most recent
requests instead (`tickets.search`) and pages them here by number (`page`)."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from portal.customers import access
from portal.mirror import reads
from portal.outbox import queue
from portal.tickets import activity, search, status, trouble
from portal.tickets.views import (
    fragment_key,
    in_page_time,
    unanswered_since,
    url_in_mount,
    version_of,
    wants_fragment,
)
from portal.tixallo.errors import Invalid, TixalloError

PAGE_SIZE = 20
MAX_BACK = 30  # bounds the URL; older steps back fall to the first page


@require_safe
@never_cache
@vary_on_headers("HX-Request")
@in_page_time
def my_tickets(request: HttpRequest) -> HttpResponse:
    email = access.verified_email(request)
    if not email:
        return redirect(url_in_mount(request, "tickets:signin"))
    shown = request.GET.get("status", "all")
    if shown not in status.FILTERS:
        shown = "all"
    query = search.clean_query(request.GET.get("q", ""))
    order = request.GET.get("sort", "updated")
    if query or order == "created":
        return _searched(request, email, shown, query, order)
    cursor = request.GET.get("cursor", "")[:500]
    back = request.GET.getlist("back")[-MAX_BACK:]
    try:
        copy = reads.list_copy(
            email, status.FILTERS[shown], cursor or None, PAGE_SIZE, poll=wants_fragment(request)
        )
    except Invalid:  # a cursor Tixallo no longer (or never) knew: start over
        return redirect(url_in_mount(request, "tickets:mine") + _filter_url(shown))
    except TixalloError as error:
        if wants_fragment(request) and "v" in request.GET:
            return HttpResponse(status=204)  # a failed poll keeps what is on screen
        return _without_copy(request, email, shown, cursor, back, error)
    # Decided from fingerprints alone: an unchanged poll renders and queries nothing.
    # The same in every process for the same content: any of them may answer a poll.
    sending = queue.pending(email, "ticket") if not cursor else []
    version = version_of(copy.fingerprint, [s.reference for s in sending])
    if wants_fragment(request) and request.GET.get("v") == version:
        return HttpResponse(status=204)  # a poll with nothing new swaps nothing
    page = copy.value
    # The rows are the same for everyone seeing this page of the list: drawn once per
    # change, language and minute ({% cache %} in the template).
    moments = [ticket.updated_at for ticket in page.tickets]
    rows = version_of(copy.fingerprint, status.overrides_version())
    context = {
        "fragment_key": fragment_key(request, rows, *moments),
        "email": email,
        "page": page,
        "rows": activity.newest_first(page.tickets),
        "sending": sending,
        "shown": shown,
        "filters": FILTER_LINKS,
        "cache_rows": True,
        "older_url": _page_url(shown, page.next_cursor, [*back, cursor])
        if page.next_cursor
        else "",
        "newer_url": _page_url(shown, back[-1] if back else "", back[:-1]) if cursor else "",
        "poll_url": _page_url(shown, cursor, back, version=version),
        "unanswered_since": unanswered_since(copy),
    }
    template = "tickets/my_tickets.html" + ("#ticket-list" if wants_fragment(request) else "")
    return render(request, template, context)


def _searched(request: HttpRequest, email: str, shown: str, query: str, order: str) -> HttpResponse:
    """The customer's most recent requests, those matching `query`, in `order`, paged
    here. Drawn for each view (no cache entry per search string: the lists it filters
    are cached, and polls still answer 204 when nothing changed)."""
    try:
        recent = search.recent(email, status.FILTERS[shown], poll=wants_fragment(request))
    except TixalloError as error:
        if wants_fragment(request):
            return HttpResponse(status=204)
        return _without_copy(request, email, shown, "", [], error)
    number = _page_number(request.GET.get("page", ""))
    sending = queue.pending(email, "ticket") if number == 1 else []
    version = version_of(
        recent.fingerprint, query, order, number, status.overrides_version(),
        [s.reference for s in sending],
    )  # fmt: skip
    if wants_fragment(request) and request.GET.get("v") == version:
        return HttpResponse(status=204)
    rows = activity.newest_first(tuple(t for t in recent.tickets if search.matches(t, query)))
    if order == "created":
        rows = search.newest_created_first(rows)
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    number = min(number, pages)
    context = {
        "email": email,
        "rows": rows[(number - 1) * PAGE_SIZE : number * PAGE_SIZE],
        "page": {"tickets": rows},
        "sending": sending,
        "shown": shown,
        "query": query,
        "sort": order,
        "searching": True,
        "covered": None if recent.complete else len(recent.tickets),
        "filters": [(key, _filter_url(key, query, order)) for key in status.FILTERS],
        "older_url": _search_url(shown, query, order, number + 1) if number < pages else "",
        "newer_url": _search_url(shown, query, order, number - 1) if number > 1 else "",
        "poll_url": _search_url(shown, query, order, number, version),
        "unanswered_since": unanswered_since(recent.first),
    }
    template = "tickets/my_tickets.html" + ("#ticket-list" if wants_fragment(request) else "")
    return render(request, template, context)


def _page_number(raw: str) -> int:
    return int(raw) if raw.isdecimal() and 0 < len(raw) < 6 and int(raw) > 0 else 1


def _search_url(shown: str, query: str, order: str, number: int, version: str = "") -> str:
    params = {"status": shown, "q": query, "sort": order, "page": number, "v": version}
    return "?" + urlencode({key: value for key, value in params.items() if value})


def _without_copy(
    request: HttpRequest, email: str, shown: str, cursor: str, back: list[str], error: TixalloError
) -> HttpResponse:
    """Tixallo can't answer and this list was never read: the page keeps its heading
    and filters, says so calmly, and polls until the list comes."""
    context = {
        "email": email,
        "shown": shown,
        "filters": FILTER_LINKS,
        "trouble": trouble.explain(error),
        "poll_url": _page_url(shown, cursor, back),
    }
    template = "tickets/my_tickets.html" + ("#ticket-list" if wants_fragment(request) else "")
    return trouble.calm(render(request, template, context), error)


def _filter_url(shown: str, query: str = "", order: str = "updated") -> str:
    if query or order != "updated":
        return _search_url(shown, query, order, 1)
    return "?" + QueryDict.fromkeys(["status"], shown).urlencode()


FILTER_LINKS = [(key, _filter_url(key)) for key in status.FILTERS]  # the same for every page


def _page_url(shown: str, cursor: str, back: list[str], version: str = "") -> str:
    query = QueryDict(mutable=True)
    query["status"] = shown
    if cursor:
        query["cursor"] = cursor
    query.setlist("back", back)
    if version:
        query["v"] = version
    return "?" + query.urlencode()
