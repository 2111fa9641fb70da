"""The sandbox WSGI application: the Tixallo REST API (contract parts A and B), the `/_sandbox/`
control endpoints and the agent console, in one plain WSGI callable.
"""

from __future__ import annotations

import hmac
import json
import re
import sqlite3
import time
from collections.abc import Callable, Iterable
from typing import Any

from . import console, control, inbox, tickets, validation
from .faults import Dropped, FaultPicker, Faults, Hang
from .store import Store
from .wsgi import Request, Response, StartResponse, error_response, json_response, redirect

API_PREFIX = "/api/v1"
Handler = Callable[[Request, dict[str, str]], Response]
# A body a broken proxy or a crashing server might emit: JSON cut off mid-way.
MALFORMED_BODY = b'{"data": [{"id": "tkt_'


class SandboxApp:
    def __init__(
        self, store: Store, api_key: str, *, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        if not api_key:
            raise ValueError("The sandbox needs an API key to check requests against.")
        self.store = store
        self.api_key = api_key
        self.sleep = sleep  # injectable so latency tests can stay fast
        self.picker = FaultPicker()
        self.routes: list[tuple[str, re.Pattern[str], dict[str, Handler]]] = [
            ("/tickets", re.compile(r"/tickets"), {"GET": self.list_tickets, "POST": self.create}),
            (
                "/tickets/{id}",
                re.compile(r"/tickets/(?P<id>[\w-]+)"),
                {"GET": self.get_ticket, "PATCH": self.update},
            ),
            (
                "/tickets/{id}/messages",
                re.compile(r"/tickets/(?P<id>[\w-]+)/messages"),
                {"POST": self.create_message},
            ),
        ]

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        return self.handle(Request.from_environ(environ)).send(start_response)

    def handle(self, request: Request) -> Response:
        path = request.path
        if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
            return self.handle_api(request, path.removeprefix(API_PREFIX))
        if path.startswith("/_sandbox/"):
            return control.handle(self.store, request)
        if path == "/console" or path.startswith("/console/"):
            return console.handle(self.store, request)
        if path.rstrip("/") == "/inbox" and request.method in ("GET", "HEAD"):
            return inbox.page(self.store, request)
        if path == "/":
            return redirect(request.script_name + "/console/")
        return error_response(404, "not_found", "No such endpoint.")

    # --- the API pipeline: count, fault, authenticate, route --------------------------------

    def handle_api(self, request: Request, path: str) -> Response:
        pattern, handlers, params = self._match(path)
        faults, queued, revision = self.store.begin_api_request(
            f"{request.method} {API_PREFIX}{pattern}"
        )
        fault = self.picker.pick(faults, queued, revision)
        if faults.latency_ms:
            self.sleep(faults.latency_ms / 1000)
        if fault and fault != "drop":
            return self._fault_response(fault, faults)
        response = self._authorized(request, handlers, params)
        if fault == "drop":
            raise Dropped()  # everything above has committed; the caller just never hears back
        return response

    def _match(self, path: str) -> tuple[str, dict[str, Handler] | None, dict[str, str]]:
        for pattern, regex, handlers in self.routes:
            if found := regex.fullmatch(path):
                return pattern, handlers, found.groupdict()
        return "/(unknown)", None, {}

    def _fault_response(self, fault: str, faults: Faults) -> Response:
        if fault == "timeout":
            raise Hang(faults.hang_seconds)
        if fault == "malformed":
            return Response(200, MALFORMED_BODY, [("Content-Type", "application/json")])
        status = int(fault)
        if status == 401:
            return self._unauthorized()
        if status == 429:
            headers = [("Retry-After", str(faults.retry_after))]
            return error_response(429, "rate_limited", "Too many requests.", headers=headers)
        kind = "server_error" if status >= 500 else "sandbox_fault"
        return error_response(status, kind, f"Simulated error {status}.")

    def _unauthorized(self) -> Response:
        return error_response(
            401,
            "unauthorized",
            "The API key is wrong or missing.",
            headers=[("WWW-Authenticate", 'Bearer realm="tixallo"')],
        )

    def _authorized(
        self, request: Request, handlers: dict[str, Handler] | None, params: dict[str, str]
    ) -> Response:
        scheme, _, key = request.header("authorization").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(key.strip(), self.api_key):
            return self._unauthorized()
        if handlers is None:
            return error_response(404, "not_found", "No such endpoint.")
        handler = handlers.get(request.method)
        if handler is None:
            allow = [("Allow", ", ".join(handlers))]
            return error_response(405, "method_not_allowed", "Method not allowed.", headers=allow)
        return handler(request, params)

    # --- endpoints -----------------------------------------------------------------------

    def list_tickets(self, request: Request, params: dict[str, str]) -> Response:
        query, problems = validation.list_query(request.query)
        if problems:
            return error_response(400, "invalid_request", "Invalid query parameters.", problems)
        with self.store.transaction(write=False) as conn:
            page, next_cursor = tickets.list_tickets(conn, **query)
        return json_response(200, {"data": page, "next_cursor": next_cursor})

    def get_ticket(self, request: Request, params: dict[str, str]) -> Response:
        with self.store.transaction(write=False) as conn:
            try:
                ticket = tickets.find_ticket(conn, params["id"])
            except tickets.NotFound:
                return _not_found(params["id"])
            return json_response(200, {"data": tickets.ticket_detail(conn, ticket)})

    def create(self, request: Request, params: dict[str, str]) -> Response:
        def write(conn: sqlite3.Connection, data: dict[str, Any]) -> Response:
            clean, problems = validation.new_ticket(data)
            if problems:
                return _invalid(problems)
            ticket = tickets.create_ticket(conn, **clean)
            self.store.count_ticket_created(conn)
            return json_response(201, {"data": tickets.ticket_detail(conn, ticket)})

        return self._json_write(request, write)

    def update(self, request: Request, params: dict[str, str]) -> Response:
        """`PATCH /tickets/{id}` with `status` and/or `priority` (contract part B)."""

        def write(conn: sqlite3.Connection, data: dict[str, Any]) -> Response:
            try:
                ticket = tickets.find_ticket(conn, params["id"])
            except tickets.NotFound:
                return _not_found(params["id"])
            clean, problems = validation.ticket_update(data)
            if problems:
                return _invalid(problems)
            if ticket["status"] == "closed":
                return error_response(422, "ticket_closed", "This ticket is closed.")
            if clean.get("priority"):
                conn.execute(
                    "UPDATE tickets SET priority = ? WHERE id = ?",
                    (clean["priority"], ticket["id"]),
                )
            updated = tickets.update_ticket(conn, ticket, status=clean.get("status"))
            return json_response(200, {"data": tickets.ticket_detail(conn, updated)})

        return self._json_write(request, write)

    def create_message(self, request: Request, params: dict[str, str]) -> Response:
        def write(conn: sqlite3.Connection, data: dict[str, Any]) -> Response:
            try:
                ticket = tickets.find_ticket(conn, params["id"])
            except tickets.NotFound:
                return _not_found(params["id"])
            clean, problems = validation.new_message(data)
            customer = conn.execute(
                "SELECT email, name FROM customers WHERE id = ?", (ticket["customer_id"],)
            ).fetchone()
            if clean["customer_email"] and not problems.get("customer_email"):
                if clean["customer_email"].lower() != customer["email"].lower():
                    problems["customer_email"] = "Does not match the ticket's customer."
            if problems:
                return _invalid(problems)
            try:
                message = tickets.add_customer_message(
                    conn, ticket, clean["body"], customer["name"] or customer["email"]
                )
            except tickets.TicketClosed as exc:
                return error_response(422, "ticket_closed", str(exc))
            return json_response(201, {"data": message})

        return self._json_write(request, write)

    def _json_write(
        self, request: Request, write: Callable[[sqlite3.Connection, dict], Response]
    ) -> Response:
        """Parse the JSON body, then run `write` in one transaction together with the
        idempotency record, so a replayed key can never see a half-done first attempt."""
        if not request.is_json():
            return error_response(
                415, "unsupported_media_type", "Send the body as Content-Type: application/json."
            )
        try:
            data = json.loads(request.body)
        except (UnicodeDecodeError, ValueError):
            data = None
        if not isinstance(data, dict):
            return error_response(400, "invalid_request", "The body must be a JSON object.")
        key = request.header("idempotency-key").strip()
        if len(key) > 255:
            problems = {"Idempotency-Key": "Must be at most 255 characters."}
            return error_response(400, "invalid_request", "Invalid Idempotency-Key.", problems)
        signature = f"{request.method} {request.path}"
        with self.store.transaction() as conn:
            if key and (stored := self.store.find_idempotent(conn, key, signature)):
                headers = [("Content-Type", "application/json"), ("Idempotent-Replayed", "true")]
                return Response(stored[0], stored[1], headers)
            response = write(conn, data)
            # Only successes are remembered: a rejected request did nothing, so a retry with
            # the same key may run again (Stripe does the same for validation failures).
            if key and 200 <= response.status < 300:
                self.store.save_idempotent(conn, key, signature, response.status, response.body)
            return response


def _not_found(ticket_id: str) -> Response:
    return error_response(404, "not_found", f"No ticket with id {ticket_id!r}.")


def _invalid(problems: dict[str, str]) -> Response:
    return error_response(422, "validation_error", "Some fields are invalid.", problems)
