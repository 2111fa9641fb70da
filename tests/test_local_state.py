"""Importing the settings writes nothing: var/ and a generated SECRET_KEY are made by the
entry points (portal/local_state.py), before the settings read them."""

import json
import multiprocessing
import os
import stat
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from portal import local_state

# Every file opened for writing and every directory made while portal.settings is imported.
AUDIT = """
import json, os, sys
writes = []
def audit(event, args):
    if event == "os.mkdir" or (event == "open" and isinstance(args[0], str) and (
            any(flag in str(args[1]) for flag in "wax+")
            or args[2] & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))):
        writes.append([event, str(args[0])])
sys.addaudithook(audit)
import portal.settings
print(json.dumps(writes))
"""


def test_importing_the_settings_writes_no_files():
    local_state.prepare()  # the key exists, as after any start through manage.py
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("SECRET_KEY", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    } | {"PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", AUDIT],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_without_a_key_file_the_settings_say_how_to_get_one(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="set SECRET_KEY, or start the portal"):
        local_state.read_secret_key(tmp_path / "secret_key")
    assert not (tmp_path / "secret_key").exists()


def _read_key(path, barrier, results):
    barrier.wait()
    results.put(local_state.ensure_secret_key(path))


@pytest.mark.slow  # several processes
def test_workers_starting_together_agree_on_one_generated_key(tmp_path):
    # The race lost about 2 trials in 15 before the fix: 10 trials of 8 workers each.
    context = multiprocessing.get_context("fork")
    for trial in range(10):
        path = tmp_path / str(trial) / "secret_key"
        barrier, results = context.Barrier(8), context.Queue()
        workers = [
            context.Process(target=_read_key, args=(path, barrier, results)) for _ in range(8)
        ]
        for worker in workers:
            worker.start()
        keys = {results.get(timeout=30) for _ in workers}
        for worker in workers:
            worker.join()
        assert len(keys) == 1 and len(keys.pop()) == 64
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no leftovers
