"""The embed endpoints: the host page's script, the frame's entry, and the friendly
page shown when a form arrives without its CSRF cookie."""

import hashlib
import json
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from portal.config.current import for_request, portal_origin
from portal.customers import frame, identity
from portal.embed import mode
from portal.requestforms import catalogue
from portal.tickets.forms import prefill

log = logging.getLogger(__name__)

SCRIPT_MAX_AGE = 300  # a fix to embed.js reaches every host page within five minutes
# What a refused form may have carried that the customer typed (never a password).
TYPED_FIELDS = (
    ("subject", _("Subject")),
    ("description", _("How can we help?")),
    ("body", _("Your reply")),
    ("customer_name", _("Your name")),
    ("customer_email", _("Your email address")),
    ("email", _("Your email address")),
)


@require_safe
def embed_js(request: HttpRequest) -> HttpResponse:
    """The script host pages load. Any site may load it (it only adds an iframe):
    whether the frame then shows the portal is for frame-ancestors to decide."""
    name = for_request(request).portal_name
    new_tab = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            new_tab[code] = str(_("Open support in a new tab"))
    context = {
        "portal": json.dumps(portal_origin(request)),
        "title": json.dumps(name or ""),
        "new_tab": json.dumps(new_tab),
    }
    body = render_to_string("embed/embed.js", context)
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={SCRIPT_MAX_AGE}"
    response["ETag"] = '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'
    # A 304 when the browser's copy is still this one.
    return get_conditional_response(request, etag=response["ETag"], response=response)


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def start(request: HttpRequest) -> HttpResponse:
    """The frame's first URL. With a host's identity token to come (`?identity=1`), a
    page whose script takes the token from embed.js by message and POSTs it here (with
    the CSRF token): a cross-site image, link or form can neither send one nor change
    the session. Nothing changes the session before the token is verified."""
    if request.method == "POST":
        return _vouched_start(request)
    if "token" in request.GET:
        # The old way, a token in the URL: a GET must not sign anyone in (login CSRF by
        # an image or a link), and the URL would carry it into logs.
        return _refused(request, "a token in the URL; embed.js hands it over by message")
    if request.GET.get("identity"):
        if request.headers.get("Sec-Fetch-Dest") == "document":
            return _refused(request, "opened as a page, not in a frame")
        return render(request, "embed/start.html", {"continue_url": _next_url(request)})
    # No token: the host's customer signed out there. Only what it vouched for goes.
    identity.forget(request)
    frame.remember(request, mode.options(request.GET))
    return redirect(_next_url(request))


def _vouched_start(request: HttpRequest) -> HttpResponse:
    """The frame's own script posting the token (CSRF-checked by the middleware)."""
    if request.headers.get("Sec-Fetch-Dest") == "document":
        # Tokens are for frames: a page would sign this browser in on the portal's own
        # site as whoever the token names.
        return _refused(request, "opened as a page, not in a frame")
    try:
        token = request.POST.get("token", "")
        found = identity.verify(token, identity.secret(for_request(request)))
        if not identity.first_use(token, found.expires):
            raise identity.Refused("used before (identity tokens are single-use)")
    except identity.Refused as refusal:
        # A post from this very frame (the CSRF check passed) whose host vouches for
        # nobody valid: whoever it vouched for before goes too.
        identity.forget(request)
        return _refused(request, str(refusal))
    identity.remember(request, found)
    frame.remember(request, mode.options(request.GET))
    return redirect(_next_url(request))


def _next_url(request: HttpRequest) -> str:
    page = "tickets:mine" if request.GET.get("page") == "requests" else "tickets:submit"
    return _embedded_url(page, request.GET)


def _refused(request: HttpRequest, why: str) -> HttpResponse:
    log.warning("Identity token from the host page refused: %s", why)
    context = {"continue_url": _embedded_url("tickets:submit", request.GET)}
    return render(request, "embed/identity_refused.html", context, status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW. Mostly a browser that blocks the frame's cookies, or
    a page left open past its session: say so, give back what was typed, and offer
    the same page in a new tab, where the cookies work."""
    mode.enter(request)  # EmbedMiddleware.process_view does not run after a CSRF failure
    new_tab_url = mode.first_party_url(request)
    fields = list(TYPED_FIELDS)
    # A request form's fields after the subject, and the new tab opens that form.
    posted = request.POST.get("form", "")
    if form := next((form for form in catalogue.offered() if form.slug == posted), None):
        fields[1:1] = [(spec.key, spec.label) for spec in form.fields]
        new_tab_url += ("&" if "?" in new_tab_url else "?") + urlencode({"form": form.slug})
    context = {
        "typed": [
            (f"typed-{name}", label, request.POST[name].strip())
            for name, label in fields
            if request.POST.get(name, "").strip()
        ],
        "new_tab_url": new_tab_url,
    }
    template = "embed/csrf_failure.html" + ("#refusal" if getattr(request, "htmx", False) else "")
    return render(request, template, context, status=403)


def _embedded_url(name: str, query: QueryDict) -> str:
    """An embedded page, with the host page's options and any prefill in its query (so
    the first page is right without cookies); never the token."""
    keep = QueryDict(mutable=True)
    keep.update(mode.options(query))
    keep.update(prefill(query))
    path = reverse(name, current_app=mode.EMBEDDED)
    return path + ("?" + keep.urlencode() if keep else "")
