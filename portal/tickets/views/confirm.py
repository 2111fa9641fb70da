"""Held requests (the admin's "hold requests until the email is confirmed"): the
customer gets a link by email; opening it shows the request and a button (a POST, so
mail scanners that fetch links confirm nothing); pressing it sends the request to
Tixallo and, as the link proved the address, signs the customer in."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from portal.config.current import for_request
from portal.customers import access
from portal.outbox import queue
from portal.outbox.models import Submission
from portal.tickets.views import in_page_time
from portal.tickets.views.filed import to_ticket_with_thanks
from portal.tickets.views.saved import saved_url

TEMPLATE = "tickets/confirm_request.html"


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@in_page_time
def confirm_request(request: HttpRequest, token: str) -> HttpResponse:
    hours = for_request(request).hold_hours
    try:
        reference = access.reference_from_confirm_token(token, hours)
    except access.LinkExpired:
        return render(request, TEMPLATE, {"expired": True}, status=410)
    queue.expire_held(hours)
    submission = Submission.objects.filter(reference=reference).first()
    if submission is None:
        raise Http404("No such confirmation link")
    if submission.state == Submission.State.EXPIRED:
        return render(request, TEMPLATE, {"expired": True}, status=410)
    if submission.state != Submission.State.HELD:  # confirmed already: where it stands
        return redirect(saved_url(request, submission))
    if request.method != "POST":
        return render(request, TEMPLATE, {"submission": submission, "hours": hours})
    if queue.release(submission, hours):
        access.sign_in(request, submission.customer_email)  # the emailed link proved it
    if submission.state == Submission.State.DELIVERED:
        return to_ticket_with_thanks(request, submission)
    return redirect(saved_url(request, submission))
