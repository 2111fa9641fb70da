"""System checks for the mistakes that bite in production, shown by `manage.py check`,
by every management command as it starts (the worker too), and logged by each
gunicorn worker at start (`portal/wsgi.py`). portal.W001–W009 are the hardening
checks in `portal/config/checks.py`; these start at W010/E010.

The webhook secret and the embedding origins may be saved in admin: those checks
read the database when it is there, and the environment alone when it is not yet
(a check must never stop `migrate` from creating it).
"""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

from portal.config.current import load_row, portal_config
from portal.tixallo.addresses import is_loopback

log = logging.getLogger("portal.checks")

# Below this, webhooks buy little; above it without webhooks, replies show late.
SHORT_CACHE = 30


def _sqlite() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"


@checks.register()
def processes(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    found = []
    if _sqlite() and settings.PORTAL_INSTANCES > 1:
        found.append(checks.Error(
            f"SQLite with PORTAL_INSTANCES={settings.PORTAL_INSTANCES}: each instance would "
            "have its own database (sessions, settings, outbox).",
            hint="Give every instance the same PostgreSQL DATABASE_URL.",
            id="portal.E010",
        ))  # fmt: skip
    elif _sqlite() and settings.WEB_CONCURRENCY > 1:
        found.append(checks.Warning(
            f"SQLite with WEB_CONCURRENCY={settings.WEB_CONCURRENCY} worker processes: "
            "writers take turns on one file and wait for each other under load.",
            hint="Use PostgreSQL (DATABASE_URL), or WEB_CONCURRENCY=1 with more WEB_THREADS.",
            id="portal.W010",
        ))  # fmt: skip
    # No warning for several processes without REDIS_URL (once portal.W011): what they
    # must agree on is in the shared store, the database's table then (portal.shared).
    return found


@checks.register()
def webhooks_and_cache(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    if settings.PORTAL_SANDBOX:  # the sandbox's demo secret is not an operator's choice
        return []
    seconds = settings.PORTAL_CACHE_SECONDS
    # While webhooks arrive, copies are trusted for PORTAL_WEBHOOK_CACHE_SECONDS (README
    # "Tixallo calls"); PORTAL_CACHE_SECONDS is for when they don't, so it stays short.
    trusted = settings.PORTAL_WEBHOOK_CACHE_SECONDS
    if _webhook_secret() and trusted < 60:
        return [checks.Warning(
            f"Webhooks are set up but PORTAL_WEBHOOK_CACHE_SECONDS is only {trusted}: pages "
            "ask Tixallo again that often although webhooks already tell of every change.",
            hint="Set PORTAL_WEBHOOK_CACHE_SECONDS=300 (the default) or more.",
            id="portal.W012",
        )]  # fmt: skip
    if not _webhook_secret() and seconds > SHORT_CACHE:
        return [checks.Warning(
            f"PORTAL_CACHE_SECONDS is {seconds} without webhooks: customers see agents' "
            "replies up to that late.",
            hint="Set up webhooks (a signing secret in admin or TIXALLO_WEBHOOK_SECRET), or "
            f"keep PORTAL_CACHE_SECONDS at {SHORT_CACHE} or less.",
            id="portal.W013",
        )]  # fmt: skip
    return []


@checks.register(deploy=True)
def email(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    backend = settings.MAILERS["default"]["BACKEND"]
    if backend.endswith(("console.EmailBackend", "console_mail.EmailBackend")):
        return [checks.Warning(
            "Emails go to the console: customers receive no confirmations or sign-in links.",
            hint="Set EMAIL_HOST (and EMAIL_HOST_USER, EMAIL_HOST_PASSWORD).",
            id="portal.W014",
        )]  # fmt: skip
    return []


@checks.register()
def embedding_origins(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    found = []
    for written in _written_origins():
        parts = urlsplit(written)
        if parts.scheme == "http" and parts.hostname and not is_loopback(parts.hostname):
            found.append(checks.Warning(
                f"The embedding origin {written} is plain http: it is ignored, so that site "
                "cannot embed the portal (identity tokens and cookies need HTTPS).",
                hint="Write it as https://… (and serve that site over HTTPS).",
                id="portal.W015",
            ))  # fmt: skip
    return found


def _webhook_secret() -> bool:
    if settings.TIXALLO_WEBHOOK_SECRET:
        return True
    try:
        return bool(portal_config().webhook_secret)
    except Exception:  # no database yet (before migrate): the environment only
        return False


def _written_origins() -> list[str]:
    if settings.PORTAL_ALLOWED_ORIGINS:
        return settings.PORTAL_ALLOWED_ORIGINS
    try:
        return load_row().allowed_origins.split()
    except Exception:  # as above
        return []


def log_at_start() -> None:
    """Each message as a log line (gunicorn runs no checks by itself). The demo (sandbox
    mode) is no production: its start says nothing of HTTPS or email servers."""
    production = not (settings.DEBUG or settings.PORTAL_SANDBOX)
    for message in checks.run_checks(include_deployment_checks=production):
        if message.is_silenced():
            continue
        level = logging.ERROR if message.is_serious() else logging.WARNING
        log.log(level, "%s: %s %s", message.id, message.msg, message.hint or "")
