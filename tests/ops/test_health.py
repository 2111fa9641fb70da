"""Admin → Health: every part in each of its states, with what to do when it is not
green; linked from the admin index; staff only; never calls Tixallo."""

import re
import time
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal.ops import readings
from portal.outbox import tasks
from portal.outbox.models import Submission
from portal.shared import store
from portal.telemetry import metrics
from portal.tixallo import breaker
from portal.webhooks.models import ReceivedEvent
from tests.factories import api_requests, make_submission, new_ticket, set_faults

pytestmark = pytest.mark.django_db

URL = "/admin/health/"


def state(admin_client, part: str) -> tuple[str, str]:
    """The part's state and its text, as the page shows them."""
    html = admin_client.get(URL).content.decode()
    found = re.search(rf'id="health-{part}" class="module health-part health-(\w+)"(.*?)</section>',
                      html, re.S)  # fmt: skip
    assert found, f"no {part} on the page"
    return found.group(1), " ".join(re.sub(r"<[^>]+>", " ", found.group(2)).split())


def test_it_is_for_staff_only(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_admin_index_links_to_it_and_counts_what_needs_a_look(admin_client, settings):
    settings.TIXALLO_API_KEY = ""
    html = admin_client.get("/admin/").content.decode()
    assert 'href="/admin/health/"' in html
    assert "2 parts need a look." in html


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [("en", "1 part needs a look.", "2 parts need a look."),
     ("de", "1 Teil muss geprüft werden.", "2 Teile müssen geprüft werden.")],
)  # fmt: skip
def test_it_counts_in_plain_words_in_both_languages(language, one, two):
    with translation.override(language):
        assert one in render_to_string(
            "admin/ops/health_link.html", {"shown": True, "attention": 1}
        )
        assert two in render_to_string("admin/ops/health.html", {"attention": 2, "parts": []})


def test_it_says_when_in_plain_words_in_both_languages(admin_client, sandbox):
    new_ticket()  # Tixallo answered moments ago
    found, text = state(admin_client, "tixallo")
    assert "(just now)" in text and "0 minutes" not in text
    german = admin_client.get(URL, headers={"accept-language": "de"}).content.decode()
    assert "(gerade eben)" in german


def test_it_never_calls_tixallo(admin_client, sandbox):
    new_ticket()
    before = api_requests(sandbox)
    assert admin_client.get(URL).status_code == 200
    assert admin_client.get("/admin/").status_code == 200
    assert api_requests(sandbox) == before


def test_tixallo_without_a_key(admin_client, settings):
    settings.TIXALLO_API_KEY = ""
    found, text = state(admin_client, "tixallo")
    assert found == "problem"
    assert "No API key is set" in text


def test_tixallo_not_called_yet(admin_client):
    found, text = state(admin_client, "tixallo")
    assert found == "unknown"
    assert "Test connection" in text


def test_tixallo_answering(admin_client, sandbox):
    new_ticket()
    found, text = state(admin_client, "tixallo")
    assert found == "ok"
    assert "Tixallo answers." in text


def test_tixallo_failing_says_what_went_wrong_and_what_to_do(admin_client, sandbox, settings):
    new_ticket()
    settings.TIXALLO_RETRY_BUDGET = 0
    set_faults(sandbox, force_status=503)
    with pytest.raises(Exception):  # noqa: B017, PT011 - any Tixallo error
        new_ticket()
    found, text = state(admin_client, "tixallo")
    assert found == "problem"
    assert "POST /tickets: HTTP 503" in text
    assert "Test connection" in text
    assert settings.TIXALLO_API_KEY not in text


def test_breaker_closed_and_open(admin_client):
    assert state(admin_client, "breaker")[0] == "ok"
    store.set(breaker.OPEN_UNTIL, True, 30)
    found, text = state(admin_client, "breaker")
    assert found == "problem"
    assert "tries again by itself" in text


@pytest.mark.parametrize(
    ("usage", "expected", "words"),
    [
        ({"used_last_minute": 3, "used_last_hour": 40, "limit_per_minute": 100}, "ok", "40"),
        ({"used_last_minute": 90, "used_last_hour": 900, "limit_per_minute": 100},
         "warning", "Close to the budget"),
        ({"used_last_minute": 100, "used_last_hour": 900, "limit_per_minute": 100,
          "paused_until": 30}, "problem", "HTTP 429"),  # 30 s from now
    ],
)  # fmt: skip
def test_budget(admin_client, monkeypatch, usage, expected, words):
    if usage.get("paused_until"):
        usage = usage | {"paused_until": time.time() + usage["paused_until"]}
    monkeypatch.setattr(readings, "budget_usage", lambda: {"paused_until": None} | usage)
    found, text = state(admin_client, "budget")
    assert found == expected
    assert words in text


