"""Satisfaction ratings on a solved request (issue 19): its own view in both mounts,
once per request and changeable until closed, added to the ticket through the outbox
(solved again afterwards), off by an admin switch; calm with bad input and outages."""

import re

import pytest
from prometheus_client import REGISTRY

from portal.outbox.models import Submission
from portal.satisfaction.models import Rating, RatingSettings
from portal.tixallo import client as tixallo_client
from tests.factories import (
    api_requests,
    new_ticket,
    set_faults,
    set_status,
    sign_in_as,
    ticket_link,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def solved(sandbox):
    ticket = new_ticket(subject="Printer jams")
    set_status(sandbox, ticket.id, "solved")
    return ticket


def rated(score: str) -> float:
    return REGISTRY.get_sample_value("portal_ratings_total", {"rating": score}) or 0.0


def test_a_solved_request_asks_how_we_did_and_an_open_one_does_not(client, sandbox, solved):
    sign_in_as(client)
    html = client.get(f"/tickets/{solved.id}/").content.decode()
    assert "How did we do?" in html
    assert f'action="/tickets/{solved.id}/rating/"' in html
    still_open = new_ticket()
    assert "How did we do?" not in client.get(f"/tickets/{still_open.id}/").content.decode()


def test_a_rating_is_kept_counted_and_added_to_the_ticket_which_stays_solved(
    client, sandbox, solved
):
    sign_in_as(client)
    before = rated("good")
    response = client.post(
        f"/tickets/{solved.id}/rating/", {"rating": "good", "comment": "Quick and kind"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/tickets/{solved.id}/#rating"
    rating = Rating.objects.get(ticket_id=solved.id)
    assert (rating.rating, rating.comment, rating.ticket_number) == ("good", "Quick and kind", 1001)
    assert rated("good") == before + 1
    ticket = tixallo_client.get_ticket(solved.id)
    assert ticket.public_messages[-1].body == "Rated: good — Quick and kind"
    assert ticket.public_messages[-1].author_type == "customer"
    assert ticket.status == "solved"  # Tixallo reopened it for the message; solved again
    html = client.get(f"/tickets/{solved.id}/").content.decode()
    assert "You rated our help: good" in html and "Change my rating" in html


def test_a_rating_can_be_changed_and_stays_one_per_request(client, sandbox, solved):
    sign_in_as(client)
    client.post(f"/tickets/{solved.id}/rating/", {"rating": "good", "idempotency_key": "a" * 32})
    client.post(f"/tickets/{solved.id}/rating/", {"rating": "bad", "idempotency_key": "b" * 32})
    assert list(Rating.objects.values_list("rating", flat=True)) == ["bad"]
    bodies = [m.body for m in tixallo_client.get_ticket(solved.id).public_messages]
    assert bodies[-2:] == ["Rated: good", "Rated: bad"]


def test_the_same_form_sent_twice_adds_one_message(client, sandbox, solved):
    sign_in_as(client)
    for _ in range(2):
        client.post(
            f"/tickets/{solved.id}/rating/", {"rating": "good", "idempotency_key": "c" * 32}
        )
    bodies = [m.body for m in tixallo_client.get_ticket(solved.id).public_messages]
    assert bodies.count("Rated: good") == 1


def test_a_closed_request_shows_its_rating_but_takes_no_new_one(client, sandbox, solved):
    sign_in_as(client)
    client.post(f"/tickets/{solved.id}/rating/", {"rating": "bad"})
    set_status(sandbox, solved.id, "closed")
    from portal.mirror import reads

    reads.forget_ticket(solved.id)
    html = client.get(f"/tickets/{solved.id}/").content.decode()
    assert "You rated our help: bad" in html and "Change my rating" not in html
    client.post(f"/tickets/{solved.id}/rating/", {"rating": "good"})
    assert Rating.objects.get().rating == "bad"


def test_the_admin_switch_keeps_ratings_in_the_portal_only(client, sandbox, solved):
    RatingSettings.objects.create(add_to_ticket=False)
    sign_in_as(client)
    client.post(f"/tickets/{solved.id}/rating/", {"rating": "good", "comment": "ok"})
    assert Rating.objects.count() == 1
    assert not Submission.objects.exists()
    assert tixallo_client.get_ticket(solved.id).public_messages == ()


def test_a_rating_given_while_tixallo_is_down_waits_in_the_outbox(client, sandbox, solved):
    sign_in_as(client)
    client.get(f"/tickets/{solved.id}/")  # the page's copy is cached
    set_faults(sandbox, force_status=503)
    response = client.post(f"/tickets/{solved.id}/rating/", {"rating": "good"})
    assert response.status_code == 302
    assert Rating.objects.count() == 1
    queued = Submission.objects.get()
    assert queued.state == Submission.State.QUEUED
    assert queued.payload["body"] == "Rated: good"


@pytest.mark.parametrize(
    "data", [{}, {"rating": "excellent"}, {"rating": "good", "comment": "x" * 1001}]
)
def test_bad_input_is_a_422_with_the_form_kept(client, sandbox, solved, data):
    sign_in_as(client)
    response = client.post(f"/tickets/{solved.id}/rating/", data, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert 'id="rating"' in response.content.decode()
    assert not Rating.objects.exists()


def test_htmx_gets_the_box_back(client, sandbox, solved):
    sign_in_as(client)
    response = client.post(
        f"/tickets/{solved.id}/rating/", {"rating": "good"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<section id="rating"')
    assert "You rated our help: good" in html


def test_only_the_owner_may_rate(client, sandbox, solved):
    assert client.post(f"/tickets/{solved.id}/rating/", {"rating": "bad"}).status_code == 403
    sign_in_as(client, "someone@example.org")
    assert client.post(f"/tickets/{solved.id}/rating/", {"rating": "bad"}).status_code == 404
    assert client.post("/t/forged/rating/", {"rating": "bad"}).status_code == 404
    assert not Rating.objects.exists()


def test_a_get_changes_nothing(client, sandbox, solved):
    sign_in_as(client)
    assert client.get(f"/tickets/{solved.id}/rating/?rating=bad").status_code == 405
    assert not Rating.objects.exists()


def test_the_private_link_and_the_frame_can_rate(client, sandbox, solved, vouched):
    link = ticket_link(solved.id)
    html = client.get(link).content.decode()
    assert f'action="{link}rating/"' in html
    assert client.post(link + "rating/", {"rating": "good"})["Location"] == link + "#rating"
    framed = client.get(f"/embed/tickets/{solved.id}/").content.decode()
    assert f'action="/embed/tickets/{solved.id}/rating/"' in framed
    response = client.post(f"/embed/tickets/{solved.id}/rating/", {"rating": "bad"})
    assert response["Location"] == f"/embed/tickets/{solved.id}/#rating"
    assert Rating.objects.get().rating == "bad"


def test_a_request_solved_while_its_page_is_open_asks_at_the_next_poll(client, sandbox):
    from portal.mirror import reads
    from tests.factories import poll_url

    ticket = new_ticket()
    sign_in_as(client)
    page = client.get(f"/tickets/{ticket.id}/").content.decode()
    assert '<div id="rating-slot"></div>' in page and "How did we do?" not in page
    set_status(sandbox, ticket.id, "solved")
    reads.forget_ticket(ticket.id)  # as the webhook would
    poll = client.get(poll_url(page, f"/tickets/{ticket.id}/"), HTTP_HX_REQUEST="true")
    html = poll.content.decode()
    assert re.search(r'<section id="rating"[^>]* hx-swap-oob="outerHTML:#rating-slot">', html)
    assert html.lstrip().startswith('<section id="conversation"')


@pytest.mark.parametrize("htmx", [False, True])
def test_a_rating_after_the_session_ended_keeps_the_comment_and_asks_to_sign_in(
    client, sandbox, solved, htmx
):
    sign_in_as(client)
    page = f"/tickets/{solved.id}/"
    assert "How did we do?" in client.get(page).content.decode()
    client.logout()  # the session ended while the comment was typed
    before = api_requests(sandbox)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    data = {"rating": "bad", "comment": "The printer still jams on page two"}
    response = client.post(page + "rating/", data, **headers)
    html = response.content.decode()
    assert response.status_code == 403
    assert "The printer still jams on page two" in html
    assert 'value="bad" required checked' in html
    assert "signed out" in html and "Sign in again" in html
    assert api_requests(sandbox) == before  # decided before any call to Tixallo
    assert not Rating.objects.exists() and not Submission.objects.exists()
