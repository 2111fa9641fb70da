from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.config.current import portal_config
from portal.outbox import queue
from portal.outbox.health import QueueHealth, queue_health
from portal.outbox.models import Submission
from portal.outbox.tasks import schedule

NOT_SENT_AGAIN = (Submission.State.DELIVERED, Submission.State.QUEUED,
                  Submission.State.HELD, Submission.State.EXPIRED)  # fmt: skip


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["reference", "kind", "state", "customer_email", "ticket_number",
                    "attempts", "created_at", "current_error"]  # fmt: skip
    list_filter = ["state", "kind"]
    search_fields = ["reference", "customer_email", "ticket_id"]
    readonly_fields = [
        "error" if f.name == "last_error" else f.name for f in Submission._meta.fields
    ]
    actions = ["retry_now"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("Last error"))
    def current_error(self, submission: Submission) -> str:
        # Once delivered, an error from an earlier try is past: not the row's news.
        return "" if submission.state == Submission.State.DELIVERED else submission.last_error

    @admin.display(description=_("Last error"))
    def error(self, submission: Submission) -> str:
        if submission.state == Submission.State.DELIVERED and submission.last_error:
            return _("Before it was delivered: %(error)s") % {"error": submission.last_error}
        return submission.last_error

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        # Held requests past their time show as expired (nothing else runs on a clock).
        queue.expire_held(portal_config().hold_hours)
        return super().changelist_view(request, extra_context)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # nothing a customer sent is deleted silently

    @admin.action(description=_("Send again now"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet) -> None:
        retried = 0
        # Queued ones already have a run booked; delivered ones are done. Held and expired
        # ones wait for the customer's confirmation of their email: sending them from here
        # would bypass it (the proof against impersonation), so only the customer's link can.
        skipped = {state: 0 for state in NOT_SENT_AGAIN}
        for submission in queryset:
            if submission.state in skipped:
                skipped[submission.state] += 1
                continue
            submission.state = Submission.State.QUEUED
            submission.next_attempt_at = submission.requeued_at = timezone.now()
            submission.save(update_fields=["state", "next_attempt_at", "requeued_at"])
            schedule(submission)
            retried += 1
        for text, level in retry_report(retried, *skipped.values(), queue_health()):
            self.message_user(request, text, level)


def retry_report(
    retried: int, delivered: int, queued: int, held: int, expired: int, health: QueueHealth
) -> list[tuple[str, int]]:
    """What "Send again now" did, and why not for the rest, in plain words."""
    counted = (
        (retried, messages.SUCCESS, ngettext(
            "%d submission queued again: the worker sends it within seconds.",
            "%d submissions queued again: the worker sends them within seconds.", retried)),
        (delivered, messages.INFO, ngettext(
            "%d was not sent again: it is delivered already.",
            "%d were not sent again: they are delivered already.", delivered)),
        (queued, messages.INFO, ngettext(
            "%d was not sent again: it is queued already, with a try booked.",
            "%d were not sent again: they are queued already, with a try booked.", queued)),
        (held, messages.INFO, ngettext(
            "%d was not sent: it is waiting for the customer's confirmation of their email.",
            "%d were not sent: they are waiting for the customer's confirmation of their email.",
            held)),
        (expired, messages.INFO, ngettext(
            "%d was not sent: the customer never confirmed their email.",
            "%d were not sent: the customer never confirmed their email.", expired)),
    )  # fmt: skip
    report = [(text % count, level) for count, level, text in counted if count]
    if (retried or queued) and health.worker_missing:
        text = _(
            "No outbox worker has run recently, so nothing queued is sent until one "
            "is started (manage.py db_worker)."
        )
        report.append((text, messages.WARNING))
    return report or [(_("Nothing was selected to send again."), messages.INFO)]
