"""Throughput of the portal's pages beside a plain hello view, under gunicorn.

    uv run python bench/throughput.py                 # about eight minutes
    uv run python bench/throughput.py --seconds 3 --rounds 2 --no-upstream

Starts the portal with its own gunicorn.conf.py (2 workers × 4 threads unless
WEB_CONCURRENCY / WEB_THREADS say otherwise) on a free loopback port, on the
built-in sandbox in-process, with one extra URL: a plain Django hello view behind
the very same middleware (bench/hello_urls.py), the framework's floor, and beside it a
second gunicorn serving the same hello view behind the middleware of Django's
`startproject` (bench/startproject_settings.py: a plain Django site's floor). Then it
measures, interleaved round by round so that a busy neighbour hurts every row
alike: the hello view, an unchanged poll of a ticket page and of a list (what every
open tab sends every 10 s), `/`, a ticket page by its private link and "My
requests", each cached as a returning customer would find them (their browser sends its
CSRF cookie, and the session cookie where signed in). Load comes from wrk (16
connections) when installed, else from a small Python load generator. It prints
req/s, median (p50) and 99th percentile (p99) latency and the ratio to the hello view
(medians over the rounds), the workers' CPU time per request and its ratio (what busy
neighbours on a shared machine disturb least), the RSS of each worker afterwards, and
the upstream table of bench/upstream_calls.py.

Shapes: by default the one box (SQLite, no Redis: each worker keeps its own cache);
`--redis URL` runs the same rows with the shared Redis cache. Last, "pages while
Tixallo hangs": a second gunicorn on the same database whose Tixallo accepts connections
and never answers, 4 visitors at once; its rows report the slowest answer too (calm
503s count: the point is that every page answers within 2 s, TIXALLO_PAGE_SECONDS plus
drawing).
"""

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS = 16
HANGING_CONNECTIONS = 4
CSRF_COOKIE = "bench0returning0browser0cookie00"  # 32 characters, as Django makes them
STARTPROJECT = "hello view, Django's startproject middleware"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5, help="per row and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-upstream", action="store_true", help="skip the upstream table")
    parser.add_argument("--redis", metavar="URL", help="the Redis shape: REDIS_URL (emptied)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="portal-throughput-"))
    env = _environment(tmp)
    if args.redis:
        import redis

        redis.Redis.from_url(args.redis).flushdb()
        env["REDIS_URL"] = args.redis
    state = _prepare(env)
    server, base = _gunicorn(env)
    # The same hello view behind Django's startproject middleware, in a gunicorn of its own.
    plain, plain_base = _gunicorn(env | {"DJANGO_SETTINGS_MODULE": "bench.startproject_settings"})
    try:
        _wait_until_up(base, server)
        _wait_until_up(plain_base, plain, "/bench/hello/")
        targets = _targets(base, state)
        results = {name: [] for name, *_ in targets}
        results[STARTPROJECT] = []
        for _ in range(args.rounds):
            for name, path, headers in targets:
                results[name].append(_load(base + path, headers, args.seconds, server.pid))
            hello = _load(plain_base + "/bench/hello/", {}, args.seconds, plain.pid)
            results[STARTPROJECT].append(hello)
        rss = _worker_rss(server.pid)
        results |= _while_tixallo_hangs(env, state, args.seconds)
    finally:
        for process in (server, plain):
            process.terminate()
            process.wait(10)
    _print_table(results, rss, args)
    if not args.no_upstream:
        print()
        subprocess.run([sys.executable, str(ROOT / "bench" / "upstream_calls.py")], check=True)


def _gunicorn(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi", "--config", "gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    return server, f"http://127.0.0.1:{port}"


def _environment(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.hello_settings",
        PYTHONPATH=str(ROOT),
        PORTAL_SANDBOX="1",
        SANDBOX_DB_PATH=str(tmp / "sandbox.sqlite3"),
        DATABASE_URL=f"sqlite:///{tmp / 'portal.sqlite3'}",
        STATIC_ROOT=str(tmp / "static"),
        SECRET_KEY="bench-only-" + os.urandom(16).hex(),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_COOKIES="0",
        LOG_LEVEL="WARNING",
        TIXALLO_REQUESTS_PER_MINUTE="100000",  # the sandbox has no limit to share
    )
    return env


PREPARE = """
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("collectstatic", verbosity=0, interactive=False)
from django.contrib.sessions.backends.db import SessionStore
from portal.sandbox import agents, inprocess
from portal.customers.access import ticket_link_token
from portal.tixallo import client
email = "alex@example.com"
ids = [client.create_ticket(subject=f"Question {n}", description="Where is my order? " * 20,
       customer_email=email, customer_name="Alex Example").id for n in range(8)]
for n in range(4):
    agents.agent_reply(inprocess.store(), ids[0], f"Thanks, we are looking into it ({n}).")
    agents.add_note(inprocess.store(), ids[0], "internal")
session = SessionStore()
session["customer_email"] = email
session.create()
print(json.dumps({"link": f"/t/{ticket_link_token(ids[0])}/", "session": session.session_key}))
"""


def _prepare(env: dict[str, str]) -> dict[str, str]:
    out = subprocess.run(
        [sys.executable, "-c", PREPARE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if out.returncode:
        sys.exit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _targets(base: str, state: dict[str, str]) -> list[tuple[str, str, dict[str, str]]]:
    # A browser that has been here before: it sends its CSRF cookie (and, signed in, its
    # session), so pages are measured as a returning customer sees them.
    browser = {"Cookie": f"csrftoken={CSRF_COOKIE}"}
    signed_in = {"Cookie": f"csrftoken={CSRF_COOKIE}; sessionid={state['session']}"}
    htmx = {"HX-Request": "true"}
    ticket_poll = _poll_url(base + state["link"], browser)
    list_poll = _poll_url(base + "/tickets/", signed_in)
    return [
        ("hello view, same middleware (floor)", "/bench/hello/", browser),
        ("unchanged poll of a ticket page (204)", ticket_poll, htmx | browser),
        ("unchanged poll of My requests (204)", list_poll, htmx | signed_in),
        ("`/`, the submit form", "/", browser),
        ("a ticket page by its private link, cached", state["link"], browser),
        ("My requests, cached", "/tickets/", signed_in),
    ]


def _while_tixallo_hangs(env: dict[str, str], state: dict[str, str], seconds: float) -> dict:
    """The pages from a second gunicorn (same database, its own cache unless Redis) whose
    Tixallo accepts connections and never answers; calm 503s count as answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    held = []  # accepted, never read from nor answered

    def accept() -> None:
        while True:
            try:
                held.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    port = _free_port()
    hanging = env | {
        "PORTAL_SANDBOX": "0",
        "TIXALLO_BASE_URL": f"http://127.0.0.1:{listener.getsockname()[1]}/api/v1",
        "TIXALLO_API_KEY": "tx_bench_hanging_" + os.urandom(8).hex(),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi", "--config", "gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"],
        cwd=ROOT, env=hanging, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    browser = {"Cookie": f"csrftoken={CSRF_COOKIE}"}
    signed_in = {"Cookie": f"csrftoken={CSRF_COOKIE}; sessionid={state['session']}"}
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(base, server)
        rows = {}
        for name, path, headers in (
            ("pages while Tixallo hangs: a ticket page by its link", state["link"], browser),
            ("pages while Tixallo hangs: My requests", "/tickets/", signed_in),
        ):
            rows[name] = [_load(base + path, headers, seconds, server.pid, calm=True)]
        return rows
    finally:
        server.terminate()
        server.wait(10)
        listener.close()
        for sock in held:
            sock.close()


def _poll_url(url: str, headers: dict[str, str]) -> str:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as response:
        html = response.read().decode()
    found = re.search(r'hx-get="([^"]+)"', html).group(1).replace("&amp;", "&")
    return (
        urllib.parse.urlsplit(urllib.parse.urljoin(url, found))
        ._replace(scheme="", netloc="")
        .geturl()
    )


def _wait_until_up(base: str, server: subprocess.Popen, path: str = "/healthz") -> None:
    for _ in range(300):
        if server.poll() is not None:
            sys.exit("gunicorn did not start:\n" + server.stderr.read().decode())
        try:
            with urllib.request.urlopen(base + path, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    sys.exit("gunicorn did not answer")


# --- load ---------------------------------------------------------------------------


def _load(
    url: str, headers: dict[str, str], seconds: float, master: int, calm: bool = False
) -> dict[str, float]:
    """Warm up each worker's cache and connections, then measure. Besides the rates, the
    workers' own CPU time per request: what neighbours on a shared machine disturb least.
    `calm`: 503s are answers too (Tixallo hangs), and the slowest answer is kept."""
    _python_load(url, headers, 1.0, calm)
    before = _workers_cpu(master)
    found = (
        _wrk(url, headers, seconds)
        if shutil.which("wrk") and not calm
        else _python_load(url, headers, seconds, calm)
    )
    found["cpu"] = (_workers_cpu(master) - before) * 1000 / found["requests"]
    return found


def _wrk(url: str, headers: dict[str, str], seconds: float) -> dict[str, float]:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{max(1, round(seconds))}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    codes = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if codes:
        sys.exit(f"{url}: {codes.group(1)} error answers\n{out}")
    return {
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
        "p99": _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
    }


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _python_load(
    url: str, headers: dict[str, str], seconds: float, calm: bool = False
) -> dict[str, float]:
    # While Tixallo hangs: a few visitors at once (fewer than the workers' threads), so
    # the figure is a page's own time, not a queue of 16 clients each holding a thread.
    connections = HANGING_CONNECTIONS if calm else CONNECTIONS
    """Without wrk: 16 keep-alive connections in threads (slower than wrk; the ratios
    still compare, as every row pays the same overhead)."""
    host, port_path = url.split("//", 1)[1].split(":", 1)
    port, path = port_path.split("/", 1)
    latencies: list[float] = []
    failures: list[int] = []
    deadline = time.monotonic() + seconds

    def worker() -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        while time.monotonic() < deadline:
            began = time.perf_counter()
            conn.request("GET", "/" + path, headers=headers)
            response = conn.getresponse()
            response.read()
            latencies.append(time.perf_counter() - began)
            if response.status >= 400 and not (calm and response.status == 503):
                failures.append(response.status)
            if calm:  # a visitor at a time, each on a connection of its own
                conn.close()
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        sys.exit(f"{url}: error answers {sorted(set(failures))}")
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / (time.monotonic() - started),
        "p50": latencies[len(latencies) // 2] * 1000,
        "p99": latencies[int(len(latencies) * 0.99)] * 1000,
        "max": latencies[-1] * 1000,
    }


# --- report -------------------------------------------------------------------------


def _workers(master: int) -> list[tuple[Path, list[str]]]:
    """gunicorn's workers: the master's children, with their /proc stat fields."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            found.append((stat.parent, fields))
    return found


def _workers_cpu(master: int) -> float:
    """Seconds of CPU (user + system) the workers have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    return sum(int(fields[11]) + int(fields[12]) for _, fields in _workers(master)) / ticks


def _worker_rss(master: int) -> list[float]:
    sizes = []
    for proc, _fields in _workers(master):
        status = (proc / "status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
    return sorted(sizes)


def _print_table(
    results: dict[str, list[dict]], rss: list[float], args: argparse.Namespace
) -> None:  # noqa: E501
    floor = statistics.median(r["rps"] for r in next(iter(results.values())))
    tool = "wrk" if shutil.which("wrk") else "the Python load generator"
    shape = "Redis" if args.redis else "one box: SQLite, no Redis"
    print(f"{args.rounds} interleaved rounds of {args.seconds:g} s per row, {CONNECTIONS} "
          f"connections ({tool}); medians over the rounds. Shape: {shape}.\n")  # fmt: skip
    floor_cpu = statistics.median(r["cpu"] for r in next(iter(results.values())))
    print("| what | req/s | p50 | p99 | × hello view | worker CPU per request | × hello view |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, runs in results.items():
        rps = statistics.median(r["rps"] for r in runs)
        p50 = statistics.median(r["p50"] for r in runs)
        p99 = statistics.median(r["p99"] for r in runs)
        cpu = statistics.median(r["cpu"] for r in runs)
        print(
            f"| {name} | {rps:,.0f} | {p50:.1f} ms | {p99:.1f} ms | {rps / floor:.2f}× "
            f"| {cpu:.2f} ms | {floor_cpu / cpu:.2f}× |"
        )
    plain = statistics.median(r["rps"] for r in results[STARTPROJECT])
    against = ", ".join(
        f"{name.removeprefix('unchanged poll of ')} {_median_rps(runs) / plain:.2f}×"
        for name, runs in results.items()
        if name.startswith("unchanged poll")
    )
    print(f"\nUnchanged polls against the hello view behind startproject's middleware: {against}.")
    slowest = [r["max"] for name, runs in results.items() if "hangs" in name for r in runs]
    if slowest:
        print(f"\nWhile Tixallo hangs, the slowest page answered in {max(slowest):.0f} ms.")
    workers = ", ".join(f"{size:.0f} MB" for size in rss)
    print(f"\nRSS per worker after the run: {workers}")
    cpu = _cpu_model()
    print(
        f"Machine: {cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}; gunicorn {os.environ.get('WEB_CONCURRENCY', '2')} "
        f"workers × {os.environ.get('WEB_THREADS', '4')} threads"
    )


def _median_rps(runs: list[dict]) -> float:
    return statistics.median(r["rps"] for r in runs)


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown CPU"
    found = re.search(r"model name\s*:\s*(.+)", text)
    return found.group(1).strip() if found else "unknown CPU"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


if __name__ == "__main__":
    main()
