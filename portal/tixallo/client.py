"""The Tixallo API client: the only code that speaks HTTP to Tixallo.

Plain functions returning parsed objects (`types`) and raising named errors
(`errors`). One long-lived `httpx.Client` per process serves every thread.

What the quickstart does not document is marked ASSUMPTION (part B of
shared/tixallo-api.md); when the real API differs, this file changes.
"""

import contextlib
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import quote, urlsplit

import httpx
from django.conf import settings

from . import breaker
from .addresses import is_loopback
from .errors import (
    AuthFailed,
    BadResponse,
    CircuitOpen,
    Invalid,
    Misconfigured,
    NotFound,
    RateLimited,
    Throttled,
    TixalloError,
    Unavailable,
)
from .types import Message, Ticket, TicketPage, new_idempotency_key

log = logging.getLogger(__name__)

USER_AGENT = f"TixalloPortal/{settings.VERSION} (+https://github.com/tixallo/portal)"
MAX_ATTEMPTS = 5
BACKOFF_CAP = 4.0


@dataclass(frozen=True)
class Connection:
    """Where Tixallo is and the workspace key; the key is kept out of repr."""

    base_url: str
    api_key: str = field(repr=False)


class Gate(Protocol):
    """Asked before every request, told of every 429: the portal's request budget."""

    def admit(self, method: str) -> None: ...  # may raise Throttled

    def rate_limited(self, retry_after: float | None) -> None: ...


class Observer(Protocol):
    """Told of every attempt's end: an HTTP `status`, or a transport `failure`."""

    def __call__(
        self, request: httpx.Request, started: float, status: int = 0, failure: str = ""
    ) -> None: ...


# --- what the portal plugs in -------------------------------------------------
# This package imports nothing of the portal. The portal's apps hand it, as they start
# (their AppConfig.ready()), what only they know: where to connect (config), the
# budget to ask before each request (mirror), who counts the answers (ops, for
# /metrics) and, on the sandbox only, the transport (demo; `use_transport` below).
# Plain arguments rather than dotted paths in settings: a reader finds the wiring by
# searching for these names.

_connection_source: Callable[[], Connection] | None = None
_gate: Gate | None = None
_observer: Observer | None = None


def use_connection(source: Callable[[], Connection]) -> None:
    """`source()` gives the connection in force (the admin may change it at any time)."""
    global _connection_source
    _connection_source = source


def use_gate(gate: Gate) -> None:
    global _gate
    _gate = gate


def report_to(observer: Observer) -> None:
    global _observer
    _observer = observer


def connection() -> Connection:
    """The connection in force: the portal's configuration once it is plugged in,
    else the settings alone."""
    if _connection_source is not None:
        return _connection_source()
    return Connection(settings.TIXALLO_BASE_URL, settings.TIXALLO_API_KEY)


# --- the one HTTP client ----------------------------------------------------

_http: httpx.Client | None = None
_http_lock = threading.Lock()
# When set, gives the transport requests take instead of the network. Only the demo sets
# one (portal/demo/apps.py: the sandbox in this process); a custom transport would switch
# off httpx's proxy variables, so real deployments keep httpx's own (trust_env).
_make_transport: Callable[[], httpx.BaseTransport] | None = None


def use_transport(make: Callable[[], httpx.BaseTransport] | None) -> None:
    """Send requests through `make()`'s transport from the next call on; None: the network.
    A function rather than a transport, called each time the client is built, so tests
    that switch the sandbox's settings get a transport to the new one (reset_http)."""
    global _make_transport
    _make_transport = make
    reset_http()


def http() -> httpx.Client:
    global _http
    if _http is None:
        with _http_lock:
            if _http is None:
                _http = _build_http()
    return _http


def _build_http() -> httpx.Client:
    transport = _make_transport() if _make_transport else None
    # Fewer connections than threads made concurrent requests fail (tech notes).
    pool = max(10, settings.WEB_THREADS * 2)
    return httpx.Client(
        transport=transport,
        timeout=httpx.Timeout(
            connect=settings.TIXALLO_CONNECT_TIMEOUT,
            read=settings.TIXALLO_READ_TIMEOUT,
            write=settings.TIXALLO_READ_TIMEOUT,
            pool=settings.TIXALLO_CONNECT_TIMEOUT,
        ),
        limits=httpx.Limits(max_connections=pool, max_keepalive_connections=pool),
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        follow_redirects=False,
    )


