"""A request's page: its public conversation, kept live by polling.

At `/tickets/<id>/` (URL name "ticket", signed in) and `/t/<private link>/` ("link");
`views.door` decides who may see it. Its actions are views of their own at the page's
URL + the action: `reply/` (views.reply), `solve/` (views.solve), `rating/` and
`answer-emails/`.

The poll is this same view: it is the page's GET carrying the version on screen
(`?v=`), answered 204 when nothing changed or with the conversation's fragment. One
URL keeps a history restore (the whole page, at the same address), the 204 decision and
`Vary: HX-Request` in one place.

Pages drawn before the reply and "This is solved" had URLs of their own (still open in
a browser) post both to the page's URL: `ticket` hands such a post to their views."""

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django.views.decorators.vary import vary_on_headers

from portal.customers import access
from portal.mirror import reads
from portal.tickets import trouble
from portal.tickets.forms import ticket_id_or_blank
from portal.tickets.views import in_page_time, reply, solve, url_in_mount, wants_fragment
from portal.tickets.views.conversation import (
    TEMPLATE,
    context,
    fresh_form,
    part,
    sending,
    version_for,
)
from portal.tickets.views.door import Door, expired_here, owned_ticket
from portal.tixallo.errors import TixalloError


@require_http_methods(["GET", "HEAD", "POST"])
def ticket(request: HttpRequest, ticket_id: str = "", token: str = "") -> HttpResponse:
    if request.method == "POST":  # a form drawn before its action had its own URL
        action = solve.solve if request.POST.get("action") == "solve" else reply.reply
        return action(request, ticket_id=ticket_id, token=token)
    return page(request, ticket_id=ticket_id, token=token)


def _to_sign_in(request: HttpRequest, door: Door) -> HttpResponse:
    if request.htmx:  # a poll after the session ended: keep what is on screen
        raise Http404("No such ticket")
    # A bookmark: sign in, and the emailed link leads back here (a 404 for whoever may
    # not see it, once signed in).
    signin = url_in_mount(request, "tickets:signin")
    return redirect(f"{signin}?{urlencode({'ticket': ticket_id_or_blank(door.ticket_id)})}")


def _unreadable(request: HttpRequest, door: Door, error: TixalloError) -> HttpResponse:
    if request.htmx:
        return HttpResponse(status=204)  # a failed poll keeps what is on screen
    return trouble.page(request, error)


@require_safe
@never_cache
@vary_on_headers("HX-Request")
@in_page_time
@owned_ticket(signed_out=_to_sign_in, unreadable=_unreadable, expired=expired_here)
def page(request: HttpRequest, door: Door, copy: reads.Copy) -> HttpResponse:
    # Decided from fingerprints alone: an unchanged poll renders and queries nothing.
    replies_sending = sending(copy)
    version = version_for(copy, replies_sending)
    if wants_fragment(request) and request.GET.get("v") == version:
        return HttpResponse(status=204)  # a poll with nothing new swaps nothing
    shown = context(request, copy, door.page_url, fresh_form(), version, replies_sending)
    if wants_fragment(request):
        return _changed(request, shown)
    response = render(request, TEMPLATE, shown)
    if door.via_link and not request.htmx:
        access.remember_link_email(request, response, copy.owner)
    return response


def _changed(request: HttpRequest, shown: dict) -> HttpResponse:
    """A poll's answer when something changed: the conversation, and out of band what
    the reply box must know."""
    conversation = part("conversation", shown, request)
    if not shown["can_reply"]:  # closed while the page was open: the reply box goes too
        return HttpResponse(conversation + part("reply-form", shown | {"form_oob": True}, request))
    # Solved or reopened while the page was open: the reply box's note follows, leaving
    # whatever is being typed alone.
    return HttpResponse(conversation + part("reply-note", shown | {"note_oob": True}, request))
