from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from portal.tickets import access, emails, ratelimit, reads, trouble
from portal.tickets.forms import TicketForm, started_now
from portal.tickets.views import action_key, fragment
from portal.tixallo import client
from portal.tixallo.errors import Invalid, TixalloError
from portal.tixallo.types import Ticket

SUBMITTED_SALT = "tickets.submitted"
TICKET_FIELDS = ("subject", "description", "customer_email", "customer_name", "priority")


@require_http_methods(["GET", "POST"])
@never_cache  # each shown form has its own key: Back must not bring an old one
@vary_on_headers("HX-Request")
def submit(request: HttpRequest) -> HttpResponse:
    form = TicketForm(request.POST or None, initial=_initial(request))
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
    try:
        ticket = client.create_ticket(
            **{name: form.cleaned_data[name] for name in TICKET_FIELDS},
            idempotency_key=action_key(
                form.cleaned_data["idempotency_key"], form.cleaned_data["customer_email"]
            ),
        )
    except Invalid as error:
        _add_upstream_errors(form, error)
        return render(request, template, context, status=422)
    except TixalloError as error:
        context["trouble"] = trouble.explain(error)
        response = render(request, template, context, status=503)
        response["Retry-After"] = "60"
        return response
    url = _confirm(request, ticket, form.cleaned_data)
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@require_GET
def submitted(request: HttpRequest, token: str) -> HttpResponse:
    try:
        ticket = signing.loads(token, salt=SUBMITTED_SALT)
    except signing.BadSignature:
        raise Http404("No such confirmation") from None
    context = {
        "ticket_number": ticket["n"],
        "ticket_link": reverse("tickets:link", args=[access.ticket_link_token(ticket["id"])]),
    }
    return render(request, "tickets/submitted.html", context)


def _confirm(request: HttpRequest, ticket: Ticket, typed: dict[str, str]) -> str:
    """Email the private link, remember the name, and give the confirmation's URL."""
    reads.forget_customer(typed["customer_email"])
    request.session[access.SESSION_NAME] = typed["customer_name"]
    link = reverse("tickets:link", args=[access.ticket_link_token(ticket.id)])
    emails.send_ticket_confirmation(
        typed["customer_email"],
        ticket.ticket_number,
        typed["subject"],
        request.build_absolute_uri(link),
    )
    token = signing.dumps({"id": ticket.id, "n": ticket.ticket_number}, salt=SUBMITTED_SALT)
    return reverse("tickets:submitted", args=[token])


def _initial(request: HttpRequest) -> dict[str, str]:
    """A fresh key and start time; a verified customer's email and name filled in."""
    return {
        "idempotency_key": client.new_idempotency_key(),
        "started": started_now(),
        "customer_email": access.verified_email(request),
        "customer_name": request.session.get(access.SESSION_NAME, ""),
    }


def _add_upstream_errors(form: TicketForm, error: Invalid) -> None:
    """Tixallo's per-field messages go under the matching field; the rest on top."""
    for name, problem in error.fields.items():
        form.add_error(name if name in form.fields else None, problem)
    if not error.fields:
        form.add_error(None, error.detail or _("Please check the form and try again."))