def test_webhooks_off_without_a_secret(admin_client, settings):
    settings.TIXALLO_WEBHOOK_SECRET = ""
    found, text = state(admin_client, "webhooks")
    assert found == "off"
    assert "signing secret" in text


def test_webhooks_silent_for_a_day_with_a_secret(admin_client, settings):
    settings.TIXALLO_WEBHOOK_SECRET = "whsec_x"
    ReceivedEvent.objects.create(event_id="e1", type="ticket.updated", ticket_id="t",
                                 received_at=timezone.now() - timedelta(hours=25))  # fmt: skip
    found, text = state(admin_client, "webhooks")
    assert found == "warning"
    assert "Nothing arrived in 24 hours" in text
    assert "/webhooks/tixallo" in text


def test_webhooks_arriving_by_type(admin_client, settings):
    settings.TIXALLO_WEBHOOK_SECRET = "whsec_x"
    ReceivedEvent.objects.create(event_id="e1", type="ticket.updated", ticket_id="t")
    ReceivedEvent.objects.create(event_id="e2", type="message.created", ticket_id="t")
    found, text = state(admin_client, "webhooks")
    assert found == "ok"
    assert "Last ticket.updated" in text
    assert "Last message.created" in text


def test_outbox_ok_stuck_and_failed(admin_client):
    make_submission("k1")
    assert state(admin_client, "queue")[0] == "ok"
    Submission.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    found, text = state(admin_client, "queue")
    assert (found, "waited more than 10 minutes" in text) == ("warning", True)
    make_submission("k2", state=Submission.State.FAILED)
    found, text = state(admin_client, "queue")
    assert found == "problem"
    assert "Send again now" in text


def test_worker_unknown_overdue_and_ok(admin_client):
    assert state(admin_client, "worker")[0] == "unknown"
    row = make_submission("k1")
    late = timezone.now() - timedelta(minutes=5)
    tasks.deliver_submission.using(run_after=late).enqueue(row.pk)
    found, text = state(admin_client, "worker")
    assert found == "problem"
    assert "manage.py db_worker" in text
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    DBTaskResult.objects.update(status="SUCCESSFUL", started_at=now, finished_at=now)
    assert state(admin_client, "worker")[0] == "ok"


@pytest.mark.parametrize("started_ago, missing", [(timedelta(seconds=30), False),
                                                  (timedelta(minutes=10), True)])  # fmt: skip
def test_the_health_page_and_the_admin_banner_agree_on_the_worker(admin_client, started_ago,
                                                                   missing):  # fmt: skip
    """A worker busy with a long task (started, not finished) while another is overdue
    is running; one that started nothing for ten minutes is not."""
    from django_tasks_db.models import DBTaskResult

    row = make_submission("k1")
    tasks.deliver_submission.using(run_after=timezone.now() - timedelta(minutes=5)).enqueue(row.pk)
    tasks.deliver_submission.enqueue(row.pk)
    busy = DBTaskResult.objects.order_by("run_after").last()
    DBTaskResult.objects.filter(pk=busy.pk).update(
        status="RUNNING", started_at=timezone.now() - started_ago
    )
    banner = "no outbox worker" in admin_client.get("/admin/").content.decode()
    assert (state(admin_client, "worker")[0] == "problem", banner) == (missing, missing)


def test_it_shows_tixallo_last_answers_recorded_by_any_call(admin_client, sandbox):
    new_ticket()
    last_ok, last_error = metrics.tixallo_last()
    assert last_ok is not None
    assert last_error is None


def test_every_process_shows_the_same_last_answers(admin_client, sandbox, settings):
    """Recorded in the shared store: another process (no cache of this one's) sees them."""
    from django.core.cache import cache, caches

    new_ticket()
    if not settings.REDIS_URL:  # the default cache is this process's own
        cache.clear()
    caches["local"].clear()
    last_ok, _ = metrics.tixallo_last()
    assert last_ok is not None


def test_its_times_read_naturally_in_german_too():
    from portal.ops.templatetags.ops import ago

    with translation.override("de"):
        assert ago(timezone.now() - timedelta(days=5, hours=20)) == "vor 5 Tagen"
