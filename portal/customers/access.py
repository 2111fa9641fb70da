"""Who may see which ticket. The portal holds a workspace-wide key, so this module
alone decides: a customer sees a ticket whose customer email they have proven
(a sign-in link), or one a signed ticket link names. Anything else is a 404.

Every signed token a customer holds is made and checked here: ticket, sign-in and
confirmation links, and the addresses of the pages after a submission.
"""

import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse

from portal.config.current import portal_config
from portal.customers.models import UsedSignInLink
from portal.mirror import reads
from portal.tixallo import addresses
from portal.tixallo.errors import NotFound

TICKET_LINK_SALT = "tickets.link"
SIGNIN_SALT = "tickets.signin"
CONFIRM_REQUEST_SALT = "tickets.confirm-request"
# The pages after a submission, by their first names: links already made keep working.
FILED_SALT = "tickets.submitted"
SAVED_SALT = "tickets.received"
SESSION_EMAIL = "customer_email"
SESSION_NAME = "customer_name"
LINK_EMAIL_COOKIE = "link_email"  # proven by a private ticket link: prefills sign-in
LINK_EMAIL_SALT = "customers.link-email"
LINK_EMAIL_SECONDS = 30 * 24 * 3600
# When the customer signed in, and was last seen (unix times): portal.customers.sessions.
SESSION_SINCE = "customer_since"
SESSION_SEEN = "customer_seen"


class LinkExpired(Exception):
    """Too old. For a ticket link, `ticket_id` says which ticket (its signature held)."""

    def __init__(self, ticket_id: str = "") -> None:
        super().__init__()
        self.ticket_id = ticket_id


class LinkUsed(Exception):
    pass


# --- private ticket links -----------------------------------------------------


def ticket_link_token(ticket_id: str) -> str:
    return signing.dumps(ticket_id, salt=TICKET_LINK_SALT, compress=True)


