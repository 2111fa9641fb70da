"""What each middleware costs an unchanged poll, in one process.

    uv run python bench/middleware.py                 # about a minute
    uv run python bench/middleware.py --rounds 20 --batch 10

The portal's real settings on the built-in sandbox in-process, SQLite in a temporary
directory, prepared as bench/throughput.py prepares it (eight tickets, replies, a
signed-in session). Requests go straight into Django's WSGIHandler, as gunicorn hands
them over (no sockets): an unchanged poll of a ticket page by its private link
(`?v=<its version>`, HX-Request → 204), once from a returning browser with its CSRF
cookie only and once signed in (its session cookie too). For the full stack and for
the stack with each middleware removed in turn, interleaved round by round in a new
order each round (a busy neighbour hurts every row alike), it prints the median time
per request and the cost of each middleware: the full stack's median minus the median
without it. A middleware the poll cannot do without is reported as such.
docs/architecture.md ("What each middleware costs an unchanged poll") has the figures.
"""

import argparse
import io
import logging
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.throughput import CSRF_COOKIE, _cpu_model, _environment, _prepare  # noqa: E402

FULL = "(none: the full stack)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--batch", type=int, default=20, help="requests per row and round")
    args = parser.parse_args()
    env = _environment(Path(tempfile.mkdtemp(prefix="portal-middleware-")))
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings"  # the real ones, no hello view
    env["PORTAL_CACHE_SECONDS"] = "3600"  # every poll finds its copy current: no re-read
    state = _prepare(env)
    os.environ.update(env)

    import django

    django.setup()
    from django.conf import settings

    browser = f"csrftoken={CSRF_COOKIE}"
    cases = {
        "by private link (CSRF cookie)": browser,
        "signed in (and session cookie)": f"{browser}; sessionid={state['session']}",
    }
    stacks = {FULL: list(settings.MIDDLEWARE)}
    stacks |= {_short(m): [o for o in settings.MIDDLEWARE if o != m] for m in settings.MIDDLEWARE}
    handlers = {name: _handler(stack) for name, stack in stacks.items()}
    poll = _poll_path(handlers[FULL], state["link"], browser)
    times: dict[tuple[str, str], list[int]] = {}
    broken: dict[str, str] = {}
    logging.disable(logging.CRITICAL)  # a stack the view cannot do without logs a 500
    for case, cookie in cases.items():
        for name, handler in handlers.items():
            outcome = _answer(handler, poll, cookie)  # warms it up (and writes "seen" once)
            if outcome != "204":
                broken[name] = outcome
            times[(case, name)] = []
    logging.disable(logging.NOTSET)
    rows = [(case, name) for case in cases for name in handlers if name not in broken]
    for _ in range(args.rounds):
        random.shuffle(rows)
        for case, name in rows:
            handler, cookie = handlers[name], cases[case]
            for _ in range(args.batch):
                started = time.perf_counter_ns()
                _answer(handler, poll, cookie)
                times[(case, name)].append(time.perf_counter_ns() - started)
    _print_table(cases, handlers, times, broken, args)


def _short(dotted: str) -> str:
    return dotted.rpartition(".")[2]


def _handler(stack: list[str]) -> Callable:
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.utils import override_settings

    with override_settings(MIDDLEWARE=stack):
        return WSGIHandler()  # builds its middleware chain now, from this stack


def _environ(path: str, cookie: str, htmx: bool = True) -> dict:
    path_info, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path_info, "QUERY_STRING": query,
        "SCRIPT_NAME": "", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1",
        "HTTP_COOKIE": cookie, "HTTP_ACCEPT_ENCODING": "gzip", "HTTP_ACCEPT_LANGUAGE": "en",
        "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr,
    }  # fmt: skip
    return environ | {"HTTP_HX_REQUEST": "true"} if htmx else environ


def _answer(handler: Callable, path: str, cookie: str) -> str:
    """The status line's code, or what went wrong; the response is closed as a WSGI
    server closes it (Django's request_finished)."""
    status = []
    try:
        response = handler(_environ(path, cookie), lambda line, headers: status.append(line))
        b"".join(response)
        response.close()
    except Exception as error:  # a stack without what the view needs
        return type(error).__name__
    return status[0].split()[0]


def _poll_path(handler: Callable, link: str, cookie: str) -> str:
    """The ticket page's own poll URL, `?v=` and all, as htmx would ask for it."""
    response = handler(_environ(link, cookie, htmx=False), lambda line, headers: None)
    html = b"".join(response).decode()
    response.close()
    return re.search(r'hx-get="([^"]+)"', html).group(1).replace("&amp;", "&")


def _print_table(cases: dict, handlers: dict, times: dict, broken: dict, args) -> None:
    def median_us(case: str, name: str) -> float:
        return statistics.median(times[(case, name)]) / 1000

    print(f"{args.rounds} interleaved rounds of {args.batch} requests per row; medians.\n")
    print("| middleware removed | " + " | ".join(f"{case}: µs, cost" for case in cases) + " |")
    print("| --- |" + " ---: |" * len(cases))
    full = {case: median_us(case, FULL) for case in cases}
    for name in handlers:
        if name in broken:
            print(f"| {name} | " + " | ".join(f"needed ({broken[name]})" for _ in cases) + " |")
            continue
        cells = []
        for case in cases:
            value = median_us(case, name)
            cells.append(
                f"{value:.0f}" if name == FULL else f"{value:.0f}, {full[case] - value:+.0f}"
            )
        print(f"| {name} | " + " | ".join(cells) + " |")
    print(
        f"\nMachine: {_cpu_model()}, {os.cpu_count()} cores, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}"
    )


if __name__ == "__main__":
    main()
