"""My requests (/tickets/): only the verified customer's tickets, filtered, paged with
Tixallo's cursors (odd ones refused calmly), live, with queued requests as "Sending…"."""

import base64
import re

import pytest

from portal.outbox.tasks import deliver_submission
from tests.factories import (
    api_requests,
    new_ticket,
    poll_url,
    set_faults,
    set_status,
    sign_in_as,
    submit_while_tixallo_fails,
)

pytestmark = pytest.mark.django_db


def subjects(response) -> list[str]:
    return re.findall(r'<span class="subject">([^<]+)</span>', response.content.decode())


def test_it_sends_a_visitor_who_is_not_signed_in_to_sign_in(client, sandbox):
    response = client.get("/tickets/")
    assert response.status_code == 302 and response["Location"] == "/signin/"


def test_it_lists_only_the_customers_own_tickets_newest_first(client, sandbox, signed_in):
    new_ticket(subject="First")
    new_ticket("someone@example.org", subject="Not yours")
    new_ticket(subject="Second")
    response = client.get("/tickets/")
    assert response.status_code == 200
    assert subjects(response) == ["Second", "First"]
    html = response.content.decode()
    assert "Received" in html  # the status, in customer words
    assert re.search(r'<time datetime="[^"]+" title="[^"]+">', html)


def test_it_filters_open_and_solved_or_closed(client, sandbox, signed_in):
    new_ticket(subject="Still open")
    set_status(sandbox, new_ticket(subject="Done").id, "solved")
    set_status(sandbox, new_ticket(subject="Over").id, "closed")
    assert subjects(client.get("/tickets/?status=open")) == ["Still open"]
    assert subjects(client.get("/tickets/?status=done")) == ["Over", "Done"]
    assert len(subjects(client.get("/tickets/?status=all"))) == 3
    assert len(subjects(client.get("/tickets/?status=<script>"))) == 3  # unknown: all


def test_it_pages_older_and_newer_with_the_apis_cursors(client, sandbox, monkeypatch, signed_in):
    from portal.tickets.views import my_tickets

    monkeypatch.setattr(my_tickets, "PAGE_SIZE", 2)
    for n in range(5):
        new_ticket(subject=f"T{n}")
    first = client.get("/tickets/")
    assert subjects(first) == ["T4", "T3"]
    older = re.search(r'href="(\?[^"]+)"[^>]*rel="next"', first.content.decode()).group(1)
    second = client.get("/tickets/" + older.replace("&amp;", "&"))
    assert subjects(second) == ["T2", "T1"]
    newer = re.search(r'href="(\?[^"]+)"[^>]*rel="prev"', second.content.decode()).group(1)
    assert subjects(client.get("/tickets/" + newer.replace("&amp;", "&"))) == ["T4", "T3"]


def test_it_shows_an_empty_state_pointing_to_the_form(client, sandbox):
    sign_in_as(client, "new@example.com")
    html = client.get("/tickets/").content.decode()
    assert "haven't sent us any requests" in html
    assert 'href="/"' in html


def test_it_answers_a_poll_with_nothing_new_with_204_and_no_upstream_call(
    client, sandbox, signed_in
):
    new_ticket()
    fragment = client.get("/tickets/", HTTP_HX_REQUEST="true")
    before = api_requests(sandbox)
    poll = client.get(poll_url(fragment.content.decode(), "/tickets/"), HTTP_HX_REQUEST="true")
    assert poll.status_code == 204
    assert api_requests(sandbox) == before


def test_it_serves_the_list_fragment_to_htmx(client, sandbox, signed_in):
    new_ticket()
    response = client.get("/tickets/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="ticket-list"')
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_it_says_calmly_when_tixallo_is_down(client, sandbox, signed_in):
    set_faults(sandbox, force_status=503)
    response = client.get("/tickets/")
    assert response.status_code == 503
    assert "try again" in response.content.decode().lower()


def test_it_says_calmly_when_the_key_is_wrong(client, sandbox, signed_in):
    set_faults(sandbox, force_status=401)
    response = client.get("/tickets/")
    assert response.status_code == 503
    assert "logged the problem" in response.content.decode()


@pytest.mark.parametrize("raw", ['["\\ud800", "x"]', '["2026-01-01", "a\\u0000"]'])
def test_a_crafted_cursor_is_a_calm_page(client, sandbox, raw, signed_in):
    cursor = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
    response = client.get("/tickets/", {"cursor": cursor})
    assert response.status_code == 302 and response["Location"] == "/tickets/?status=all"


def test_it_pages_back_without_a_trail(client, sandbox, signed_in):
    for n in range(3):
        new_ticket(subject=f"T{n}")
    page = client.get("/tickets/?status=all&cursor=anything-at-all")
    assert page.status_code == 302  # a cursor Tixallo rejects: back to the first page
    assert page["Location"] == "/tickets/?status=all"


def test_it_keeps_the_list_when_a_poll_fails(client, sandbox, signed_in):
    new_ticket()
    set_faults(sandbox, force_status=503)
    assert client.get("/tickets/?v=old", HTTP_HX_REQUEST="true").status_code == 204


def test_it_lists_a_queued_request_in_my_requests_until_it_has_a_number(client, sandbox, settings):
    _, submission = submit_while_tixallo_fails(client, sandbox, settings)
    sign_in_as(client)
    page = client.get("/tickets/").content.decode()
    assert submission.reference in page and 'tone-new">Sending…' in page
    deliver_submission.call(submission.pk)
    page = client.get("/tickets/").content.decode()
    assert 'tone-new">Sending…' not in page and "#1001" in page
