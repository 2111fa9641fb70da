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

from django.core.cache.backends.redis import RedisCache
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


class TolerantRedisCache(RedisCache):
    def _try[T](self, call: Callable[[], T], fallback: Callable[[], T]) -> T:
        try:
            return call()
        except OUTAGE as error:
            _unavailable(error)
            return fallback()

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:  # noqa: ANN401
        return self._try(lambda: super(TolerantRedisCache, self).get(key, default, version),
                         lambda: default)  # fmt: skip

    def get_many(self, keys: Any, version: int | None = None) -> dict:  # noqa: ANN401
        return self._try(lambda: super(TolerantRedisCache, self).get_many(keys, version), dict)

    def get_or_set(self, key: Any, default: Any, timeout: Any = None, version: Any = None) -> Any:  # noqa: ANN401
        def computed() -> Any:  # noqa: ANN401
            return default() if callable(default) else default

        return self._try(
            lambda: super(TolerantRedisCache, self).get_or_set(key, default, timeout, version),
            computed,
        )

    def set(self, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401
        self._try(lambda: super(TolerantRedisCache, self).set(*args, **kwargs), lambda: None)

    def set_many(self, *args: Any, **kwargs: Any) -> list:  # noqa: ANN401
        return self._try(lambda: super(TolerantRedisCache, self).set_many(*args, **kwargs), list)

    def add(self, *args: Any, **kwargs: Any) -> bool:  # noqa: ANN401
        # As if added: a rate limit then counts this hit as the window's first.
        return self._try(lambda: super(TolerantRedisCache, self).add(*args, **kwargs), lambda: True)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:  # noqa: ANN401
        try:
            return super().incr(key, delta, version)
        except OUTAGE as error:
            _unavailable(error)
            raise ValueError("the cache is unavailable") from None  # callers treat as missing

    def delete(self, *args: Any, **kwargs: Any) -> bool:  # noqa: ANN401
        return self._try(lambda: super(TolerantRedisCache, self).delete(*args, **kwargs),
                         lambda: False)  # fmt: skip

    def delete_many(self, *args: Any, **kwargs: Any) -> None:  # noqa: ANN401
        self._try(
            lambda: super(TolerantRedisCache, self).delete_many(*args, **kwargs), lambda: None
        )

    def has_key(self, *args: Any, **kwargs: Any) -> bool:  # noqa: ANN401
        return self._try(lambda: super(TolerantRedisCache, self).has_key(*args, **kwargs),
                         lambda: False)  # fmt: skip

    def touch(self, *args: Any, **kwargs: Any) -> bool:  # noqa: ANN401
        return self._try(lambda: super(TolerantRedisCache, self).touch(*args, **kwargs),
                         lambda: False)  # fmt: skip
