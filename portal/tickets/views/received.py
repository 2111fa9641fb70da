"""The page for a request Tixallo couldn't take yet: its reference now, its ticket
number as soon as the outbox delivers it (the page polls)."""

from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from portal.customers import access
from portal.outbox.models import Submission
from portal.tickets.views import fragment, here

SALT = "tickets.received"


def received_token(submission: Submission) -> str:
    return signing.dumps(submission.reference, salt=SALT)


@require_safe
@never_cache
@vary_on_headers("HX-Request")
def received(request: HttpRequest, token: str) -> HttpResponse:
    try:
        reference = signing.loads(token, salt=SALT)
        submission = Submission.objects.get(reference=reference)
    except (signing.BadSignature, Submission.DoesNotExist):
        raise Http404("No such reference") from None
    delivered = submission.state == Submission.State.DELIVERED
    # The private link goes only to the inbox; a proven owner is linked to the ticket.
    owner = access.verified_email(request) == submission.customer_email
    if fragment(request) and request.GET.get("v") == submission.state:
        return HttpResponse(status=204)
    context = {
        "submission": submission,
        "delivered": delivered,
        "waiting": submission.state in (Submission.State.QUEUED, Submission.State.HELD),
        "poll_url": f"{request.path}?v={submission.state}",
        "ticket_url": here(request, "tickets:ticket", submission.ticket_id)
        if delivered and owner
        else "",
    }
    template = "tickets/received.html" + ("#status" if fragment(request) else "")
    return render(request, template, context)
