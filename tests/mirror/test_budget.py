"""The request budget shared by every process (`portal.mirror.budget`): writes first, then
first views, then polls; a 429 pauses reads for everyone, answered from copies."""

import time
import types

import pytest

from portal.mirror import budget, reads
from portal.tixallo.errors import RateLimited, Throttled
from tests.factories import (
    FORM,
    api_requests,
    new_ticket,
    poll_url,
    set_faults,
    ticket_link,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("webhook_secret")]

ADA = FORM | {"customer_email": "ada@example.com", "customer_name": "Ada"}  # not signed in


@pytest.fixture
def frozen(monkeypatch):
    """The budget's clock, fixed mid-minute: counts never roll over during a test."""
    monkeypatch.setattr(budget, "time", types.SimpleNamespace(time=lambda: 1_800_000_030.0))


def admitted(kind: float, tries: int = 20, method: str = "GET") -> int:
    count = 0
    with budget.priority(kind):
        for _ in range(tries):
            try:
                budget.admit(method)
            except Throttled:
                break
            count += 1
    return count


def test_writes_come_first_then_first_views_then_polls(settings, frozen):
    settings.TIXALLO_REQUESTS_PER_MINUTE = 20
    assert admitted(budget.POLL) == 12  # 60 %
    assert admitted(budget.FIRST_VIEW) == 5  # up to 85 %
    assert admitted(budget.WRITE, method="POST") == 3  # the rest
    assert admitted(budget.POLL) == admitted(budget.FIRST_VIEW) == 0
    assert budget.usage() | {"paused_until": None} == {
        "used_last_minute": 20,
        "used_last_hour": 20,
        "limit_per_minute": 20,
        "paused_until": None,
    }


def test_the_longer_a_polls_copy_waited_the_larger_its_share(
    sandbox, settings, frozen, monkeypatch
):
    settings.TIXALLO_REQUESTS_PER_MINUTE = 10
    ticket = new_ticket()
    reads.ticket(ticket.id)  # its creation and first view: 2 of 10
    assert admitted(budget.POLL) == 4  # polls' share (60 %) is spent
    settings.PORTAL_CACHE_SECONDS = 0
    before = api_requests(sandbox)
    reads.ticket(ticket.id, poll=True)  # a young copy: answered from it
    assert api_requests(sandbox) == before
    monkeypatch.setattr(reads, "POLL_PATIENCE", 1e-9)  # it waited as long as any may
    reads.ticket(ticket.id, poll=True)
    assert api_requests(sandbox) == before + 1


def test_a_poll_over_budget_is_answered_from_the_copy(client, sandbox, settings):
    ticket = new_ticket()
    link = ticket_link(ticket.id)
    poll = poll_url(client.get(link).content.decode())
    settings.PORTAL_CACHE_SECONDS = 0  # every poll would read Tixallo again
    settings.TIXALLO_REQUESTS_PER_MINUTE = budget.usage()["used_last_minute"]  # all spent
    before = api_requests(sandbox)
    response = client.get(poll, headers={"HX-Request": "true"})
    assert response.status_code == 204  # the copy: nothing new, nothing broken
    assert client.get(link).status_code == 200  # a full page too, from the copy
    assert api_requests(sandbox) == before


def test_a_429_pauses_reads_for_everyone_but_not_writes(client, sandbox, settings, signed_in):
    seen = new_ticket()
    other = new_ticket("bob@example.com")
    assert client.get(f"/tickets/{seen.id}/").status_code == 200
    settings.PORTAL_CACHE_SECONDS = 0
    set_faults(sandbox, next=["429"], retry_after=120)
    reads.ticket(seen.id)  # meets the 429; answered from its copy
    paused = budget.usage()["paused_until"]
    assert paused is not None and paused > time.time() + 100
    before = api_requests(sandbox)
    with pytest.raises(RateLimited):  # another ticket, as another process would ask
        reads.ticket(other.id)
    assert client.get(f"/tickets/{seen.id}/").status_code == 200  # from the copy
    assert api_requests(sandbox) == before  # nobody asked Tixallo
    assert client.post("/", ADA).status_code == 302  # writes still go
    assert api_requests(sandbox) == before + 1
