"""Does each speed trick still pay? Each page of bench/throughput.py, drawn in this process
with the trick and without it, interleaved, so a busy machine slows both alike.

    uv run python bench/speed_tricks.py [--calls 600] [--trick form]

For each trick and page: the median µs per call with and without it, and what it saves as a
share of the page without it. A trick stays while it saves 5% or more of a page it serves
(dropping it would cost that row of bench/throughput.py more than 5%); its module's
docstring quotes the figure. Through the WSGI handler, without gunicorn and HTTP: the same
saving is a somewhat smaller share of a throughput row. Without Redis (the portal's own
per-process cache), against the in-process sandbox, in a temporary folder.
"""

import argparse
import io
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import throughput


def _call(app: Callable, path: str, cookie: str, htmx: bool = False) -> tuple[str, bytes]:
    path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_COOKIE": cookie,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
    }
    if htmx:
        environ["HTTP_HX_REQUEST"] = "true"
    answer = {}
    body = b"".join(app(environ, lambda status, headers, exc=None: answer.update(s=status)))
    return answer["s"], body


def _pages(app: Callable, state: dict[str, str]) -> list[tuple[str, Callable[[], object]]]:
    """What is timed: each page of bench/throughput.py, and one cache read on its own."""
    browser = f"csrftoken={throughput.CSRF_COOKIE}"
    signed_in = f"{browser}; sessionid={state['session']}"

    def poll_of(path: str, cookie: str) -> str:
        found = re.search(r'hx-get="([^"]+)"', _call(app, path, cookie)[1].decode())
        url = found.group(1).replace("&amp;", "&")
        return path + url if url.startswith("?") else url

    requests = [
        ("hello view (floor)", ("/bench/hello/", browser)),
        ("unchanged poll of a ticket", (poll_of(state["link"], browser), browser, True)),
        ("unchanged poll of My requests", (poll_of("/tickets/", signed_in), signed_in, True)),
        ("`/`, the submit form", ("/", browser)),
        ("a ticket page, cached", (state["link"], browser)),
        ("My requests, cached", ("/tickets/", signed_in)),
    ]
    for label, request in requests:
        status = _call(app, *request)[0]
        assert status[:3] in ("200", "204"), (label, status)
    from django.core.cache import caches

    local, key = caches["local"], "mirror:ticket:" + "0" * 32
    local.set(key, b"a copy")
    timed = [(label, partial(_call, app, *request)) for label, request in requests]
    return [*timed, ("one read of the per-process cache", partial(local.get, key))]


def _tricks() -> dict[str, Callable[[bool], None]]:
    """Each trick's switch: on (as shipped, or as it was for one dropped) or off (plain
    Django)."""
    from django import forms
    from django.core.cache.backends.base import BaseCache

    from portal.caches.local import LocalCache
    from portal.tickets import shared_fields
    from portal.tickets.templatetags import drawn_once

    def skip_key_check(cache: BaseCache, key: str) -> None:
        pass  # the trick: memcached's key rules checked on no read

    shipped_render = drawn_once.DrawnOnceNode.render
    shipped_init = shared_fields.CustomerForm.__dict__.get("__init__")

    def drawn_once_pieces(on: bool) -> None:
        drawn_once.DrawnOnceNode.render = (
            shipped_render if on else lambda node, context: node.nodelist.render(context)
        )

    def shared_form_fields(on: bool) -> None:
        shared_fields.CustomerForm.__init__ = shipped_init if on else forms.Form.__init__

    def no_key_check(on: bool) -> None:  # dropped: the portal now keeps Django's check
        LocalCache.validate_key = skip_key_check if on else BaseCache.validate_key

    return {
        "{% drawn_once %} pieces (tickets/templatetags/drawn_once.py)": drawn_once_pieces,
        "shared form fields (tickets/shared_fields.py)": shared_form_fields,
        "no cache key check (dropped from caches/local.py)": no_key_check,
    }


def _medians_us(timed: Callable[[], object], switch: Callable[[bool], None], calls: int) -> dict:
    """The median µs per call with the trick and without, switching it at every call: what
    else runs on the machine slows both alike."""
    times = {True: [], False: []}
    for call in range(10 + 2 * calls):
        on = call % 2 == 0
        switch(on)
        started = time.perf_counter()
        timed()
        if call >= 10:  # the first calls draw what is kept afresh
            times[on].append(time.perf_counter() - started)
    switch(True)
    return {on: statistics.median(times[on]) * 1e6 for on in times}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=600, help="with it, and as many without")
    parser.add_argument("--trick", default="", help="only the tricks whose name holds this")
    args = parser.parse_args()
    env = throughput._environment(Path(tempfile.mkdtemp(prefix="speed-tricks-")))
    state = throughput._prepare(env)
    os.environ.update(env)
    sys.path.insert(0, str(throughput.ROOT))  # bench.hello_settings
    import django
    from django.core.handlers.wsgi import WSGIHandler

    django.setup()
    app = WSGIHandler()
    pages = _pages(app, state)
    print(f"{'trick':<62} {'page':<32} {'with':>8} {'without':>8} {'saves':>7}")
    for trick, switch in _tricks().items():
        if args.trick not in trick:
            continue
        for label, timed in pages:
            with_it, without = _medians_us(timed, switch, args.calls).values()
            saves = (without - with_it) / without * 100
            print(f"{trick:<62} {label:<32} {with_it:>6.0f}µs {without:>6.0f}µs {saves:>6.1f}%")


if __name__ == "__main__":
    main()
