"""/metrics: off without a token, bearer-only, outside the customer pages' limits, and
every metric the README lists present with its labels and moving when things happen."""

import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from prometheus_client import CollectorRegistry, generate_latest, multiprocess
from prometheus_client.parser import text_string_to_metric_families

from portal.mirror import reads
from portal.outbox.models import Submission
from portal.sandbox import webhooks
from portal.tixallo import breaker
from portal.tixallo import client as api
from portal.tixallo.errors import TixalloError
from tests.factories import FORM, make_submission, new_ticket, set_faults

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-5f1c2a9e"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(autouse=True)
def token(settings):
    settings.METRICS_TOKEN = TOKEN


def scrape(django_client) -> dict[tuple[str, tuple], float]:
    response = django_client.get("/metrics", headers=AUTH)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_it_is_off_without_a_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", headers=AUTH).status_code == 404


@pytest.mark.parametrize(
    "header",
    [
        "",
        "Bearer wrong",
        f"Basic {TOKEN}",
        "Bearer ümlaut",
        TOKEN,  # the token without its scheme
        f"Bearer  {TOKEN}",
        f"Bearer {TOKEN} {TOKEN}",
        f"Token {TOKEN}",
        f"Bearer{TOKEN}",
    ],
)
def test_it_wants_the_bearer_token(client, header):
    response = client.get("/metrics", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"portal_" not in response.content


def test_the_scheme_is_case_insensitive(client):
    assert client.get("/metrics", headers={"Authorization": f"bearer {TOKEN}"}).status_code == 200


def test_it_answers_any_host_name_and_refuses_other_methods(client):
    assert client.get("/metrics", headers=AUTH, HTTP_HOST="10.0.0.7:8000").status_code == 200
    assert client.post("/metrics", headers=AUTH).status_code == 405


def test_it_is_not_behind_the_customer_rate_limits(client, sandbox, settings):
    settings.RATE_LIMITS = {
        scope: {"address": (1, 3600), "email": (1, 3600)} for scope in settings.RATE_LIMITS
    }
    client.post("/", FORM)
    assert client.post("/", FORM).status_code == 429
    for _ in range(5):
        assert client.get("/metrics", headers=AUTH).status_code == 200


def test_it_works_before_tixallo_is_configured(client, settings):
    settings.TIXALLO_API_KEY = ""
    assert client.get("/").status_code == 503  # the "being set up" page
    assert client.get("/metrics", headers=AUTH).status_code == 200


def test_tixallo_requests_count_by_endpoint_and_outcome(client, sandbox):
    before = scrape(client)
    ticket = new_ticket()
    api.get_ticket(ticket.id)
    set_faults(sandbox, next=["404"])
    with pytest.raises(TixalloError):
        api.get_ticket(ticket.id)
    after = scrape(client)
    created = ("portal_tixallo_requests_total", {"endpoint": "POST /tickets", "outcome": "ok"})
    read = {"endpoint": "GET /tickets/{id}"}
    assert value(after, created[0], **created[1]) == value(before, created[0], **created[1]) + 1
    assert value(after, "portal_tixallo_requests_total", **read, outcome="ok") == 1 + value(
        before, "portal_tixallo_requests_total", **read, outcome="ok"
    )
    assert value(after, "portal_tixallo_requests_total", **read, outcome="4xx") == 1 + value(
        before, "portal_tixallo_requests_total", **read, outcome="4xx"
    )
    count = "portal_tixallo_request_duration_seconds_count"
    assert value(after, count, **read) == value(before, count, **read) + 2
    assert value(after, "portal_tixallo_request_duration_seconds_bucket", **read, le="+Inf") >= 2


@pytest.mark.parametrize(("fault", "outcome"), [("500", "5xx"), ("429", "429")])
def test_tixallo_errors_count_as_their_outcome(client, sandbox, settings, fault, outcome):
    ticket = new_ticket()
    labels = {"endpoint": "GET /tickets/{id}", "outcome": outcome}
    before = value(scrape(client), "portal_tixallo_requests_total", **labels)
    set_faults(sandbox, next=[fault] * 10)
    settings.TIXALLO_RETRY_BUDGET = 0  # one attempt
    with pytest.raises(TixalloError):
        api.get_ticket(ticket.id)
    assert value(scrape(client), "portal_tixallo_requests_total", **labels) == before + 1


def test_a_timeout_counts_as_timeout(client, sandbox, settings):
    labels = {"endpoint": "GET /tickets/{id}", "outcome": "timeout"}
    before = value(scrape(client), "portal_tixallo_requests_total", **labels)
    set_faults(sandbox, next=["timeout"])
    settings.TIXALLO_RETRY_BUDGET = 0
    with pytest.raises(TixalloError):
        api.get_ticket("12345")
    assert value(scrape(client), "portal_tixallo_requests_total", **labels) == before + 1


def test_cache_hits_misses_and_stale_answers(client, sandbox, settings):
    ticket = new_ticket()
    before = scrape(client)
    reads.ticket(ticket.id)  # miss
    reads.ticket(ticket.id)  # hit
    reads.forget_ticket(ticket.id)
    set_faults(sandbox, force_status=503)
    settings.TIXALLO_RETRY_BUDGET = 0
    reads.ticket(ticket.id)  # miss, then the last copy: stale
    after = scrape(client)
    name = "portal_cache_reads_total"
    assert value(after, name, result="hit") == value(before, name, result="hit") + 1
    assert value(after, name, result="miss") == value(before, name, result="miss") + 2
    assert value(after, name, result="stale") == value(before, name, result="stale") + 1


def test_webhook_events_by_type_and_outcome_and_their_lag(client, settings):
    settings.TIXALLO_WEBHOOK_SECRET = "whsec_metrics"
    created = (timezone.now() - timedelta(seconds=3)).isoformat()
    event = {"id": "evt_m1", "type": "ticket.updated", "created_at": created,
             "data": {"id": "t1", "updated_at": created}}  # fmt: skip
    before = scrape(client)
    for _ in range(2):
        body, headers = webhooks.signed_request(event, "whsec_metrics", int(time.time()))
        client.post("/webhooks/tixallo", body, content_type="application/json", headers=headers)
    client.post("/webhooks/tixallo", b"{}", content_type="application/json")  # unsigned
    after = scrape(client)
    name = "portal_webhook_events_total"
    for labels in ({"type": "ticket.updated", "outcome": "applied"},
                   {"type": "ticket.updated", "outcome": "duplicate"},
                   {"type": "unknown", "outcome": "refused"}):  # fmt: skip
        assert value(after, name, **labels) == value(before, name, **labels) + 1
    lag = "portal_webhook_lag_seconds"
    assert value(after, f"{lag}_count") == value(before, f"{lag}_count") + 2
    assert value(after, f"{lag}_sum") - value(before, f"{lag}_sum") >= 6
    assert value(after, "portal_webhook_last_received_timestamp_seconds", type="ticket.updated")
    assert value(after, "portal_webhook_secret_set") == 1
    settings.TIXALLO_WEBHOOK_SECRET = ""
    assert value(scrape(client), "portal_webhook_secret_set") == 0


def test_emails_sent_and_failed(client, sandbox, settings):
    name, labels = "portal_emails_total", {"kind": "ticket_confirmation"}
    before = scrape(client)
    client.post("/", FORM)
    smtp = {"host": "127.0.0.1", "port": 9, "timeout": 1}  # nothing listens there
    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": smtp}
    }
    client.post("/", FORM | {"idempotency_key": "b" * 32})
    after = scrape(client)
    for outcome in ("sent", "failed"):
        assert value(after, name, **labels, outcome=outcome) == 1 + value(
            before, name, **labels, outcome=outcome
        )


