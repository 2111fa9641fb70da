"""What the portal counts for Prometheus, as one-line calls from where things happen.

Counters and histograms live in prometheus-client's registry; with
`PROMETHEUS_MULTIPROC_DIR` set (the container and gunicorn.conf.py do), every
process — each gunicorn worker and the outbox worker on the same host — writes its
own file there and `/metrics` adds them up. What is a state rather than an event
(outbox depth, breaker, budget, worker last run) is read when scraped
(`portal.ops.collect`), so it is right whichever process answers.

This package imports nothing of the portal but the shared store (where Tixallo's last
answers are kept, so every process's health page tells the same), so any part of it may
count here without an import cycle; the Tixallo client, which imports nothing of ours,
is told to report to `tixallo_answered` at start (`OpsConfig.ready`). A metric must never
break what it measures: trouble while recording is logged and ignored.
"""

import logging
import time
from pathlib import Path

import httpx
from django.conf import settings
from prometheus_client import Counter, Histogram

from portal.shared import store
from portal.telemetry import requestlog

log = logging.getLogger(__name__)

if settings.PROMETHEUS_MULTIPROC_DIR:  # each process writes its files there from the start
    Path(settings.PROMETHEUS_MULTIPROC_DIR).mkdir(parents=True, exist_ok=True)

TIXALLO_REQUESTS = Counter(
    "portal_tixallo_requests",
    "Requests sent to Tixallo, by endpoint and outcome (ok, 4xx, 429, 5xx, timeout, error).",
    ["endpoint", "outcome"],
)
TIXALLO_SECONDS = Histogram(
    "portal_tixallo_request_duration_seconds",
    "Time Tixallo took to answer one request (one attempt; retries count again).",
    ["endpoint"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
CACHE_READS = Counter(
    "portal_cache_reads",
    "Ticket and list reads: hit (cached copy), miss (asked Tixallo), stale (last copy "
    "served because Tixallo was unavailable).",
    ["result"],
)
WEBHOOK_EVENTS = Counter(
    "portal_webhook_events",
    "Webhook deliveries by event type and outcome (applied, duplicate, stale, internal, "
    "refused, unconfigured).",
    ["type", "outcome"],
)
WEBHOOK_LAG = Histogram(
    "portal_webhook_lag_seconds",
    "From an event's created_at to its receipt.",
    buckets=(0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600),
)
EMAILS = Counter("portal_emails", "Emails to customers, by kind and outcome.", ["kind", "outcome"])
REFUSED = Counter(
    "portal_refused",
    "Customer actions refused by a rate limit or a spam check, by action and reason "
    "(rate_limit, too_fast, honeypot).",
    ["action", "reason"],
)
RATINGS = Counter(
    "portal_ratings", "Satisfaction ratings given (or changed), by rating.", ["rating"]
)

LAST_OK = "ops:tixallo:last-ok"
LAST_ERROR = "ops:tixallo:last-error"
REMEMBER = 7 * 24 * 3600


def tixallo_answered(
    request: httpx.Request, started: float, status: int = 0, failure: str = ""
) -> None:
    """One attempt at a Tixallo request ended: with an HTTP `status`, or a transport
    `failure` (the client's description: "timed out (…)", "could not connect", …)."""
    where = endpoint(request.method, request.url.path)
    outcome = outcome_of(status) if status else "timeout" if "timed out" in failure else "error"
    error = f"{where}: {failure or f'HTTP {status}'}"
    TIXALLO_REQUESTS.labels(where, outcome).inc()
    TIXALLO_SECONDS.labels(where).observe(time.monotonic() - started)
    requestlog.upstream_called()
    try:  # for the health page, in the shared store: the same in every process
        if outcome == "ok":
            store.set(LAST_OK, time.time(), REMEMBER)
        elif outcome != "4xx":  # a 404 or 422 is an answer, not trouble with Tixallo
            store.set(LAST_ERROR, {"at": time.time(), "error": error[:300]}, REMEMBER)
    except Exception:  # noqa: BLE001 - the store being down is the health page's to show
        log.debug("Could not record Tixallo's last answer", exc_info=True)


def outcome_of(status: int) -> str:
    if status == 429:
        return "429"
    if status >= 500:
        return "5xx"
    if status >= 400:
        return "4xx"
    return "ok"


def endpoint(method: str, path: str) -> str:
    """A bounded label: `GET /tickets/{id}` rather than one series per ticket."""
    at = path.find("/tickets")
    if at < 0:
        return f"{method} other"
    parts = path[at:].split("/")  # ["", "tickets", id, "messages"]
    if len(parts) > 2:
        parts[2] = "{id}"
    return f"{method} {'/'.join(parts[:4])}"


def tixallo_last() -> tuple[float | None, dict | None]:
    """When Tixallo last answered well, and the last trouble with it (at, error)."""
    found = store.get_many([LAST_OK, LAST_ERROR])
    return found.get(LAST_OK), found.get(LAST_ERROR)


def cache_read(result: str) -> None:
    CACHE_READS.labels(result).inc()


def webhook(event_type: str, outcome: str, lag: float | None = None) -> None:
    WEBHOOK_EVENTS.labels(event_type, outcome).inc()
    if lag is not None:
        WEBHOOK_LAG.observe(max(0.0, lag))


def email(template: str, sent: bool) -> None:
    EMAILS.labels(template.rsplit("/", 1)[-1], "sent" if sent else "failed").inc()


def refused(action: str, reason: str) -> None:
    REFUSED.labels(action, reason).inc()


def rating(score: str) -> None:
    RATINGS.labels(score).inc()
