"""The demo's host page (only with the built-in sandbox): a made-up shop that embeds
the portal with the snippet, anonymously or, with ?as=alex, as the seeded customer."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from portal.config.current import for_request
from portal.config.snippet import snippet_html
from portal.customers import identity

ALEX = identity.Identity("alex@example.com", "Alex Example")  # seeded by the sandbox
SHOP_ACCENT = "#1f6f4a"


@require_safe
@never_cache  # a fresh token on every view
def demo(request: HttpRequest) -> HttpResponse:
    if not settings.PORTAL_SANDBOX:  # also unrouted then (urls.py): twice safe
        raise Http404("No demo without the sandbox")
    as_alex = request.GET.get("as") == "alex"
    token = ""
    if as_alex:
        # What the shop's server would do for its signed-in customer.
        key = identity.secret(for_request(request))
        token = identity.mint(ALEX.email, ALEX.name, key)
    snippet = snippet_html(request, accent=SHOP_ACCENT, identity_token=token)
    context = {"snippet": mark_safe(snippet), "snippet_text": snippet, "as_alex": as_alex}  # noqa: S308 - built from escaped parts
    return render(request, "embed/demo.html", context)
