"""Who may see this request: one decorator for a request's page and each of its actions.

Each comes in by two doors: `/tickets/<id>/…` for a signed-in customer who owns the
ticket, `/t/<private link>/…` for whoever holds its link (`customers.access` makes and
checks the link, and decides ownership). `@owned_ticket` opens the door and hands the
view the owned copy; what a view answers when it cannot (signed out, an expired link,
Tixallo not answering) is its own, named in the decorator."""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse

from portal.customers import access
from portal.tickets import trouble
from portal.tickets.views import View, fresh_link, url_in_mount
from portal.tixallo.errors import TixalloError


@dataclass(frozen=True)
class Door:
    """How this visitor came to the request."""

    request: HttpRequest
    ticket_id: str
    token: str = ""  # the private link's, when it came by the link

    @property
    def via_link(self) -> bool:
        return bool(self.token)

    @functools.cached_property
    def page_url(self) -> str:
        """The request's page in the mount this request came through. Asked for only
        where a page is drawn or redirected to: an unchanged poll needs none, and a
        reverse() is about 6% of its time."""
        if self.token:
            return url_in_mount(self.request, "tickets:link", self.token)
        return url_in_mount(self.request, "tickets:ticket", self.ticket_id)


def not_found(request: HttpRequest, door: Door) -> HttpResponse:
    raise Http404("No such ticket")


def trouble_page(request: HttpRequest, door: Door, error: TixalloError) -> HttpResponse:
    return trouble.page(request, error)


def expired_here(request: HttpRequest, door: Door) -> HttpResponse:
    """The 410 page (its button emails a fresh link) answers at this very URL; htmx leaves
    a 410 alone, so a poll or a reply being typed stays as it is on screen."""
    return fresh_link.expired(request, door.ticket_id)


def expired_at_page(request: HttpRequest, door: Door) -> HttpResponse:
    """An action: nothing changes, and htmx is sent to the page, whose 410 answers."""
    return fresh_link.action_expired(request, door.page_url, door.ticket_id)


def owned_ticket(
    *,
    signed_out: Callable[[HttpRequest, Door], HttpResponse] = not_found,
    unreadable: Callable[[HttpRequest, Door, TixalloError], HttpResponse] = trouble_page,
    expired: Callable[[HttpRequest, Door], HttpResponse] = expired_at_page,
) -> Callable[[View], View]:
    """The view is called as `view(request, door, copy)`. A forged link, a guessed id or
    someone else's ticket is a 404 (`access`). The defaults are an action's answers (a
    rating, the answer-emails switch)."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def opened(request: HttpRequest, ticket_id: str = "", token: str = "") -> HttpResponse:
            if token:
                try:
                    door = Door(request, access.ticket_id_from_link(token), token)
                except access.LinkExpired as old:
                    return expired(request, Door(request, old.ticket_id, token))
            else:
                door = Door(request, ticket_id)
                if not access.verified_email(request):
                    return signed_out(request, door)  # before any call to Tixallo
            try:
                copy = access.copy_for(request, door.ticket_id, door.via_link)
            except TixalloError as error:
                return unreadable(request, door, error)
            return view(request, door, copy)

        return opened

    return decorate