def reset_http() -> None:
    """Close the shared client; the next call builds a new one (tests, reconfiguration)."""
    global _http
    with _http_lock:
        if _http is not None:
            _http.close()
        _http = None


# --- the API ------------------------------------------------------------------


def list_tickets(
    *,
    customer_email: str | None = None,
    status: str | Iterable[str] | None = None,
    limit: int = 25,
    cursor: str | None = None,
    conn: Connection | None = None,
) -> TicketPage:
    """Tickets, newest update first. ASSUMPTION (part B): limit, cursor, filters, next_cursor."""
    params: dict[str, str | int] = {"limit": max(1, min(limit, 100))}
    if cursor:
        params["cursor"] = cursor
    if customer_email:
        params["customer_email"] = customer_email
    if status:
        # ASSUMPTION: several statuses as one comma-separated value.
        params["status"] = status if isinstance(status, str) else ",".join(status)
    body = _request("GET", "/tickets", params=params, conn=conn)
    items = _unwrap(body)
    if not isinstance(items, list):
        raise BadResponse("Tixallo sent a ticket list that is not a list")
    next_cursor = body.get("next_cursor") if isinstance(body, dict) else None
    return TicketPage(
        tickets=tuple(_tickets(items)),
        next_cursor=next_cursor if isinstance(next_cursor, str) and next_cursor else None,
    )


def get_ticket(ticket_id: str, *, conn: Connection | None = None) -> Ticket:
    """One ticket with its conversation. ASSUMPTION (part B): description, customer, messages."""
    return Ticket.from_api(_unwrap(_request("GET", f"/tickets/{_segment(ticket_id)}", conn=conn)))


def create_ticket(
    *,
    subject: str,
    description: str,
    customer_email: str,
    customer_name: str = "",
    priority: str | None = None,
    idempotency_key: str | None = None,
    conn: Connection | None = None,
) -> Ticket:
    payload = {
        "subject": subject,
        "description": description,
        "customer_email": customer_email,
        "customer_name": customer_name,
    }
    if priority:
        payload["priority"] = priority
    body = _request("POST", "/tickets", json_body=payload, key=idempotency_key, conn=conn)
    return Ticket.from_api(_unwrap(body))


def add_message(
    ticket_id: str,
    *,
    body: str,
    customer_email: str,
    idempotency_key: str | None = None,
    conn: Connection | None = None,
) -> Message:
    """A customer's reply. ASSUMPTION (part B): POST /tickets/{id}/messages."""
    payload = {"body": body, "customer_email": customer_email}
    path = f"/tickets/{_segment(ticket_id)}/messages"
    data = _request("POST", path, json_body=payload, key=idempotency_key, conn=conn)
    return Message.from_api(_unwrap(data))


def mark_solved(
    ticket_id: str, *, idempotency_key: str | None = None, conn: Connection | None = None
) -> Ticket:
    """The customer says their request is solved. ASSUMPTION (part B): PATCH /tickets/{id}
    with {"status": "solved"} answers 200 and the ticket (fires ticket.updated)."""
    path = f"/tickets/{_segment(ticket_id)}"
    body = _request("PATCH", path, json_body={"status": "solved"}, key=idempotency_key, conn=conn)
    return Ticket.from_api(_unwrap(body))


def check_connection(conn: Connection, timeout: float = 5.0) -> Ticket | None:
    """One quick call, no retries, for "Test connection": the most recently updated
    ticket (the list's order, Part B), or None when the workspace has none. Raises the
    same errors as every call."""
    body = _request("GET", "/tickets", params={"limit": 1}, conn=conn, attempts=1, timeout=timeout)
    items = _unwrap(body)
    if not isinstance(items, list):
        raise BadResponse("Tixallo sent a ticket list that is not a list")
    tickets = list(_tickets(items))
    return tickets[0] if tickets else None


# --- a page's deadline ------------------------------------------------------------

# Under 0.1 s left, a call is not worth starting: the page answers with what it has.
LEAST_ATTEMPT = 0.1
_ends: ContextVar[float | None] = ContextVar("tixallo_deadline", default=None)
_charge: ContextVar[Callable[[], None] | None] = ContextVar("tixallo_charge", default=None)


