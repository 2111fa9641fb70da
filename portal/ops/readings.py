"""The state of things, read from the database and the cache — for the health page
and for /metrics alike (read only; nothing here calls Tixallo)."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, Min

from portal.config.current import portal_config
from portal.mirror import budget
from portal.outbox import health
from portal.outbox.health import Worker
from portal.outbox.models import Submission
from portal.tixallo import breaker
from portal.webhooks.models import ReceivedEvent


@dataclass(frozen=True)
class Outbox:
    by_state: dict[str, int]
    oldest_waiting: datetime | None  # created_at of the oldest queued submission
    worker: Worker  # the outbox app's answer, the same the admin banner shows

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
    by_state = {state: counts.get(state, 0) for state in Submission.State.values}
    return Outbox(by_state, oldest, health.worker())


def webhooks_last_by_type() -> dict[str, datetime]:
    """When each type of event last arrived (the receiver keeps 30 days of them)."""
    rows = ReceivedEvent.objects.values_list("type").annotate(last=Max("received_at")).order_by()
    return dict(rows)


def webhook_secret_set() -> bool:
    return bool(portal_config().webhook_secret)


def breaker_open() -> bool:
    return breaker.is_open()


def budget_usage() -> dict:
    return budget.usage()
