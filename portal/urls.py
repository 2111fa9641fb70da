from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from portal.config import branding
from portal.ops import views as ops

handler500 = "portal.ops.outage.server_error_or_outage"

urlpatterns = [
    path("brand.css", branding.accent_css, name="brand-css"),
    # The host page's accent (inside its frame) had an address of its own until it joined
    # brand.css: frames drawn before keep their colour.
    path("embed/accent.css", branding.accent_css),
    path("brand/logo-<str:version>", branding.logo, name="brand-logo"),
    path("admin/health/", admin.site.admin_view(ops.health), name="ops-health"),
    path("admin/", admin.site.urls),
    # The language switcher: Django's own, kept in a cookie for the browser session.
    path("language/", set_language, name="set-language"),
    path("favicon.ico", branding.favicon, name="favicon"),
    path("", include("portal.tickets.urls")),
    path("", include("portal.embed.urls")),
    path("webhooks/", include("portal.webhooks.urls")),
]

if settings.PORTAL_SANDBOX:
    # The sandbox's agent console, demo inbox and API, for the demo. It has no login, so
    # it exists only while the portal runs on the sandbox.
    urlpatterns.append(path("sandbox/", include("portal.demo.urls")))
