"""The page for a request saved in the outbox but not yet with Tixallo (queued, or held
until the customer confirms their email): its reference now, its ticket number as soon
as the outbox delivers it (the page polls). A request Tixallo took at once is `filed`."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from portal.customers import access
from portal.outbox.models import Submission
from portal.tickets.views import url_in_mount, wants_fragment


def saved_url(request: HttpRequest, submission: Submission) -> str:
    return url_in_mount(request, "tickets:saved", access.saved_token(submission.reference))


@require_safe
@never_cache
@vary_on_headers("HX-Request")
def saved(request: HttpRequest, token: str) -> HttpResponse:
    reference = access.reference_from_saved_token(token)
    try:
        submission = Submission.objects.get(reference=reference)
    except Submission.DoesNotExist:
        raise Http404("No such reference") from None
    delivered = submission.state == Submission.State.DELIVERED
    # The private link goes only to the inbox; a proven owner is linked to the ticket.
    owner = access.verified_email(request) == submission.customer_email
    if wants_fragment(request) and request.GET.get("v") == submission.state:
        return HttpResponse(status=204)
    context = {
        "submission": submission,
        "delivered": delivered,
        "waiting": submission.state in (Submission.State.QUEUED, Submission.State.HELD),
        "poll_url": f"{request.path}?v={submission.state}",
        "ticket_url": url_in_mount(request, "tickets:ticket", submission.ticket_id)
        if delivered and owner
        else "",
    }
    template = "tickets/saved.html" + ("#status" if wants_fragment(request) else "")
    return render(request, template, context)