@contextlib.contextmanager
def deadline(seconds: float, *, charge: Callable[[], None] | None = None) -> Iterator[None]:
    """Every call made inside ends within `seconds` of now, all of them together, after
    one attempt each: a page answers in time whatever Tixallo does, and leaves retrying
    to the outbox's worker and the next view. `charge()` is called before each read is
    sent (the visitor's fair use: it may raise VisitorLimited)."""
    tokens = _ends.set(time.monotonic() + seconds), _charge.set(charge)
    try:
        yield
    finally:
        _ends.reset(tokens[0])
        _charge.reset(tokens[1])


def time_left() -> float | None:
    """Seconds left under the current `deadline`; None outside one."""
    ends = _ends.get()
    return None if ends is None else max(0.0, ends - time.monotonic())


# --- one request, with retries ------------------------------------------------


def _request(
    method: str,
    path: str,
    *,
    params: dict[str, str | int] | None = None,
    json_body: dict[str, Any] | None = None,
    key: str | None = None,
    conn: Connection | None = None,
    attempts: int = MAX_ATTEMPTS,
    timeout: float | None = None,
) -> Any:  # noqa: ANN401 - parsed JSON
    conn = conn or connection()
    if (left := time_left()) is not None:
        if left < LEAST_ATTEMPT:
            raise Unavailable(f"{method} {path}: not called, the page's time for Tixallo is up")
        attempts, timeout = 1, min(timeout or settings.TIXALLO_READ_TIMEOUT, left)
    url = base_url(conn) + path
    if not conn.api_key:
        raise Misconfigured("No Tixallo API key is configured")
    headers: dict[str, str] = {}
    content = None
    if json_body is not None:
        content = json.dumps(json_body).encode()
        # ASSUMPTION (part B): Idempotency-Key; the same key on every retry of one action.
        key = key or new_idempotency_key()
        headers |= {"Content-Type": "application/json", "Idempotency-Key": key}
    request = http().build_request(method, url, params=params, content=content, headers=headers)
    deadline = time.monotonic() + settings.TIXALLO_RETRY_BUDGET
    for attempt in range(1, attempts + 1):
        try:
            return _attempt(request, conn, timeout)
        except TixalloError as error:
            wait = _backoff(attempt, error)
            if (
                not error.retry_later
                or attempt == attempts
                or time.monotonic() + wait > deadline
                # Every process pauses reads after a 429 (the gate): no waiting here.
                or (isinstance(error, RateLimited) and method == "GET" and _gate)
            ):
                # Once per call, after its retries: one unlucky request is one failure.
                if _is_failure(error):
                    breaker.record_failure()
                raise
            log.warning("Tixallo %s failed (%s); retry %d in %.2fs", path, error, attempt, wait)
            time.sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover


def _attempt(request: httpx.Request, conn: Connection, timeout: float | None) -> Any:  # noqa: ANN401
    """One try: the parsed body, or the named error for what went wrong."""
    where = f"{request.method} {request.url.path}"
    if breaker.is_open():
        raise CircuitOpen(f"{where}: not called, Tixallo failed repeatedly (circuit open)")
    if request.method == "GET" and (charge := _charge.get()) is not None:
        charge()  # may raise VisitorLimited: this visitor's reads, before everyone's budget
    budget = _gate
    if budget:
        budget.admit(request.method)  # may raise Throttled: the budget, or a 429's pause
    extensions = {"timeout": httpx.Timeout(timeout).as_dict()} if timeout is not None else {}
    request.extensions = {**request.extensions, **extensions}
    started = time.monotonic()
    try:
        response = http().send(request, auth=BearerAuth(conn.api_key))
        response.read()
    except httpx.HTTPError as exc:  # transport failures, and bodies that fail to decode
        _report(request, started, failure=_describe(exc))
        raise Unavailable(f"{where}: {_describe(exc)}") from None
    _report(request, started, status=response.status_code)
    if response.status_code < 500 and response.status_code != 429:
        breaker.record_success()  # Tixallo answered; a 404 or a 422 is no failure of its
    if not response.is_success:
        error = _error_for(response, request.method, request.url.path)
        if isinstance(error, RateLimited) and budget:
            budget.rate_limited(error.retry_after)
        raise error
    return _parse(response, request.method, request.url.path)


def _report(request: httpx.Request, started: float, status: int = 0, failure: str = "") -> None:
    if _observer is not None:
        _observer(request, started, status=status, failure=failure)


