"""Two processes counting and locking at once through the store: every hit counted once,
every lock won by one of them. They start together on a word from this test (no sleeps)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
HITS, LOCKS = 150, 60

WORKER = f"""
import json, sys
import django
django.setup()
from portal.shared import store
print("ready", flush=True)
sys.stdin.readline()
counted = [store.incr("together", 60) for _ in range({HITS})]
won = [n for n in range({LOCKS}) if store.add(f"lock:{{n}}", True, 60)]
print(json.dumps([counted, won]), flush=True)
"""


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)  # committed writes, seen by both processes
@pytest.mark.parametrize("backend", ["table", "redis"], indirect=True)
def test_two_processes_never_count_or_lock_the_same(backend, settings):
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
    }
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER],
            cwd=ROOT,
            env=env,
            text=True,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )  # fmt: skip
        for _ in range(2)
    ]
    try:
        assert [w.stdout.readline().strip() for w in workers] == ["ready", "ready"]
        for worker in workers:
            worker.stdin.write("go\n")
            worker.stdin.flush()
        results = [json.loads(w.communicate(timeout=120)[0]) for w in workers]
    finally:
        for worker in workers:
            worker.kill()
    counted = results[0][0] + results[1][0]
    assert sorted(counted) == list(range(1, 2 * HITS + 1))  # no hit lost, none seen twice
    won = results[0][1] + results[1][1]
    assert sorted(won) == list(range(LOCKS))  # each lock to exactly one process
