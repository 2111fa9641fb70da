"""Reach the sandbox in-process through httpx, with network failures simulated faithfully.

A "timeout" fault surfaces at once as `httpx.ReadTimeout` (no waiting, so tests stay fast) and a
"drop" fault as `httpx.RemoteProtocolError`, exactly the exceptions a real HTTP client raises.
"""

from __future__ import annotations

import httpx

from .faults import Dropped, Hang


class SandboxTransport(httpx.WSGITransport):
    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return super().handle_request(request)
        except Hang as exc:
            raise httpx.ReadTimeout("timed out", request=request) from exc
        except Dropped as exc:
            message = "Server disconnected without sending a response."
            raise httpx.RemoteProtocolError(message, request=request) from exc
