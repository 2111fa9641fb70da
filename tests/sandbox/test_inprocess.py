"""The Django-facing glue (`portal.sandbox.inprocess`), and a portal without the sandbox."""

import httpx
import pytest

pytest.importorskip("pytest_django")
from django.conf import settings as django_settings

if not django_settings.configured:
    pytest.skip("Django settings are not configured", allow_module_level=True)

from portal.sandbox import agents, inprocess
from portal.sandbox.tickets import create_ticket


@pytest.fixture
def sandbox(settings, tmp_path):
    settings.SANDBOX_DB_PATH = tmp_path / "inprocess.sqlite3"
    settings.TIXALLO_API_KEY = "tx_inprocess_test_key"
    yield inprocess.store()
    inprocess.reset()


def test_it_serves_the_api_through_the_cached_transport(sandbox):
    assert inprocess.transport().app is inprocess.wsgi_app()
    with httpx.Client(
        transport=inprocess.transport(),
        base_url="http://sandbox.localhost/api/v1",
        headers={"Authorization": "Bearer tx_inprocess_test_key"},
    ) as client:
        response = client.post(
            "/tickets",
            json={"subject": "Hi", "description": "Hello", "customer_email": "a@example.com"},
        )
    assert response.status_code == 201
    assert agents.count_tickets(sandbox) == 1


def test_it_follows_the_settings_to_a_new_store(sandbox, settings, tmp_path):
    settings.SANDBOX_DB_PATH = tmp_path / "other.sqlite3"
    assert inprocess.store() is not sandbox


def test_the_view_serves_the_console_under_its_mount_prefix(sandbox, rf):
    with sandbox.transaction() as conn:
        create_ticket(conn, subject="Mounted", description="d", customer_email="a@example.com")
    response = inprocess.view(rf.get("/sandbox/console/"), path="console/")
    assert response.status_code == 200
    assert b'href="/sandbox/console/tickets/1001"' in response.content
    posted = inprocess.view(
        rf.post(
            "/sandbox/console/tickets/1001",
            "body=Hi&kind=reply",
            content_type="application/x-www-form-urlencoded",
        ),
        path="console/tickets/1001",
    )
    assert posted.status_code == 303
    assert posted["Location"] == "/sandbox/console/tickets/1001?done=reply"
    assert agents.get_ticket(sandbox, 1001)["messages"][0]["body"] == "Hi"


# What a production process sees: run in a fresh process, as settings read PORTAL_SANDBOX
# (INSTALLED_APPS, MAILERS) at import and urls.py at its first request.
WITHOUT_SANDBOX = """
import json, sys
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.management import call_command
from django.db import connection
from django.test import Client

call_command("check")
call_command("migrate", interactive=False, verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
paths = ["/", "/signin/", "/sandbox/", "/sandbox/console/", "/sandbox/inbox/",
         "/sandbox/api/v1/tickets", "/embed/demo/"]
client = Client()
print(json.dumps({
    "installed": [app.name for app in apps.get_app_configs()],
    "admin": sorted({model._meta.app_label for model in admin.site._registry}),
    "tables": connection.introspection.table_names(),
    "pages": {path: client.get(path).status_code for path in paths},
    "mail": settings.MAILERS["default"]["BACKEND"],
    "imported": sorted(n for n in sys.modules if n.startswith(("portal.sandbox", "portal.demo"))),
}))
"""


@pytest.mark.slow  # a fresh process
def test_without_portal_sandbox_nothing_of_the_sandbox_is_installed_or_imported(tmp_path):
    import json
    import os
    import subprocess
    import sys

    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PORTAL_SANDBOX": "0",
        "SECRET_KEY": "test-without-sandbox",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "ALLOWED_HOSTS": "testserver",
        # Configured, so the pages render rather than "being set up"; nothing listens there.
        "TIXALLO_BASE_URL": "http://127.0.0.1:9/api/v1",
        "TIXALLO_API_KEY": "tx_nobody",
        "LOG_LEVEL": "ERROR",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", WITHOUT_SANDBOX],
        cwd=django_settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert not [name for name in seen["installed"] if "sandbox" in name or "demo" in name]
    assert not {"sandbox", "demo"} & set(seen["admin"])
    assert "config" in seen["admin"]  # admin itself is there
    assert not [table for table in seen["tables"] if table.startswith(("sandbox", "demo"))]
    assert "outbox_submission" in seen["tables"]  # migrated
    assert seen["pages"] == {
        "/": 200,
        "/signin/": 200,
        "/sandbox/": 404,
        "/sandbox/console/": 404,
        "/sandbox/inbox/": 404,
        "/sandbox/api/v1/tickets": 404,
        "/embed/demo/": 404,
    }
    assert seen["mail"] == "portal.outbox.console_mail.EmailBackend"
    assert seen["imported"] == []
