"""The sandbox inside the Django process: an httpx transport for the API client, the WSGI app
for mounting the console, and the store. Settings are read at call time, and everything is cached
per (SANDBOX_DB_PATH, TIXALLO_API_KEY), so tests that override those settings get their own.
"""

from __future__ import annotations

import io
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from .api import SandboxApp
from .loop import Loop, background
from .store import Store
from .transport import SandboxTransport

_lock = threading.Lock()
_stores: dict[str, Store] = {}
_apps: dict[tuple[str, str], SandboxApp] = {}
_loops: dict[str, Loop] = {}


def _db_path() -> str:
    return str(Path(settings.SANDBOX_DB_PATH))


def store() -> Store:
    path = _db_path()
    with _lock:
        if path not in _stores:
            _stores[path] = Store(path)
        return _stores[path]


def wsgi_app() -> SandboxApp:
    """The whole sandbox (API, console, `/_sandbox/`) as a WSGI app, e.g. to mount at /sandbox."""
    key = (_db_path(), settings.TIXALLO_API_KEY)
    shared = store()
    with _lock:
        if key not in _apps:
            _apps[key] = SandboxApp(shared, settings.TIXALLO_API_KEY)
        return _apps[key]


def transport() -> httpx.BaseTransport:
    """Give this to `httpx.Client(transport=..., base_url="http://sandbox.localhost/api/v1")`."""
    return SandboxTransport(wsgi_app())


def start_workers(agent: bool = True, webhooks: bool = True) -> None:
    """Start the demo agent and/or webhook delivery, in one background loop, once per process
    (e.g. in a dev server); deliberately not done in AppConfig.ready(), which also runs for
    every command. `stop_workers()` stops it."""
    shared = store()
    with _lock:
        if _db_path() not in _loops:
            since = datetime.now(UTC)  # the seeded tickets keep their statuses
            loop = background(shared, webhooks=webhooks, agent=agent, since=since)
            _loops[_db_path()] = loop.start()


def stop_workers() -> None:
    with _lock:
        for loop in _loops.values():
            loop.stop()
        _loops.clear()


def reset() -> None:
    """Stop the workers and close every cached store (for test teardown)."""
    stop_workers()
    with _lock:
        for cached in _stores.values():
            cached.close()
        _apps.clear()
        _stores.clear()


@csrf_exempt  # the console refuses cross-site posts itself (Origin check); it has no token
def view(request: HttpRequest, path: str = "") -> HttpResponse:
    """Serve the sandbox (console, `/_sandbox/`, API) under a Django URL, e.g.
    `path("sandbox/", view)` and `path("sandbox/<path:path>", view)`. Route it only when
    PORTAL_SANDBOX is on: the console has no login."""
    environ = dict(request.environ)
    environ["SCRIPT_NAME"] = request.path[: len(request.path) - len(path)].rstrip("/")
    environ["PATH_INFO"] = "/" + path
    environ["wsgi.input"] = io.BytesIO(request.body)
    environ["CONTENT_LENGTH"] = str(len(request.body))
    started: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        started["status"], started["headers"] = int(status.split()[0]), headers

    content = b"".join(wsgi_app()(environ, start_response))
    response = HttpResponse(content, status=started["status"])
    for name, value in started["headers"]:
        if name.lower() != "content-length":
            response[name] = value
    return response
