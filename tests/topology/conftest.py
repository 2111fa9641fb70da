"""What users run, started as they start it (issue 15): the sandbox served over HTTP
(`manage.py sandbox`) behind a fault proxy the test cuts, hangs and restores;
gunicorn with 2 worker processes; `manage.py db_worker` as a process of its own.

Two shapes: the one box (SQLite, no Redis: nothing shared in memory between the three
portal processes) and PostgreSQL + Redis. The second needs them on loopback:
`TOPOLOGY_DATABASE_URL` (default postgres://postgres@127.0.0.1:5432/topology, a database
created and dropped here) and `TOPOLOGY_REDIS_URL` (default redis://127.0.0.1:6379/12, an
index emptied here); without them it is skipped (in CI, `CI` set, it fails instead).

One topology per shape serves all the scenarios (starting one takes seconds of CPU);
each scenario uses customers of its own and leaves Tixallo answering."""

import os
import re
import secrets
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from django.conf import settings

from portal.sandbox.store import Store
from tests.faultproxy import FaultProxy
from tests.test_multi_instance import free_port

ROOT = Path(__file__).resolve().parent.parent.parent
DATABASE_URL = os.environ.get(
    "TOPOLOGY_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/topology"
)
REDIS_URL = os.environ.get("TOPOLOGY_REDIS_URL", "redis://127.0.0.1:6379/12")
API_KEY = "tx_topology_" + secrets.token_hex(8)
STARTUP_SECONDS = 60


def pytest_collection_modifyitems(items: list) -> None:
    for item in items:
        if "tests/topology/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.topology)
            item.add_marker(pytest.mark.slow)


class Topology:
    """The running processes; `url` is gunicorn's, `proxy` stands before the sandbox."""

    def __init__(self, shape: str, workdir: Path, database: str, redis: str) -> None:
        self.shape, self.workdir, self.database = shape, workdir, database
        self.sandbox_port, self.port = free_port(), free_port()
        self.proxy = FaultProxy(self.sandbox_port)
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = os.environ | {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DEBUG": "0",
            "SECRET_KEY": settings.SECRET_KEY,  # links the test signs work there
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database,
            "REDIS_URL": redis,
            "TIXALLO_BASE_URL": f"http://127.0.0.1:{self.proxy.port}/api/v1",
            "TIXALLO_API_KEY": API_KEY,
            "SANDBOX_DB_PATH": str(workdir / "sandbox.sqlite3"),
            "STATIC_ROOT": str(workdir / "static"),
            "WEB_CONCURRENCY": "2",
            "WEB_THREADS": "4",
            "PORT": str(self.port),
            "SECURE_COOKIES": "0",
            # Visitors come from their own addresses (`browser`), as behind a proxy.
            "BEHIND_HTTPS_PROXY": "1",
            # A page that did not keep to its own time (TIXALLO_PAGE_SECONDS) would wait
            # minutes on a hanging Tixallo, far past any test's patience.
            "TIXALLO_READ_TIMEOUT": "120",
            "TIXALLO_RETRY_BUDGET": "120",
            "MIN_FILL_SECONDS": "0",
            "LOG_LEVEL": "WARNING",
        }
        for name in ("PORTAL_SANDBOX", "PROMETHEUS_MULTIPROC_DIR", "EMAIL_HOST", "CI"):
            self.env.pop(name, None)
        self.processes: list[subprocess.Popen] = []

    def start(self) -> None:
        manage = [sys.executable, str(ROOT / "manage.py")]
        preparing = [  # both at once: they need a few seconds each
            self._run([*manage, *command, "--noinput", "-v0"], "prepare-" + command[0])
            for command in (["migrate"], ["collectstatic"])
        ]
        assert [step.wait(timeout=120) for step in preparing] == [0, 0], self.logs()
        sandbox = [*manage, "sandbox", "--port", str(self.sandbox_port), "--key", API_KEY]
        self.processes += [
            self._run([*sandbox, "--db", self.env["SANDBOX_DB_PATH"]], "sandbox"),
            self._run([*manage, "db_worker", "--no-startup-delay", "--interval", "0.2"], "worker"),
            self._run(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "portal.wsgi",
                    "--config",
                    "gunicorn.conf.py",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                ],  # fmt: skip
                "gunicorn",
            ),
        ]
        self._wait_for(f"http://127.0.0.1:{self.sandbox_port}/console/")
        self._wait_for(self.url + "/healthz")
        self.store = Store(self.env["SANDBOX_DB_PATH"])

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        self.proxy.close()
        if hasattr(self, "store"):
            self.store.close()

    def _run(self, command: list[str], name: str) -> subprocess.Popen:
        log = (self.workdir / f"{name}.log").open("w")
        return subprocess.Popen(command, env=self.env, cwd=ROOT, stdout=log, stderr=log)

    def _wait_for(self, url: str) -> None:
        """Until it answers (bounded); fail with the logs if a process died."""
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if any(process.poll() is not None for process in self.processes):
                break
            try:
                if httpx.get(url, timeout=2, trust_env=False).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        pytest.fail(f"{url} did not come up:\n{self.logs()}")

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text()[-3000:]}"
            for path in sorted(self.workdir.glob("*.log"))
        )

    # --- what the tests look at ---------------------------------------------------------

    def submissions(self, email: str) -> list[tuple]:
        """This customer's outbox as the worker left it: (kind, state, ticket_id, payload,
        delivered_at), in the order written."""
        query = (
            "SELECT kind, state, ticket_id, payload, delivered_at FROM outbox_submission "
            "WHERE customer_email = {} ORDER BY id"
        )
        if self.shape == "one-box":
            with sqlite3.connect(self.database.removeprefix("sqlite:///")) as conn:
                rows = conn.execute(query.format("?"), (email,)).fetchall()
        else:
            import psycopg

            with psycopg.connect(self.database) as conn:
                rows = conn.execute(query.format("%s"), (email,)).fetchall()
        return [tuple(row) for row in rows]

    def browser(self, address: str = "203.0.113.1", timeout: float = 30) -> httpx.Client:
        """A visitor from `address`; a new connection for each request, so any web
        process may answer."""
        headers = {"Connection": "close", "X-Forwarded-For": address}
        return httpx.Client(base_url=self.url, timeout=timeout, trust_env=False, headers=headers)

    def sign_in(self, browser: httpx.Client, email: str) -> None:
        """As a customer does: ask for the link, follow what was emailed (the console
        backend prints it to gunicorn's log), confirm."""
        pattern = re.compile(r"https?://[^/\s]+(/signin/[^/\s]+/)")
        sent_before = len(pattern.findall(self._mail()))
        assert post_form(browser, "/signin/", {"email": email}).status_code == 200
        deadline = time.monotonic() + 10
        while len(found := pattern.findall(self._mail())) == sent_before:
            assert time.monotonic() < deadline, "no sign-in email"
            time.sleep(0.05)
        signed = post_form(browser, found[-1], {})
        assert signed.status_code in (200, 302), signed.text[:500]
        assert self.settled(browser, "/tickets/") == 200

    @staticmethod
    def settled(browser: httpx.Client, path: str) -> int:
        """The page's status once it could be read with Tixallo up. On a busy machine a
        cold process may need longer than the page's TIXALLO_PAGE_SECONDS for its first
        call and answer the calm 503 (as it should); a customer's page polls until the
        list comes, and so does this, for at most 30 s."""
        deadline = time.monotonic() + 30
        while (status := browser.get(path).status_code) == 503 and time.monotonic() < deadline:
            time.sleep(0.2)
        return status

    def _mail(self) -> str:
        return (self.workdir / "gunicorn.log").read_text()


