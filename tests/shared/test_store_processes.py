"""Two processes counting and locking at once through the store: every hit counted once,
every lock won by one of them. They start together on a word from this test (no sleeps)."""

import json

import pytest

from tests import processes

HITS, LOCKS = 150, 60
pytestmark = pytest.mark.slow  # two processes

WORKER = f"""
import json, sys
from portal.shared import store
print("ready", flush=True)
sys.stdin.readline()
counted = [store.incr("together", 60) for _ in range({HITS})]
won = [n for n in range({LOCKS}) if store.add(f"lock:{{n}}", True, 60)]
print(json.dumps([counted, won]), flush=True)
"""


@pytest.mark.django_db(transaction=True)  # committed writes, seen by both processes
@pytest.mark.parametrize("backend", ["table", "redis"], indirect=True)
def test_two_processes_never_count_or_lock_the_same(backend):
    workers = [processes.start(WORKER) for _ in range(2)]
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
