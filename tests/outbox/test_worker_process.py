"""The outbox worker is another process (`manage.py db_worker`): what it delivers reaches
the web process's next view, with no Redis (issue 15: "Sending…" copies shown for minutes
after delivery). Its change marker lives in the shared store, read through once a second
per process, so the view is asked for a second after delivery."""

import pytest

from portal.outbox.models import Submission
from tests import processes
from tests.factories import (
    new_ticket,
    set_faults,
    sign_in_as,
    submit_while_tixallo_fails,
    ticket_link,
)

WORKER = """
import sys
from portal.outbox.tasks import deliver_submission
for pk in sys.argv[1:]:
    print("state:", deliver_submission.call(int(pk)))  # among the emails it prints
"""

# Rows the worker process sees; a worker process each.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def deliver_in_another_process() -> list[str]:
    pks = [str(pk) for pk in Submission.objects.values_list("pk", flat=True)]
    out = processes.run(WORKER, *pks)
    return [line[7:] for line in out.splitlines() if line.startswith("state: ")]


def test_a_reply_the_worker_delivers_is_shown_once_and_not_as_sending(
    client, sandbox, settings, monkeypatch
):
    link = ticket_link(new_ticket().id)
    client.get(link)
    settings.TIXALLO_RETRY_BUDGET = 0
    set_faults(sandbox, next=["503"] * 3)
    client.post(link, {"body": "Queued reply text"})
    set_faults(sandbox)
    assert "· Sending…" in client.get(link).content.decode()
    assert deliver_in_another_process() == ["delivered"]
    processes.after_read_through(monkeypatch)
    page = client.get(link).content.decode()
    assert "· Sending…" not in page
    assert page.count('<div class="body">Queued reply text</div>') == 1


def test_a_request_the_worker_delivers_leaves_my_requests(client, sandbox, settings, monkeypatch):
    _, submission = submit_while_tixallo_fails(client, sandbox, settings)
    sign_in_as(client)
    assert 'tone-new">Sending…' in client.get("/tickets/").content.decode()
    assert deliver_in_another_process() == ["delivered"]
    processes.after_read_through(monkeypatch)
    page = client.get("/tickets/").content.decode()
    assert 'tone-new">Sending…' not in page and "#1001" in page