def post_form(browser: httpx.Client, path: str, data: dict) -> httpx.Response:
    """Post `data` as the page's form would: with its token and its hidden fields."""
    page = browser.get(path)
    hidden = re.findall(
        r'name="(csrfmiddlewaretoken|idempotency_key|started)" value="([^"]*)"', page.text
    )
    return browser.post(path, data=dict(hidden) | data)


def unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must provide PostgreSQL and Redis)")
    pytest.skip(reason)


def _postgres_and_redis() -> tuple[str, str]:
    """The PostgreSQL database (created empty) and emptied Redis index, or skip."""
    psycopg = pytest.importorskip("psycopg")
    redis = pytest.importorskip("redis")
    base, name = DATABASE_URL.rsplit("/", 1)
    try:
        with psycopg.connect(base + "/postgres", autocommit=True, connect_timeout=2) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:
        unavailable(f"PostgreSQL unreachable at {base}: {type(error).__name__}")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).flushdb()
    except redis.RedisError as error:
        unavailable(f"Redis unreachable at {REDIS_URL}: {type(error).__name__}")
    return DATABASE_URL, REDIS_URL


def _clean_up(database: str, redis_url: str) -> None:
    import psycopg
    import redis

    base, name = database.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True, connect_timeout=2) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    redis.Redis.from_url(redis_url).flushdb()


@pytest.fixture(scope="session", params=["one-box", "postgres+redis"])
def topology(request, tmp_path_factory):
    """The processes of one shape, started once for all the scenarios."""
    workdir = tmp_path_factory.mktemp(request.param.replace("+", "-"))
    if request.param == "one-box":
        database, redis = f"sqlite:///{workdir / 'portal.sqlite3'}", ""
    else:
        database, redis = _postgres_and_redis()
    running = Topology(request.param, workdir, database, redis)
    try:
        running.start()
        yield running
    finally:
        running.stop()
        if redis:
            _clean_up(database, redis)
