"""Outages against the portal as deployed (gunicorn with persistent database connections):

    uv run python bench/outage.py

Like bench/load.py it starts the sandbox and gunicorn on free loopback ports, on
PostgreSQL and Redis, but reaches both through a loopback proxy (tests/faultproxy.py)
it can cut and restore, so the machine's own services keep running. Then, with a few
clients polling pages and submitting requests throughout:

    1. Redis stops (the proxy drops every connection), then comes back;
    2. PostgreSQL restarts (the same), then comes back.

It prints, per phase, the answers the clients got. Expected: with Redis down only 2xx
and 3xx; with PostgreSQL down calm 503s and never a 500; after each comes back, 2xx and
3xx again from the same gunicorn processes (nothing restarted). Exit status 1 otherwise.
"""

import asyncio
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import load  # noqa: E402

from tests.faultproxy import FaultProxy  # noqa: E402

PHASE_SECONDS = 5


async def phase(base: str, seconds: float) -> Counter:
    """A few clients for `seconds`: page views, My requests' redirect, submissions' forms."""
    answers: Counter = Counter()
    deadline = time.monotonic() + seconds

    async def client() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=15) as http:
            while time.monotonic() < deadline:
                for path in ("/", "/signin/", "/tickets/", "/healthz"):
                    try:
                        answers[(await http.get(path)).status_code] += 1
                    except httpx.HTTPError as error:
                        answers[type(error).__name__] += 1

    await asyncio.gather(*(client() for _ in range(8)))
    return answers


def main() -> int:
    if not (load.reachable(5432) and load.reachable(6379)):
        raise SystemExit("needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379")
    tmp = Path(tempfile.mkdtemp(prefix="portal-outage-"))
    postgres, redis = FaultProxy(5432), FaultProxy(6379)
    args = load.argparse.Namespace(
        database_url=f"postgres://postgres@127.0.0.1:{postgres.port}/wt9",
        redis_url=f"redis://127.0.0.1:{redis.port}/9",
    )
    sandbox_port, portal_port = load.free_port(), load.free_port()
    env = load.environment(args, tmp, sandbox_port) | {"WEB_CONCURRENCY": "1", "WEB_THREADS": "4"}
    manage = [sys.executable, "manage.py"]
    load.ensure_database(args.database_url)
    for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([*manage, *command], env=env, cwd=ROOT, check=True, timeout=300)
    log = open(tmp / "servers.log", "w")
    servers = [
        subprocess.Popen([*manage, "sandbox", "--port", str(sandbox_port), "--key", load.API_KEY],
                         env=load.sandbox_environment(env), cwd=ROOT, stdout=log, stderr=log),
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "portal.wsgi", "--config", "gunicorn.conf.py",
             "--bind", f"127.0.0.1:{portal_port}", "--no-control-socket"],
            env=env, cwd=ROOT, stdout=log, stderr=log,
        ),
    ]  # fmt: skip
    base = f"http://127.0.0.1:{portal_port}"
    rows = []
    try:
        load.wait_for(base + "/healthz")
        load.wait_for(f"http://127.0.0.1:{sandbox_port}/console/")
        pids = [servers[1].pid]
        for name, proxy in (("Redis", redis), ("PostgreSQL", postgres)):
            rows.append((f"before {name} stops", asyncio.run(phase(base, PHASE_SECONDS))))
            proxy.cut()
            rows.append((f"{name} down", asyncio.run(phase(base, PHASE_SECONDS))))
            proxy.restore()
            rows.append((f"{name} back", asyncio.run(phase(base, PHASE_SECONDS))))
        restarted = servers[1].poll() is not None or [servers[1].pid] != pids
    finally:
        load.stop(servers)
        postgres.close()
        redis.close()
    ok = not restarted
    print(f"{'phase':<24} answers")
    for label, answers in rows:
        print(f"{label:<24} " + ", ".join(f"{k}: {v}" for k, v in sorted(answers.items(), key=str)))
        bad = {k for k in answers if not (isinstance(k, int) and k < 400)}
        if "PostgreSQL down" in label:
            bad -= {503}
        ok = ok and not bad
    print("gunicorn restarted: no" if not restarted else "gunicorn restarted: YES")
    print(f"server logs: {tmp / 'servers.log'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
