"""Identity verification: the host site vouches for its signed-in customer.

The host's server signs the customer's email and name with the shared secret as a
short-lived JWT (HS256; like Zendesk's JWT SSO or Intercom's identity verification)
and the snippet hands it to the frame's first URL. The portal checks it, treats the
email as verified (as a sign-in link would) and locks the form's email and name.
"""

import hashlib
import time
from dataclasses import dataclass, field

import jwt
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest
from django.views.decorators.debug import sensitive_variables

from portal.config.current import PortalConfig
from portal.customers import access, names
from portal.shared import store
from portal.tixallo import addresses
from portal.tixallo.types import EMAIL_MAX, NAME_MAX

ALGORITHM = "HS256"
MAX_LIFETIME = 3600  # seconds: a token living longer is refused, so a leaked one soon expires
LEEWAY = 30  # seconds of clock difference tolerated between the host's server and ours
# Only with the built-in sandbox (never in production) and no secret configured: lets
# the demo page mint tokens out of the box. Public, so it vouches for nothing real.
DEMO_SECRET = "tixallo-portal-demo-identity-secret-not-for-production"  # noqa: S105
SESSION_IDENTITY = "host_identity"


@dataclass(frozen=True)
class Identity:
    email: str
    name: str  # "" when the host did not send one
    expires: float = field(default=0, compare=False)  # the token's `exp`


class Refused(Exception):
    """A token the portal does not accept; the message says why, for the log."""


def secret(config: PortalConfig) -> str:
    if config.identity_secret:
        return config.identity_secret
    return DEMO_SECRET if settings.PORTAL_SANDBOX else ""


@sensitive_variables("key", "token")  # error reporters that record locals skip these
def verify(token: str, key: str) -> Identity:
    """The identity a token vouches for, or Refused: wrong signature or algorithm
    (`none` included), no `exp` or `iat`, expired, issued in the future, or living
    longer than MAX_LIFETIME."""
    if not key:
        raise Refused("no identity verification secret is configured")
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],  # pinned: the token's own header never chooses
            options={"require": ["exp", "iat", "email"]},
            leeway=LEEWAY,
        )
    except jwt.PyJWTError as error:
        raise Refused(f"{type(error).__name__}: {error}") from None
    expires, issued = int(claims["exp"]), int(claims["iat"])  # PyJWT accepts "123" too
    if expires - issued > MAX_LIFETIME or expires - time.time() > MAX_LIFETIME:
        raise Refused(f"lives longer than {MAX_LIFETIME} s")
    return Identity(_email(claims.get("email")), _name(claims.get("name", "")), expires)


def first_use(token: str, expires: float) -> bool:
    """True the first time a token is seen: its digest is remembered until it expires
    (plus the leeway), so a token read from a page, a log or a proxy opens nothing
    again, in any process (the shared store)."""
    key = "identity-used:" + hashlib.sha256(token.encode(errors="replace")).hexdigest()
    return store.add(key, 1, max(1, int(expires - time.time()) + LEEWAY))


def forget(request: HttpRequest) -> None:
    """Sign out only the customer the host vouched for: a customer signed in by email
    link stays, and so does an admin sharing the session."""
    if vouched(request) is not None:
        access.forget_customer(request)
        request.session.pop(SESSION_IDENTITY, None)


def mint(email: str, name: str, key: str, lifetime: int = 300) -> str:
    """A token as a host's server makes one (the demo page and the tests use it)."""
    now = int(time.time())
    claims = {"email": email, "name": name, "iat": now, "exp": now + lifetime}
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def remember(request: HttpRequest, identity: Identity) -> None:
    """Sign the customer in, as a redeemed sign-in link does."""
    access.sign_in(request, identity.email)
    names.remember(request, identity.name)
    request.session[SESSION_IDENTITY] = {"email": identity.email, "name": identity.name}


def vouched(request: HttpRequest) -> Identity | None:
    """The identity the host vouched for, while it is still who is signed in."""
    stored = request.session.get(SESSION_IDENTITY)
    if not stored or stored.get("email") != access.verified_email(request):
        return None
    return Identity(stored["email"], stored.get("name", ""))


def locked_fields(request: HttpRequest) -> dict[str, str]:
    """What the ticket form must take from the host instead of from the customer."""
    identity = vouched(request)
    if identity is None:
        return {}
    return {"customer_email": identity.email, "customer_name": identity.name}


def _email(value: object) -> str:
    if not isinstance(value, str) or len(value) > EMAIL_MAX:
        raise Refused("the email claim is not an email address")
    try:
        value.encode("utf-8")  # JSON may carry lone surrogates
        validate_email(value)
    except (ValidationError, UnicodeEncodeError):
        raise Refused("the email claim is not an email address") from None
    if not addresses.spelled_canonically(value):
        # "\u212Aim@example.com" (a Kelvin sign) would be kim@example.com: a host whose
        # users may pick such spellings must not vouch for someone else's address.
        raise Refused("the email claim changes under canonicalisation")
    return addresses.canonical(value)


def _name(value: object) -> str:
    if not isinstance(value, str):
        raise Refused("the name claim is not a string")
    return " ".join(value.split())[:NAME_MAX]
