"""Reading Tixallo through the mirror (`portal.mirror.reads`): coherent with events, one
fetch per key, per-customer lists, the last copy while Tixallo is down, refusals kept
briefly. Against the sandbox, with the sandbox's own request counter as the judge."""

import threading
import time

import pytest

from portal.mirror import reads, trust
from portal.sandbox import agents
from portal.tixallo.errors import NotFound
from tests.factories import (
    api_requests,
    new_ticket,
    poll_url,
    public_bodies,
    set_faults,
    ticket_link,
    webhook_dispatcher,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("webhook_secret")]


# --- coherence -------------------------------------------------------------------


def test_a_fetch_begun_before_an_event_never_passes_for_current(client, sandbox, monkeypatch):
    """The fetch reads the ticket, then (before it stores its copy) an agent answers and
    the event arrives: the old copy must not be served as current afterwards."""
    ticket = new_ticket()
    send = webhook_dispatcher(client, sandbox)
    real_get = client_get = reads.client.get_ticket

    def get_then_event(ticket_id, **kwargs):
        old = real_get(ticket_id, **kwargs)  # Tixallo's answer, before the change
        agents.agent_reply(sandbox, ticket_id, "Answer during the fetch")
        assert send.run_once() == 2  # message.created, ticket.updated: applied
        return old

    monkeypatch.setattr(reads.client, "get_ticket", get_then_event)
    assert public_bodies(reads.ticket(ticket.id)) == []  # the in-flight fetch's own answer
    monkeypatch.setattr(reads.client, "get_ticket", client_get)
    assert public_bodies(reads.ticket(ticket.id)) == ["Answer during the fetch"]


def test_an_event_newer_than_the_copy_wins_even_with_long_trust(client, sandbox, settings):
    settings.PORTAL_WEBHOOK_CACHE_SECONDS = 3600
    ticket = new_ticket()
    send = webhook_dispatcher(client, sandbox)
    trust.event_arrived()
    assert reads.ticket(ticket.id).messages == ()
    agents.agent_reply(sandbox, ticket.id, "Newer than the copy")
    before = api_requests(sandbox)
    assert public_bodies(reads.ticket(ticket.id)) == []  # trusted: nothing said it changed
    assert api_requests(sandbox) == before
    send.run_once()
    assert public_bodies(reads.ticket(ticket.id)) == ["Newer than the copy"]
    assert api_requests(sandbox) == before + 1


def test_an_event_older_than_the_copy_changes_nothing(client, sandbox):
    ticket = new_ticket()
    copy = reads.ticket_copy(ticket.id)
    reads.ticket_changed(ticket.id, copy.updated_at - 60)  # late, and already shown
    before = api_requests(sandbox)
    assert reads.ticket_copy(ticket.id) == copy
    assert api_requests(sandbox) == before


# --- one fetch per key -------------------------------------------------------------


# Committed: the threads' own connections write the lock and the budget in the store.
@pytest.mark.django_db(transaction=True)
def test_threads_asking_at_once_make_one_upstream_call(sandbox, monkeypatch):
    ticket = new_ticket()
    threads_count = 8
    waiting = threading.Semaphore(0)
    release = threading.Event()
    real_get = reads.client.get_ticket

    def held_get(ticket_id, **kwargs):
        release.wait(10)  # until every other thread is waiting for this fetch
        return real_get(ticket_id, **kwargs)

    reported = set()

    def pause(seconds):
        if threading.get_ident() not in reported:
            reported.add(threading.get_ident())
            waiting.release()
        release.wait(seconds)

    monkeypatch.setattr(reads.client, "get_ticket", held_get)
    monkeypatch.setattr(reads, "_pause", pause)
    before = api_requests(sandbox)
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(reads.ticket(ticket.id, poll=True)))
        for _ in range(threads_count)
    ]
    for thread in threads:
        thread.start()
    for _ in range(threads_count - 1):  # each waiter reports in at its first pause
        assert waiting.acquire(timeout=10)
    release.set()
    for thread in threads:
        thread.join(10)
    assert len(results) == threads_count
    assert {t.id for t in results} == {ticket.id}
    assert api_requests(sandbox) - before == 1


