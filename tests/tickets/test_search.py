"""Search and sort on My requests: within the customer's most recent requests (a bounded,
cached read), bookmarkable, live, and calm with odd input."""

import re

import pytest

from portal.tickets import search
from tests.factories import api_requests, new_ticket, poll_url, set_status, sign_in_as

pytestmark = pytest.mark.django_db


def subjects(response) -> list[str]:
    return re.findall(r'<span class="subject">([^<]+)</span>', response.content.decode())


def test_it_finds_requests_by_a_word_of_the_subject_in_any_case(client, sandbox, signed_in):
    new_ticket(subject="Invoice is wrong")
    new_ticket(subject="Password reset")
    new_ticket(subject="Second invoice missing")
    new_ticket("someone@example.org", subject="Their invoice")
    response = client.get("/tickets/", {"q": "INVOICE"})
    assert response.status_code == 200
    assert subjects(response) == ["Second invoice missing", "Invoice is wrong"]
    assert "2 requests match “INVOICE”." in response.content.decode()


def test_every_word_must_match_and_a_number_finds_its_request(client, sandbox, signed_in):
    wanted = new_ticket(subject="Printer jams on page two")
    new_ticket(subject="Printer is fine")
    assert subjects(client.get("/tickets/", {"q": "printer jams"})) == ["Printer jams on page two"]
    for query in (str(wanted.ticket_number), f"#{wanted.ticket_number}"):
        assert subjects(client.get("/tickets/", {"q": query})) == ["Printer jams on page two"]


def test_it_sorts_newest_first_or_recently_updated(client, sandbox, signed_in):
    older = new_ticket(subject="Older request")
    new_ticket(subject="Newer request")
    set_status(sandbox, older.id, "pending")  # the older one changed last
    assert subjects(client.get("/tickets/")) == ["Older request", "Newer request"]
    assert subjects(client.get("/tickets/", {"sort": "created"})) == [
        "Newer request",
        "Older request",
    ]


def test_the_filter_tabs_and_the_url_keep_the_search(client, sandbox, signed_in):
    new_ticket(subject="Open invoice")
    set_status(sandbox, new_ticket(subject="Done invoice").id, "solved")
    html = client.get("/tickets/", {"q": "invoice", "status": "open"}).content.decode()
    assert subjects_in(html) == ["Open invoice"]
    assert 'href="?status=done&amp;q=invoice&amp;sort=updated&amp;page=1"' in html
    assert 'name="q" value="invoice"' in html
    assert '<input type="hidden" name="status" value="open" form="search-form">' in html


def subjects_in(html: str) -> list[str]:
    return re.findall(r'<span class="subject">([^<]+)</span>', html)


def test_it_says_plainly_when_only_the_most_recent_were_searched(
    client, sandbox, signed_in, monkeypatch
):
    monkeypatch.setattr(search, "SEARCH_PAGE_SIZE", 2)
    for n in range(5):
        new_ticket(subject=f"Request {n}")
    before = api_requests(sandbox)
    response = client.get("/tickets/", {"q": "request"})
    assert subjects(response) == ["Request 4", "Request 3", "Request 2", "Request 1"]
    assert "Only your 4 most recently updated requests were searched." in response.content.decode()
    assert api_requests(sandbox) - before == search.SEARCH_PAGES  # bounded
    client.get("/tickets/", {"q": "something else"})
    assert api_requests(sandbox) - before == search.SEARCH_PAGES  # the same cached lists


def test_a_searched_list_polls_with_its_search_and_answers_204_when_unchanged(
    client, sandbox, signed_in
):
    new_ticket(subject="Invoice")
    fragment = client.get("/tickets/", {"q": "invoice"}, HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert html.lstrip().startswith('<div id="ticket-list"')
    url = poll_url(html, "/tickets/")
    assert "q=invoice" in url
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 204
    new_ticket(subject="Another invoice")
    from portal.mirror import reads

    reads.forget_customer("alex@example.com")  # as the webhook would
    changed = client.get(url, HTTP_HX_REQUEST="true")
    assert subjects(changed) == ["Another invoice", "Invoice"]


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 5000},
        {"q": "\x00\x1b[31m"},
        {"q": "invoice", "page": "-1"},
        {"q": "invoice", "page": "99999999999999"},
        {"q": "invoice", "page": "abc"},
        {"sort": "<script>"},
    ],
)
def test_odd_search_values_get_a_calm_page(client, sandbox, signed_in, params):
    new_ticket(subject="Invoice")
    response = client.get("/tickets/", params)
    assert response.status_code == 200


def test_a_search_that_is_not_utf8_gets_a_calm_page(client, sandbox, signed_in):
    assert client.get("/tickets/?q=%ED%A0%80&sort=created").status_code == 200


def test_search_pages_by_number(client, sandbox, signed_in, monkeypatch):
    from portal.tickets.views import my_tickets

    monkeypatch.setattr(my_tickets, "PAGE_SIZE", 2)
    for n in range(3):
        new_ticket(subject=f"Invoice {n}")
    first = client.get("/tickets/", {"q": "invoice"})
    assert subjects(first) == ["Invoice 2", "Invoice 1"]
    older = re.search(r'href="(\?[^"]+)"[^>]*rel="next"', first.content.decode()).group(1)
    assert subjects(client.get("/tickets/" + older.replace("&amp;", "&"))) == ["Invoice 0"]


def test_no_match_says_so(client, sandbox):
    sign_in_as(client)
    new_ticket(subject="Invoice")
    html = client.get("/tickets/", {"q": "nothing"}).content.decode()
    assert "No requests match “nothing”." in html


def test_search_works_in_the_frame(client, sandbox, vouched):
    new_ticket(subject="Invoice")
    new_ticket(subject="Other")
    response = client.get("/embed/tickets/", {"q": "invoice"})
    html = response.content.decode()
    assert subjects(response) == ["Invoice"]
    assert 'action="/embed/tickets/"' in html
