"""The portal's configuration as in force now: the environment first, then what the
admin saved, then defaults.

Kept in each process for up to `MEMO_SECONDS` (pages then cost no query and no
decryption), and read again after a save: saving bumps a version in the shared
store (`portal.shared.store`, Redis or the database), which every process reads
through (at most once a second): other processes, the worker's included, follow within
that second. The decrypted secrets stay in process memory, never in the store or a cache.
"""

import threading
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest

from portal.config import crypto
from portal.config.models import (
    HOLD_HOURS,
    LINK_DAYS,
    SESSION_IDLE_DAYS,
    SESSION_MAX_DAYS,
    PortalSettings,
)
from portal.config.origins import origin_of, request_origin, url_origin
from portal.shared import store
from portal.tixallo.client import Connection

DEFAULT_BASE_URL = "https://tixallo.com/api/v1"
MEMO_SECONDS = 5.0
VERSION_KEY = "portal-config:version"
_memo: tuple[object, float, "PortalConfig"] | None = None
_memo_lock = threading.Lock()


@dataclass(frozen=True)
class PortalConfig:
    base_url: str
    api_key: str = field(repr=False)
    webhook_secret: str = field(repr=False)
    identity_secret: str = field(repr=False)
    allowed_origins: tuple[str, ...]
    portal_name: str
    accent_colour: str
    support_email: str
    footer_text: str
    allow_priority: bool
    default_priority: str
    logo_version: str  # "" without a logo; changes with it (cache busting)
    email_agent_answers: bool = False
    portal_url: str = ""  # the public address ("" when unset: the request's host)
    hold_unverified: bool = False
    hold_hours: int = 72
    ticket_link_days: int = 90
    session_idle_days: int = 7
    session_max_days: int = 30

    @property
    def configured(self) -> bool:
        return bool(self.api_key)

    @property
    def embedding(self) -> bool:
        return bool(self.allowed_origins)


def load_row() -> PortalSettings:
    return PortalSettings.objects.filter(pk=1).first() or PortalSettings(pk=1)


def portal_config() -> PortalConfig:
    """The configuration in force now (see the module's docstring for how fresh)."""
    global _memo
    version = store.get(VERSION_KEY, read_through=True)
    if version is None:  # first use, or the store was emptied: a new one
        version = store.bump(VERSION_KEY)
    # The environment is part of the key: tests (and only tests) change settings live.
    key = (version, settings.TIXALLO_BASE_URL, settings.TIXALLO_API_KEY,
           settings.TIXALLO_WEBHOOK_SECRET, settings.PORTAL_IDENTITY_SECRET,
           tuple(settings.PORTAL_ALLOWED_ORIGINS))  # fmt: skip
    memo = _memo
    if memo is not None and memo[0] == key and time.monotonic() - memo[1] < MEMO_SECONDS:
        return memo[2]
    config = _read()
    with _memo_lock:
        _memo = (key, time.monotonic(), config)
    return config


@receiver([post_save, post_delete], sender=PortalSettings)
def _saved(**kwargs: object) -> None:
    global _memo
    _memo = None
    store.bump(VERSION_KEY)


def _read() -> PortalConfig:
    row = load_row()
    # A key from the environment goes only where the environment says (or to Tixallo):
    # a base URL saved in admin must not carry it to another host.
    saved_url = "" if settings.TIXALLO_API_KEY else row.base_url
    base_url = settings.TIXALLO_BASE_URL or saved_url or DEFAULT_BASE_URL
    return PortalConfig(
        base_url=base_url,
        api_key=settings.TIXALLO_API_KEY or _saved_key(row, base_url),
        webhook_secret=settings.TIXALLO_WEBHOOK_SECRET or _decrypt(row.webhook_secret_encrypted),
        identity_secret=settings.PORTAL_IDENTITY_SECRET or _decrypt(row.identity_secret_encrypted),
        allowed_origins=_origins(settings.PORTAL_ALLOWED_ORIGINS or row.allowed_origins.split()),
        portal_name=row.portal_name,
        accent_colour=row.accent_colour,
        support_email=row.support_email,
        footer_text=row.footer_text,
        allow_priority=row.allow_priority,
        default_priority=row.default_priority,
        logo_version=row.logo_version,
        email_agent_answers=row.email_agent_answers,
        portal_url=(settings.PORTAL_URL or row.portal_url).rstrip("/"),
        hold_unverified=row.hold_unverified,
        hold_hours=_bounded(row.hold_hours, HOLD_HOURS),
        ticket_link_days=_bounded(row.ticket_link_days, LINK_DAYS),
        session_idle_days=_bounded(row.session_idle_days, SESSION_IDLE_DAYS),
        session_max_days=_bounded(row.session_max_days, SESSION_MAX_DAYS),
    )


def _bounded(value: int, bounds: tuple[int, int]) -> int:
    """Within the form's bounds even for a row saved before them (or by hand): an
    overflowing expiry would fail every link and the outbox list."""
    return min(max(value, bounds[0]), bounds[1])


def _saved_key(row: PortalSettings, base_url: str) -> str:
    """The key saved in admin, only for the host it was saved for: a changed base URL
    (in admin or the environment) never carries it to another server."""
    if not row.api_key_origin or row.api_key_origin != url_origin(base_url):
        return ""
    return _decrypt(row.api_key_encrypted)


def absolute_url(request: HttpRequest | None, path: str) -> str:
    """An absolute link for emails and snippets: on PORTAL_URL when set, else on the
    host this request came through."""
    base = (portal_config() if request is None else for_request(request)).portal_url
    if base:
        return base + path
    if request is None:
        raise ValueError("no PORTAL_URL and no request to take the host from")
    return request.build_absolute_uri(path)


def portal_origin(request: HttpRequest) -> str:
    """This portal's public origin: PORTAL_URL (environment or admin), else the origin
    this request came through."""
    return for_request(request).portal_url or request_origin(request)


def for_request(request: HttpRequest) -> PortalConfig:
    """The configuration for this request, read from the database once per request
    (SetupMiddleware has usually read it already)."""
    if getattr(request, "portal_config", None) is None:
        request.portal_config = portal_config()
    return request.portal_config


def connection() -> Connection:
    """Where and how the Tixallo client connects now (handed to it in ConfigConfig.ready)."""
    config = portal_config()
    return Connection(config.base_url, config.api_key)


def _origins(written: list[str]) -> tuple[str, ...]:
    """Normalised (lowercase, no trailing slash); what is no origin at all is left out."""
    return tuple(dict.fromkeys(o for o in map(origin_of, written) if o))


def _decrypt(token: str) -> str:
    try:
        return crypto.decrypt(token)
    except crypto.CannotDecrypt:
        return ""  # shown in admin as "cannot be decrypted": replace it