def _is_failure(error: TixalloError) -> bool:
    """What the circuit breaker counts: Tixallo down, erring or rate limiting; not
    calls the portal itself held back."""
    return isinstance(error, Unavailable | RateLimited) and not isinstance(
        error, CircuitOpen | Throttled
    )


def base_url(conn: Connection) -> str:
    """The base URL without a trailing slash; plain HTTP only for loopback hosts."""
    parts = urlsplit(conn.base_url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise Misconfigured("The Tixallo base URL must be an https:// URL")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise Misconfigured("The Tixallo base URL must use https:// (http only for loopback)")
    return conn.base_url.rstrip("/")


def _backoff(attempt: int, error: TixalloError) -> float:
    """Exponential backoff with jitter; at least what a 429's Retry-After asked for."""
    ceiling = min(BACKOFF_CAP, settings.TIXALLO_RETRY_BASE_DELAY * 2 ** (attempt - 1))
    wait = ceiling / 2 + random.uniform(0, ceiling / 2)
    if isinstance(error, RateLimited) and error.retry_after is not None:
        wait = max(wait, error.retry_after)
    return wait


class BearerAuth(httpx.Auth):
    """The key as a Bearer header, added as the request leaves: no local variable
    (shown by error pages and reporters) ever holds the header."""

    def __init__(self, key: str) -> None:
        self._key = key

    def __repr__(self) -> str:
        return "BearerAuth(***)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        request.headers["Authorization"] = f"Bearer {self._key}"
        yield request


def _describe(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out ({type(exc).__name__})"
    if isinstance(exc, httpx.ConnectError):
        if "CERTIFICATE_VERIFY_FAILED" in str(exc):
            return "its TLS certificate is not trusted (a private CA goes in SSL_CERT_FILE)"
        return "could not connect"
    return f"connection failed ({type(exc).__name__})"


def _parse(response: httpx.Response, method: str, path: str) -> Any:  # noqa: ANN401
    try:
        return response.json()
    except ValueError:
        raise BadResponse(
            f"{method} {path}: the body is not JSON", status=response.status_code
        ) from None


def _error_for(response: httpx.Response, method: str, path: str) -> TixalloError:
    status = response.status_code
    where = f"{method} {path}: HTTP {status}"
    if status in (401, 403):
        return AuthFailed(f"{where}: Tixallo refused the API key", status=status)
    if status == 404:
        return NotFound(f"{where}: not found", status=status)
    if status == 429:
        return RateLimited(f"{where}: rate limited", retry_after=_retry_after(response))
    if status >= 500:
        return Unavailable(f"{where}: Tixallo server error", status=status)
    detail = _error_detail(response)
    if status in (400, 422):
        fields = detail.get("fields")
        return Invalid(
            f"{where}: {_text(detail.get('message')) or 'invalid input'}",
            detail=_text(detail.get("message")),
            fields={str(k): _text(v) for k, v in fields.items()}
            if isinstance(fields, dict)
            else {},
            status=status,
            type=_text(detail.get("type")),
        )
    return TixalloError(f"{where}: unexpected answer", status=status)


def _error_detail(response: httpx.Response) -> dict[str, Any]:
    """ASSUMPTION (part B): {"error": {"type", "message", "fields"}}; anything else is empty."""
    try:
        body = response.json()
    except ValueError:
        return {}
    detail = body.get("error") if isinstance(body, dict) else None
    return detail if isinstance(detail, dict) else {}


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return max(0.0, float(response.headers.get("Retry-After", "")))
    except ValueError:
        return None


def _unwrap(body: Any) -> Any:  # noqa: ANN401
    """ASSUMPTION (part B): success bodies are {"data": ...}; a bare object is accepted too."""
    if isinstance(body, dict) and "data" in body:
        return body["data"]
    return body


def _tickets(items: list[Any]) -> Iterable[Ticket]:
    for item in items:
        try:
            yield Ticket.from_api(item)
        except BadResponse:
            log.warning("Skipped a ticket without an id in a Tixallo list")


def _segment(value: str) -> str:
    """A path segment; an id is opaque but must not smuggle in a path or odd bytes."""
    if not value or len(value) > 200 or value in (".", "..") or not value.isprintable():
        raise NotFound("No such ticket")
    return quote(value, safe="")


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
