"""POST <ticket page>rating/: the customer's "How did we do?" on a solved request
(tickets.follow_up draws the form on the page). Once per request, changeable until it
is closed; each rating is also added to the ticket (satisfaction.ratings)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal.config.current import absolute_url
from portal.customers import ratelimit
from portal.mirror import reads
from portal.satisfaction import ratings
from portal.tickets import follow_up, trouble
from portal.tickets.follow_up_forms import RatingForm
from portal.tickets.views import action_key, in_page_time
from portal.tickets.views.door import Door, owned_ticket
from portal.tixallo.errors import TixalloError

BOX = "tickets/_rating.html"


def _signed_out(request: HttpRequest, door: Door) -> HttpResponse:
    """The session ended while the customer typed: keep the rating, ask them to sign in
    (as a reply does), decided before any call to Tixallo."""
    context = _kept(request, RatingForm(request.POST)) | {"signin_needed": True}
    context["trouble"] = _(
        "You were signed out, so your rating wasn't sent. Sign in again and send it from there."
    )
    template = BOX if request.htmx else "tickets/rating_trouble.html"
    return render(request, template, context, status=403)


def _unreadable(request: HttpRequest, door: Door, error: TixalloError) -> HttpResponse:
    if not request.htmx:
        return trouble.page(request, error)
    context = _kept(request, RatingForm(request.POST)) | {"trouble": trouble.explain(error)}
    return trouble.calm(render(request, BOX, context), error)


@require_POST
@never_cache
@in_page_time
@owned_ticket(signed_out=_signed_out, unreadable=_unreadable)
def rate(request: HttpRequest, door: Door, copy: reads.Copy) -> HttpResponse:
    """At /tickets/<id>/rating/ (signed in) or /t/<private link>/rating/."""
    form = RatingForm(request.POST)
    ticket = copy.value
    context = follow_up.rating_context(request, ticket, door.page_url, form)
    if not ratings.can_rate(ticket):  # reopened or closed meanwhile: the page says how
        return _done(request, door.page_url, context)
    if wait := ratelimit.address_wait("reply", request):
        context["trouble"] = _("Please wait a moment before sending this again.")
        response = render(request, BOX, context, status=429)
        response["Retry-After"] = str(max(1, wait))
        return response
    if not form.is_valid():
        return render(request, BOX, context, status=422)
    email = ticket.customer_email
    ratings.rate(
        ticket,
        email,
        form.cleaned_data["rating"],
        form.cleaned_data["comment"],
        key=action_key(form.cleaned_data["idempotency_key"], ticket.id, email, "rating"),
        site_url=absolute_url(request, "/"),
    )
    page_url = door.page_url
    return _done(request, page_url, follow_up.rating_context(request, ticket, page_url))


def _kept(request: HttpRequest, form: RatingForm) -> dict[str, object]:
    """The box with what the customer chose and typed, to send again."""
    return {"can_rate": True, "rating_form": form, "chosen": form["rating"].value()} | {
        "rating_url": request.path
    }


def _done(request: HttpRequest, page_url: str, context: dict) -> HttpResponse:
    if request.htmx:
        return render(request, BOX, context)
    return redirect(page_url + "#rating")
