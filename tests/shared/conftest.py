import os

import pytest

from portal.shared import store

REDIS_URL = os.environ.get("STORE_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


@pytest.fixture(params=["table", "redis"])
def backend(request, settings, db):
    """The store on the test database's table, then on Redis (an index these tests empty;
    skipped without Redis on loopback, failed in CI)."""
    if request.param == "redis":
        redis = pytest.importorskip("redis")
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        try:
            client.flushdb()
        except redis.RedisError as error:
            if os.environ.get("CI"):
                pytest.fail(f"Redis unreachable at {REDIS_URL}: {error}")
            pytest.skip(f"Redis unreachable at {REDIS_URL}")
        settings.REDIS_URL = REDIS_URL
        yield client
        client.flushdb()
        client.close()
    else:
        settings.REDIS_URL = ""
        yield None
    store.forget_memo()
