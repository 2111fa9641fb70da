"""POST <ticket page>answer-emails/: the customer mutes or unmutes the answer emails of
one request (portal settings: "email customers when an agent answers"). Every answer
email links to the page's switch; opening that link changes nothing."""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal.mirror import reads
from portal.mutes.models import set_muted
from portal.tickets import follow_up
from portal.tickets.follow_up_forms import AnswerEmailsForm
from portal.tickets.views import in_page_time
from portal.tickets.views.door import Door, owned_ticket

BOX = "tickets/_answer_emails.html"


@require_POST
@never_cache
@in_page_time
@owned_ticket()
def answer_emails(request: HttpRequest, door: Door, copy: reads.Copy) -> HttpResponse:
    """At /tickets/<id>/answer-emails/ (signed in) or /t/<private link>/answer-emails/."""
    form = AnswerEmailsForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Expected emails=on or emails=off.")
    ticket = copy.value
    set_muted(ticket.id, form.cleaned_data["emails"] == "off")
    if request.htmx:
        context = follow_up.answer_emails_context(request, ticket, door.page_url)
        return render(request, BOX, context)
    return redirect(door.page_url + "#answer-emails")
