"""What each middleware costs an unchanged poll, in one process.

    uv run python bench/middleware.py                 # about a minute
    uv run python bench/middleware.py --rounds 10 --batch 10

The portal's real settings on the built-in sandbox in-process, SQLite in a temporary
directory, prepared as bench/throughput.py prepares it (eight tickets, replies, a
signed-in session). Requests go straight into Django's WSGIHandler, as gunicorn hands
them over (no sockets): an unchanged poll of a ticket page (`?v=<its version>`,
HX-Request → 204), by its private link from a returning browser (its CSRF cookie), and
the customer's own ticket page signed in (the session cookie too, the session read from
the database).

Two ways, interleaved round by round in a new order each round (a busy neighbour hurts
every row alike), medians over all requests:

- own time: the full stack with each middleware timed from the inside (its time minus
  the time of what it calls, plus its process_view), a few µs each, precise;
- removed: the full stack's time minus the time without that middleware, which also
  counts what it causes later (a session read, a header), but moves by tens of µs
  when the machine is busy. A middleware the poll cannot do without is said so.

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

FULL = "the full stack"
TIMED = "the full stack, each timed"
NEEDED = ("SessionMiddleware", "HtmxMiddleware")  # the view reads request.session, .htmx
ALL_BUT_NEEDED = "all but Session and Htmx"
VIEW = "(the view and Django's handler)"


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

    stack = list(settings.MIDDLEWARE)
    own: dict[str, int] = dict.fromkeys(map(_short, stack), 0)
    handlers = {FULL: _handler(stack), TIMED: _handler(_timed_stack(stack, own))}
    handlers |= {_short(m): _handler([o for o in stack if o != m]) for m in stack}
    # Every middleware at once but those the view cannot answer without.
    handlers[ALL_BUT_NEEDED] = _handler([m for m in stack if _short(m) in NEEDED])
    browser = f"csrftoken={CSRF_COOKIE}"
    signed_in = f"{browser}; sessionid={state['session']}"
    mine = _first_ticket_path(handlers[FULL], signed_in)
    # Each case: the poll's path, and the cookies the browser sends.
    cases = {
        "by its private link": (_poll_path(handlers[FULL], state["link"], browser), browser),
        "signed in": (_poll_path(handlers[FULL], mine, signed_in), signed_in),
    }
    times = {(case, name): [] for case in cases for name in handlers}
    owns = {(case, name): [] for case in cases for name in [*own, VIEW]}
    broken: dict[str, str] = {}
    logging.disable(logging.CRITICAL)  # a stack the view cannot do without logs its 500
    for poll, cookie in cases.values():
        for name, handler in handlers.items():
            outcome = _answer(handler, poll, cookie)  # warms it up (and writes "seen" once)
            if outcome != "204":
                broken[name] = outcome
    logging.disable(logging.NOTSET)
    rows = [(case, name) for case in cases for name in handlers if name not in broken]
    for _ in range(args.rounds):
        random.shuffle(rows)
        for case, name in rows:
            handler, (poll, cookie) = handlers[name], cases[case]
            for _ in range(args.batch):
                own.update(dict.fromkeys(own, 0))
                started = time.perf_counter_ns()
                _answer(handler, poll, cookie)
                took = time.perf_counter_ns() - started
                times[(case, name)].append(took)
                if name == TIMED:
                    for middleware, spent in own.items():
                        owns[(case, middleware)].append(spent)
                    owns[(case, VIEW)].append(took - sum(own.values()))
    _print_table(cases, stack, times, owns, broken, args)


def _short(dotted: str) -> str:
    return dotted.rpartition(".")[2]


def _handler(stack: list[str]) -> Callable:
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.utils import override_settings

    with override_settings(MIDDLEWARE=stack):
        return WSGIHandler()  # builds its middleware chain now, from this stack


def _timed_stack(stack: list[str], own: dict[str, int]) -> list[str]:
    """The stack, each middleware wrapped to add its own time to `own` (this module's
    attributes, so that Django imports them by name as it imports the real ones)."""
    from django.utils.module_loading import import_string

    module = sys.modules[__name__]
    names = []
    for number, path in enumerate(stack):
        setattr(module, f"Timed{number}", _timed(import_string(path), _short(path), own))
        names.append(f"{__name__}.Timed{number}")
    return names


def _timed(middleware: type, name: str, own: dict[str, int]) -> type:
    def counted(call: Callable, sign: int) -> Callable:
        def timed_call(*args: object) -> object:
            started = time.perf_counter_ns()
            try:
                return call(*args)
            finally:
                own[name] += sign * (time.perf_counter_ns() - started)

        return timed_call

    class Timed:
        def __init__(self, get_response: Callable) -> None:
            # What it calls is not its own time; its process_view (run further in) is.
            self.middleware = middleware(counted(get_response, -1))
            self.timed = counted(self.middleware, +1)
            for hook in ("process_view", "process_template_response", "process_exception"):
                if hasattr(self.middleware, hook):
                    setattr(self, hook, counted(getattr(self.middleware, hook), +1))

        def __call__(self, request: object) -> object:
            return self.timed(request)

    return Timed


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


def _page(handler: Callable, path: str, cookie: str) -> str:
    environ = _environ(path, cookie, htmx=False)
    environ.pop("HTTP_ACCEPT_ENCODING")  # as text, not gzipped
    response = handler(environ, lambda line, headers: None)
    html = b"".join(response).decode()
    response.close()
    return html


def _poll_path(handler: Callable, page: str, cookie: str) -> str:
    """The ticket page's own poll URL, `?v=` and all, as htmx asks for it."""
    html = _page(handler, page, cookie)
    return re.search(r'hx-get="([^"]+)"', html).group(1).replace("&amp;", "&")


def _first_ticket_path(handler: Callable, cookie: str) -> str:
    """A ticket page of the signed-in customer's, from My requests."""
    return re.search(r'href="(/tickets/[^/"?]+/)"', _page(handler, "/tickets/", cookie)).group(1)


def _print_table(cases, stack, times, owns, broken, args) -> None:
    def us(values: list[int]) -> float:
        return statistics.median(values) / 1000

    full = {case: us(times[(case, FULL)]) for case in cases}
    print(f"{args.rounds} interleaved rounds of {args.batch} requests per row; medians (µs).\n")
    print("| middleware | " + " | ".join(f"{c}: own | {c}: removed" for c in cases) + " |")
    print("| --- |" + " ---: | ---: |" * len(cases))
    for name in [*map(_short, stack), VIEW]:
        cells = []
        for case in cases:
            cells.append(f"{us(owns[(case, name)]):.1f}")
            if name in broken:
                cells.append(f"needed ({broken[name]})")
            elif name == VIEW:
                cells.append("")
            else:
                cells.append(f"{full[case] - us(times[(case, name)]):+.0f}")
        print(f"| {name} | " + " | ".join(cells) + " |")
    print()
    for name in (FULL, TIMED, ALL_BUT_NEEDED):
        each = ", ".join(f"{case} {us(times[(case, name)]):.0f} µs" for case in cases)
        print(f"The whole request, {name}: {each}.")
    print(
        f"Machine: {_cpu_model()}, {os.cpu_count()} cores, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}; load average "
        f"{os.getloadavg()[0]:.1f} at the end"
    )


if __name__ == "__main__":
    main()
