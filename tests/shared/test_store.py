"""The shared store (`portal.shared.store`) on both its backends: the database table
(SQLite, or PostgreSQL when DATABASE_URL says so) and Redis."""

import pytest

from portal.shared import store, table
from portal.shared.models import Entry


def test_values_are_kept_replaced_and_deleted(backend):
    assert store.get("v") is None
    store.set("v", (1, None, 2.5))
    store.set("w", {"a": "ü"}, 60)
    assert store.get_many(["v", "w", "x"]) == {"v": (1, None, 2.5), "w": {"a": "ü"}}
    store.set("v", "again")
    assert store.get("v") == "again"
    store.delete("v", "w")
    assert store.get_many(["v", "w"]) == {}


def test_counters_count_from_their_first_hit(backend):
    assert [store.incr("c", 60) for _ in range(3)] == [1, 2, 3]
    assert store.incr("c", 60, by=-1) == 2
    assert store.get("c") == 2


def test_a_lock_goes_to_one_caller_until_deleted(backend):
    assert store.add("lock", True, 30) is True
    assert store.add("lock", True, 30) is False
    store.delete("lock")
    assert store.add("lock", "again", 30) is True
    assert store.get("lock") == "again"


def test_versions_only_grow(backend):
    first = store.bump("m")
    assert store.bump("m") > first
    assert store.get("m") > first


def test_a_read_through_sees_its_own_writes_at_once(backend):
    store.set("m", 1)
    assert store.get("m", read_through=True) == 1
    store.set("m", 2)
    assert store.get("m", read_through=True) == 2


def test_a_read_through_asks_again_after_its_second(backend, monkeypatch):
    store.set("m", 1)
    assert store.get("m", read_through=True) == 1
    store._backend().set("m", store.pickle.dumps(2), None)  # another process's write
    # Within the second: this process's read, on the database and on Redis alike.
    assert store.get("m", read_through=True) == 1
    clock = store.time.monotonic() + 1.5
    monkeypatch.setattr(store.time, "monotonic", lambda: clock)
    assert store.get("m", read_through=True) == 2


@pytest.fixture
def later(monkeypatch):
    """Moves the store's wall clock forward by the given seconds."""
    now = store.time.time()

    def move(seconds: float) -> None:
        monkeypatch.setattr(store.time, "time", lambda: now + seconds)

    return move


def test_table_counters_and_locks_expire_and_cleanup_drops_them(settings, db, later):
    settings.REDIS_URL = ""
    assert store.incr("c", 10) == 1
    assert store.add("lock", True, 10)
    store.set("kept", "forever")
    later(11)
    assert store.get_many(["c", "lock", "kept"]) == {"kept": "forever"}
    assert store.add("lock", True, 10)  # an expired lock is free again
    assert store.incr("c", 10) == 1  # an expired counter starts a new window
    later(22)
    assert store.cleanup() == 2
    assert list(Entry.objects.values_list("key", flat=True)) == ["kept"]


def test_table_cleanup_runs_by_itself_after_writes(settings, transactional_db, later, monkeypatch):
    settings.REDIS_URL = ""
    store.incr("old", 1)
    later(5)
    monkeypatch.setattr(table, "_last_cleanup", store.time.monotonic() - table.CLEANUP_EVERY - 1)
    store.incr("new", 60)
    assert list(Entry.objects.values_list("key", flat=True)) == ["new"]


def test_table_cleanup_waits_for_the_callers_transaction(
    settings, transactional_db, later, monkeypatch
):
    from django.db import transaction

    settings.REDIS_URL = ""
    store.incr("old", 1)
    later(5)
    monkeypatch.setattr(table, "_last_cleanup", store.time.monotonic() - table.CLEANUP_EVERY - 1)
    with transaction.atomic():
        store.incr("new", 60)
    assert Entry.objects.count() == 2  # the expired one waits for a write outside
    store.incr("new", 60)
    assert list(Entry.objects.values_list("key", flat=True)) == ["new"]


def test_redis_keys_expire_with_redis(settings, backend):
    if backend is None:
        pytest.skip("Redis only")
    store.incr("c", 10)
    store.add("lock", True, 5)
    store.set("kept", 1)
    ttl = {key: backend.pttl("portal:shared:" + key) for key in ("c", "lock", "kept")}
    assert 9000 < ttl["c"] <= 10000 and 4000 < ttl["lock"] <= 5000 and ttl["kept"] == -1
    store.incr("c", 10)  # later hits keep the first hit's expiry
    assert backend.pttl("portal:shared:c") <= ttl["c"]


def test_redis_down_answers_as_if_empty(settings, db):
    settings.REDIS_URL = "redis://127.0.0.1:9/0"  # nothing listens on the discard port
    store.set("v", 1)
    assert store.get("v") is None
    assert store.add("lock", True, 5) is True
    assert store.incr("c", 60) == 1


def test_a_read_through_is_capped_by_the_setting(backend, settings):
    settings.SHARED_READ_THROUGH_SECONDS = 0
    store.set("m", 1)
    assert store.get("m", read_through=True) == 1
    store._backend().set("m", store.pickle.dumps(2), None)  # another process's write
    assert store.get("m", read_through=True) == 2


def test_a_read_through_lasts_as_long_as_the_setting_says(backend, settings, monkeypatch):
    settings.SHARED_READ_THROUGH_SECONDS = 5
    store.set("m", 1)
    assert store.get("m", read_through=True) == 1
    store._backend().set("m", store.pickle.dumps(2), None)  # another process's write
    clock = store.time.monotonic() + 4
    monkeypatch.setattr(store.time, "monotonic", lambda: clock)
    assert store.get("m", read_through=True) == 1
    clock += 2
    assert store.get("m", read_through=True) == 2
