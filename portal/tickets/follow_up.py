"""What a request's page shows after the conversation: "How did we do?" on a solved
request, and the switch for its answer emails. Drawn on full pages only (polls never
draw them, so a comment being typed is never swapped away); their forms post to their
own views (`views.rating`, `views.answer_emails`) at the page's URL + "rating/" or
"answer-emails/", in either mount (`views.door` decides who may post there)."""

from django.http import HttpRequest

from portal.config.current import portal_config
from portal.mutes.models import is_muted
from portal.satisfaction import ratings
from portal.tickets.follow_up_forms import RatingForm
from portal.tixallo.types import Ticket, new_idempotency_key


def rating_context(
    request: HttpRequest, ticket: Ticket, page_url: str, form: RatingForm | None = None
) -> dict[str, object]:
    # Only solved and closed requests can have one: an open request's page asks nothing
    # (no query, no form: just the empty slot a poll may fill once it is solved).
    if ticket.status not in ("solved", "closed"):
        return {"ticket_open": True}
    rating = ratings.rating_of(ticket.id)
    if form is None:
        initial = {"idempotency_key": new_idempotency_key()}
        if rating:
            initial |= {"rating": rating.rating, "comment": rating.comment}
        form = RatingForm(initial=initial)
    return {
        "request": request,
        "rating": rating,
        "can_rate": ratings.can_rate(ticket),
        "rating_form": form,
        "chosen": form["rating"].value(),
        "rating_url": page_url + "rating/",
    }


def answer_emails_context(request: HttpRequest, ticket: Ticket, page_url: str) -> dict:
    offered = portal_config().email_agent_answers
    return {
        "request": request,
        "answer_emails_offered": offered,
        "muted": offered and is_muted(ticket.id),
        "answer_emails_url": page_url + "answer-emails/",
    }
