"""Serve the sandbox over real HTTP with the standard library (threaded wsgiref).

Network faults become real network behaviour: a "timeout" holds the connection open without
answering (until `hang_seconds` pass or the server stops, so tests never wait it out), and a
"drop" closes the connection without writing a byte.
"""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterable
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from .faults import Dropped, Hang
from .wsgi import StartResponse


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """No access log: the sandbox runs beside test output and a dev server's own log."""


class _ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True  # a hung handler must never keep the process alive
    allow_reuse_address = True

    def server_bind(self) -> None:
        # HTTPServer.server_bind would call socket.getfqdn(), a reverse DNS lookup that can
        # stall on machines without network; the bound address is all wsgiref needs.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]
        self.setup_environ()


def _with_network_faults(app: Any, stopping: threading.Event) -> Any:
    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            return app(environ, start_response)
        except Hang as hang:
            stopping.wait(hang.seconds)
        except Dropped:
            pass
        # wsgiref treats ConnectionAbortedError as "client went away": it writes nothing and
        # the socket is closed, which is what the client of a dropped response experiences.
        raise ConnectionAbortedError("sandbox fault: no response")

    return application


class SandboxServer:
    """`with SandboxServer(app) as server: httpx.get(server.url + "/api/v1/tickets")`.

    Port 0 (the default) picks a free port; read it back from `.port` or `.url`.
    """

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0) -> None:
        self._stopping = threading.Event()
        self._server = make_server(
            host,
            port,
            _with_network_faults(app, self._stopping),
            server_class=_ThreadingServer,
            handler_class=_QuietHandler,
        )
        self.host, self.port = self._server.server_address[:2]
        self._thread: threading.Thread | None = None
        self._served = False

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/v1"

    def start(self) -> SandboxServer:
        """Serve from a daemon thread."""
        self._thread = threading.Thread(target=self.serve_forever, name="sandbox-http", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._served = True
        self._server.serve_forever(poll_interval=0.05)

    def close(self) -> None:
        self._stopping.set()  # releases hung handlers at once
        if self._served:
            self._server.shutdown()
        if self._thread:
            self._thread.join(timeout=5)
        self._server.server_close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()
