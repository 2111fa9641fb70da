"""Deploy checks (`manage.py check --deploy`) for what only this portal knows: ids
portal.W001–W009 (portal/ops/checks.py has W010 and up)."""

from django.conf import settings
from django.core.checks import Warning, register
from django.db import DatabaseError


def _production() -> bool:
    """Not the demo, tests or development: no DEBUG and no built-in sandbox."""
    return not settings.DEBUG and not settings.PORTAL_SANDBOX


@register(deploy=True)
def secret_key_generated(app_configs: object = None, **kwargs: object) -> list[Warning]:
    if not (_production() and settings.SECRET_KEY_GENERATED):
        return []
    return [
        Warning(
            "SECRET_KEY is not set: the portal runs on a key generated into var/secret_key.",
            hint="Set SECRET_KEY (the same in every process and instance). A generated key is "
            "lost with the container, and with it sessions, links and saved secrets.",
            id="portal.W001",
        )
    ]


@register(deploy=True)
def portal_url_unset(app_configs: object = None, **kwargs: object) -> list[Warning]:
    if not _production() or settings.PORTAL_URL:
        return []
    from portal.config.current import load_row

    try:
        saved = load_row().portal_url
    except DatabaseError:  # not migrated yet: the environment is all there is
        saved = ""
    if saved:
        return []
    return [
        Warning(
            "PORTAL_URL is not set: emailed links and the embed snippet take their host from "
            "each request's Host header.",
            hint="Set PORTAL_URL=https://support.example.com (or the portal address in admin).",
            id="portal.W002",
        )
    ]
