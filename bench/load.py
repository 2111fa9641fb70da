"""Load: many customers at once against the portal as deployed (gunicorn), on loopback.

    uv run python bench/load.py                       # 200 clients, 60 s
    uv run python bench/load.py --clients 50 --seconds 20

It starts, on free 127.0.0.1 ports: the built-in sandbox as a separate HTTP server (the
stand-in Tixallo), gunicorn with the portal (gunicorn.conf.py: 2 workers x 4 threads
unless WEB_CONCURRENCY / WEB_THREADS say otherwise) and the outbox worker. Then N
clients (asyncio + httpx, one connection each) mix for the given time, each picking
at random:

    40 %  poll    their ticket's page through its private link, as htmx does (HX-Request)
    20 %  view    the submit form, or the sign-in page
    15 %  mine    My requests (each client signed in once with a sign-in link)
    15 %  ticket  their ticket's whole page
    10 %  submit  a new request (GET the form, POST it: CSRF, idempotency key, all)

Database and cache: PostgreSQL and Redis as in CI when reachable (`--database-url`,
`--redis-url`; default: postgres://postgres@127.0.0.1:5432/wt9 and redis index 9, this
worktree's own), else SQLite and a per-process cache. Rate limits and the minimum fill
time are lifted for the run (every client comes from 127.0.0.1).

Afterwards it waits for the outbox to be empty and checks every accepted submission
against the sandbox: exactly one ticket each (none lost, none duplicated), none
unaccounted for. It prints a table: requests, errors (5xx, 429, transport), p50/p90/p99
latency per kind, and the ticket check. Exit status 1 on any error or mismatch.
Everything stops after --seconds plus a bounded drain; nothing leaves loopback.
"""

