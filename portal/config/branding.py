"""What the portal looks like: name, logo, accent colour, footer. The accent comes
as a tiny stylesheet (no inline styles: the CSP stays strict), with text colours
picked for WCAG AA contrast whatever colour the admin chose."""

import re

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

from portal.config.current import PortalConfig, for_request, load_row

HEX = re.compile(r"#[0-9a-fA-F]{6}")
# For images opened on their own: the browser shows them in a page it styles inline, which
# the site-wide policy (style-src 'self') would refuse, filling the console with violations.
IMAGE_CSP = {"default-src": [CSP.NONE], "img-src": [CSP.SELF], "style-src": [CSP.UNSAFE_INLINE]}
LIGHT_SURFACE, DARK_SURFACE = "#ffffff", "#1b2027"


def context(request: HttpRequest) -> dict[str, object]:
    config = for_request(request)
    return {
        "portal": config,
        "portal_name": config.portal_name,
        "brand_css_url": accent_css_url(config.accent_colour)
        if HEX.fullmatch(config.accent_colour)
        else "",
        "logo_url": reverse("brand-logo", args=[config.logo_version])
        if config.logo_version
        else "",
    }


def accent_css_url(colour: str) -> str:
    """The accent stylesheet of a #rrggbb colour: the admin's, or inside a host site's
    frame the host page's (its data-accent)."""
    return reverse("brand-css") + f"?c={colour[1:]}"


@require_safe
def accent_css(request: HttpRequest) -> HttpResponse:
    """The stylesheet for the colour the URL names, else the admin's accent colour."""
    css = stylesheet(for_request(request), accent="#" + request.GET.get("c", ""))
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"  # the URL names the colour
    return response


@require_safe
@csp_override(IMAGE_CSP)
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers and feed readers ask for whatever the page links."""
    icon = (settings.BASE_DIR / "static" / "favicon.ico").read_bytes()
    response = HttpResponse(icon, content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_safe
@csp_override(IMAGE_CSP)
def logo(request: HttpRequest, version: str) -> HttpResponse:
    row = load_row()
    if not row.logo:
        raise Http404("No logo")
    response = HttpResponse(bytes(row.logo), content_type=row.logo_type)
    response["Cache-Control"] = "public, max-age=31536000, immutable"  # versioned URL
    return response


def stylesheet(config: PortalConfig, accent: str = "") -> str:
    colour = accent if HEX.fullmatch(accent or "") else config.accent_colour
    if not HEX.fullmatch(colour or ""):
        return ""
    ink = "#000000" if contrast(colour, "#000000") >= contrast(colour, "#ffffff") else "#ffffff"
    # Links take the accent in both schemes, shaded until they read well on the surface
    # (a dark accent lightened on the dark background, a light one darkened on white).
    light, dark = (
        readable(colour, LIGHT_SURFACE, "#000000"),
        readable(colour, DARK_SURFACE, "#ffffff"),
    )
    return (
        f":root {{ --button: {colour}; --button-ink: {ink}; }}\n"
        f"@media (prefers-color-scheme: light) {{ :root {{ --accent: {light}; }} }}\n"
        f"@media (prefers-color-scheme: dark) {{ :root {{ --accent: {dark}; }} }}\n"
    )


def readable(colour: str, surface: str, towards: str) -> str:
    """`colour` mixed with `towards` in 5 % steps until it has 4.5:1 contrast on `surface`."""
    for step in range(21):
        mixed = _mix(colour, towards, step / 20)
        if contrast(mixed, surface) >= 4.5:
            return mixed
    return towards


def _mix(a: str, b: str, share: float) -> str:
    channels = (
        round(int(a[i : i + 2], 16) * (1 - share) + int(b[i : i + 2], 16) * share)
        for i in (1, 3, 5)
    )
    return "#" + "".join(f"{c:02x}" for c in channels)


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b