def test_refusals_by_rate_limit_and_spam_checks(client, sandbox, settings):
    name = "portal_refused_total"
    before = scrape(client)
    client.post("/", FORM | {"website": "http://spam.example"})
    settings.MIN_FILL_SECONDS = 60
    from portal.tickets.forms import started_now

    client.post("/signin/", {"email": "a@example.com", "started": started_now()})
    settings.MIN_FILL_SECONDS = 0
    settings.RATE_LIMITS = {
        scope: {"address": (0, 3600), "email": (0, 3600)} for scope in settings.RATE_LIMITS
    }
    client.post("/", FORM)
    after = scrape(client)
    for labels in ({"action": "submit", "reason": "honeypot"},
                   {"action": "signin", "reason": "too_fast"},
                   {"action": "submit", "reason": "rate_limit"}):  # fmt: skip
        assert value(after, name, **labels) == value(before, name, **labels) + 1


def test_outbox_depth_oldest_waiting_and_worker_last_run(client):
    make_submission("k1")
    Submission.objects.filter(idempotency_key="k1").update(
        created_at=timezone.now() - timedelta(minutes=12)
    )
    make_submission("k2", state="failed")
    samples = scrape(client)
    assert value(samples, "portal_outbox_submissions", state="queued") == 1
    assert value(samples, "portal_outbox_submissions", state="failed") == 1
    assert value(samples, "portal_outbox_submissions", state="delivered") == 0
    assert value(samples, "portal_outbox_oldest_waiting_seconds") >= 12 * 60
    assert ("portal_worker_last_run_timestamp_seconds", ()) in samples
    assert ("portal_worker_overdue_tasks", ()) in samples


def test_breaker_and_budget(client):
    assert value(scrape(client), "portal_tixallo_breaker_open") == 0
    for name, labels in (("portal_tixallo_budget_used", {"window": "minute"}),
                         ("portal_tixallo_budget_used", {"window": "hour"}),
                         ("portal_tixallo_budget_limit_per_minute", {}),
                         ("portal_tixallo_budget_paused", {})):  # fmt: skip
        assert (name, tuple(sorted(labels.items()))) in scrape(client)
    from portal.shared import store

    store.set(breaker.OPEN_UNTIL, True, 30)
    assert value(scrape(client), "portal_tixallo_breaker_open") == 1


@pytest.mark.slow  # several processes
def test_processes_add_up_in_multiprocess_mode(tmp_path):
    """What gunicorn's workers and the outbox worker do: each process its own file, and
    the scrape adds them up."""
    script = (
        "import django; django.setup();"
        "from portal.telemetry import metrics; metrics.cache_read('hit'); metrics.cache_read('hit')"
    )
    env = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "tests.settings",
           "PATH": "/usr/bin:/bin"}  # fmt: skip
    for _ in range(2):
        subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=60)
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(tmp_path))
    text = generate_latest(registry).decode()
    assert 'portal_cache_reads_total{result="hit"} 4.0' in text


def test_gunicorn_drops_the_files_of_dead_processes_at_start(tmp_path, monkeypatch):
    """A new start must not add up counters of processes long gone, yet keep those of a
    live outbox worker sharing the directory."""
    import os
    import runpy

    from django.conf import settings

    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    monkeypatch.setenv("WEB_CONCURRENCY", "1")  # the file sets it; monkeypatch restores it
    config = runpy.run_path(str(settings.BASE_DIR / "gunicorn.conf.py"))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    (tmp_path / f"counter_{dead}.db").write_bytes(b"")
    (tmp_path / f"histogram_{os.getpid()}.db").write_bytes(b"")
    config["on_starting"](None)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"histogram_{os.getpid()}.db"]
