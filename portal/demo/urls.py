"""The sandbox under /sandbox/: its agent console, the demo inbox and its API. The console
has no login, so portal/urls.py routes here only while the portal runs on the sandbox."""

from django.urls import path

from portal.sandbox import inprocess

urlpatterns = [
    path("", inprocess.view),
    path("<path:path>", inprocess.view),
]
