"""An expired private ticket link (portal settings: "days a private ticket link works"):
a calm page whose button emails a fresh link to the ticket's own address, never to one
the visitor names. A button, not the page itself, so mail scanners that fetch the old
link send nothing; rate-limited as sign-in links are."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from portal.config.current import absolute_url, for_request
from portal.customers import access, ratelimit
from portal.mirror import reads
from portal.outbox import emails
from portal.tickets import trouble
from portal.tixallo.errors import NotFound, TixalloError

TEMPLATE = "tickets/link_expired.html"


def expired(request: HttpRequest, ticket_id: str) -> HttpResponse:
    context = {"days": for_request(request).ticket_link_days}
    if request.method != "POST" or request.POST.get("action") != "fresh-link":
        return render(request, TEMPLATE, context, status=410)
    if wait := ratelimit.address_wait("signin", request):
        return _too_many(request, context, wait)
    try:
        copy = reads.ticket_copy(ticket_id)
    except NotFound:
        raise Http404("No such ticket") from None
    except TixalloError as error:
        return trouble.page(request, error)
    if not copy.owner or copy.ident != ticket_id:
        raise Http404("No such ticket")
    if wait := ratelimit.email_wait("signin", copy.owner):
        return _too_many(request, context, wait)
    token = access.ticket_link_token(ticket_id)
    link = absolute_url(request, reverse("tickets:link", args=[token]))
    emails.send_ticket_link(copy.owner, copy.value.ticket_number, copy.value.subject, link)
    return render(request, TEMPLATE, context | {"sent": True})


def action_expired(request: HttpRequest, page_url: str, ticket_id: str) -> HttpResponse:
    """An action (rating, answer emails) posted through an expired link: nothing changes,
    and the page's own 410 answers (for htmx, the whole page is sent there)."""
    if request.htmx:
        return HttpResponse(headers={"HX-Redirect": page_url})
    return expired(request, ticket_id)


def _too_many(request: HttpRequest, context: dict, wait: int) -> HttpResponse:
    response = render(request, TEMPLATE, context | {"wait": True}, status=429)
    response["Retry-After"] = str(max(1, wait))
    return response
