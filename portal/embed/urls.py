"""Included once from portal/urls.py, without a namespace of its own: it holds the
embed app's endpoints (namespace "embed") and mounts the customer pages a second
time under /embed/ (instance namespace "embedded" of app "tickets"; see mode.py)."""

from django.conf import settings
from django.urls import include, path

from portal.embed import demo, mode, views

embed_patterns = [
    path("embed.js", views.embed_js, name="script"),
    path("embed/start/", views.start, name="start"),
]
if settings.PORTAL_SANDBOX:
    # A host page for the demo; it mints identity tokens, so never without the sandbox.
    embed_patterns.append(path("embed/demo/", demo.demo, name="demo"))

urlpatterns = [
    path("", include((embed_patterns, "embed"))),
    path("embed/", include("portal.tickets.urls", namespace=mode.EMBEDDED)),
]
