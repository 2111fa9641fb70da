"""Fault injection: the sandbox misbehaves on purpose so the portal's error handling can be tested.

Faults apply only to `/api/v1/*` requests. The configuration lives in the store, so a sandbox
running in another process can be changed over HTTP (`PUT /_sandbox/faults`) and in-process code
alike. Order per request: a queued name from `next` wins, then `force_status`, then the rates.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

# Fault names usable in `next` besides an HTTP status code such as "500", "429" or "401".
WORD_FAULTS = ("timeout", "drop", "malformed")
RATE_FIELDS = ("timeout_rate", "error_rate", "malformed_rate", "drop_rate")


class Hang(Exception):
    """The request times out: in-process a ReadTimeout at once; over HTTP the handler waits
    `seconds` (or until the server stops) and then closes without a response."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"simulated timeout ({seconds} s)")
        self.seconds = seconds


class Dropped(Exception):
    """The write was committed, but the caller gets no response at all."""


class FaultConfigError(ValueError):
    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.fields = problems


def is_fault_name(name: str) -> bool:
    return name in WORD_FAULTS or (name.isdigit() and 400 <= int(name) <= 599)


@dataclass
class Faults:
    latency_ms: int = 0
    error_rate: float = 0.0
    timeout_rate: float = 0.0
    malformed_rate: float = 0.0
    drop_rate: float = 0.0
    force_status: int | None = None
    retry_after: int = 1
    hang_seconds: float = 5.0
    seed: int | None = None
    next: list[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Faults:
        """Validate a (possibly partial) mapping; missing keys take their defaults."""
        known = {f.name for f in fields(cls)}
        problems = {key: "Unknown fault setting." for key in data if key not in known}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key in known:
                try:
                    values[key] = _clean(key, value)
                except (TypeError, ValueError) as exc:
                    problems[key] = str(exc)
        faults = cls(**values)
        if not problems and sum(getattr(faults, name) for name in RATE_FIELDS) > 1:
            problems["error_rate"] = "The rates must add up to at most 1."
        if problems:
            raise FaultConfigError(problems)
        return faults

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _number(value: Any, kind: type, low: float, high: float) -> Any:
    # bool is an int subclass; `true` is never a sensible latency or rate.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("Must be a number.")
    if kind is int and value != int(value):
        raise ValueError("Must be a whole number.")
    if not low <= value <= high:
        raise ValueError(f"Must be between {low:g} and {high:g}.")
    return kind(value)


def _clean(key: str, value: Any) -> Any:
    if key in RATE_FIELDS:
        return _number(value, float, 0, 1)
    if key == "latency_ms":
        return _number(value, int, 0, 60_000)
    if key == "retry_after":
        return _number(value, int, 0, 3600)
    if key == "hang_seconds":
        return _number(value, float, 0, 300)
    if key in ("force_status", "seed") and value is None:
        return None
    if key == "force_status":
        return _number(value, int, 400, 599)
    if key == "seed":
        return _number(value, int, 0, 2**63)
    if not isinstance(value, list):
        raise TypeError('Must be a list such as ["500", "timeout"].')
    names = [str(item) for item in value]
    bad = [name for name in names if not is_fault_name(name)]
    if bad:
        raise ValueError(f"Unknown fault {bad[0]!r}: use a status 400-599 or one of {WORD_FAULTS}.")
    return names


class FaultPicker:
    """Chooses the fault for one API request once the store has handed out any queued one.

    The random generator is re-seeded whenever the configuration is replaced, so a given `seed`
    gives the same sequence of draws after every `PUT /_sandbox/faults`.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rng = random.Random()
        self._revision: int | None = None

    def pick(self, faults: Faults, queued: str | None, revision: int) -> str | None:
        if queued:
            return queued
        if faults.force_status is not None:
            return str(faults.force_status)
        with self._lock:
            if revision != self._revision:
                self._rng = random.Random(faults.seed)
                self._revision = revision
            draw = self._rng.random()
        edge = 0.0
        for name, rate in (
            ("timeout", faults.timeout_rate),
            ("500", faults.error_rate),
            ("malformed", faults.malformed_rate),
            ("drop", faults.drop_rate),
        ):
            edge += rate
            if draw < edge:
                return name
        return None
