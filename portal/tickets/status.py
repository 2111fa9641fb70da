"""Customer-facing wording of Tixallo's statuses, with admin overrides."""

import functools
from dataclasses import dataclass

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portal.shared import store
from portal.tickets.models import StatusWording

OPEN = ("new", "open", "pending", "on_hold")
DONE = ("solved", "closed")
FILTERS = {"open": OPEN, "done": DONE, "all": ()}
CACHE_KEY = "status-wording:v2"  # v2: a text per language
VERSION_KEY = "status-wording:version"


@dataclass(frozen=True)
class Wording:
    status: str
    label: str
    expectation: str
    tone: str  # a CSS modifier: new, active, waiting, done, unknown


def defaults() -> dict[str, Wording]:
    return _defaults(get_language())


@functools.lru_cache(maxsize=16)
def _defaults(language: str | None) -> dict[str, Wording]:
    """Translated once per language (in it: it is the active one), not on every page."""
    return {
        "new": Wording("new", _("Received"), _("We'll pick this up soon."), "new"),
        "open": Wording(
            "open", _("In progress"), _("We're on it — we usually answer within a day."), "active"
        ),
        "pending": Wording(
            "pending",
            _("Waiting for your reply"),
            _("Reply below to keep things moving."),
            "waiting",
        ),
        "on_hold": Wording(
            "on_hold",
            _("On hold"),
            _("We're waiting on a third party and will update you."),
            "active",
        ),
        "solved": Wording(
            "solved", _("Solved"), _("Reply if it isn't fixed and we'll pick it up again."), "done"
        ),
        "closed": Wording(
            "closed",
            _("Closed"),
            _("This request is closed. Submit a new one if you need more help."),
            "done",
        ),
    }


def wording(status: str) -> Wording:
    """The wording for a status in the active language: the admin's text in it, else the
    built-in one (translated); an unknown status is shown as it is."""
    base = defaults().get(status) or Wording(status, status.replace("_", " "), "", "unknown")
    texts = _overrides().get(status, {})
    label, expectation = texts.get(language(), ("", ""))
    return Wording(status, label or base.label, expectation or base.expectation, base.tone)


def language() -> str:
    """The active language as the wordings' texts are keyed (models.LANGUAGE_FIELDS)."""
    return (get_language() or "en").split("-")[0]


def overrides_version() -> str:
    """Changes when an admin edits a wording: part of cached HTML's keys."""
    return repr(sorted(_overrides().items()))


def _overrides() -> dict[str, dict[str, tuple[str, str]]]:
    return store.per_version(
        VERSION_KEY, CACHE_KEY, lambda: {w.status: w.texts() for w in StatusWording.objects.all()}
    )


@receiver([post_save, post_delete], sender=StatusWording)
def forget_overrides(**kwargs: object) -> None:
    """An admin changed a wording: every page uses it from its next render."""
    store.bump(VERSION_KEY)
