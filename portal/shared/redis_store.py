"""The shared store in Redis (with REDIS_URL): plain keys under `PREFIX`, counters and
versions as Redis integers (Lua scripts make their expiry and floor atomic), values
pickled. Imported only with REDIS_URL: redis-py costs each process about 17 MB."""

from typing import Any

import redis

from portal.caches import redis as tolerant
from portal.shared.table import value_of

PREFIX = "portal:shared:"


class Redis:
    """The store in Redis. While Redis is down it answers as if every key were absent
    (limits count from zero, locks are granted) and logs that once a minute, as the
    cache does (portal/caches/redis.py)."""

    # Atomic in Redis: a counter's expiry is set by its first hit only.
    INCR = (
        "local n = redis.call('INCRBY', KEYS[1], ARGV[1]) "
        "if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end "
        "return n"
    )
    BUMP = (
        "local n = redis.call('INCR', KEYS[1]) "
        "if n < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) n = ARGV[1] end "
        "if tonumber(ARGV[2]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) "
        "else redis.call('PERSIST', KEYS[1]) end "
        "return n"
    )

    def __init__(self, url: str) -> None:
        self.url = url
        self.client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        self.incr_script = self.client.register_script(self.INCR)
        self.bump_script = self.client.register_script(self.BUMP)

    def get_many(self, keys: list[str]) -> dict[str, Any]:
        values = self._try(lambda: self.client.mget([PREFIX + k for k in keys]), None)
        found = {}
        for key, raw in zip(keys, values or [], strict=False):
            if raw is not None:  # counters are plain integers, values pickles (b"\x80...")
                found[key] = int(raw) if raw[:1].isdigit() or raw[:1] == b"-" else value_of(0, raw)
        return found

    def set(self, key: str, blob: bytes, seconds: float | None) -> None:
        self._try(lambda: self.client.set(PREFIX + key, blob, px=_millis(seconds)), None)

    def add(self, key: str, blob: bytes, seconds: float) -> bool:
        added = self._try(
            lambda: self.client.set(PREFIX + key, blob, px=_millis(seconds), nx=True), True
        )
        return bool(added)

    def incr(self, key: str, by: int, seconds: float) -> int:
        keys = [PREFIX + key]
        return int(self._try(lambda: self.incr_script(keys, [by, _millis(seconds)]), by))

    def bump(self, key: str, floor: int, seconds: float | None) -> int:
        args = [floor, _millis(seconds) or 0]
        return int(self._try(lambda: self.bump_script([PREFIX + key], args), floor))

    def delete(self, keys: list[str]) -> None:
        self._try(lambda: self.client.delete(*[PREFIX + k for k in keys]), None)

    def cleanup(self) -> int:
        return 0

    def _try(self, call: Any, fallback: Any) -> Any:
        try:
            return call()
        except tolerant.OUTAGE as error:
            tolerant._unavailable(error)
            return fallback


def _millis(seconds: float | None) -> int | None:
    return None if seconds is None else max(1, int(seconds * 1000))
