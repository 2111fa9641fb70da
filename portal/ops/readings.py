"""The state of things, read from the database and the cache — for the health page
and for /metrics alike (read only; nothing here calls Tixallo)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max, Min
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portal.config.current import current
from portal.mirror import budget
from portal.outbox.models import Submission
from portal.tixallo import breaker
from portal.webhooks.models import ReceivedEvent

# A task this late to start means no worker is taking them.
WORKER_LATE = timedelta(minutes=2)


@dataclass(frozen=True)
class Outbox:
    by_state: dict[str, int]
    oldest_waiting: datetime | None  # created_at of the oldest queued submission
    worker_last_run: datetime | None  # the last time any task finished
    overdue_tasks: int  # tasks due more than WORKER_LATE ago and not started

    @property
    def waiting(self) -> int:
        return self.by_state.get(Submission.State.QUEUED, 0)

    @property
    def failed(self) -> int:
        return self.by_state.get(Submission.State.FAILED, 0)


def outbox() -> Outbox:
    counts = dict(Submission.objects.values_list("state").annotate(n=Count("pk")).order_by())
    oldest = Submission.objects.filter(state=Submission.State.QUEUED).aggregate(
        oldest=Min("created_at")
    )["oldest"]
    tasks = DBTaskResult.objects.all()
    last = tasks.aggregate(last=Max("finished_at"))["last"]
    overdue = tasks.filter(
        status=TaskResultStatus.READY, run_after__lt=timezone.now() - WORKER_LATE
    ).count()
    by_state = {state: counts.get(state, 0) for state in Submission.State.values}
    return Outbox(by_state, oldest, last, overdue)


def webhooks_last_by_type() -> dict[str, datetime]:
    """When each type of event last arrived (the receiver keeps 30 days of them)."""
    rows = ReceivedEvent.objects.values_list("type").annotate(last=Max("received_at")).order_by()
    return dict(rows)


def webhook_secret_set() -> bool:
    return bool(current().webhook_secret)


def breaker_open() -> bool:
    return breaker.is_open()


def budget_usage() -> dict:
    return budget.usage()
