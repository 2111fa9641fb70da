"""Rate limits (`portal.customers.ratelimit`): fixed windows per scope and subject, emails
counted without case or spaces, the client address taken from our own proxies only."""

import pytest
from django.test import RequestFactory

from portal.customers import ratelimit

pytestmark = pytest.mark.django_db  # the counters are in the shared store's table


def test_the_email_budget_ignores_case_and_spaces():
    assert ratelimit.hit("s", " A@X.com", (1, 60)) == 0
    assert ratelimit.hit("s", "a@x.com", (1, 60)) > 0


def test_scopes_and_subjects_have_separate_budgets():
    assert ratelimit.hit("one", "x", (1, 60)) == 0
    assert ratelimit.hit("two", "x", (1, 60)) == 0
    assert ratelimit.hit("one", "y", (1, 60)) == 0
    assert ratelimit.hit("one", "x", (1, 60)) > 0


def test_the_limit_allows_exactly_its_hits_then_the_rest_of_the_window(monkeypatch):
    monkeypatch.setattr(ratelimit.time, "time", lambda: 600 * 5000 + 45.5)
    assert [ratelimit.hit("w", "x", (3, 600)) for _ in range(4)] == [0, 0, 0, 555]
    monkeypatch.setattr(ratelimit.time, "time", lambda: 600 * 5001 + 1.0)  # the next window
    assert ratelimit.hit("w", "x", (3, 600)) == 0


def test_the_counters_live_in_the_shared_store_not_the_cache(settings):
    """The per-process cache can be emptied or flooded: the limits stay (issue 15)."""
    from django.core.cache import cache

    if settings.REDIS_URL:
        pytest.skip("one Redis holds both the cache and the store: clear() empties both")
    assert ratelimit.hit("e", "x", (1, 60)) == 0
    cache.clear()
    assert ratelimit.hit("e", "x", (1, 60)) > 0


def test_the_scope_limits_come_from_the_settings(settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"reply": {"address": (1, 60), "email": (2, 60)}}
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1")
    assert ratelimit.address_wait("reply", request) == 0
    assert ratelimit.address_wait("reply", request) > 0
    assert [ratelimit.email_wait("reply", "a@x.com") > 0 for _ in range(3)] == [False] * 2 + [True]


def _address(settings, forwarded: str | None, hops: int = 1, behind: bool = True) -> str:
    settings.BEHIND_HTTPS_PROXY, settings.PROXY_HOPS = behind, hops
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", headers=headers)
    return ratelimit.client_address(request)


def test_the_client_address_comes_from_our_own_proxies_hops(settings):
    assert _address(settings, "1.1.1.1", behind=False) == "10.0.0.2"  # a direct client's claim
    assert _address(settings, "6.6.6.6, 203.0.113.5") == "203.0.113.5"  # forged first hop
    assert _address(settings, "6.6.6.6, 203.0.113.5, 10.0.0.9", hops=2) == "203.0.113.5"
    assert _address(settings, "203.0.113.5", hops=2) == "10.0.0.2"  # fewer hops than proxies
    assert _address(settings, None) == "10.0.0.2"


def test_an_ipv6_address_counts_by_its_64(settings):
    settings.RATE_LIMITS = {"s": {"address": (2, 60), "email": (9, 60)}}
    factory = RequestFactory()
    one_network = ["2001:db8:1:2::1", "2001:db8:1:2:aaaa::7", "2001:db8:1:2:ffff:ffff:ffff:ffff"]
    waits = [ratelimit.address_wait("s", factory.get("/", REMOTE_ADDR=a)) for a in one_network]
    assert waits[:2] == [0, 0] and waits[2] > 0
    assert ratelimit.address_wait("s", factory.get("/", REMOTE_ADDR="2001:db8:1:3::1")) == 0


def test_address_keys():
    def key(address: str) -> str:
        return ratelimit.address_key(RequestFactory().get("/", REMOTE_ADDR=address))

    assert key("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::"
    assert key("::ffff:203.0.113.9") == "203.0.113.9"  # an IPv4 client on a dual stack
    assert key("203.0.113.9") == "203.0.113.9"
    assert key("not an address") == "not an address"
