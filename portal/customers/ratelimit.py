"""Fixed-window rate limits, counted in the shared store (`portal.shared.store`): every
process counts into the same window, and no cache entry can evict a counter.

A form is checked in two steps: its client address first (every post counts, bots'
included), and the email it names only once the post passed that limit and the
form's validation and is about to be acted on. Otherwise anyone could lock a
customer out by sending refused or invalid posts naming their address."""

import hashlib
import ipaddress
import math
import time

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest

from portal.shared import store
from portal.telemetry import metrics
from portal.tixallo import addresses


def client_address(request: HttpRequest) -> str:
    """The visitor's address. Behind our own proxies (BEHIND_HTTPS_PROXY), the address the
    outermost of them saw: each of our PROXY_HOPS proxies appends one hop to
    X-Forwarded-For, and whatever comes before those is the client's own claim."""
    if settings.BEHIND_HTTPS_PROXY:
        forwarded = request.headers.get("X-Forwarded-For", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= settings.PROXY_HOPS:
            return hops[-settings.PROXY_HOPS]
    return request.META.get("REMOTE_ADDR", "")


def address_key(request: HttpRequest) -> str:
    """The address a limit counts: an IPv6 address by its /64 (one customer's network
    holds 2^64 addresses of it), an IPv4 one as it is."""
    address = client_address(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6 and parsed.ipv4_mapped:
        return str(parsed.ipv4_mapped)
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return address


def hit(scope: str, subject: str, rule: tuple[int, int]) -> int:
    """Count one hit of `subject` in `scope`: 0 while within `rule` = (hits, seconds),
    else the seconds until the current window ends (a 429's Retry-After)."""
    limit, window = rule
    now = time.time()
    bucket = int(now // window)
    # Normalised as the forms clean it: " A@x.com" and "a@x.com" share one budget.
    digest = hashlib.sha256(subject.strip().lower().encode(errors="replace")).hexdigest()[:24]
    key = f"rl:{scope}:{digest}:{bucket}"
    hits = store.incr(key, window + 1)
    if hits <= limit:
        return 0
    return max(1, math.ceil((bucket + 1) * window - now))


def address_wait(scope: str, request: HttpRequest) -> int:
    """Count a post from this client address; the wait when over its limit, else 0."""
    rule = settings.RATE_LIMITS[scope]["address"]
    return _counted(scope, hit(f"{scope}:addr", address_key(request), rule))


def email_wait(scope: str, email: str) -> int:
    """Count an action for this email (only after the address limit and validation)."""
    rule = settings.RATE_LIMITS[scope]["email"]
    return _counted(scope, hit(f"{scope}:email", addresses.canonical(email), rule))


def reads_wait(request: HttpRequest, email: str) -> int:
    """Count one Tixallo read this visitor's page causes, against its address and, when
    signed in, its email (fair use); the wait when over either limit, else 0."""
    rules = settings.RATE_LIMITS["reads"]
    waits = [hit("reads:addr", address_key(request), rules["address"])]
    if email:
        waits.append(hit("reads:email", addresses.canonical(email), rules["email"]))
    return _counted("reads", max(waits))


def _counted(scope: str, wait: int) -> int:
    if wait:
        metrics.refused(scope, "rate_limit")
    return wait


def spam_verdict(scope: str, form: forms.Form) -> str:
    """ "too_fast" or "honeypot" when the form's spam checks (HumanForm) caught it, else "";
    counted for /metrics either way it is caught. Too fast counts only for a form that
    would otherwise be sent: one with field errors is answered with those."""
    for field, code in (("started", "too_fast"), (NON_FIELD_ERRORS, "honeypot")):
        if code == "too_fast" and form.errors.keys() - {"started"}:
            continue  # nothing would be sent (two quick clicks on an empty form): its errors show
        if form.has_error(field, code):
            metrics.refused(scope, code)
            return code
    return ""
