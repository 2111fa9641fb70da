"""The name a customer goes by, for the submit form: the one they last typed here
(kept in the session), else, once signed in, the one Tixallo holds for their newest
ticket (a sign-in link proves the email only).

Not the name on the newest submission for that email in the outbox: anyone may type
any email on the form, so that name may be a stranger's choice (a held request never
confirmed, an attacker's). Tixallo's is the one the helpdesk itself goes by."""

from django.http import HttpRequest

from portal.customers.access import SESSION_NAME, verified_email
from portal.mirror import reads
from portal.tixallo.errors import TixalloError


def for_form(request: HttpRequest) -> str:
    """The name to fill in; for a signed-in customer without one, Tixallo is asked once
    (also when it knows none: "" is kept; signing in as another email forgets it)."""
    email = verified_email(request)
    if email and SESSION_NAME not in request.session:
        name = known_name(email)
        if name is not None:
            remember(request, name)
    return request.session.get(SESSION_NAME, "")


def remember(request: HttpRequest, name: str) -> None:
    """The name the customer typed (or the host site vouched for), for their next form."""
    request.session[SESSION_NAME] = name


def known_name(email: str) -> str | None:
    """None when Tixallo could not be asked (ask again later), "" when it knows none."""
    if not email:
        return ""
    try:  # both reads are cached, and My requests makes the first one anyway
        newest = reads.tickets_for(email, (), None).tickets[:1]
        ticket = reads.ticket(newest[0].id) if newest else None
    except TixalloError:
        return None
    return ticket.customer.name if ticket and ticket.customer else ""
