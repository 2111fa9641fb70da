"""Two portal processes sharing PostgreSQL and Redis, as a deployment with several instances
runs: a webhook delivered to process A makes a ticket page cached by process B show the
change at B's next poll, and a repeated delivery to B is recognised as one.

Needs PostgreSQL and Redis on loopback: `MULTI_INSTANCE_POSTGRES_URL` (default
postgres://postgres@127.0.0.1:5432/postgres, where a throwaway database is created and
dropped) and `MULTI_INSTANCE_REDIS_URL` (default redis://127.0.0.1:6379/14, an index this
test empties). Without them the test is skipped; in CI (`CI` set) it fails instead.
"""

import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from portal.sandbox import agents, tickets, webhooks
from portal.sandbox.store import Store
from tests.factories import ticket_link

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get(
    "MULTI_INSTANCE_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("MULTI_INSTANCE_REDIS_URL", "redis://127.0.0.1:6379/14")
WEBHOOK_SECRET = "whsec_multi_instance_" + secrets.token_hex(8)
STARTUP_SECONDS = 20
pytestmark = pytest.mark.slow  # two portal processes and a sandbox server


def unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must provide PostgreSQL and Redis)")
    pytest.skip(reason)


@pytest.fixture
def database():
    """A throwaway PostgreSQL database, dropped afterwards; yields its URL."""
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=2)
    except psycopg.Error as error:
        unavailable(f"PostgreSQL unreachable at {POSTGRES_URL}: {type(error).__name__}")
    name = f"portal_multi_{secrets.token_hex(6)}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def shared_cache():
    """An emptied Redis index; yields its URL."""
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.flushdb()
    except redis.RedisError as error:
        unavailable(f"Redis unreachable at {REDIS_URL}: {type(error).__name__}")
    yield REDIS_URL
    client.flushdb()
    client.close()


@pytest.fixture
def portals(database, shared_cache, tmp_path, settings):
    """Portal processes A and B on loopback ports, sharing everything; yields their URLs
    and the sandbox store they share."""
    settings.SECRET_KEY = secret_key = secrets.token_hex(32)  # links signed here work there
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PORTAL_SANDBOX": "1",
        "SANDBOX_DB_PATH": str(tmp_path / "sandbox.sqlite3"),
        "DATABASE_URL": database,
        "DATABASE_CONN_MAX_AGE": "0",
        "REDIS_URL": shared_cache,
        "SECRET_KEY": secret_key,
        "TIXALLO_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "PORTAL_CACHE_SECONDS": "300",  # only a webhook can make the page change here
        # The next poll, not one a second later: no process reuses what it read of the store.
        "SHARED_READ_THROUGH_SECONDS": "0",
        "STATIC_ROOT": str(tmp_path / "static"),
        "SECURE_COOKIES": "0",
        "LOG_LEVEL": "WARNING",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    preparing = [  # both at once: they need a few seconds each
        subprocess.Popen([*manage, *command, "--noinput", "-v0"], env=env, cwd=ROOT)
        for command in (["migrate"], ["collectstatic"])
    ]
    assert [step.wait(timeout=60) for step in preparing] == [0, 0]
    urls, processes = [], []
    for name in ("a", "b"):
        port = free_port()
        log = (tmp_path / f"portal-{name}.log").open("w")
        command = [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"]
        processes.append(subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=log))
        urls.append(f"http://127.0.0.1:{port}")
    store = Store(env["SANDBOX_DB_PATH"])
    try:
        for url, process in zip(urls, processes, strict=True):
            wait_until_up(url, process, tmp_path)
        yield urls, store
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
        store.close()


def test_a_webhook_to_one_process_refreshes_the_page_another_serves(portals):
    (portal_a, portal_b), store = portals
    with store.transaction() as conn:
        ticket = tickets.create_ticket(
            conn,
            subject="Two instances",
            description="Shared state",
            customer_email="alex@example.com",
            customer_name="Alex Example",
        )
    link = ticket_link(ticket["id"])
    with httpx.Client(timeout=10, trust_env=False) as http:
        page = http.get(portal_b + link)
        assert page.status_code == 200 and "Two instances" in page.text
        poll_url = re.search(r'hx-get="([^"]+)"', page.text).group(1).replace("&amp;", "&")
        poll = {"HX-Request": "true"}

        upstream = store.stats()["total"]
        assert http.get(portal_a + link).status_code == 200  # A reads B's cached copy
        assert http.get(portal_b + poll_url, headers=poll).status_code == 204
        assert store.stats()["total"] == upstream  # neither asked Tixallo again

        message = agents.agent_reply(store, ticket["id"], "Answer from the agent")
        assert http.get(portal_b + poll_url, headers=poll).status_code == 204  # still cached

        event = webhooks.build_event("message.created", message)
        body, headers = webhooks.signed_request(event, WEBHOOK_SECRET, int(time.time()))
        delivered = http.post(portal_a + "/webhooks/tixallo", content=body, headers=headers)
        assert (delivered.status_code, delivered.text) == (200, "applied\n")

        news = http.get(portal_b + poll_url, headers=poll)
        assert news.status_code == 200 and "Answer from the agent" in news.text

        again = http.post(portal_b + "/webhooks/tixallo", content=body, headers=headers)
        assert again.status_code == 200 and again.text.startswith("duplicate")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, logs: Path) -> None:
    """Poll /healthz until the server answers (bounded); fail with its log if it died."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if httpx.get(url + "/healthz", timeout=1, trust_env=False).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.05)
    output = "\n".join(path.read_text() for path in sorted(logs.glob("portal-*.log")))
    pytest.fail(f"portal at {url} did not come up:\n{output}")
