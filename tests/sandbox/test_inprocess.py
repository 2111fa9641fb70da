"""The Django-facing glue (`portal.sandbox.inprocess`); needs pytest-django and settings."""

import httpx
import pytest

pytest.importorskip("pytest_django")
from django.conf import settings as django_settings  # noqa: E402

if not django_settings.configured:
    pytest.skip("Django settings are not configured", allow_module_level=True)

from portal.sandbox import agents, inprocess  # noqa: E402
from portal.sandbox.tickets import create_ticket  # noqa: E402


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
