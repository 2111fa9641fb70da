"""Shared test setup: no network beyond loopback, a fresh sandbox and cache per test, and
the fixtures built on tests/factories.py (a signed-in customer, embedding, a vouched-for
customer, a webhook secret)."""

import ipaddress
import socket

import pytest

from tests.factories import IDENTITY_SECRET, WEBHOOK_SECRET, sign_in_as, vouch_for

_real_connect = socket.socket.connect
_real_getaddrinfo = socket.getaddrinfo


def _is_local(host: object) -> bool:
    if not isinstance(host, str):
        return True  # AF_UNIX paths and the like
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _guarded_connect(sock: socket.socket, address: object) -> None:
    host = address[0] if isinstance(address, tuple) else address
    if not _is_local(host):
        raise OSError(f"tests may not reach {host!r}: loopback only")
    return _real_connect(sock, address)


def _guarded_getaddrinfo(host: object, *args: object, **kwargs: object) -> list:
    if host is not None and not _is_local(host if isinstance(host, str) else host.decode()):
        raise OSError(f"tests may not resolve {host!r}: loopback only")
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(autouse=True, scope="session")
def _urls_as_configured() -> None:
    """The URLconf is read once per process, under the settings of the moment: built
    here, with the sandbox, not in whichever test first asks for it (one that switched
    the sandbox off for a system check would leave /embed/demo/ missing for the rest)."""
    from django.urls import get_resolver

    assert get_resolver().url_patterns


@pytest.fixture(autouse=True, scope="session")
def _loopback_only() -> None:
    socket.socket.connect = _guarded_connect
    socket.getaddrinfo = _guarded_getaddrinfo
    yield
    socket.socket.connect = _real_connect
    socket.getaddrinfo = _real_getaddrinfo


@pytest.fixture
def sandbox(settings, tmp_path, db):
    """A fresh in-process sandbox for this test; yields its store."""
    from portal.sandbox import inprocess
    from portal.tixallo import client

    settings.SANDBOX_DB_PATH = tmp_path / "sandbox.sqlite3"
    inprocess.reset()
    client.reset_http()
    yield inprocess.store()
    client.reset_http()
    inprocess.reset()


@pytest.fixture
def network_transport(monkeypatch):
    """The API client over real sockets (e.g. to a SandboxServer on loopback) instead of the
    in-process sandbox the demo app hands it; handed back after the test."""
    from portal.tixallo import client

    monkeypatch.setattr(client, "_make_transport", None)
    client.reset_http()
    yield
    client.reset_http()


@pytest.fixture(params=["in-process", "http"])
def tixallo(request, sandbox, settings):
    """The client wired to the sandbox, in-process or over real HTTP on 127.0.0.1."""
    from portal.sandbox import inprocess
    from portal.sandbox.server import SandboxServer
    from portal.tixallo import client

    if request.param == "in-process":
        yield sandbox
        return
    request.getfixturevalue("network_transport")
    settings.TIXALLO_READ_TIMEOUT = 0.3  # a hung sandbox response counts as a timeout quickly
    client.reset_http()
    with SandboxServer(inprocess.wsgi_app()) as server:
        settings.TIXALLO_BASE_URL = server.api_url
        yield sandbox
    client.reset_http()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and cached tickets never leak from one test into the next."""
    from django.core.cache import cache, caches

    from portal.mirror import trust
    from portal.shared import store

    cache.clear()
    caches["local"].clear()
    caches["template_fragments"].clear()
    trust.forget_memo()
    store.forget_memo()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _back_to_english():
    """A German request leaves German active in this thread; later tests expect English."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture
def signed_in(client):
    """Django's test client (`client`) signed in as alex@example.com."""
    sign_in_as(client)


@pytest.fixture
def embedding(settings):
    """Embedding on: one host site may frame the portal and vouches for its customers."""
    settings.PORTAL_ALLOWED_ORIGINS = ["https://www.example.com"]
    settings.PORTAL_IDENTITY_SECRET = IDENTITY_SECRET


@pytest.fixture
def vouched(client, embedding):
    """`client` in the host site's frame, vouched for as Alex Example."""
    vouch_for(client)


@pytest.fixture
def webhook_secret(settings):
    """The portal's webhook signing secret, as Tixallo's sender (the sandbox's) has it."""
    settings.TIXALLO_WEBHOOK_SECRET = WEBHOOK_SECRET


@pytest.fixture
def holding(db):
    """The admin's switch on: requests from unconfirmed addresses wait for their link."""
    from portal.config.models import PortalSettings

    PortalSettings(hold_unverified=True, hold_hours=48).save()