def test_twenty_polls_of_a_just_changed_ticket_cost_one_request(client, sandbox):
    ticket = new_ticket()
    link = ticket_link(ticket.id)
    send = webhook_dispatcher(client, sandbox)
    poll = poll_url(client.get(link).content.decode())
    agents.agent_reply(sandbox, ticket.id, "Changed")
    send.run_once()
    before = api_requests(sandbox)
    answers = [client.get(poll, headers={"HX-Request": "true"}) for _ in range(20)]
    assert all(a.status_code == 200 and "Changed" in a.content.decode() for a in answers)
    assert api_requests(sandbox) - before == 1


# --- per-customer lists ----------------------------------------------------------


def test_an_event_refreshes_only_its_customers_lists(sandbox):
    mine = new_ticket("ada@example.com")
    new_ticket("bob@example.com")
    for email in ("ada@example.com", "bob@example.com"):
        reads.tickets_for(email, (), None)  # cached, and the customer ids learnt
    agents.set_status(sandbox, mine.id, "solved")
    reads.ticket_changed(mine.id, time.time(), customer_id=mine.customer_id)
    before = api_requests(sandbox)
    reads.tickets_for("bob@example.com", (), None)
    assert api_requests(sandbox) == before  # Bob's list is still current
    page = reads.tickets_for("ada@example.com", (), None)
    assert api_requests(sandbox) == before + 1
    assert page.tickets[0].status == "solved"


def test_a_message_event_finds_the_customer_through_the_ticket(sandbox):
    mine = new_ticket("ada@example.com")
    reads.tickets_for("ada@example.com", (), None)
    reads.tickets_for("bob@example.com", (), None)
    reads.ticket_changed(mine.id, None)  # a message event names only the ticket
    before = api_requests(sandbox)
    reads.tickets_for("bob@example.com", (), None)
    reads.tickets_for("ada@example.com", (), None)
    assert api_requests(sandbox) == before + 1


def test_an_unknown_customer_refreshes_every_list_once(sandbox):
    reads.tickets_for("bob@example.com", (), None)
    reads.ticket_changed("tkt_never_read", None, customer_id="cus_never_seen")
    before = api_requests(sandbox)
    reads.tickets_for("bob@example.com", (), None)
    reads.tickets_for("bob@example.com", (), None)
    assert api_requests(sandbox) == before + 1


def test_odd_ids_from_events_are_keys_like_any_other(sandbox):
    from portal.shared import store

    reads.ticket_changed("tkt_\ud800", None, customer_id="cus_\ud800\x00")
    assert store.get(reads.ALL_LISTS)  # an unknown customer: every list refreshed
    before = api_requests(sandbox)
    with pytest.raises(NotFound):
        reads.ticket("tkt_\udfff")  # refused by the client before any request
    assert api_requests(sandbox) == before


# --- refusals kept briefly, the last copy while Tixallo is down ---------------------


def test_not_found_answers_are_kept_briefly(sandbox):
    before = api_requests(sandbox)
    for _ in range(3):
        with pytest.raises(NotFound):
            reads.ticket("tkt_guessed")
    assert api_requests(sandbox) == before + 1


def test_refused_cursors_are_kept_briefly(client, sandbox, signed_in):
    before = api_requests(sandbox)
    for _ in range(3):
        assert client.get("/tickets/?cursor=forged").status_code == 302
    assert api_requests(sandbox) == before + 1


def test_it_serves_the_last_copy_while_tixallo_is_down(client, sandbox, settings):
    ticket = new_ticket(subject="Still readable")
    link = ticket_link(ticket.id)
    assert client.get(link).status_code == 200
    reads.forget_ticket(ticket.id)  # the fresh copy is gone; the last one seen stays
    set_faults(sandbox, force_status=503)
    response = client.get(link)
    assert response.status_code == 200
    assert "Still readable" in response.content.decode()
