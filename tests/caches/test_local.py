"""portal.caches.local: Django's per-process memory (settings.CACHES: "default" without
REDIS_URL, "local" and "template_fragments" always), one store per LOCATION, bounded,
and importable without redis-py."""

import subprocess
import sys

from django.conf import settings

from portal.caches.local import LocalCache


def _local(location: str, **options: int) -> LocalCache:
    cache = LocalCache(location, {"OPTIONS": options})
    cache.clear()
    return cache


def test_each_location_is_a_store_of_its_own():
    fragments, copies = _local("tests-fragments"), _local("tests-copies")
    fragments.set("ticket:t_1", "<p>drawn</p>")
    assert copies.get("ticket:t_1") is None
    # Another instance at the same LOCATION (another thread's) sees the same store.
    assert LocalCache("tests-fragments", {}).get("ticket:t_1") == "<p>drawn</p>"


def test_it_keeps_at_most_max_entries_and_the_newest():
    cache = _local("tests-bounded", MAX_ENTRIES=10)
    for number in range(50):
        cache.set(f"copy:{number}", number)
    kept = [number for number in range(50) if cache.get(f"copy:{number}") is not None]
    assert len(kept) <= 10
    assert cache.get("copy:49") == 49


def test_it_takes_the_keys_the_portal_makes():
    cache = _local("tests-keys")
    keys = ["mirror:ticket:t_1:en", "fragment:" + "ab12" * 80, "list:alex@example.com:open p2"]
    for key in keys:
        cache.set(key, key)
    assert cache.get_many(keys) == {key: key for key in keys}


def test_the_settings_name_it_for_each_process_with_room_for_many_customers():
    for alias in ("local", "template_fragments"):
        assert settings.CACHES[alias]["BACKEND"] == "portal.caches.local.LocalCache"
        assert settings.CACHES[alias]["OPTIONS"]["MAX_ENTRIES"] == 5000
    if not settings.REDIS_URL:
        assert settings.CACHES["default"]["BACKEND"] == "portal.caches.local.LocalCache"


def test_a_portal_without_redis_does_not_import_redis_py():
    """About 17 MB per worker: only portal.caches.redis may import it."""
    code = "import sys, portal.caches.local; print('redis' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
