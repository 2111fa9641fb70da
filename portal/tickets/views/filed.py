"""The page after a request Tixallo took at once: its number and what was sent (the
other case, a request still waiting in the outbox, is `saved`)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from portal.customers import access
from portal.outbox.models import Submission
from portal.tickets.views import url_in_mount


def filed_url(request: HttpRequest, submission: Submission) -> str:
    return url_in_mount(request, "tickets:filed", access.filed_token(submission.reference))


def to_ticket_with_thanks(request: HttpRequest, submission: Submission) -> HttpResponse:
    """The customer's own new ticket, with a one-time acknowledgement on top."""
    thanks = _("Thank you — we've got your request #%(number)s. Our answers will show here.")
    messages.success(request, thanks % {"number": submission.ticket_number})
    return redirect(url_in_mount(request, "tickets:ticket", submission.ticket_id))


@require_safe
@never_cache  # it names the ticket: no shared cache keeps it
def filed(request: HttpRequest, token: str) -> HttpResponse:
    """The number and what was sent. The private link goes only to the email's inbox:
    whoever typed an address has not shown it is theirs (issue 9). A customer signed in
    as that email, or vouched for by the host site, goes straight to the ticket."""
    reference = access.reference_from_filed_token(token)
    try:
        submission = Submission.objects.get(reference=reference, state=Submission.State.DELIVERED)
    except Submission.DoesNotExist:
        raise Http404("No such confirmation") from None
    if access.verified_email(request) == submission.customer_email:
        return to_ticket_with_thanks(request, submission)
    return render(request, "tickets/filed.html", {"submission": submission})
