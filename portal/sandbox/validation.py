"""Input checks for the API, with field messages shaped like the real API's error `fields`."""

from __future__ import annotations

import re
from typing import Any

from .tickets import PRIORITIES, STATUSES, decode_cursor

REQUIRED = "This field is required."
# Deliberately simple, like most APIs: something@something.tld, no spaces.
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
Problems = dict[str, str]


def _text(
    data: dict[str, Any], name: str, max_length: int, problems: Problems, required: bool = True
) -> str:
    value = data.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems[name] = REQUIRED
        return ""
    if not isinstance(value, str):
        problems[name] = "Must be a string."
        return ""
    if len(value) > max_length:
        problems[name] = f"Ensure this field has no more than {max_length} characters."
    return value


def _email(data: dict[str, Any], problems: Problems) -> str:
    email = _text(data, "customer_email", 254, problems).strip()
    if email and "customer_email" not in problems and not EMAIL.fullmatch(email):
        problems["customer_email"] = "Enter a valid email address."
    return email


def new_ticket(data: dict[str, Any]) -> tuple[dict[str, Any], Problems]:
    """Fields of `POST /tickets`; unknown fields are ignored, as most APIs do."""
    problems: Problems = {}
    clean = {
        "subject": _text(data, "subject", 200, problems).strip(),
        "description": _text(data, "description", 20_000, problems),
        "customer_email": _email(data, problems),
        "customer_name": _text(data, "customer_name", 100, problems, required=False).strip(),
        "priority": data.get("priority") or "medium",
    }
    if clean["priority"] not in PRIORITIES:
        problems["priority"] = f"Must be one of: {', '.join(PRIORITIES)}."
    return clean, problems


def new_message(data: dict[str, Any]) -> tuple[dict[str, Any], Problems]:
    """Fields of `POST /tickets/{id}/messages`."""
    problems: Problems = {}
    clean = {
        "body": _text(data, "body", 20_000, problems),
        "customer_email": _email(data, problems),
    }
    return clean, problems


def ticket_update(data: dict[str, Any]) -> tuple[dict[str, Any], Problems]:
    """Fields of `PATCH /tickets/{id}`: a subset of status and priority."""
    problems: Problems = {}
    clean = {name: data[name] for name in ("status", "priority") if data.get(name) is not None}
    if not clean:
        problems["status"] = "Give a status or a priority to change."
    if "status" in clean and clean["status"] not in STATUSES:
        problems["status"] = f"Must be one of: {', '.join(STATUSES)}."
    if "priority" in clean and clean["priority"] not in PRIORITIES:
        problems["priority"] = f"Must be one of: {', '.join(PRIORITIES)}."
    return clean, problems


def list_query(query: dict[str, list[str]]) -> tuple[dict[str, Any], Problems]:
    """Parameters of `GET /tickets`.

    Extension beyond the contract: `status` also takes a comma-separated list such as
    `solved,closed`, so the portal can show "closed" tickets in one request.
    """
    problems: Problems = {}
    params: dict[str, Any] = {"limit": 25, "after": None, "customer_email": None, "statuses": ()}
    raw_limit = _first(query, "limit")
    if raw_limit is not None:
        if raw_limit.isdigit() and 1 <= int(raw_limit) <= 100:
            params["limit"] = int(raw_limit)
        else:
            problems["limit"] = "Must be a whole number from 1 to 100."
    cursor = _first(query, "cursor")
    if cursor:
        try:
            params["after"] = decode_cursor(cursor)
        except ValueError:
            problems["cursor"] = "Invalid cursor."
    params["customer_email"] = (_first(query, "customer_email") or "").strip() or None
    statuses = tuple(s.strip() for s in (_first(query, "status") or "").split(",") if s.strip())
    unknown = [status for status in statuses if status not in STATUSES]
    if unknown:
        problems["status"] = f"Unknown status {unknown[0]!r}; use {', '.join(STATUSES)}."
    params["statuses"] = statuses
    return params, problems


def _first(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None
