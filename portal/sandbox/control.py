"""`/_sandbox/*`: knobs for tests and developers. Sandbox only, so no authentication.

GET  /_sandbox/faults          current fault configuration
PUT  /_sandbox/faults          replace it (missing keys take defaults; `{}` turns faults off)
GET  /_sandbox/stats           API requests per route, their total, tickets created
POST /_sandbox/stats/reset     zero the counters
GET  /_sandbox/webhook         the webhook URL (the secret is never shown)
PUT  /_sandbox/webhook         {"url": "...", "secret": "..."}; an empty url stops delivery
"""

from __future__ import annotations

import json
from typing import Any

from .faults import FaultConfigError, Faults
from .store import Store
from .wsgi import Request, Response, error_response, json_response


def handle(store: Store, request: Request) -> Response:
    route = (request.method, request.path.rstrip("/"))
    if route == ("GET", "/_sandbox/faults"):
        return json_response(200, store.get_faults().to_dict())
    if route == ("PUT", "/_sandbox/faults"):
        return _put_faults(store, request)
    if route == ("GET", "/_sandbox/stats"):
        return json_response(200, store.stats())
    if route == ("POST", "/_sandbox/stats/reset"):
        store.reset_stats()
        return json_response(200, store.stats())
    if route == ("GET", "/_sandbox/webhook"):
        return json_response(200, _webhook_view(store))
    if route == ("PUT", "/_sandbox/webhook"):
        return _put_webhook(store, request)
    known = {"/_sandbox/faults", "/_sandbox/stats", "/_sandbox/stats/reset", "/_sandbox/webhook"}
    if route[1] in known:
        return error_response(405, "method_not_allowed", "Method not allowed.")
    return error_response(404, "not_found", "No such sandbox endpoint.")


def _json_object(request: Request) -> dict[str, Any] | None:
    try:
        data = json.loads(request.body or b"{}")
    except (UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _put_faults(store: Store, request: Request) -> Response:
    data = _json_object(request)
    if data is None:
        return error_response(400, "invalid_request", "The body must be a JSON object.")
    try:
        faults = Faults.from_dict(data)
    except FaultConfigError as exc:
        return error_response(400, "invalid_request", "Invalid fault settings.", exc.fields)
    return json_response(200, store.set_faults(faults).to_dict())


def _webhook_view(store: Store) -> dict[str, Any]:
    url, secret = store.webhook()
    return {"url": url or None, "secret_set": bool(secret)}


def _put_webhook(store: Store, request: Request) -> Response:
    data = _json_object(request)
    if data is None:
        return error_response(400, "invalid_request", "The body must be a JSON object.")
    url, secret = data.get("url") or "", data.get("secret") or ""
    if not isinstance(url, str) or not isinstance(secret, str):
        return error_response(400, "invalid_request", "url and secret must be strings.")
    if url and not (url.startswith(("http://", "https://")) and secret):
        problems = {"url": "Give an http(s) URL together with a secret."}
        return error_response(400, "invalid_request", "Invalid webhook settings.", problems)
    store.set_webhook(url, secret)
    return json_response(200, _webhook_view(store))
