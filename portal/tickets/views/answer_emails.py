"""POST <ticket page>answer-emails/: the customer mutes or unmutes the answer emails of
one request (portal settings: "email customers when an agent answers"). Every answer
email links to the page's switch; opening that link changes nothing."""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal.customers import access
from portal.mutes.models import set_muted
from portal.tickets import follow_up, trouble
from portal.tickets.follow_up_forms import AnswerEmailsForm
from portal.tickets.views import fresh_link, in_page_time
from portal.tixallo.errors import TixalloError

BOX = "tickets/_answer_emails.html"


@require_POST
@never_cache
@in_page_time
def answer_emails(request: HttpRequest, ticket_id: str = "", token: str = "") -> HttpResponse:
    """At /tickets/<id>/answer-emails/ (signed in) or /t/<private link>/answer-emails/."""
    page_url = request.path.removesuffix("answer-emails/")
    try:
        ticket_id, via_link = follow_up.door(ticket_id, token)
    except access.LinkExpired as old:
        return fresh_link.action_expired(request, page_url, old.ticket_id)
    form = AnswerEmailsForm(request.POST)
    try:
        ticket = follow_up.owned_copy(request, ticket_id, via_link).value
    except TixalloError as error:
        return trouble.page(request, error)
    if not form.is_valid():
        return HttpResponseBadRequest("Expected emails=on or emails=off.")
    set_muted(ticket.id, form.cleaned_data["emails"] == "off")
    if request.htmx:
        return render(request, BOX, follow_up.answer_emails_context(request, ticket, page_url))
    return redirect(page_url + "#answer-emails")
