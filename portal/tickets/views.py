from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.tickets import trouble
from portal.tickets.forms import TicketForm
from portal.tixallo import client
from portal.tixallo.errors import Invalid, TixalloError

SUBMITTED_SALT = "tickets.submitted"


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    form = TicketForm(
        request.POST or None, initial={"idempotency_key": client.new_idempotency_key()}
    )
    if not form.is_bound:
        return render(request, "tickets/submit.html", {"form": form})
    if not form.is_valid():
        return render(request, "tickets/submit.html", {"form": form}, status=422)
    try:
        ticket = client.create_ticket(**form.cleaned_data)
    except Invalid as error:
        _add_upstream_errors(form, error)
        return render(request, "tickets/submit.html", {"form": form}, status=422)
    except TixalloError as error:
        context = {"form": form, "trouble": trouble.explain(error)}
        response = render(request, "tickets/submit.html", context, status=503)
        response["Retry-After"] = "60"
        return response
    token = signing.dumps({"id": ticket.id, "n": ticket.ticket_number}, salt=SUBMITTED_SALT)
    return redirect("tickets:submitted", token=token)


@require_GET
def submitted(request: HttpRequest, token: str) -> HttpResponse:
    try:
        ticket = signing.loads(token, salt=SUBMITTED_SALT)
    except signing.BadSignature:
        raise Http404("No such confirmation") from None
    return render(request, "tickets/submitted.html", {"ticket_number": ticket["n"]})


def _add_upstream_errors(form: TicketForm, error: Invalid) -> None:
    """Tixallo's per-field messages go under the matching field; the rest on top."""
    for name, problem in error.fields.items():
        form.add_error(name if name in form.fields else None, problem)
    if not error.fields:
        form.add_error(None, error.detail or _("Please check the form and try again."))
