"""The portal's system checks: each fires on its misconfiguration and not otherwise."""

import logging

import pytest
from django.core import checks

from portal.config.models import PortalSettings
from portal.ops import checks as portal_checks

pytestmark = pytest.mark.django_db

SQLITE, POSTGRES = "django.db.backends.sqlite3", "django.db.backends.postgresql"
SMTP = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {}}}
CONSOLE = {"default": {"BACKEND": "portal.outbox.console_mail.EmailBackend"}}


def database(monkeypatch, engine: str) -> None:
    """The engine the checks see (the test's own connection stays as it is)."""
    from django.conf import settings

    monkeypatch.setitem(settings.DATABASES["default"], "ENGINE", engine)


def ids(deploy: bool = False) -> set[str]:
    found = checks.run_checks(include_deployment_checks=deploy)
    return {message.id for message in found if message.id.startswith("portal.")}


@pytest.fixture(autouse=True)
def production_like(settings, monkeypatch):
    """A configuration none of these checks mind; each test breaks one thing."""
    database(monkeypatch, POSTGRES)
    settings.REDIS_URL = "redis://cache:6379/0"
    settings.WEB_CONCURRENCY = 2
    settings.PORTAL_INSTANCES = 2
    settings.PORTAL_SANDBOX = False
    settings.TIXALLO_WEBHOOK_SECRET = "whsec_x"
    settings.PORTAL_CACHE_SECONDS = 60
    settings.MAILERS = SMTP
    settings.PORTAL_ALLOWED_ORIGINS = ["https://www.example.com"]


def test_a_good_configuration_raises_none(settings):
    assert not ids(deploy=True) & {f"portal.{kind}{n:03}" for kind in "WE" for n in range(10, 20)}


def test_sqlite_with_several_instances_is_an_error(settings, monkeypatch):
    database(monkeypatch, SQLITE)
    found = [m for m in checks.run_checks() if m.id == "portal.E010"]
    assert found
    assert found[0].is_serious()


def test_sqlite_with_several_worker_processes(settings, monkeypatch):
    database(monkeypatch, SQLITE)
    settings.PORTAL_INSTANCES = 1
    assert {"portal.W010"} <= ids()
    assert "portal.E010" not in ids()
    settings.WEB_CONCURRENCY = 1
    assert not {"portal.W010", "portal.E010"} & ids()


@pytest.mark.parametrize(("workers", "instances"), [(2, 1), (1, 2), (1, 1)])
def test_several_processes_without_redis_are_fine(settings, workers, instances):
    """They share state through the database (portal.shared): no Redis needed."""
    settings.REDIS_URL = ""
    settings.WEB_CONCURRENCY, settings.PORTAL_INSTANCES = workers, instances
    assert "portal.W011" not in ids()


def test_webhooks_with_a_short_cache(settings):
    settings.PORTAL_WEBHOOK_CACHE_SECONDS = 10
    assert "portal.W012" in ids()
    settings.PORTAL_SANDBOX = True  # the demo's own secret: not the operator's choice
    assert "portal.W012" not in ids()


def test_webhooks_with_the_default_caches_are_fine(settings):
    # The short PORTAL_CACHE_SECONDS is what applies when webhooks stop arriving.
    settings.PORTAL_CACHE_SECONDS, settings.PORTAL_WEBHOOK_CACHE_SECONDS = 10, 300
    assert not {"portal.W012", "portal.W013"} & set(ids())


def test_webhooks_set_in_admin_count_too(settings):
    from portal.config import crypto

    settings.TIXALLO_WEBHOOK_SECRET = ""
    settings.PORTAL_WEBHOOK_CACHE_SECONDS = 10
    assert "portal.W012" not in ids()
    PortalSettings.objects.create(pk=1, webhook_secret_encrypted=crypto.encrypt("whsec_admin"))
    assert "portal.W012" in ids()


def test_a_long_cache_without_webhooks(settings):
    settings.TIXALLO_WEBHOOK_SECRET = ""
    assert "portal.W013" in ids()
    settings.PORTAL_CACHE_SECONDS = 30
    assert "portal.W013" not in ids()


def test_console_email_in_production(settings):
    assert "portal.W014" not in ids(deploy=True)
    settings.MAILERS = CONSOLE
    assert "portal.W014" in ids(deploy=True)
    assert "portal.W014" not in ids(deploy=False)  # development: the console is the point


@pytest.mark.parametrize("origin", ["http://shop.example.com", "http://10.1.2.3:8080"])
def test_an_embedding_origin_over_plain_http(settings, origin):
    settings.PORTAL_ALLOWED_ORIGINS = ["https://www.example.com", origin]
    found = [m for m in checks.run_checks() if m.id == "portal.W015"]
    assert len(found) == 1
    assert origin in found[0].msg


def test_loopback_http_origins_are_fine(settings):
    settings.PORTAL_ALLOWED_ORIGINS = ["http://localhost:8000", "http://127.0.0.1:3000"]
    assert "portal.W015" not in ids()


def test_origins_saved_in_admin_are_checked(settings):
    settings.PORTAL_ALLOWED_ORIGINS = []
    PortalSettings.objects.create(pk=1, allowed_origins="https://a.example\nhttp://b.example")
    assert "portal.W015" in ids()


def test_the_checks_work_before_the_database_exists(settings, django_db_blocker):
    settings.TIXALLO_WEBHOOK_SECRET = ""
    settings.PORTAL_ALLOWED_ORIGINS = []
    with django_db_blocker.block():  # any query raises, as before `migrate`
        assert "portal.W013" in ids()


def test_gunicorn_workers_log_them_at_start(settings, caplog, monkeypatch):
    database(monkeypatch, SQLITE)
    settings.MAILERS = CONSOLE
    settings.DEBUG = settings.PORTAL_SANDBOX = False
    with caplog.at_level(logging.WARNING, logger="portal.checks"):
        portal_checks.log_at_start()
    logged = {(r.levelno, r.getMessage().split(":")[0]) for r in caplog.records}
    assert (logging.ERROR, "portal.E010") in logged
    assert (logging.WARNING, "portal.W014") in logged


def test_the_demo_logs_no_deployment_warnings_at_start(settings, caplog, monkeypatch):
    database(monkeypatch, SQLITE)
    settings.MAILERS = CONSOLE
    settings.DEBUG, settings.PORTAL_SANDBOX = False, True
    with caplog.at_level(logging.WARNING, logger="portal.checks"):
        portal_checks.log_at_start()
    logged = {r.getMessage().split(":")[0] for r in caplog.records}
    assert "portal.E010" in logged  # a real mistake is still said
    assert not {"portal.W014", "security.W004", "security.W008"} & logged
