"""Just enough WSGI plumbing for the sandbox: a parsed request and a response value."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

MAX_BODY = 1_000_000

StartResponse = Callable[..., Any]


@dataclass
class Request:
    method: str
    path: str
    script_name: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    @classmethod
    def from_environ(cls, environ: dict[str, Any]) -> Request:
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        headers["content-type"] = environ.get("CONTENT_TYPE", "")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        # Read the whole body up front: closing a socket with unread input makes the kernel send
        # a reset, which would turn a simulated "dropped response" into a different error.
        body = environ["wsgi.input"].read(min(length, MAX_BODY)) if length > 0 else b""
        return cls(
            method=environ.get("REQUEST_METHOD", "GET").upper(),
            path=environ.get("PATH_INFO", "") or "/",
            script_name=environ.get("SCRIPT_NAME", "").rstrip("/"),
            query=parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True),
            headers=headers,
            body=body,
        )

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    def form(self) -> dict[str, str]:
        parsed = parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)
        return {key: values[0] for key, values in parsed.items()}

    def is_json(self) -> bool:
        return self.header("content-type").split(";")[0].strip().lower() == "application/json"


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)

    def send(self, start_response: StartResponse) -> Iterable[bytes]:
        phrase = HTTPStatus(self.status).phrase
        headers = [*self.headers, ("Content-Length", str(len(self.body)))]
        start_response(f"{self.status} {phrase}", headers)
        return [self.body]


def json_response(status: int, payload: Any, headers: Iterable[tuple[str, str]] = ()) -> Response:
    body = json.dumps(payload).encode()
    return Response(status, body, [("Content-Type", "application/json"), *headers])


def error_response(
    status: int,
    error_type: str,
    message: str,
    problems: dict[str, str] | None = None,
    headers: Iterable[tuple[str, str]] = (),
) -> Response:
    error: dict[str, Any] = {"type": error_type, "message": message}
    if problems:
        error["fields"] = problems
    return json_response(status, {"error": error}, headers)


def html_response(html: str, status: int = 200) -> Response:
    headers = [
        ("Content-Type", "text/html; charset=utf-8"),
        # The console has no scripts; forbid any that might slip in, and framing.
        (
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; "
            "form-action 'self'; frame-ancestors 'none'",
        ),
        ("X-Content-Type-Options", "nosniff"),
    ]
    return Response(status, html.encode(), headers)


def redirect(location: str) -> Response:
    return Response(303, b"", [("Location", location)])
