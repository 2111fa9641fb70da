"""Another portal process for a test: Python run in a fresh interpreter on the test's own
database, store and sandbox (`tests.settings`), as the outbox worker or a second web
worker would run beside the test's process. Needs committed rows: use it from tests
marked `django_db(transaction=True)`."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
PRELUDE = "import django\ndjango.setup()\n"


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def environment() -> dict[str, str]:
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url(),
        "SANDBOX_DB_PATH": str(settings.SANDBOX_DB_PATH),
        "REDIS_URL": settings.REDIS_URL,
    }


def start(code: str, *args: str) -> subprocess.Popen:
    """The process, running `code` (after django.setup()), its stdin and stdout piped."""
    return subprocess.Popen(
        [sys.executable, "-c", PRELUDE + code, *args], cwd=ROOT, env=environment(),
        text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )  # fmt: skip


def run(code: str, *args: str) -> str:
    """Run `code` to its end in another process; what it printed."""
    done = subprocess.run(
        [sys.executable, "-c", PRELUDE + code, *args], cwd=ROOT, env=environment(),
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return done.stdout


def after_read_through(monkeypatch) -> None:
    """This process's reads through the shared store (a second at most) have run out:
    what another process wrote is read afresh."""
    from portal.shared import store

    now = store.time.monotonic() + 2.0
    monkeypatch.setattr(store.time, "monotonic", lambda: now)
