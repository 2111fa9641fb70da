"""Fixed-window rate limits in Django's cache (shared when the cache is Redis)."""

import hashlib
import time

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from portal.ops import metrics


def client_address(request: HttpRequest) -> str:
    """The visitor's address; behind our own proxy, the one it saw (last hop it added)."""
    if settings.BEHIND_HTTPS_PROXY:
        forwarded = request.headers.get("X-Forwarded-For", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR", "")


def allow(scope: str, subject: str, rule: tuple[int, int]) -> bool:
    """Count one hit of `subject` in `scope`; False once `rule` = (hits, seconds) is exceeded."""
    limit, window = rule
    bucket = int(time.time() // window)
    # Normalised as the forms clean it: " A@x.com" and "a@x.com" share one budget.
    digest = hashlib.sha256(subject.strip().lower().encode()).hexdigest()[:24]
    key = f"rl:{scope}:{digest}:{bucket}"
    cache.add(key, 0, window + 1)
    try:
        hits = cache.incr(key)
    except ValueError:  # evicted between add and incr: count this one as the first
        cache.set(key, 1, window + 1)
        hits = 1
    return hits <= limit


def allow_all(scope: str, request: HttpRequest, email: str = "") -> bool:
    """Both limits for a form: per client address, and per email when there is one."""
    rules = settings.RATE_LIMITS[scope]
    by_address = allow(f"{scope}:addr", client_address(request), rules["address"])
    by_email = not email or allow(f"{scope}:email", email, rules["email"])
    if not (by_address and by_email):
        metrics.refused(scope, "rate_limit")
    return by_address and by_email


def spam_verdict(scope: str, form: forms.Form) -> str:
    """ "too_fast" or "honeypot" when the form's spam checks (HumanForm) caught it, else "";
    counted for /metrics either way it is caught."""
    for field, code in (("started", "too_fast"), ("website", "honeypot")):
        if form.has_error(field, code):
            metrics.refused(scope, code)
            return code
    return ""
