"""The /metrics body: the counters of every process (multiprocess mode when
PROMETHEUS_MULTIPROC_DIR is set) plus states read now from the database and cache."""

import time

from django.conf import settings
from django.utils import timezone
from prometheus_client import CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import REGISTRY, GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

from portal.ops import readings
from portal.telemetry import metrics


class StateCollector(Collector):
    """Gauges read at scrape time, so any process answering /metrics tells the truth."""

    def collect(self):  # a generator of metric families
        outbox = readings.outbox()
        depth = GaugeMetricFamily(
            "portal_outbox_submissions", "Submissions in the outbox by state.", labels=["state"]
        )
        for state, count in outbox.by_state.items():
            depth.add_metric([state], count)
        yield depth
        age = (
            (timezone.now() - outbox.oldest_waiting).total_seconds() if outbox.oldest_waiting else 0
        )
        yield GaugeMetricFamily(
            "portal_outbox_oldest_waiting_seconds",
            "Age of the oldest submission waiting to be sent (0 when none waits).",
            value=age,
        )
        last = outbox.worker.last_run.timestamp() if outbox.worker.last_run else 0
        yield GaugeMetricFamily(
            "portal_worker_last_run_timestamp_seconds",
            "When the outbox worker last started a task (unix time; 0: never).",
            value=last,
        )
        yield GaugeMetricFamily(
            "portal_worker_overdue_tasks",
            "Tasks due more than two minutes ago that no worker has started.",
            value=outbox.worker.overdue,
        )
        yield GaugeMetricFamily(
            "portal_tixallo_breaker_open",
            "1 while the circuit breaker keeps the portal from calling Tixallo.",
            value=1 if readings.breaker_open() else 0,
        )
        usage = readings.budget_usage()
        used = GaugeMetricFamily(
            "portal_tixallo_budget_used",
            "Tixallo requests counted against the request budget, by window.",
            labels=["window"],
        )
        used.add_metric(["minute"], usage["used_last_minute"])
        used.add_metric(["hour"], usage["used_last_hour"])
        yield used
        yield GaugeMetricFamily(
            "portal_tixallo_budget_limit_per_minute",
            "The request budget per minute (0: not limited).",
            value=usage["limit_per_minute"],
        )
        paused = usage["paused_until"]
        yield GaugeMetricFamily(
            "portal_tixallo_budget_paused",
            "1 while Tixallo asked the portal to pause (a 429 shared by every process).",
            value=1 if paused and paused > time.time() else 0,
        )
        last_ok, _ = metrics.tixallo_last()
        yield GaugeMetricFamily(
            "portal_tixallo_last_success_timestamp_seconds",
            "When Tixallo last answered a request well (unix time; 0: not seen).",
            value=last_ok or 0,
        )
        received = GaugeMetricFamily(
            "portal_webhook_last_received_timestamp_seconds",
            "When an event of each type last arrived (unix time).",
            labels=["type"],
        )
        for event_type, moment in readings.webhooks_last_by_type().items():
            received.add_metric([event_type], moment.timestamp())
        yield received
        yield GaugeMetricFamily(
            "portal_webhook_secret_set",
            "1 when a webhook signing secret is configured (environment or admin).",
            value=1 if readings.webhook_secret_set() else 0,
        )


def exposition() -> tuple[bytes, str]:
    if settings.PROMETHEUS_MULTIPROC_DIR:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_Default())
    registry.register(StateCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST


class _Default(Collector):
    """This process's own counters (a single process: tests, runserver)."""

    def collect(self):
        yield from REGISTRY.collect()
