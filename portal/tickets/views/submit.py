from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from portal.config.current import for_request
from portal.embed import identity
from portal.mirror import reads
from portal.outbox import queue, tasks
from portal.outbox.models import Submission
from portal.tickets import access, ratelimit, trouble
from portal.tickets.forms import TicketForm, started_now
from portal.tickets.views import action_key, fragment, here
from portal.tickets.views.received import received_token
from portal.tixallo import client
from portal.tixallo.errors import Invalid
from portal.tixallo.types import PRIORITIES

SUBMITTED_SALT = "tickets.submitted"
TICKET_FIELDS = ("subject", "description", "customer_email", "customer_name", "priority")


@require_http_methods(["GET", "POST"])
@never_cache  # each shown form has its own key: Back must not bring an old one
@vary_on_headers("HX-Request")
def submit(request: HttpRequest) -> HttpResponse:
    # An email and name the host site vouched for are locked (embedding, identity.py).
    locked = identity.locked_fields(request)
    config = for_request(request)
    form = TicketForm(
        request.POST or None,
        initial=_initial(request),
        locked=locked,
        choose_priority=config.allow_priority,
    )
    template = "tickets/submit.html" + ("#ticket-form" if fragment(request) else "")
    context = {"form": form}
    if not form.is_bound:
        return render(request, template, context)
    if form.has_error("started", "too_fast") or not ratelimit.allow_all(
        "submit", request, form.data.get("customer_email", "")
    ):
        return trouble.too_many(request, template, context)
    if not form.is_valid():
        return render(request, template, context, status=422)
    typed = form.cleaned_data
    key = action_key(typed["idempotency_key"], typed["customer_email"])
    payload = {name: typed.get(name) for name in TICKET_FIELDS}
    payload["priority"] = payload["priority"] or config.default_priority
    site = request.build_absolute_uri("/")
    submission, error = queue.submit("ticket", payload, typed["customer_email"], key, site)
    if error is not None:
        _add_upstream_errors(form, error)
        return render(request, template, context, status=422)
    request.session[access.SESSION_NAME] = typed["customer_name"]
    reads.forget_customer(typed["customer_email"])
    if submission.state == submission.State.DELIVERED:
        url = _confirm(request, submission)
    else:  # Tixallo couldn't take it now: the worker will, the customer has a reference
        tasks.tell_received(submission)  # the worker will deliver it (booked with the row)
        url = here(request, "tickets:received", received_token(submission))
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@require_GET
def submitted(request: HttpRequest, token: str) -> HttpResponse:
    try:
        ticket = signing.loads(token, salt=SUBMITTED_SALT)
    except signing.BadSignature:
        raise Http404("No such confirmation") from None
    context = {
        "ticket_number": ticket["n"],
        "ticket_link": here(request, "tickets:link", access.ticket_link_token(ticket["id"])),
    }
    return render(request, "tickets/submitted.html", context)


def _confirm(request: HttpRequest, submission: Submission) -> str:
    """Email the private link and give the confirmation's URL."""
    tasks.confirm(submission)
    ticket = {"id": submission.ticket_id, "n": submission.ticket_number}
    return here(request, "tickets:submitted", signing.dumps(ticket, salt=SUBMITTED_SALT))


def _initial(request: HttpRequest) -> dict[str, str]:
    """A fresh key and start time; a verified customer's email and name filled in; a
    subject or priority from the query string (a link, or the embed snippet's
    data-subject / data-priority)."""
    initial = {
        "idempotency_key": client.new_idempotency_key(),
        "started": started_now(),
        "customer_email": access.verified_email(request),
        "customer_name": request.session.get(access.SESSION_NAME, ""),
    }
    subject = " ".join(request.GET.get("subject", "").split())[: client.SUBJECT_MAX]
    if subject:
        initial["subject"] = subject
    if request.GET.get("priority") in PRIORITIES:
        initial["priority"] = request.GET["priority"]
    return initial


def _add_upstream_errors(form: TicketForm, error: Invalid) -> None:
    """Tixallo's per-field messages go under the matching field; the rest on top."""
    for name, problem in error.fields.items():
        form.add_error(name if name in form.fields else None, problem)
    if not error.fields:
        form.add_error(None, error.detail or _("Please check the form and try again."))
