"""How long a sign-in lasts. A customer is signed out after the portal settings' days
without a visit (7 by default) and after their days in any case (30); staff after 8
hours in admin (STAFF_SESSION_SECONDS). Only the sign-in goes: the session's other
keys (language, the frame's options) stay."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from portal.config.current import for_request
from portal.customers import access

DAY = 24 * 3600
STAFF_SINCE = "staff_since"
# "Last seen" is written at most this often: a poll every 10 s must not write the session.
SEEN_EVERY = 3600


class SessionAgeMiddleware:
    """After AuthenticationMiddleware (settings.MIDDLEWARE)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        now = int(time.time())
        session = request.session
        if SESSION_KEY in session:
            # A sign-in from before this rule gets its 8 hours from now.
            if now - session.setdefault(STAFF_SINCE, now) > staff_seconds():
                logout(request)  # flushes the session: the next admin page asks to sign in
        if session.get(access.SESSION_EMAIL):
            customer(request, now)
        return self.get_response(request)


def customer(request: HttpRequest, now: int) -> None:
    config = for_request(request)
    session = request.session
    # A sign-in from before these limits gets them from now.
    since = session.setdefault(access.SESSION_SINCE, now)
    seen = session.setdefault(access.SESSION_SEEN, now)
    if now - since > config.session_max_days * DAY or now - seen > config.session_idle_days * DAY:
        access.forget_customer(request)
    elif now - seen > SEEN_EVERY:
        session[access.SESSION_SEEN] = now


def staff_seconds() -> int:
    return settings.STAFF_SESSION_SECONDS


@receiver(user_logged_in)
def _staff_signed_in(request: HttpRequest | None, **kwargs: object) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[STAFF_SINCE] = int(time.time())
        request.session.set_expiry(staff_seconds())
