"""POST <request page>reply/ (URL names "reply", "reply-link"): the customer's reply,
sent once through the outbox. Whatever the answer, the typed text stays on screen: in
its box (422 to check it, 403 signed out, 503 Tixallo failing, 429 too many), or
offered for a new request when the ticket was closed meanwhile (422)."""

from contextlib import suppress

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from portal.config.current import absolute_url
from portal.customers import ratelimit
from portal.mirror import reads
from portal.outbox import queue
from portal.tickets import trouble
from portal.tickets.forms import ReplyForm
from portal.tickets.views import action_key, in_page_time
from portal.tickets.views.conversation import TEMPLATE, context, form_template, fresh_form, part
from portal.tickets.views.door import Door, expired_here, owned_ticket
from portal.tixallo.errors import Invalid, TixalloError
from portal.tixallo.types import Reply


def signed_out(request: HttpRequest, door: Door) -> HttpResponse:
    """The session ended while the customer typed: keep the text, ask them to sign in."""
    why = _(
        "You were signed out, so your reply wasn't sent. Copy it, sign in again and send it "
        "from there."
    )
    return _kept(request, door, why, status=403, signin_needed=True)


def failed(request: HttpRequest, door: Door, error: TixalloError) -> HttpResponse:
    """Tixallo failed before the reply could be sent: the reply stays in its box."""
    return _kept(request, door, trouble.explain(error), status=503)


def _kept(
    request: HttpRequest, door: Door, why: str, status: int, signin_needed: bool = False
) -> HttpResponse:
    kept = {"reply_url": door.page_url + "reply/", "can_reply": True}
    kept |= {"form": ReplyForm(request.POST), "trouble": why, "signin_needed": signin_needed}
    template = form_template(request) if request.htmx else "tickets/reply_trouble.html"
    return render(request, template, kept, status=status)


@require_POST
@never_cache
@vary_on_headers("HX-Request")
@in_page_time
@owned_ticket(signed_out=signed_out, unreadable=failed, expired=expired_here)
def reply(request: HttpRequest, door: Door, copy: reads.Copy) -> HttpResponse:
    form = ReplyForm(request.POST)
    page = context(request, copy, door.page_url, form) | {"can_reply": True}
    ticket = copy.value
    email = ticket.customer_email
    if wait := ratelimit.address_wait("reply", request):
        return trouble.too_many(request, form_template(request), page, wait)
    if not form.is_valid():
        return render(request, form_template(request), page, status=422)
    if ticket.status == "closed":
        return _closed_meanwhile(request, copy, door, form.cleaned_data["body"])
    if wait := ratelimit.email_wait("reply", email):
        return trouble.too_many(request, form_template(request), page, wait)
    _submission, error = queue.submit(
        Reply(ticket.id, body=form.cleaned_data["body"], customer_email=email),
        key=action_key(form.cleaned_data["idempotency_key"], ticket.id, email),
        site_url=absolute_url(request, "/"),
    )
    if error is not None and error.type == "ticket_closed":
        with suppress(TixalloError):  # the page shows "Closed" too, if Tixallo tells
            copy = reads.ticket_copy(ticket.id)
        return _closed_meanwhile(request, copy, door, form.cleaned_data["body"])
    if error is not None:
        form.add_error("body", error.fields.get("body") or _check_reply(error))
        return render(request, form_template(request), page, status=422)
    # Still queued? It shows as "sending" until the worker delivers it.
    if not request.htmx:
        return redirect(door.page_url + "#latest")
    return _sent(request, ticket.id, door)


def _closed_meanwhile(
    request: HttpRequest, copy: reads.Copy, door: Door, text: str
) -> HttpResponse:
    """The request was closed before this reply arrived: nothing is sent, the text stays
    on screen, and a new request can start with it (prefilled)."""
    page = context(request, copy, door.page_url, ReplyForm())
    page |= {"can_reply": False, "kept_text": text}
    if not request.htmx:
        return render(request, TEMPLATE, page, status=422)
    # In place of the reply form, and the conversation (now "Closed") out of band.
    note = part("reply-form", page, request)
    return HttpResponse(note + part("conversation", page | {"oob": True}, request), status=422)


def _sent(request: HttpRequest, ticket_id: str, door: Door) -> HttpResponse:
    """For htmx: an empty form in place of the sent one, and the conversation out of band."""
    try:
        copy = reads.ticket_copy(ticket_id)
    except TixalloError:
        return HttpResponse(headers={"HX-Refresh": "true"})
    page = context(request, copy, door.page_url, fresh_form())
    form_html = part("reply-form", page, request)
    return HttpResponse(form_html + part("conversation", page | {"oob": True}, request))


def _check_reply(error: Invalid) -> str:
    return error.detail or _("Please check your reply and try again.")
