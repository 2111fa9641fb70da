"""Which pages other sites may frame, and the embedded mode for the pages under /embed/.

Listed after ContentSecurityPolicyMiddleware and XFrameOptionsMiddleware, so its
process_response runs before theirs and can set this response's policy: Django's
CSP middleware builds the header from `response._csp_config` when a response has
one (what @csp_override sets), keeping the nonce; XFrameOptionsMiddleware skips a
response marked `xframe_options_exempt`.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.csp import CSP
from django.utils.deprecation import MiddlewareMixin

from portal.config.current import for_request
from portal.embed import mode


class EmbedMiddleware(MiddlewareMixin):
    def process_view(self, request: HttpRequest, *args: object) -> None:
        # Here, not in process_request: only now is the URL resolved. A CSRF failure
        # stops before this; its view calls mode.enter itself.
        mode.enter(request)

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if framable(request):
            policy = getattr(response, "_csp_config", settings.SECURE_CSP)
            if policy:  # an empty policy is a view's choice to send none: keep it
                ancestors = [CSP.SELF, *for_request(request).allowed_origins]
                response._csp_config = {**policy, "frame-ancestors": ancestors}
            # frame-ancestors decides; X-Frame-Options: DENY would contradict it.
            response.xframe_options_exempt = True
        return response


def framable(request: HttpRequest) -> bool:
    """The customer pages (first-party and embedded, also when a CSRF failure or a 404
    answers in their place) and the embed entry. Not admin, the sandbox or the demo."""
    match = getattr(request, "resolver_match", None)
    return match is not None and (match.app_name == "tickets" or match.view_name == "embed:start")
