"""Health at a glance: each part of the portal with a state and, when it is not
green, one plain sentence of what to do. Read only; never calls Tixallo."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.config.current import load_row, portal_config
from portal.ops import readings
from portal.telemetry import metrics

# Its own permission (on the settings model, portal/config/models.py): not every staff user.
PERMISSION = "config.view_health"
OK, WARNING, PROBLEM, OFF, UNKNOWN = "ok", "warning", "problem", "off", "unknown"
LABELS = {
    OK: gettext_lazy("OK"),
    WARNING: gettext_lazy("Warning"),
    PROBLEM: gettext_lazy("Needs action"),
    OFF: gettext_lazy("Off"),
    UNKNOWN: gettext_lazy("Not known yet"),
}
WEBHOOK_SILENCE = timedelta(hours=24)
QUEUE_TOO_OLD = timedelta(minutes=10)
BUDGET_NEAR = 0.8


@dataclass
class Part:
    key: str
    title: str
    state: str
    advice: str  # what it means, and what to do unless it is OK
    facts: list[tuple[str, object]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(LABELS[self.state])


def report() -> list[Part]:
    outbox = readings.outbox()
    return [
        tixallo(),
        breaker(),
        budget(),
        webhooks(),
        queue(outbox),
        worker(outbox),
        security_changes(),
    ]


def attention(parts: list[Part]) -> int:
    """How many parts need a look (a problem or a warning)."""
    return sum(part.state in (PROBLEM, WARNING) for part in parts)


def tixallo() -> Part:
    title = _("Tixallo connection")
    last_ok, last_error = metrics.tixallo_last()
    facts = [
        (_("Last success"), _moment(last_ok)),
        (_("Last error"), _moment(last_error["at"]) if last_error else None),
    ]
    if last_error:
        facts.append((_("What went wrong"), last_error["error"]))
    if not portal_config().configured:
        advice = _("No API key is set: enter it in Portal settings, then press “Test connection”.")
        return Part("tixallo", title, PROBLEM, advice, facts)
    if last_error and (last_ok is None or last_error["at"] > last_ok):
        advice = _(
            "The last request to Tixallo failed. Press “Test connection” in Portal settings: "
            "it says whether the key is wrong or Tixallo is unreachable. Meanwhile new "
            "requests wait in the outbox and pages show the last copy seen."
        )
        return Part("tixallo", title, PROBLEM, advice, facts)
    if last_ok is None:
        advice = _(
            "No request to Tixallo recorded yet. Press “Test connection” in Portal settings "
            "to make one."
        )
        return Part("tixallo", title, UNKNOWN, advice, facts)
    return Part("tixallo", title, OK, _("Tixallo answers."), facts)


def breaker() -> Part:
    title = _("Circuit breaker")
    if readings.breaker_open():
        advice = _(
            "Tixallo failed several times in a row, so the portal pauses its calls for "
            "%(seconds)s seconds and then tries again by itself. If it keeps opening, see "
            "the Tixallo connection above."
        ) % {"seconds": settings.TIXALLO_BREAKER_PAUSE}
        return Part("breaker", title, PROBLEM, advice)
    return Part("breaker", title, OK, _("Closed: calls go through."))


def budget() -> Part:
    title = _("Request budget")
    usage = readings.budget_usage()
    limit = usage["limit_per_minute"]
    paused = usage["paused_until"]
    facts = [
        (_("Used in the last minute"), usage["used_last_minute"]),
        (_("Used in the last hour"), usage["used_last_hour"]),
        (_("Limit per minute"), limit or _("none")),
    ]
    if paused and paused > timezone.now().timestamp():
        advice = _(
            "Tixallo asked the portal to slow down (HTTP 429); calls resume at %(time)s. "
            "If this happens often, set up webhooks: while they arrive, the portal reads a "
            "ticket again only when it changed."
        ) % {"time": _moment(paused).strftime("%H:%M:%S")}
        return Part("budget", title, PROBLEM, advice, facts)
    if limit and usage["used_last_minute"] >= BUDGET_NEAR * limit:
        advice = _(
            "Close to the budget: polls are answered from the cache first. Set up webhooks to "
            "spend less: while they arrive, the portal reads a ticket again only when it changed."
        )
        return Part("budget", title, WARNING, advice, facts)
    return Part("budget", title, OK, _("Well within the budget."), facts)


def webhooks() -> Part:
    title = _("Webhooks")
    by_type = readings.webhooks_last_by_type()
    facts = [
        (_("Last %(type)s") % {"type": kind}, moment) for kind, moment in sorted(by_type.items())
    ]
    if not readings.webhook_secret_set():
        advice = _(
            "Off: agents' replies show once the cached copy runs out. To show them at once, "
            "register the portal's webhook in Tixallo and save its signing secret in Portal "
            "settings."
        )
        return Part("webhooks", title, OFF, advice, facts)
    last = max(by_type.values(), default=None)
    facts.insert(0, (_("Last received"), last))
    if last is None or timezone.now() - last > WEBHOOK_SILENCE:
        advice = _(
            "Nothing arrived in 24 hours although a signing secret is set. Check that "
            "/webhooks/tixallo on this portal's address is registered in Tixallo for "
            "ticket.created, ticket.updated and message.created, and that the secret "
            "matches (refusals are logged as “Tixallo webhook refused”)."
        )
        return Part("webhooks", title, WARNING, advice, facts)
    return Part("webhooks", title, OK, _("Events arrive."), facts)


def queue(outbox: readings.Outbox) -> Part:
    title = _("Outbox")
    age = timezone.now() - outbox.oldest_waiting if outbox.oldest_waiting else None
    facts = [
        (_("Waiting"), outbox.waiting),
        (_("Failed"), outbox.failed),
        (_("Oldest waiting since"), outbox.oldest_waiting),
    ]
    if outbox.failed:
        advice = _(
            "Some submissions failed for good. Open Outbox → Submissions, filter by "
            "“failed”, read the last error, fix its cause and choose “Send again now”."
        )
        return Part("queue", title, PROBLEM, advice, facts)
    if age is not None and age > QUEUE_TOO_OLD:
        advice = _(
            "Submissions have waited more than 10 minutes: Tixallo refuses or cannot be "
            "reached (see the connection above), or the worker is not running (below). "
            "They are sent as soon as that is fixed."
        )
        return Part("queue", title, WARNING, advice, facts)
    return Part("queue", title, OK, _("Nothing is stuck."), facts)


def worker(outbox: readings.Outbox) -> Part:
    title = _("Worker")
    facts = [
        (_("Last ran a task"), outbox.worker.last_run),
        (_("Tasks overdue"), outbox.worker.overdue),
    ]
    if outbox.worker.missing:
        advice = _(
            "Tasks are overdue: no worker is taking them. Start one with “manage.py "
            "db_worker” (in Docker: the same image with “python manage.py db_worker”)."
        )
        return Part("worker", title, PROBLEM, advice, facts)
    if outbox.worker.last_run is None:
        advice = _(
            "No task has run yet. Every new request books one, so this fills in after the "
            "first submission; make sure “manage.py db_worker” runs."
        )
        return Part("worker", title, UNKNOWN, advice, facts)
    return Part("worker", title, OK, _("The worker takes tasks on time."), facts)


def security_changes() -> Part:
    """Who last changed what decides who sees what (the fields are in admin's history)."""
    title = _("Connection and security settings")
    row = load_row()
    facts = [
        (_("Last changed"), row.security_changed_at),
        (_("Changed by"), row.security_changed_by or None),
    ]
    if row.security_changed_at is None:
        return Part("security", title, OK, _("Not changed in admin yet."), facts)
    advice = _(
        "Portal settings → History names the fields each change touched (never their values)."
    )
    return Part("security", title, OK, advice, facts)


def _moment(timestamp: float | None) -> datetime | None:
    return datetime.fromtimestamp(timestamp, UTC) if timestamp else None
