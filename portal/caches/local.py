"""The per-process cache (the default one without REDIS_URL; `local` and the {% cache %}
fragments always), in a module of its own: `portal.caches.redis` imports redis-py, which
costs each worker about 17 MB."""

from django.core.cache.backends.locmem import LocMemCache


class LocalCache(LocMemCache):
    """Django's per-process cache (without REDIS_URL; `local` and {% cache %} fragments
    always). Django's key check is kept: skipping it saved 2 µs a read, at most 2% of a
    page (1441 → 1414 µs on My requests; `bench/speed_tricks.py --trick "key check"`)."""
