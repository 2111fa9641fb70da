from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

handler500 = "portal.ops.outage.server_error_or_outage"

# One include() per app of ours, besides Django's own admin and language switcher.
urlpatterns = [
    path("", include("portal.config.urls")),
    # Admin → Health (before admin's own URLs), and the probes: /healthz, /readyz and
    # /metrics are answered before the rest of the middleware (portal/ops/middleware.py).
    path("", include("portal.ops.urls")),
    path("admin/", admin.site.urls),
    # The language switcher: Django's own, kept in a cookie for the browser session.
    path("language/", set_language, name="set-language"),
    path("", include("portal.tickets.urls")),
    path("", include("portal.embed.urls")),
    path("webhooks/", include("portal.webhooks.urls")),
]

if settings.PORTAL_SANDBOX:
    # The sandbox's agent console, demo inbox and API, for the demo. It has no login, so
    # it exists only while the portal runs on the sandbox.
    urlpatterns.append(path("sandbox/", include("portal.demo.urls")))
