"""Settings for the test suite: the portal's own, on the built-in sandbox."""

import os
import tempfile

os.environ.setdefault("PORTAL_SANDBOX", "1")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault(
    "SANDBOX_DB_PATH", os.path.join(tempfile.mkdtemp(prefix="portal-tests-"), "sandbox.sqlite3")
)

from portal import local_state

local_state.prepare()  # as manage.py does: the suite runs on var/secret_key too
from portal.settings import *  # noqa: E402, F403

TIXALLO_API_KEY = "tx_test_8c1f0e2d9b7a4c3e5f6a7b8c9d0e1f2a"
TIXALLO_RETRY_BASE_DELAY = 0.005
TIXALLO_RETRY_BUDGET = 2.0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STATIC_ROOT = tempfile.mkdtemp(prefix="portal-static-")
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MIN_FILL_SECONDS = 0
TIXALLO_BREAKER_FAILURES = 1000  # off unless a test is about it
WEB_CONCURRENCY = 1  # one process: webhooks may be trusted without Redis (tests/mirror/)
TIXALLO_REQUESTS_PER_MINUTE = 100_000  # the budget too (tests/mirror/ is about it)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory: threads (the outbox workers' test) then wait for
    # each other's writes as on a real deployment instead of failing "table is locked".
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.mkdtemp(prefix="portal-db-"), "test.sqlite3")
    }
