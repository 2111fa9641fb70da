"""A ticket: its public conversation, live by polling, and the customer's reply.

Two doors, one view: `/tickets/<id>/` for a signed-in customer who owns it, and
`/t/<signed link>/` for whoever holds the private link from the confirmation."""

from contextlib import suppress
from urllib.parse import urlencode

from django.contrib.messages import get_messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from portal.config.current import absolute_url
from portal.customers import access, ratelimit
from portal.mirror import reads
from portal.outbox import queue, solve
from portal.tickets import status, trouble
from portal.tickets.forms import ReplyForm, ticket_id_or_blank
from portal.tickets.views import (
    action_key,
    fragment_key,
    fresh_link,
    in_page_time,
    unanswered_since,
    url_in_mount,
    version_of,
    wants_fragment,
)
from portal.tixallo.errors import Invalid, TixalloError
from portal.tixallo.types import SUBJECT_MAX, Reply, Ticket, new_idempotency_key

TEMPLATE = "tickets/ticket.html"


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@vary_on_headers("HX-Request")
@in_page_time
def ticket_by_id(request: HttpRequest, ticket_id: str) -> HttpResponse:
    if not access.verified_email(request):
        # Decided before any call to Tixallo: guesses cost the upstream nothing.
        if request.method == "POST":
            return _signed_out_reply(request)
        if request.htmx:  # a poll after the session ended: keep what is on screen
            raise Http404("No such ticket")
        # A bookmark: sign in, and the emailed link leads back here (a 404 for whoever
        # may not see it, once signed in).
        signin = url_in_mount(request, "tickets:signin")
        return redirect(f"{signin}?{urlencode({'ticket': ticket_id_or_blank(ticket_id)})}")
    return _ticket_page(request, ticket_id, request.path, via_link=False)


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@vary_on_headers("HX-Request")
@in_page_time
def ticket_by_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        ticket_id = access.ticket_id_from_link(token)
    except access.LinkExpired as old:
        return fresh_link.expired(request, old.ticket_id)
    return _ticket_page(request, ticket_id, request.path, via_link=True)


def _ticket_page(request: HttpRequest, ticket_id: str, url: str, via_link: bool) -> HttpResponse:
    try:
        copy = access.copy_for(request, ticket_id, via_link)
    except TixalloError as error:
        if request.method == "POST":
            return _reply_failed(request, url, error)
        if request.htmx:
            return HttpResponse(status=204)  # a failed poll keeps what is on screen
        return trouble.page(request, error)
    if request.method == "POST" and request.POST.get("action") == "solve":
        return _mark_solved(request, copy, url)
    if request.method == "POST":
        return _reply(request, copy, url)
    # Decided from fingerprints alone: an unchanged poll renders and queries nothing.
    sending = _sending(copy)
    version = _version(copy, sending)
    if wants_fragment(request) and request.GET.get("v") == version:
        return HttpResponse(status=204)  # a poll with nothing new swaps nothing
    context = _context(request, copy, url, ReplyForm(initial=_fresh_key()), version, sending)
    if wants_fragment(request) and not context["can_reply"]:
        # Closed while the page was open: the reply box goes too (out of band).
        context["form_oob"] = True
        conversation = render_to_string(TEMPLATE + "#conversation", context, request)
        closed_note = render_to_string(TEMPLATE + "#reply-form", context, request)
        return HttpResponse(conversation + closed_note)
    if wants_fragment(request):
        # Solved or reopened while the page was open: the reply box's note follows (out of
        # band), leaving whatever is being typed alone.
        conversation = render_to_string(TEMPLATE + "#conversation", context, request)
        note = render_to_string(TEMPLATE + "#reply-note", context | {"note_oob": True}, request)
        return HttpResponse(conversation + note)
    response = render(request, TEMPLATE, context)
    if via_link and not request.htmx:
        access.remember_link_email(request, response, copy.owner)
    return response


def _reply(request: HttpRequest, copy: reads.Copy, url: str) -> HttpResponse:
    form = ReplyForm(request.POST)
    # Whatever the answer, the typed text stays in an editable box.
    context = _context(request, copy, url, form, "") | {"can_reply": True}
    ticket = context["ticket"]
    email = ticket.customer.email if ticket.customer else ""
    if wait := ratelimit.address_wait("reply", request):
        return trouble.too_many(request, _form_template(request), context, wait)
    if not form.is_valid():
        return render(request, _form_template(request), context, status=422)
    if ticket.status == "closed":
        return _closed_meanwhile(request, copy, url, form.cleaned_data["body"])
    if wait := ratelimit.email_wait("reply", email):
        return trouble.too_many(request, _form_template(request), context, wait)
    _submission, error = queue.submit(
        Reply(ticket.id, body=form.cleaned_data["body"], customer_email=email),
        key=action_key(form.cleaned_data["idempotency_key"], ticket.id, email),
        site_url=absolute_url(request, "/"),
    )
    if error is not None and error.type == "ticket_closed":
        with suppress(TixalloError):  # the page shows "Closed" too, if Tixallo tells
            copy = reads.ticket_copy(ticket.id)
        return _closed_meanwhile(request, copy, url, form.cleaned_data["body"])
    if error is not None:
        form.add_error("body", error.fields.get("body") or _check_reply(error))
        return render(request, _form_template(request), context, status=422)
    # Still queued? It shows as "sending" until the worker delivers it.
    if not request.htmx:
        return redirect(url + "#latest")
    return _after_reply(request, ticket.id, url)


