"""The outbox worker is another process (`manage.py db_worker`): what it delivers reaches
the web process's next view, with no Redis (issue 15: "Sending…" copies shown for minutes
after delivery). Its change marker lives in the shared store, read through once a second
per process, so the view is asked for a second after delivery."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from portal.outbox.models import Submission
from portal.shared import store
from tests.factories import (
    new_ticket,
    set_faults,
    sign_in_as,
    submit_while_tixallo_fails,
    ticket_link,
)
from tests.shared.test_store_processes import database_url

ROOT = Path(__file__).resolve().parents[2]
WORKER = """
import sys
import django
django.setup()
from portal.outbox.tasks import deliver_submission
for pk in sys.argv[1:]:
    print("state:", deliver_submission.call(int(pk)))  # among the emails it prints
"""

pytestmark = pytest.mark.django_db(transaction=True)  # rows the worker process sees


def deliver_in_another_process(settings) -> list[str]:
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url(),
        "SANDBOX_DB_PATH": str(settings.SANDBOX_DB_PATH),  # the test's sandbox
        "REDIS_URL": settings.REDIS_URL,
    }
    pks = [str(pk) for pk in Submission.objects.values_list("pk", flat=True)]
    done = subprocess.run(
        [sys.executable, "-c", WORKER, *pks], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=120, check=True,
    )  # fmt: skip
    return [line[7:] for line in done.stdout.splitlines() if line.startswith("state: ")]


@pytest.fixture
def a_second_later(monkeypatch):
    """This process's read-through of the shared store has run out."""

    def move() -> None:
        now = store.time.monotonic() + store_read_through() + 0.1
        monkeypatch.setattr(store.time, "monotonic", lambda: now)

    return move


def store_read_through() -> float:
    from portal.outbox.models import CHANGES_READ_THROUGH

    return CHANGES_READ_THROUGH


def test_a_reply_the_worker_delivers_is_shown_once_and_not_as_sending(
    client, sandbox, settings, a_second_later
):
    link = ticket_link(new_ticket().id)
    client.get(link)
    settings.TIXALLO_RETRY_BUDGET = 0
    set_faults(sandbox, next=["503"] * 3)
    client.post(link, {"body": "Queued reply text"})
    set_faults(sandbox)
    assert "· Sending…" in client.get(link).content.decode()
    assert deliver_in_another_process(settings) == ["delivered"]
    a_second_later()
    page = client.get(link).content.decode()
    assert "· Sending…" not in page
    assert page.count('<div class="body">Queued reply text</div>') == 1


def test_a_request_the_worker_delivers_leaves_my_requests(
    client, sandbox, settings, a_second_later
):
    _, submission = submit_while_tixallo_fails(client, sandbox, settings)
    sign_in_as(client)
    assert 'tone-new">Sending…' in client.get("/tickets/").content.decode()
    assert deliver_in_another_process(settings) == ["delivered"]
    a_second_later()
    page = client.get("/tickets/").content.decode()
    assert 'tone-new">Sending…' not in page and "#1001" in page
