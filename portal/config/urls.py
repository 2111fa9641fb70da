"""The portal's look, for every page: the accent stylesheet, the logo and the favicon.
Included from portal/urls.py without a namespace (templates name them `brand-css`, …)."""

from django.urls import path

from portal.config import branding

urlpatterns = [
    path("brand.css", branding.accent_css, name="brand-css"),
    # The host page's accent (inside its frame) had an address of its own until it joined
    # brand.css: frames drawn before keep their colour.
    path("embed/accent.css", branding.accent_css),
    path("brand/logo-<str:version>", branding.logo, name="brand-logo"),
    path("favicon.ico", branding.favicon, name="favicon"),
]
