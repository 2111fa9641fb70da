"""Proof under faults (issue 9): Redis stopping mid-traffic, PostgreSQL restarting, a
worker killed mid-delivery. The portal runs as a real server (pytest-django's
live_server); Redis and PostgreSQL sit behind a loopback proxy the test cuts and
restores, so the machine's shared services are never stopped."""

import multiprocessing
import os
import re
import signal
import socket
import threading
import time
from datetime import timedelta

import httpx
import pytest
from django.core import mail
from django.core.cache import caches
from django.db import connections
from django.utils import timezone

from portal.outbox.models import Submission
from tests.factories import FORM, make_submission, ticket_count
from tests.faultproxy import FaultProxy

pytestmark = pytest.mark.slow  # a live server, a killed worker process


def _reachable(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def _until(condition, what: str, seconds: float = 30) -> None:
    """Wait for something another thread or process does (not a timing assertion)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.02)


def _post_form(browser: httpx.Client, path: str, data: dict) -> httpx.Response:
    page = browser.get(path)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    return browser.post(path, data=data | {"csrfmiddlewaretoken": token})


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not _reachable(6379), reason="needs Redis on 127.0.0.1:6379")
def test_pages_keep_answering_while_redis_is_down_and_recover(live_server, sandbox, settings):
    proxy = FaultProxy(6379)
    # The suite's own Redis index when it runs on Redis (.ci/run: 15), else 13 (unused).
    index = settings.REDIS_URL.rpartition("/")[2] if settings.REDIS_URL else "13"
    redis = {
        "BACKEND": "portal.caches.redis.TolerantRedisCache",
        "LOCATION": f"redis://127.0.0.1:{proxy.port}/{index}",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    # The page frame's per-process cache stays; the shared ones go through the proxy, and
    # the shared store (portal.shared) with them.
    settings.CACHES = settings.CACHES | {"default": redis, "template_fragments": redis}
    settings.REDIS_URL = redis["LOCATION"]
    try:
        with httpx.Client(base_url=live_server.url, timeout=30) as browser:
            assert browser.get("/").status_code == 200
            caches["default"].set("probe", "up")
            assert caches["default"].get("probe") == "up"
            proxy.cut()  # Redis stops mid-traffic
            assert browser.get("/").status_code == 200
            sent = _post_form(browser, "/", FORM)
            assert sent.status_code == 302
            assert browser.get(sent.headers["Location"]).status_code == 200
            assert _post_form(browser, "/signin/", {"email": "alex@example.com"}).status_code == 200
            link = re.search(r"https?://[^/]+(/signin/[^/\s]+/)", mail.outbox[-1].body).group(1)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', browser.get(link).text)
            browser.post(link, data={"csrfmiddlewaretoken": token.group(1)})
            mine = browser.get("/tickets/")
            assert mine.status_code == 200 and "Refund please" in mine.text
            assert ticket_count(sandbox) == 1  # the submission went through
            assert caches["default"].get("probe") is None  # no cache, no error
            proxy.restore()  # Redis is back: the portal uses it again by itself
            caches["default"].set("probe", "back")
            assert caches["default"].get("probe") == "back"
            assert browser.get("/tickets/").status_code == 200
    finally:
        caches["default"].clear()
        proxy.close()


@pytest.mark.django_db(transaction=True)
def test_a_postgres_restart_is_a_calm_503_then_recovers(live_server, sandbox):
    database = connections["default"].settings_dict
    if database["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("PostgreSQL only (CI runs the suite on it too)")
    proxy = FaultProxy(int(database["PORT"] or 5432), database["HOST"] or "127.0.0.1")
    original = database["HOST"], database["PORT"]
    database["HOST"], database["PORT"] = "127.0.0.1", proxy.port
    try:
        with httpx.Client(base_url=live_server.url, timeout=30) as browser:
            page = browser.get("/")
            assert page.status_code == 200
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
            proxy.cut()  # PostgreSQL restarts
            # The form needs no database (settings and sessions are cached): still there.
            assert browser.get("/").status_code == 200
            # Saving a submission does: a calm 503, never a 500.
            during = browser.post("/", data=FORM | {"csrfmiddlewaretoken": token})
            assert during.status_code == 503 and during.headers["Retry-After"] == "30"
            assert "back in a moment" in during.text and "Traceback" not in during.text
            proxy.restore()  # and is back: no restart of the portal
            assert _post_form(browser, "/", FORM).status_code == 302
            assert ticket_count(sandbox) == 1
    finally:
        database["HOST"], database["PORT"] = original
        proxy.close()


def _deliver_in_child(submission_id: int) -> None:
    from portal.outbox import delivery

    delivery.send(Submission.objects.get(pk=submission_id))


@pytest.mark.django_db(transaction=True)
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_worker_killed_mid_delivery_delivers_exactly_once(sandbox, settings, network_transport):
    from portal.outbox import delivery, tasks
    from portal.sandbox.api import SandboxApp
    from portal.sandbox.server import SandboxServer
    from portal.tixallo import client

    arrived, release = threading.Event(), threading.Event()

    def gate(_seconds: float) -> None:  # the sandbox holds the request here
        arrived.set()
        release.wait(30)

    sandbox.set_faults(latency_ms=1)
    app = SandboxApp(sandbox, settings.TIXALLO_API_KEY, sleep=gate)
    with SandboxServer(app) as server:
        settings.TIXALLO_BASE_URL = server.api_url
        client.reset_http()
        submission = make_submission("f" * 32, payload=FORM, customer_email=FORM["customer_email"])
        connections.close_all()  # the child opens its own
        worker = multiprocessing.get_context("fork").Process(
            target=_deliver_in_child, args=(submission.pk,)
        )
        worker.start()
        assert arrived.wait(30), "the worker never called Tixallo"
        os.kill(worker.pid, signal.SIGKILL)  # killed mid-delivery
        worker.join()
        release.set()  # Tixallo still files the ticket; nobody hears the answer
        _until(lambda: ticket_count(sandbox) == 1, "Tixallo to file the ticket")
        row = Submission.objects.get()
        assert row.state == Submission.State.QUEUED and row.leased_until > timezone.now()
        assert not delivery.claim(row)  # nobody sends it while the dead worker's lease runs
        Submission.objects.update(leased_until=timezone.now() - timedelta(seconds=1))
        assert tasks.deliver_submission.call(row.pk) == Submission.State.DELIVERED
        row.refresh_from_db()
        assert ticket_count(sandbox) == 1  # the same idempotency key: exactly once
        assert row.ticket_number is not None
        client.reset_http()
