"""Redis as a cache the portal can live without for a while.

Everything the portal keeps in the cache can be lost: cached tickets are read again,
rate limits and the circuit breaker start afresh, the list versions come from the
clock. So while Redis is down (restarted, failed over, unreachable), a cache call
answers as if the key were missing instead of raising, the pages keep answering,
and redis-py reconnects by itself once Redis is back. Each outage is logged once a
minute, not once per call."""

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger("portal.cache")
OUTAGE = (RedisConnectionError, RedisTimeoutError, OSError)
_last_logged = 0.0


def _unavailable(error: Exception) -> None:
    global _last_logged
    now = time.monotonic()
    if now - _last_logged > 60:
        _last_logged = now
        log.warning("Redis is unavailable, serving without the cache: %s", type(error).__name__)


def _tolerant(name: str, fallback: Callable[..., Any]) -> Callable[..., Any]:
    """RedisCache's method `name`, answering `fallback(*args)` while Redis is down."""
    parent = getattr(RedisCache, name)

    def method(self: RedisCache, *args: Any, **kwargs: Any) -> Any:
        try:
            return parent(self, *args, **kwargs)
        except OUTAGE as error:
            _unavailable(error)
            return fallback(*args, **kwargs)

    return method


def _missing(*args: Any, **kwargs: Any) -> Any:
    raise ValueError("the cache is unavailable")  # incr: callers treat it as a missing key


class OneClientPerPool(RedisCacheClient):
    """A speed trick. Django makes a new `redis.Redis` for every cache call: about 55 µs
    in redis-py 6 (measured with timeit on the 2-core box), as much as the GET it sends;
    a signed-in page makes one to three (its session, learnt facts). The client is a thin,
    thread-safe front of its connection pool, so one per pool serves all."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key: str | None = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)
        if (client := self._clients.get(index)) is None:
            pool = self._get_connection_pool(write)
            client = self._clients[index] = self._client(connection_pool=pool)
        return client


class TolerantRedisCache(RedisCache):
    def __init__(self, server: str, params: dict) -> None:
        super().__init__(server, params)
        self._class = OneClientPerPool

    # get_or_set goes through get and add, so it needs nothing of its own.
    get = _tolerant("get", lambda key, default=None, version=None: default)
    get_many = _tolerant("get_many", lambda *args, **kwargs: {})
    set = _tolerant("set", lambda *args, **kwargs: None)
    set_many = _tolerant("set_many", lambda *args, **kwargs: [])
    # As if added: a rate limit then counts this hit as its window's first.
    add = _tolerant("add", lambda *args, **kwargs: True)
    incr = _tolerant("incr", _missing)
    delete = _tolerant("delete", lambda *args, **kwargs: False)
    delete_many = _tolerant("delete_many", lambda *args, **kwargs: None)
    has_key = _tolerant("has_key", lambda *args, **kwargs: False)
    touch = _tolerant("touch", lambda *args, **kwargs: False)
    clear = _tolerant("clear", lambda *args, **kwargs: False)
