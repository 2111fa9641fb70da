"""Importing the settings writes nothing: var/ and a generated SECRET_KEY are made by the
entry points (portal/local_state.py), before the settings read them."""

import json
import os
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
    done = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-c", AUDIT],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_without_a_key_file_the_settings_say_how_to_get_one(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="set SECRET_KEY, or start the portal"):
        local_state.read_secret_key(tmp_path / "secret_key")
    assert not (tmp_path / "secret_key").exists()
