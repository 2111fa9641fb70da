"""The sandbox's one background loop (portal/sandbox/loop.py): the demo agent and the
webhook sender share its thread, each at its own pace, until it is stopped."""

import sqlite3
import threading
import time

from portal.sandbox.loop import Loop


def test_it_runs_each_job_at_its_own_pace_in_one_thread_until_stopped():
    calls = {"fast": [], "slow": []}
    loop = Loop()
    loop.every(0.01, lambda: calls["fast"].append(threading.current_thread().name))
    loop.every(0.2, lambda: calls["slow"].append(threading.current_thread().name))
    loop.start()
    deadline = time.monotonic() + 5
    while len(calls["slow"]) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    loop.stop()
    stopped = {name: len(made) for name, made in calls.items()}
    assert stopped["fast"] > 5 * stopped["slow"] >= 10
    assert set(calls["fast"] + calls["slow"]) == {"sandbox-loop"}
    time.sleep(0.05)
    assert {name: len(made) for name, made in calls.items()} == stopped  # none after stop()


def test_a_failing_job_leaves_the_others_running():
    ran = threading.Event()

    def locked():
        raise sqlite3.OperationalError("database is locked")

    def broken():
        raise RuntimeError("a bug")

    loop = Loop().every(0.01, locked).every(0.01, broken).every(0.01, ran.set).start()
    try:
        assert ran.wait(timeout=2)
        ran.clear()
        assert ran.wait(timeout=2)  # still going after both failed
    finally:
        loop.stop()
