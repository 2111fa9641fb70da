"""The per-process cache (the default one without REDIS_URL; the {% cache %} fragments'
always), in a module of its own: `portal.caches.redis` imports redis-py, which costs each
worker about 17 MB."""

from django.core.cache.backends.locmem import LocMemCache


class OwnKeys:
    """Without Django's memcached key check, which walks every character of every key on
    each read (a page reads several) to warn of keys memcached would refuse: the portal
    uses Redis or per-process memory, which take any key."""

    def validate_key(self, key: str) -> None:
        pass


class LocalCache(OwnKeys, LocMemCache):
    """Django's per-process cache (settings.CACHES: "default" without REDIS_URL, and
    "template_fragments")."""
