"""The embedded mode: the customer pages mounted a second time, under /embed/ (URL
namespace "embedded"), in a compact layout for an iframe.

Why in the URL rather than a flag in the session: every link and form the pages
make with {% url %} stays under /embed/ by itself (Django reverses within the
current namespace), so the mode survives navigation inside the frame even when the
browser blocks the frame's cookies, and a first-party visit (`/`) is never embedded,
even when the host site and the portal share a cookie partition (www.example.com
framing support.example.com). Emails keep linking to the first-party pages.

The host page's language and accent colour come in the first page's query string
(so that page is right even without cookies) and are kept in the session for the
pages after it; they only ever apply under /embed/.
"""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils import translation

from portal.config.branding import HEX, accent_css_url
from portal.config.current import for_request
from portal.config.origins import request_origin
from portal.tickets.urls import PAGE_OF_ACTION

EMBEDDED = "embedded"  # the instance namespace of the customer pages under /embed/
SESSION_OPTIONS = "embed_options"
OPTION_KEYS = ("lang", "accent")


@dataclass(frozen=True)
class Embed:
    """What an embedded page's layout needs (templates read it as `request.embed`)."""

    accent_css_url: str  # "" without an accent colour from the host page
    frame_origins: str  # space-separated: who may receive the frame's height messages
    new_tab_url: str  # this page outside the frame
    csrf_cookie: str  # its absence tells the frame that cookies are blocked


def is_embedded(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and (match.namespace == EMBEDDED or match.view_name == "embed:start")


def options(query: QueryDict) -> dict[str, str]:
    """The host page's language and accent colour from a query string; anything
    unusable is left out."""
    found = {}
    try:
        found["lang"] = translation.get_supported_language_variant(query.get("lang", "")[:20])
    except LookupError:
        pass
    accent = query.get("accent", "").strip()
    accent = accent if accent.startswith("#") else "#" + accent
    if HEX.fullmatch(accent):
        found["accent"] = accent.lower()
    return found


def remember(request: HttpRequest, chosen: dict[str, str]) -> None:
    # Written only when it changes: a frame reloaded with the same options (or none)
    # starts no session and saves nothing.
    if request.session.get(SESSION_OPTIONS, {}) != chosen:
        request.session[SESSION_OPTIONS] = chosen


def enter(request: HttpRequest) -> Embed | None:
    """For an embedded page: `request.embed` set, and the host page's language on."""
    if not is_embedded(request):
        request.embed = None
        return None
    chosen = request.session.get(SESSION_OPTIONS, {}) | options(request.GET)
    if chosen.get("lang"):
        translation.activate(chosen["lang"])
        request.LANGUAGE_CODE = chosen["lang"]
    accent = chosen.get("accent", "")
    request.embed = Embed(
        accent_css_url=accent_css_url(accent) if accent else "",
        # Whoever frames the page, the portal's own admin (its preview) included. The
        # allowed origins were normalised with the configuration (`origins.origin_of`):
        # nothing in them can add a CSP directive.
        frame_origins=" ".join([request_origin(request), *for_request(request).allowed_origins]),
        new_tab_url=first_party_url(request),
        csrf_cookie=settings.CSRF_COOKIE_NAME,
    )
    return request.embed


def first_party_url(request: HttpRequest) -> str:
    """The page being shown, outside the frame: for "open in a new tab"."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.namespace == EMBEDDED:
        # No current_app: Django picks the default instance, the first-party pages. An
        # action (a reply, a rating: POST only) opens its request's page.
        name = PAGE_OF_ACTION.get(match.url_name, match.url_name)
        path = reverse(f"tickets:{name}", args=match.args, kwargs=match.kwargs)
    elif match is not None and match.view_name == "embed:start":
        path = reverse("tickets:submit")
    else:
        path = request.path
    query = request.GET.copy()
    for key in (*OPTION_KEYS, "token"):
        query.pop(key, None)
    return path + ("?" + query.urlencode() if query else "")
