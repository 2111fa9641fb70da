"""Session and CSRF cookies that work inside a third-party iframe.

With embedding on, both cookies go out as `SameSite=None; Secure; Partitioned`:
SameSite=None so the browser sends them inside a frame on another site, Partitioned
(CHIPS) so browsers that block third-party cookies still keep them, in a jar of the
embedding site's own (Chrome, Firefox, Safari). Browsers require Secure for both;
http://localhost and http://127.0.0.1 count as secure, so local tests work.

Django 6.1 has no setting for Partitioned (SESSION_COOKIE_PARTITIONED is planned
for 6.2) and Python 3.13's Morsel rejects the key (3.14 accepts it), hence this
middleware. Delete it when Django can do it by settings; nothing else depends on it.

Only where a browser keeps Secure cookies: over HTTPS, or on a loopback host. On
plain HTTP elsewhere, Secure would lose the cookies even on the portal's own site,
and frames from other sites cannot work there anyway. The admin shares the session
cookie, so it gets the same attributes; its forms stay guarded by CSRF tokens.

Listed before SessionMiddleware (so after it and CsrfViewMiddleware on the way
out): by then both have set their cookies on the response.
"""

from collections.abc import Callable
from http.cookies import Morsel

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port

from portal.config.current import for_request
from portal.tixallo.addresses import is_loopback

NATIVE = "partitioned" in Morsel._reserved  # Python 3.14+


class PartitionedMorsel(Morsel):
    def OutputString(self, attrs: list[str] | None = None) -> str:  # Morsel's name
        return super().OutputString(attrs) + "; Partitioned"


class PartitionedCookiesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        names = [
            name
            for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
            if name in response.cookies
        ]
        if names and keeps_secure_cookies(request) and for_request(request).embedding:
            for name in names:
                response.cookies[name] = for_frames(response.cookies[name])
        return response


def keeps_secure_cookies(request: HttpRequest) -> bool:
    if request.is_secure():
        return True
    host, _port = split_domain_port(request.get_host())
    return is_loopback(host)


def for_frames(morsel: Morsel) -> Morsel:
    morsel["samesite"] = "None"
    morsel["secure"] = True
    if NATIVE:
        morsel["partitioned"] = True
        return morsel
    partitioned = PartitionedMorsel()
    partitioned.set(morsel.key, morsel.value, morsel.coded_value)
    partitioned.update(morsel)
    return partitioned