import argparse
import asyncio
import os
import random
import re
import secrets
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
API_KEY = "tx_load_test_key_0123456789abcdef"
MIX = [("poll", 40), ("view", 20), ("mine", 15), ("ticket", 15), ("submit", 10)]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY = re.compile(r'name="idempotency_key" value="([0-9a-f]{32})"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def reachable(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not come up")


def stop(servers: list[subprocess.Popen]) -> None:
    """SIGTERM to each, the last started first (they talk to the ones before them), then
    wait; whatever is still running after 20 s is killed."""
    for server in reversed(servers):
        server.send_signal(signal.SIGTERM)
    for server in servers:
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in the URL when it does not exist yet."""
    if not url.startswith("postgres"):
        return
    import psycopg
    from psycopg import sql

    base, _, name = url.rpartition("/")
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def sandbox_environment(env: dict[str, str]) -> dict[str, str]:
    """The sandbox's own process: its commands exist only where it is installed."""
    return env | {"PORTAL_SANDBOX": "1"}


def environment(args: argparse.Namespace, tmp: Path, sandbox_port: int) -> dict[str, str]:
    env = dict(os.environ)
    unlimited = "1000000/3600"
    env.update(
        SECRET_KEY=secrets.token_urlsafe(40),
        DATABASE_URL=args.database_url,
        TIXALLO_BASE_URL=f"http://127.0.0.1:{sandbox_port}/api/v1",
        TIXALLO_API_KEY=API_KEY,
        TIXALLO_WEBHOOK_SECRET="whsec_load",
        SANDBOX_DB_PATH=str(tmp / "sandbox.sqlite3"),
        STATIC_ROOT=str(tmp / "static"),
        SECURE_COOKIES="0",
        MIN_FILL_SECONDS="0",
        # The stand-in Tixallo has no rate limit: the run measures the portal, not the
        # budget that keeps a real workspace's limit (bench/upstream_calls.py does that).
        TIXALLO_REQUESTS_PER_MINUTE="1000000",
        LOG_LEVEL="WARNING",
        PORTAL_SANDBOX="",
        **{
            f"RATE_LIMIT_{scope}_PER_{who}": unlimited
            for scope in ("SUBMIT", "SIGNIN", "REPLY")
            for who in ("ADDRESS", "EMAIL")
        },
    )
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    else:
        env.pop("REDIS_URL", None)
    return env


class Stats:
    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.examples: list[str] = []
        self.accepted: list[str] = []  # subjects of submissions the portal confirmed

    def record(self, kind: str, started: float, response: httpx.Response | None, why: str = ""):
        self.latency[kind].append(time.perf_counter() - started)
        bad = response is None or response.status_code >= 500 or response.status_code == 429
        if bad:
            self.errors[kind] += 1
            if len(self.examples) < 5:
                status = response.status_code if response is not None else why
                self.examples.append(f"{kind}: {status}")


class Customer:
    """One client: its own cookies (session, CSRF), ticket and sign-in."""

    def __init__(self, number: int, base: str, link: str, signin: str, stats: Stats, run: str):
        self.number, self.link, self.signin, self.stats, self.run = number, link, signin, stats, run
        self.http = httpx.AsyncClient(base_url=base, timeout=30, follow_redirects=False)
        self.version = ""
        self.sent = 0

    async def call(self, kind: str, method: str, url: str, **kwargs) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = await self.http.request(method, url, **kwargs)
        except httpx.HTTPError as error:
            self.stats.record(kind, started, None, type(error).__name__)
            return None
        self.stats.record(kind, started, response)
        return response

    async def sign_in(self) -> None:
        page = await self.call("mine", "GET", self.signin)
        if page is not None and (token := CSRF.search(page.text)):
            await self.call("mine", "POST", self.signin, data={"csrfmiddlewaretoken": token[1]})

    async def act(self, kind: str) -> None:
        if kind == "poll":
            url = self.link + (f"?v={self.version}" if self.version else "")
            await self.call(kind, "GET", url, headers={"HX-Request": "true"})
        elif kind == "view":
            await self.call(kind, "GET", random.choice(["/", "/signin/"]))
        elif kind == "mine":
            await self.call(kind, "GET", "/tickets/")
        elif kind == "ticket":
            page = await self.call(kind, "GET", self.link)
            if page is not None and (found := re.search(r"\?v=([0-9a-f]{16})", page.text)):
                self.version = found[1]
        else:
            await self.submit()

    async def submit(self) -> None:
        form = await self.call("submit", "GET", "/")
        token = CSRF.search(form.text) if form is not None else None
        key = KEY.search(form.text) if form is not None else None
        if not token or not key:
            return
        self.sent += 1
        subject = f"load {self.run} c{self.number} n{self.sent}"
        data = {
            "csrfmiddlewaretoken": token[1],
            "idempotency_key": key[1],
            "subject": subject,
            "description": "Generated by bench/load.py.",
            "customer_email": f"load{self.number}@example.com",
            "customer_name": f"Load {self.number}",
            "priority": "medium",
        }
        response = await self.call("submit", "POST", "/", data=data)
        if response is not None and response.status_code == 302:
            self.stats.accepted.append(subject)

    async def run_until(self, deadline: float) -> None:
        kinds, weights = zip(*MIX, strict=True)
        await self.sign_in()
        while time.monotonic() < deadline:
            await self.act(random.choices(kinds, weights)[0])

    async def close(self) -> None:
        await self.http.aclose()


async def drive(base: str, customers: list[tuple[str, str]], seconds: float, run: str) -> Stats:
    stats = Stats()
    clients = [Customer(n, base, link, signin, stats, run) for n, (link, signin) in
               enumerate(customers)]  # fmt: skip
    deadline = time.monotonic() + seconds
    try:
        await asyncio.wait_for(
            asyncio.gather(*(client.run_until(deadline) for client in clients)), seconds + 60
        )
    finally:
        await asyncio.gather(*(client.close() for client in clients))
    return stats


def seed(env: dict[str, str], clients: int) -> list[tuple[str, str]]:
    """A ticket per client, and its private link and a sign-in link, made as the portal
    would (same SECRET_KEY), in a child process with the portal's settings."""
    code = (
        "import django, json, sys; django.setup()\n"
        "from portal.customers import access\n"
        "from portal.tixallo import client\n"
        "out = []\n"
        f"for n in range({clients}):\n"
        "    email = f'load{n}@example.com'\n"
        "    t = client.create_ticket(subject=f'seed {n}', description='Seeded.',"
        " customer_email=email, customer_name=f'Load {n}', priority='low')\n"
        "    out.append([f'/t/{access.ticket_link_token(t.id)}/',"
        " f'/signin/{access.signin_token(email)}/'])\n"
        "print(json.dumps(out))\n"
    )
    import json

    return [tuple(pair) for pair in json.loads(in_django(code, env, timeout=300))]


def outbox_left(env: dict[str, str]) -> int:
    code = (
        "import django; django.setup()\n"
        "from portal.outbox.models import Submission\n"
        "print(Submission.objects.filter(state='queued').count())\n"
    )
    return int(in_django(code, env, timeout=60))


def in_django(code: str, env: dict[str, str], timeout: float) -> str:
    """Run `code` in a child process with the portal's settings; the last line it printed."""
    done = subprocess.run(
        [sys.executable, "-c", code], env=env | {"DJANGO_SETTINGS_MODULE": "portal.settings"},
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=timeout,
    )  # fmt: skip
    return done.stdout.strip().splitlines()[-1]


def tickets_by_subject(sandbox_db: Path, run: str) -> dict[str, int]:
    with sqlite3.connect(sandbox_db, timeout=30) as conn:
        rows = conn.execute(
            "SELECT subject, COUNT(*) FROM tickets WHERE subject LIKE ? GROUP BY subject",
            (f"load {run} %",),
        ).fetchall()
    return dict(rows)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else 0.0


def report(stats: Stats, seconds: float, found: dict[str, int], args) -> bool:
    every = [v for values in stats.latency.values() for v in values]
    cache = "Redis" if args.redis_url else "local cache"
    database = args.database_url.split(":")[0]
    print(f"\n{args.clients} clients, {seconds:.0f} s, gunicorn {args.workers}x{args.threads}, "
          f"{database}, {cache}")  # fmt: skip
    print(f"{'kind':<8}{'requests':>10}{'errors':>8}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}")
    for kind, values in [*sorted(stats.latency.items()), ("all", every)]:
        errors = sum(stats.errors.values()) if kind == "all" else stats.errors[kind]
        print(f"{kind:<8}{len(values):>10}{errors:>8}{percentile(values, 0.5):>9.0f}"
              f"{percentile(values, 0.9):>9.0f}{percentile(values, 0.99):>9.0f}")  # fmt: skip
    print(f"throughput: {len(every) / seconds:.0f} requests/s; median of all: "
          f"{statistics.median(every) * 1000 if every else 0:.0f} ms")  # fmt: skip
    lost = [s for s in stats.accepted if found.get(s, 0) == 0]
    doubled = [s for s, count in found.items() if count > 1]
    unaccounted = set(found) - set(stats.accepted)
    print(f"submissions accepted: {len(stats.accepted)}; tickets in Tixallo: "
          f"{sum(found.values())}; lost: {len(lost)}; duplicated: {len(doubled)}; "
          f"without a confirmation: {len(unaccounted)}")  # fmt: skip
    for example in stats.examples:
        print("  error:", example)
    return not (sum(stats.errors.values()) or lost or doubled)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 2)))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", 4)))
    postgres, redis = reachable(5432), reachable(6379)
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/wt9" if postgres else "",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9" if redis else "")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="portal-load-"))
    args.database_url = args.database_url or f"sqlite:///{tmp / 'portal.sqlite3'}"
    sandbox_port, portal_port = free_port(), free_port()
    env = environment(args, tmp, sandbox_port)
    env.update(WEB_CONCURRENCY=str(args.workers), WEB_THREADS=str(args.threads))
    manage = [sys.executable, "manage.py"]
    ensure_database(args.database_url)
    subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True, timeout=300)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True,
                   timeout=300)  # fmt: skip
    if args.redis_url:
        subprocess.run(
            [*manage, "shell", "-v0", "-c", "from django.core.cache import cache; cache.clear()"],
            env=env, cwd=ROOT, check=True, timeout=60,
        )  # fmt: skip
    quiet = {"stdout": subprocess.DEVNULL, "stderr": open(tmp / "servers.log", "w")}
    servers = [
        subprocess.Popen([*manage, "sandbox", "--port", str(sandbox_port), "--key", API_KEY],
                         env=sandbox_environment(env), cwd=ROOT, **quiet),
    ]  # fmt: skip
    try:
        wait_for(f"http://127.0.0.1:{sandbox_port}/console/")
        servers += [
            subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "portal.wsgi", "--config", "gunicorn.conf.py",
                 "--bind", f"127.0.0.1:{portal_port}", "--access-logfile", "/dev/null",
                 "--no-control-socket"],
                env=env, cwd=ROOT, **quiet,
            ),
            subprocess.Popen([*manage, "db_worker"], env=env, cwd=ROOT, **quiet),
        ]  # fmt: skip
        base = f"http://127.0.0.1:{portal_port}"
        wait_for(base + "/healthz")
        customers = seed(env, args.clients)
        run = secrets.token_hex(3)
        started = time.monotonic()
        stats = asyncio.run(drive(base, customers, args.seconds, run))
        elapsed = time.monotonic() - started
        drain_until = time.monotonic() + 120  # the outbox delivers what is still queued
        while outbox_left(env) and time.monotonic() < drain_until:
            time.sleep(1)
        ok = report(stats, elapsed, tickets_by_subject(tmp / "sandbox.sqlite3", run), args)
    finally:
        stop(servers)
    print(f"server logs: {tmp / 'servers.log'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
