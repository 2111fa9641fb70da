"""Is the outbox moving? Submissions waiting while no worker runs would wait forever
without anybody noticing: admin says so plainly (admin index and the outbox list)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Max
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portal.outbox.models import Submission

# A worker polls every second or few; a task due this long and not started means none runs.
NO_WORKER_AFTER = timedelta(minutes=2)


@dataclass(frozen=True)
class Worker:
    """The one answer to "is a worker running?", for the admin banner, "Send again now",
    the Health page and /metrics alike (`portal.ops.readings`)."""

    last_run: datetime | None  # when a worker last started a task, if ever
    overdue: int  # tasks due more than NO_WORKER_AFTER ago and not started
    missing: bool  # tasks are overdue and no worker has started one lately


def worker() -> Worker:
    # Started, not finished: a worker busy with a long task is still running.
    cutoff = timezone.now() - NO_WORKER_AFTER
    last = DBTaskResult.objects.aggregate(last=Max("started_at"))["last"]
    overdue = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, run_after__lt=cutoff
    ).count()
    return Worker(last, overdue, bool(overdue) and (last is None or last < cutoff))


@dataclass(frozen=True)
class QueueHealth:
    waiting: int  # submissions queued for Tixallo
    worker_missing: bool  # tasks are overdue and no worker has started one lately
    last_worker_run: datetime | None  # when a worker last started a task, if ever

    @property
    def stuck(self) -> bool:
        return bool(self.waiting) and self.worker_missing


def queue_health() -> QueueHealth:
    waiting = Submission.objects.filter(state=Submission.State.QUEUED).count()
    running = worker()
    return QueueHealth(waiting, running.missing, running.last_run)
