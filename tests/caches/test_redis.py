"""portal.caches.redis: Django's Redis cache answering "missing" while Redis is down,
logging that once a minute, and Django's own once Redis is back. tests/test_faults.py
shows the pages riding through the same outage."""

import logging
import os
import secrets
import socket

import pytest

from portal.caches import redis as tolerant
from tests.faultproxy import FaultProxy

# An index no other test empties; every key under this run's own prefix.
INDEX = 11


def _cache(port: int) -> tolerant.TolerantRedisCache:
    return tolerant.TolerantRedisCache(
        f"redis://127.0.0.1:{port}/{INDEX}",
        {
            "KEY_PREFIX": "tests-" + secrets.token_hex(4),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    )


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def down(monkeypatch):
    monkeypatch.setattr(tolerant, "_last_logged", 0.0)
    return _cache(_closed_port())


def test_while_redis_is_down_every_read_misses(down):
    assert down.get("copy") is None
    assert down.get("copy", "fallback") == "fallback"
    assert down.get_many(["copy", "list"]) == {}
    assert down.has_key("copy") is False
    assert down.get_or_set("copy", "drawn") == "drawn"  # get and add: computed, not kept


def test_while_redis_is_down_writes_are_dropped_quietly(down):
    assert down.set("copy", 1) is None
    assert down.set_many({"copy": 1}) == []
    assert down.add("copy", 1) is True  # as if added: a window's first hit
    assert down.delete("copy") is False
    assert down.delete_many(["copy"]) is None
    assert down.touch("copy") is False
    assert down.clear() is False
    with pytest.raises(ValueError, match="unavailable"):  # as for a missing key
        down.incr("hits")


def test_an_outage_is_logged_once_a_minute_not_once_a_call(down, caplog):
    with caplog.at_level(logging.WARNING, logger="portal.cache"):
        for _ in range(5):
            down.get("copy")
    assert [record.getMessage() for record in caplog.records] == [
        "Redis is unavailable, serving without the cache: ConnectionError"
    ]


def test_it_uses_redis_again_by_itself_once_it_is_back():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        if os.environ.get("CI"):
            pytest.fail("Redis unreachable on 127.0.0.1:6379")
        pytest.skip("needs Redis on 127.0.0.1:6379")
    proxy = FaultProxy(6379)
    cache = _cache(proxy.port)
    try:
        cache.set("copy", "up", 30)
        assert cache.get("copy") == "up"
        proxy.cut()
        assert cache.get("copy") is None
        proxy.restore()
        assert cache.get("copy") == "up"
    finally:
        cache.delete("copy")
        proxy.close()