def _closed_meanwhile(request: HttpRequest, copy: reads.Copy, url: str, text: str) -> HttpResponse:
    """The request was closed before this reply arrived: nothing is sent, the text stays
    on screen, and a new request can start with it (prefilled)."""
    context = _context(request, copy, url, ReplyForm())
    context |= {"can_reply": False, "kept_text": text}
    if not request.htmx:
        return render(request, TEMPLATE, context, status=422)
    # In place of the reply form, and the conversation (now "Closed") out of band.
    note = render_to_string(TEMPLATE + "#reply-form", context, request)
    conversation = render_to_string(TEMPLATE + "#conversation", context | {"oob": True}, request)
    return HttpResponse(note + conversation, status=422)


def _mark_solved(request: HttpRequest, copy: reads.Copy, url: str) -> HttpResponse:
    """The customer's "This is solved" (Zendesk's "Mark as solved") on an open request."""
    ticket = copy.value
    email = ticket.customer.email if ticket.customer else ""
    if ticket.status not in status.OPEN:
        return redirect(url)
    # The email counts only posts that passed the address limit (as for replies).
    if wait := ratelimit.address_wait("reply", request) or ratelimit.email_wait("reply", email):
        context = _context(request, copy, url, ReplyForm(initial=_fresh_key()))
        return trouble.too_many(request, TEMPLATE, context, wait)
    try:
        solve.mark_solved(ticket, email)
    except TixalloError as error:
        return trouble.page(request, error)
    return redirect(url)


def _signed_out_reply(request: HttpRequest) -> HttpResponse:
    """The session ended while the customer typed: keep the text, ask them to sign in."""
    context = {"url": request.path, "can_reply": True, "form": ReplyForm(request.POST)}
    context["trouble"] = _(
        "You were signed out, so your reply wasn't sent. Copy it, sign in again and send it "
        "from there."
    )
    context["signin_needed"] = True
    template = _form_template(request) if request.htmx else "tickets/reply_trouble.html"
    return render(request, template, context, status=403)


def _reply_failed(request: HttpRequest, url: str, error: TixalloError) -> HttpResponse:
    """Tixallo failed before the reply could be sent: the reply stays in its box."""
    context = {"url": url, "can_reply": True, "form": ReplyForm(request.POST)}
    context["trouble"] = trouble.explain(error)
    template = _form_template(request) if request.htmx else "tickets/reply_trouble.html"
    return render(request, template, context, status=503)


def _after_reply(request: HttpRequest, ticket_id: str, url: str) -> HttpResponse:
    """For htmx: an empty form in place of the sent one, and the conversation out of band."""
    try:
        copy = reads.ticket_copy(ticket_id)
    except TixalloError:
        return HttpResponse(headers={"HX-Refresh": "true"})
    context = _context(request, copy, url, ReplyForm(initial=_fresh_key()))
    form_html = render_to_string(TEMPLATE + "#reply-form", context, request)
    conversation = render_to_string(TEMPLATE + "#conversation", context | {"oob": True}, request)
    return HttpResponse(form_html + conversation)


def _version(copy: reads.Copy, sending: list) -> str:
    """Changes whenever anything the customer sees does: the ticket (internal notes
    don't count) or their replies waiting in the outbox (cached until they change).
    The same in every process for the same content: any of them may answer a poll."""
    return version_of(copy.fingerprint, [s.reference for s in sending])


def _sending(copy: reads.Copy) -> list:
    return queue.pending(copy.owner, "reply", copy.ident) if copy.owner else []


def _context(
    request: HttpRequest,
    copy: reads.Copy,
    url: str,
    form: ReplyForm,
    version: str | None = None,
    sending: list | None = None,
) -> dict[str, object]:
    """The page's context; `version` and `sending` when the caller has read them already
    (each read asks the cache), else read here."""
    ticket = copy.value
    sending = _sending(copy) if sending is None else sending
    version = _version(copy, sending) if version is None else version
    wording = status.wording(ticket.status)
    # The conversation (status box and messages) is the same for everyone who sees this
    # ticket: drawn once per change, language and minute ({% cache %} in the template).
    moments = [ticket.created_at, ticket.updated_at, *(m.created_at for m in ticket.messages)]
    shown = version_of(copy.fingerprint, wording)
    return {
        "fragment_key": fragment_key(request, shown, *moments),
        "ticket": ticket,
        "messages": ticket.public_messages,
        "notices": get_messages(request),  # lazy: read only where the page shows them
        "sending": sending,
        "version": version,
        "wording": wording,
        "url": url,
        "poll_url": f"{url}?v={version}",
        "live": ticket.status != "closed",
        "can_reply": ticket.status != "closed",
        "can_solve": ticket.status in status.OPEN,
        "follow_up_subject": follow_up_subject(ticket),
        "form": form,
        "unanswered_since": unanswered_since(copy),
    }


def follow_up_subject(ticket: Ticket) -> str:
    subject = _("Follow-up to #%(number)s: %(subject)s") % {
        "number": ticket.ticket_number,
        "subject": ticket.subject,
    }
    return subject[:SUBJECT_MAX]


def _form_template(request: HttpRequest) -> str:
    return TEMPLATE + ("#reply-form" if request.htmx else "")


def _fresh_key() -> dict[str, str]:
    return {"idempotency_key": new_idempotency_key()}


def _check_reply(error: Invalid) -> str:
    return error.detail or _("Please check your reply and try again.")
