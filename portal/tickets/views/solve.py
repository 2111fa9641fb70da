"""POST <request page>solve/ (URL names "solve", "solve-link"): the customer's "This is
solved" (Zendesk's "Mark as solved") on an open request; then back to its page.

Signed out, or with Tixallo failing before the ticket could be read, it answers as the
reply does (both once posted to the page's URL, and pages still open may)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from portal.customers import ratelimit
from portal.mirror import reads
from portal.outbox import solve as outbox_solve
from portal.tickets import status, trouble
from portal.tickets.views import in_page_time, reply
from portal.tickets.views.conversation import TEMPLATE, context, fresh_form
from portal.tickets.views.door import Door, expired_here, owned_ticket
from portal.tixallo.errors import TixalloError


@require_POST
@never_cache
@vary_on_headers("HX-Request")
@in_page_time
@owned_ticket(signed_out=reply.signed_out, unreadable=reply.failed, expired=expired_here)
def solve(request: HttpRequest, door: Door, copy: reads.Copy) -> HttpResponse:
    ticket = copy.value
    email = ticket.customer_email
    if ticket.status not in status.OPEN:
        return redirect(door.page_url)
    # The email counts only posts that passed the address limit (as for replies).
    if wait := ratelimit.address_wait("reply", request) or ratelimit.email_wait("reply", email):
        page = context(request, copy, door.page_url, fresh_form())
        return trouble.too_many(request, TEMPLATE, page, wait)
    try:
        outbox_solve.mark_solved(ticket, email)
    except TixalloError as error:
        return trouble.page(request, error)
    return redirect(door.page_url)
