"""Fair use of Tixallo (issue 15): each visitor (signed-in email, and address) may cause
a bounded number of Tixallo reads a minute; beyond it that visitor gets the calm 429
page with the real wait, and other customers' pages are untouched. Ids the portal
knows are not the customer's cost no Tixallo call at all."""

import pytest
from django.test import Client

from portal.mutes.models import MutedTicket
from portal.satisfaction.models import Rating
from tests.factories import (
    api_requests,
    new_ticket,
    page_text,
    set_status,
    sign_in_as,
    ticket_link,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reads_allowed(settings):
    """`reads_allowed(email=…, address=…)`: this many reads a minute per visitor."""

    def allow(email: int = 1000, address: int = 1000) -> None:
        settings.RATE_LIMITS = settings.RATE_LIMITS | {
            "reads": {"email": (email, 60), "address": (address, 60)}
        }

    return allow


def test_guessed_ids_outside_a_customers_whole_list_cost_no_call(client, sandbox, signed_in):
    mine = new_ticket()
    assert client.get("/tickets/").status_code == 200  # the whole list: one page
    before = api_requests(sandbox)
    for n in range(90):
        assert client.get(f"/tickets/tkt_{n:024x}/").status_code == 404
    assert api_requests(sandbox) == before
    assert client.get(f"/tickets/{mine.id}/").status_code == 200


def test_a_ticket_known_as_another_customers_costs_no_call(client, sandbox, signed_in):
    theirs = new_ticket("someone@example.org")
    assert Client().get(ticket_link(theirs.id)).status_code == 200  # its owner is learnt
    before = api_requests(sandbox)
    assert client.get(f"/tickets/{theirs.id}/").status_code == 404
    assert api_requests(sandbox) == before


def test_a_visitor_over_its_share_gets_the_calm_429_and_others_are_untouched(
    client, sandbox, signed_in, reads_allowed
):
    reads_allowed(email=3)
    for n in range(3):  # each an unknown cursor: a call to Tixallo each
        assert client.get(f"/tickets/?cursor=random{n}").status_code == 302
    before = api_requests(sandbox)
    response = client.get("/tickets/?cursor=random-more")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "Please wait" in page_text(response) and "My requests" in page_text(response)
    assert api_requests(sandbox) == before  # not sent
    other = Client()
    sign_in_as(other, "sam@example.com")
    assert other.get("/tickets/").status_code == 200


def test_an_address_over_its_share_gets_the_calm_429_whatever_its_sessions(
    client, sandbox, reads_allowed
):
    reads_allowed(address=2)
    tickets = [new_ticket(subject=f"Linked {n}") for n in range(3)]
    assert [client.get(ticket_link(t.id)).status_code for t in tickets] == [200, 200, 429]
    assert (
        Client().get(ticket_link(tickets[2].id)).status_code == 429
    )  # a fresh session, same address


def test_a_copy_costs_the_visitor_nothing(client, sandbox, signed_in, reads_allowed):
    reads_allowed(email=1)
    ticket = new_ticket()
    assert client.get("/tickets/").status_code == 200  # the one read
    for _ in range(5):
        assert client.get("/tickets/").status_code == 200
    assert client.get(f"/tickets/{ticket.id}/").status_code == 429  # a read again


def test_an_ipv6_network_shares_one_share(sandbox, reads_allowed):
    """One customer's /64 holds 2^64 addresses: they count as one."""
    reads_allowed(address=2)
    tickets = [new_ticket(subject=f"Linked {n}") for n in range(3)]
    hosts = ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2::3"]
    answers = [
        Client(REMOTE_ADDR=host).get(ticket_link(t.id)).status_code
        for host, t in zip(hosts, tickets, strict=True)
    ]
    assert answers == [200, 200, 429]


@pytest.mark.parametrize(
    "action,data", [("rating/", {"rating": "good"}), ("answer-emails/", {"emails": "off"})]
)
@pytest.mark.parametrize("htmx", [False, True])
def test_actions_count_as_reads(client, sandbox, reads_allowed, action, data, htmx):
    ticket = new_ticket()
    set_status(sandbox, ticket.id, "solved")
    reads_allowed(email=0, address=0)
    before = api_requests(sandbox)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.post(ticket_link(ticket.id) + action, data, **headers)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "Please wait" in page_text(response)
    assert api_requests(sandbox) == before
    assert not Rating.objects.exists() and not MutedTicket.objects.exists()
