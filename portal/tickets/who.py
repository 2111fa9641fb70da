"""The name a signed-in customer goes by, for the submit form: the one they last typed
here, else the one on their newest ticket in Tixallo (a sign-in link proves the
email only)."""

from portal.outbox.models import Submission
from portal.tickets import reads
from portal.tixallo.errors import TixalloError


def known_name(email: str) -> str:
    if not email:
        return ""
    latest = (
        Submission.objects.filter(customer_email=email, kind=Submission.Kind.TICKET)
        .order_by("-created_at")
        .first()
    )
    if latest and latest.payload.get("customer_name"):
        return latest.payload["customer_name"]
    try:  # both reads are cached, and My requests makes the first one anyway
        newest = reads.tickets_for(email, (), None).tickets[:1]
        ticket = reads.ticket(newest[0].id) if newest else None
    except TixalloError:
        return ""
    return ticket.customer.name if ticket and ticket.customer else ""