def ticket_id_from_link(token: str) -> str:
    """The ticket a link names while it is younger than the admin's maximum age (its
    signature carries the time); LinkExpired after it, Http404 for anything else."""
    max_age = timedelta(days=portal_config().ticket_link_days)
    try:
        ticket_id = signing.loads(token, salt=TICKET_LINK_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkExpired(_expired_ticket_id(token)) from None
    except signing.BadSignature:
        raise Http404("No such ticket link") from None
    if not isinstance(ticket_id, str):
        raise Http404("No such ticket link")
    return ticket_id


def _expired_ticket_id(token: str) -> str:
    ticket_id = signing.loads(token, salt=TICKET_LINK_SALT)  # the signature already held
    if not isinstance(ticket_id, str):
        raise Http404("No such ticket link")
    return ticket_id


# --- sign-in links --------------------------------------------------------------


def signin_token(email: str, ticket_id: str = "") -> str:
    """A one-time sign-in link's token; `ticket_id`: the request to open after signing in
    (a bookmarked one), else My requests."""
    payload = {"e": email, "n": secrets.token_hex(16)}
    if ticket_id:
        payload["t"] = ticket_id
    return signing.dumps(payload, salt=SIGNIN_SALT)


@dataclass(frozen=True)
class SignInLink:
    email: str
    ticket_id: str  # the request to open once signed in (a bookmarked one), or ""
    used: bool = False


def peek_signin_token(token: str) -> SignInLink:
    """What a link is for, and whether it was used, without using it up; raises
    LinkExpired or Http404."""
    payload = _load_signin(token)
    used = UsedSignInLink.objects.filter(nonce=payload["n"]).exists()
    return SignInLink(payload["e"], payload.get("t", ""), used)


def redeem_signin_token(token: str) -> SignInLink:
    """Use a link once: what it is for, or LinkExpired / LinkUsed / Http404."""
    payload = _load_signin(token)
    try:
        with transaction.atomic():  # a savepoint: the request's transaction stays usable
            UsedSignInLink.objects.create(nonce=payload["n"])
    except IntegrityError:
        raise LinkUsed from None
    return SignInLink(payload["e"], payload.get("t", ""))


def _load_signin(token: str) -> dict[str, str]:
    try:
        payload = signing.loads(token, salt=SIGNIN_SALT, max_age=settings.SIGNIN_LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise LinkExpired from None
    except signing.BadSignature:
        raise Http404("No such sign-in link") from None
    if not isinstance(payload, dict) or not {"e", "n"} <= payload.keys():
        raise Http404("No such sign-in link")
    if not isinstance(payload.get("t", ""), str):
        raise Http404("No such sign-in link")
    return payload


# --- confirmation links for held requests ----------------------------------------


def confirm_request_token(reference: str) -> str:
    """The emailed link that sends a held request (portal settings: "hold requests until
    the email is confirmed"); opening it proves the address, as a sign-in link does."""
    return signing.dumps(reference, salt=CONFIRM_REQUEST_SALT)


def reference_from_confirm_token(token: str, hours: int) -> str:
    """The reference a link names; raises LinkExpired after `hours`, or Http404."""
    try:
        return signing.loads(token, salt=CONFIRM_REQUEST_SALT, max_age=hours * 3600)
    except signing.SignatureExpired:
        raise LinkExpired from None
    except signing.BadSignature:
        raise Http404("No such confirmation link") from None


# --- the pages after a submission ------------------------------------------------


def filed_token(reference: str) -> str:
    """The address of the page after a request Tixallo took at once (`views.filed`)."""
    return signing.dumps(reference, salt=FILED_SALT)


def saved_token(reference: str) -> str:
    """The address of a request's page while it waits in the outbox (`views.saved`)."""
    return signing.dumps(reference, salt=SAVED_SALT)


def reference_from_filed_token(token: str) -> str:
    return _reference(token, FILED_SALT)


def reference_from_saved_token(token: str) -> str:
    return _reference(token, SAVED_SALT)


def _reference(token: str, salt: str) -> str:
    """The submission's reference a page's address names (they never expire); Http404
    for anything else."""
    try:
        reference = signing.loads(token, salt=salt)
    except signing.BadSignature:
        raise Http404("No such reference") from None
    if not isinstance(reference, str):
        raise Http404("No such reference")
    return reference


# --- the session ----------------------------------------------------------------


def verified_email(request: HttpRequest) -> str:
    return request.session.get(SESSION_EMAIL, "")


def remember_link_email(request: HttpRequest, response: HttpResponse, email: str) -> None:
    """A private link proved this email (it was sent there): "My requests" offers a
    sign-in link to it without asking for it again. Not a sign-in: a forwarded link
    shows one ticket, never the customer's others. A signed cookie, not the session:
    each view by a new browser (or a mail scanner) would otherwise write a session row."""
    if email and link_email(request) != email:
        response.set_signed_cookie(
            LINK_EMAIL_COOKIE, email, salt=LINK_EMAIL_SALT, max_age=LINK_EMAIL_SECONDS,
            secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax",
        )  # fmt: skip


def link_email(request: HttpRequest) -> str:
    return request.get_signed_cookie(
        LINK_EMAIL_COOKIE, default="", salt=LINK_EMAIL_SALT, max_age=LINK_EMAIL_SECONDS
    )


def sign_in(request: HttpRequest, email: str) -> None:
    email = addresses.canonical(email)
    if request.session.get(SESSION_EMAIL) != email:
        # Someone else's name must not fill this customer's forms.
        request.session.pop(SESSION_NAME, None)
    request.session.cycle_key()  # a new session id on privilege change
    request.session[SESSION_EMAIL] = email
    request.session[SESSION_SINCE] = request.session[SESSION_SEEN] = int(time.time())


def forget_customer(request: HttpRequest) -> None:
    """The customer signed out, and nothing else of the session (an admin stays)."""
    for key in (SESSION_EMAIL, SESSION_NAME, SESSION_SINCE, SESSION_SEEN):
        request.session.pop(key, None)


def sign_out(request: HttpRequest) -> None:
    request.session.flush()


# --- the check every ticket page makes -------------------------------------------


def copy_for(request: HttpRequest, ticket_id: str, via_link: bool = False) -> reads.Copy:
    """The mirror's copy of the ticket (with its fingerprint, for polls) if this visitor
    may see it; a 404 for anything else, guessed ids included."""
    if not via_link and reads.not_theirs(verified_email(request), ticket_id):
        raise Http404("No such ticket")  # known without asking Tixallo: guesses cost nothing
    try:
        copy = reads.ticket_copy(ticket_id, poll=bool(getattr(request, "htmx", False)))
    except NotFound:
        raise Http404("No such ticket") from None
    if copy.ident != ticket_id:
        raise Http404("No such ticket")
    if via_link or (copy.owner and copy.owner == verified_email(request)):
        return copy
    raise Http404("No such ticket")
