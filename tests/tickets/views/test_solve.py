""" "This is solved" as its own view (`views.solve`, URL names "solve" and "solve-link"):
POST only, in both mounts and the frame, then back to the request's page."""

import pytest

from portal.tickets.views import solve
from tests.factories import find_ticket, new_ticket, set_status, sign_in_as, ticket_link
from tests.tickets.views.routes import assert_routes

pytestmark = pytest.mark.django_db


def test_it_is_what_both_solve_urls_resolve_to():
    assert_routes("solve", "solve-link", "solve/", solve.solve)


@pytest.mark.parametrize("mount", ["signed in", "link", "frame"])
def test_it_marks_the_request_solved_and_goes_back_to_its_page(client, sandbox, vouched, mount):
    found = new_ticket()
    sign_in_as(client)
    page = {
        "signed in": f"/tickets/{found.id}/",
        "link": ticket_link(found.id),
        "frame": f"/embed/tickets/{found.id}/",
    }[mount]
    response = client.post(page + "solve/")
    assert response.status_code == 302 and response["Location"] == page
    assert find_ticket(sandbox, found.ticket_number)["status"] == "solved"


def test_it_leaves_a_closed_request_alone(client, sandbox):
    found = new_ticket()
    set_status(sandbox, found.id, "closed")
    link = ticket_link(found.id)
    assert client.post(link + "solve/")["Location"] == link
    assert find_ticket(sandbox, found.ticket_number)["status"] == "closed"


def test_it_changes_nothing_on_a_get_signed_out_or_for_someone_else(client, sandbox):
    found = new_ticket()
    assert client.get(ticket_link(found.id) + "solve/").status_code == 405
    assert client.post(f"/tickets/{found.id}/solve/").status_code == 403
    sign_in_as(client, "someone@example.org")
    assert client.post(f"/tickets/{found.id}/solve/").status_code == 404
    assert find_ticket(sandbox, found.ticket_number)["status"] != "solved"
