"""A request's page as its views draw it: the context of `tickets/ticket.html`, and its
parts (the conversation, the reply box) as fragments for htmx. Shared by the page (and
its poll), the reply and "This is solved"."""

from django.contrib.messages import get_messages
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from portal.mirror import reads
from portal.outbox import queue
from portal.tickets import status
from portal.tickets.forms import ReplyForm
from portal.tickets.views import fragment_key, unanswered_since, version_of
from portal.tixallo.types import SUBJECT_MAX, Ticket, new_idempotency_key

TEMPLATE = "tickets/ticket.html"


def context(
    request: HttpRequest,
    copy: reads.Copy,
    page_url: str,
    form: ReplyForm,
    version: str | None = None,
    replies_sending: list | None = None,
) -> dict[str, object]:
    """The page's context; `version` and `replies_sending` when the caller has read them
    already (each read asks the cache), else read here."""
    ticket = copy.value
    replies_sending = sending(copy) if replies_sending is None else replies_sending
    version = version_for(copy, replies_sending) if version is None else version
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
        "sending": replies_sending,
        "version": version,
        "wording": wording,
        "url": page_url,
        "poll_url": f"{page_url}?v={version}",
        "reply_url": page_url + "reply/",
        "solve_url": page_url + "solve/",
        "live": ticket.status != "closed",
        "can_reply": ticket.status != "closed",
        "can_solve": ticket.status in status.OPEN,
        "follow_up_subject": follow_up_subject(ticket),
        "form": form,
        "unanswered_since": unanswered_since(copy),
    }


def version_for(copy: reads.Copy, replies_sending: list) -> str:
    """Changes whenever anything the customer sees does: the ticket (internal notes
    don't count) or their replies waiting in the outbox (cached until they change).
    The same in every process for the same content: any of them may answer a poll."""
    return version_of(copy.fingerprint, [s.reference for s in replies_sending])


def sending(copy: reads.Copy) -> list:
    """The customer's replies to this ticket still waiting in the outbox."""
    return queue.pending(copy.owner, "reply", copy.ident) if copy.owner else []


def part(name: str, context: dict, request: HttpRequest) -> str:
    """One part of the page for htmx: "conversation", "reply-form" or "reply-note"."""
    return render_to_string(f"{TEMPLATE}#{name}", context, request)


def form_template(request: HttpRequest) -> str:
    """The reply box alone for htmx, the whole page otherwise."""
    return TEMPLATE + ("#reply-form" if request.htmx else "")


def fresh_form() -> ReplyForm:
    return ReplyForm(initial={"idempotency_key": new_idempotency_key()})


def follow_up_subject(ticket: Ticket) -> str:
    subject = _("Follow-up to #%(number)s: %(subject)s") % {
        "number": ticket.ticket_number,
        "subject": ticket.subject,
    }
    return subject[:SUBJECT_MAX]
