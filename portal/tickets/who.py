"""The name a signed-in customer goes by, for the submit form: the one they last typed
here (kept in the session), else the one Tixallo holds for their newest ticket (a
sign-in link proves the email only).

Not the name on the newest submission for that email in the outbox: anyone may type
any email on the form, so that name may be a stranger's choice (a held request never
confirmed, an attacker's). Tixallo's is the one the helpdesk itself goes by."""

from portal.mirror import reads
from portal.tixallo.errors import TixalloError


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
