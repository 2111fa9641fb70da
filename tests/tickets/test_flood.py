"""Nothing a visitor types becomes a cache entry (issue 15): a flood of prefilled forms
(`/?subject=<new value>`) neither grows the cache nor evicts the rate limits, which live
in the shared store."""

import pytest
from django.core import mail
from django.core.cache import cache, caches

pytestmark = pytest.mark.django_db


def cache_size() -> int:
    inner = cache._cache
    return len(inner) if isinstance(inner, dict) else inner.get_client().dbsize()


def test_prefilled_forms_still_work_without_an_entry_per_value(client):
    first = client.get("/?subject=first&priority=high")
    assert 'value="first"' in first.content.decode()
    size = cache_size()
    for n in range(30):
        page = client.get(f"/?subject=flood-{n}&priority=urgent").content.decode()
        assert f'value="flood-{n}"' in page
        assert '<option value="urgent" selected>' in page
    assert cache_size() <= size


def test_an_empty_form_is_still_drawn_from_the_cache(client):
    client.get("/")
    size = cache_size()
    client.get("/?priority=high")  # a bounded value: one entry at most, then reused
    client.get("/?priority=high")
    client.get("/")
    assert cache_size() <= size + 1


def test_a_flood_leaves_the_sign_in_limit_in_force(client, sandbox, monkeypatch):
    """A small per-process cache, flooded: the victim still gets at most the limit of
    sign-in emails (3 per 15 minutes) from posts from many addresses."""
    if isinstance(cache._cache, dict):  # the per-process cache evicts once full
        for alias in ("default", "template_fragments"):
            monkeypatch.setattr(caches[alias], "_max_entries", 20)

    def ask(n: int) -> None:
        client.post("/signin/", {"email": "victim@example.com"}, REMOTE_ADDR=f"192.0.2.{n}")

    for n in range(3):
        ask(n)
    for n in range(60):
        client.get(f"/?subject=flood-{n}", REMOTE_ADDR="198.51.100.7")
        cache.set(f"unrelated-{n}", n)  # anything else the cache keeps meanwhile
    for n in range(3, 9):
        ask(n)
    assert len(mail.outbox) == 3
