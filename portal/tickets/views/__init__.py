"""The customer's pages, one module per page: submit, then filed or saved (and confirm,
for a request held until the email is confirmed), signin, my_tickets, ticket; one per
action on a request's page: reply, solve, rating, answer_emails (each behind
`door.owned_ticket`, drawing the page with `conversation`); and the helpers they share."""

import functools
import hashlib
import hmac
import time
from collections.abc import Callable
from datetime import UTC, datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import get_language

from portal.customers import access, ratelimit
from portal.mirror import reads
from portal.tixallo import client
from portal.tixallo.errors import VisitorLimited

View = Callable[..., HttpResponse]


def in_page_time(view: View) -> View:
    """The view's calls to Tixallo end within TIXALLO_PAGE_SECONDS, all together, one
    try each (`client.deadline`): the page answers in time while Tixallo fails or hangs,
    with its last copy, a calm message, or the submission queued for the worker."""

    @functools.wraps(view)
    def in_time(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        charge = functools.partial(_charge_read, request)
        with client.deadline(settings.TIXALLO_PAGE_SECONDS, charge=charge):
            return view(request, *args, **kwargs)

    return in_time


def _charge_read(request: HttpRequest) -> None:
    """Fair use: a read this visitor's page is about to cause (none when a copy serves)."""
    if wait := ratelimit.reads_wait(request, access.verified_email(request)):
        raise VisitorLimited("this visitor's share of Tixallo reads is spent", retry_after=wait)


def wants_fragment(request: HttpRequest) -> bool:
    """An htmx request that wants a part of the page (not a history restore, which
    needs the whole page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def url_in_mount(request: HttpRequest, name: str, *args: str) -> str:
    """A page's URL within the mount this request came through: under /embed/ for the
    embedded pages (as {% url %} does by itself in templates), first-party otherwise.
    Links sent by email use plain reverse(): they open outside any frame."""
    match = request.resolver_match
    return reverse(name, args=args, current_app=match.namespace if match else None)


def action_key(form_key: str, *scope: str) -> str:
    """The Idempotency-Key sent to Tixallo for one form: the form's own key, bound to
    what it is about, so a key replayed with other data never returns someone
    else's ticket or message."""
    message = "\x1f".join([form_key, *scope]).encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:32]


def version_of(*seen: object) -> str:
    """A short fingerprint of what a page shows: a poll that brings the same one back
    is answered 204 (nothing to swap)."""
    return hashlib.sha256(repr(seen).encode()).hexdigest()[:16]


def fragment_key(request: HttpRequest, version: str, *moments: datetime | None) -> str:
    """The key of a piece of HTML that is the same for everyone seeing this `version` of
    the data ({% cache %} in the templates): per language and mount (links differ under
    /embed/), and per minute, or per second while the newest of `moments` is under a
    minute old, so "2 minutes ago" is never more than a minute behind."""
    now = time.time()
    ages = [now - m.timestamp() for m in moments if m is not None]
    step = 1 if ages and min(ages) < 60 else 60
    match = request.resolver_match
    namespace = match.namespace if match else ""
    return version_of(version, get_language(), namespace, int(now // step))


def unanswered_since(copy: reads.Copy) -> datetime | None:
    """When the copy shown was fetched, if Tixallo could not refresh it just now (the
    page says "Updated N minutes ago; our helpdesk isn't answering right now")."""
    fetched = reads.unanswered_since(copy)
    return None if fetched is None else datetime.fromtimestamp(fetched, UTC)
