"""Tixallo down while a customer writes (issue 15, scenario a): a request and two replies
are saved at once; once Tixallo is back the worker (another process) delivers them,
once each and in order, and the pages the web processes serve show them so."""

import re
import time

import pytest

from portal.sandbox import tickets
from tests.factories import FORM
from tests.topology.conftest import post_form

EMAIL = "alex@example.com"
DELIVERY_SECONDS = 120  # the outbox's first retry is booked 30 s after the save


@pytest.fixture(scope="session")
def outage(topology):
    """The scenario, once per topology; yields the ticket and the signed-in browser."""
    with topology.store.transaction() as conn:
        ticket = tickets.create_ticket(
            conn, subject="Printer on fire", description="Smoke", customer_email=EMAIL,
            customer_name="Alex Example",
        )  # fmt: skip
    with topology.browser() as alex:
        topology.sign_in(alex, EMAIL)
        page = f"/tickets/{ticket['id']}/"
        for _ in range(30):  # each web process keeps copies of its own: reach both
            assert topology.settled(alex, page) == topology.settled(alex, "/tickets/") == 200
        topology.proxy.cut()
        try:
            sent = post_form(alex, "/", FORM | {"subject": "Sent while down"})
            assert sent.status_code == 302 and "/received/" in sent.headers["Location"]
            for body in ("First reply", "Second reply"):
                replied = post_form(alex, page, {"body": body})
                assert replied.status_code == 302, replied.text[:300]
            for _ in range(8):  # both web processes show the pages meanwhile, in time
                assert alex.get(page).status_code == alex.get("/tickets/").status_code == 200
        finally:
            topology.proxy.restore()
        deadline = time.monotonic() + DELIVERY_SECONDS
        while any(row[1] != "delivered" for row in topology.submissions(EMAIL)):
            assert time.monotonic() < deadline, topology.submissions(EMAIL)
            time.sleep(0.2)
        yield ticket, alex


def test_they_reach_tixallo_once_each_and_in_order(topology, outage):
    ticket, _alex = outage
    rows = topology.submissions(EMAIL)
    assert [(kind, state) for kind, state, *_ in rows] == [
        ("ticket", "delivered"),
        ("reply", "delivered"),
        ("reply", "delivered"),
    ]
    with topology.store.transaction(write=False) as conn:
        bodies = [
            row[0]
            for row in conn.execute(
                "SELECT body FROM messages WHERE ticket_id = ? ORDER BY created_at, rowid",
                (ticket["id"],),
            )
        ]
        subjects = [row[0] for row in conn.execute("SELECT subject FROM tickets")]
    assert bodies[-2:] == ["First reply", "Second reply"]
    assert subjects.count("Sent while down") == 1


def test_within_5_s_of_delivery_the_pages_show_each_once_and_no_sending_copy(topology, outage):
    ticket, alex = outage
    delivered = max(row[4] for row in topology.submissions(EMAIL))
    # Each web process must have heard: ask often enough to reach both (`browser`: a
    # connection per request).
    deadline = time.monotonic() + 5
    while True:
        pages = [alex.get(f"/tickets/{ticket['id']}/").text for _ in range(8)]
        lists = [alex.get("/tickets/").text for _ in range(8)]
        if all(_settled(p, q) for p, q in zip(pages, lists, strict=True)):
            break
        seen = [_seen(p, q) for p, q in zip(pages, lists, strict=True)]
        assert time.monotonic() < deadline, f"still stale 5 s after {delivered}: {seen}"
        time.sleep(0.2)


def _settled(page: str, listing: str) -> bool:
    return _seen(page, listing) == (["First reply", "Second reply"], False, 1, False)


def _seen(page: str, listing: str) -> tuple:
    """The replies in the page's order, a "Sending…" copy of one, the new request's
    rows in the list, a "Sending…" copy of it."""
    return (
        re.findall(r">(First reply|Second reply)<", page),
        "Sending…</p>" in page,
        listing.count("Sent while down"),
        "Your ticket number will follow." in listing,
    )
