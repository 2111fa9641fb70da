from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.config.current import current
from portal.outbox import queue
from portal.outbox.models import Submission
from portal.outbox.tasks import schedule


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["reference", "kind", "state", "customer_email", "ticket_number",
                    "attempts", "created_at", "last_error"]  # fmt: skip
    list_filter = ["state", "kind"]
    search_fields = ["reference", "customer_email", "ticket_id"]
    readonly_fields = [f.name for f in Submission._meta.fields]
    actions = ["retry_now"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):  # noqa: ANN201
        # Held requests past their time show as expired (nothing else runs on a clock).
        queue.expire_held(current().hold_hours)
        return super().changelist_view(request, extra_context)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # nothing a customer sent is deleted silently

    @admin.action(description=_("Send again now"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet) -> None:
        retried = 0
        # Queued ones already have a run booked; delivered ones are done.
        waiting = (Submission.State.DELIVERED, Submission.State.QUEUED)
        for submission in queryset.exclude(state__in=waiting):
            submission.state = Submission.State.QUEUED
            submission.next_attempt_at = submission.requeued_at = timezone.now()
            submission.save(update_fields=["state", "next_attempt_at", "requeued_at"])
            schedule(submission)
            retried += 1
        self.message_user(
            request,
            ngettext("%d submission queued again.", "%d submissions queued again.", retried)
            % retried,
            messages.SUCCESS,
        )
