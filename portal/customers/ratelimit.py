"""Fixed-window rate limits in Django's cache (shared when the cache is Redis).

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
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest

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
    cache.add(key, 0, window + 1)
    try:
        hits = cache.incr(key)
    except ValueError:  # evicted between add and incr: count this one as the first
        cache.set(key, 1, window + 1)
        hits = 1
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


def _counted(scope: str, wait: int) -> int:
    if wait:
        metrics.refused(scope, "rate_limit")
    return wait


def spam_verdict(scope: str, form: forms.Form) -> str:
    """ "too_fast" or "honeypot" when the form's spam checks (HumanForm) caught it, else "";
    counted for /metrics either way it is caught."""
    for field, code in (("started", "too_fast"), (NON_FIELD_ERRORS, "honeypot")):
        if form.has_error(field, code):
            metrics.refused(scope, code)
            return code
    return ""
