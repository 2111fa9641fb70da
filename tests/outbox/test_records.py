"""What the outbox keeps is a typed record (`NewTicket`, `Reply`) stored as JSON in the
shape rows always had: rows saved before the records existed, still queued in a deployed
database, deliver as they did (issue 20)."""

import pytest

from portal.outbox.models import Submission
from portal.outbox.tasks import deliver_submission
from portal.sandbox import agents
from portal.tixallo import client
from portal.tixallo.types import NewTicket, Reply
from tests.factories import make_submission, new_ticket, public_bodies

pytestmark = pytest.mark.django_db


def test_a_new_ticket_is_stored_with_the_keys_create_ticket_always_took():
    sent = NewTicket("Refund", "Charged twice.", "alex@example.com", "Alex", "high")
    assert sent.to_json() == {
        "subject": "Refund",
        "description": "Charged twice.",
        "customer_email": "alex@example.com",
        "customer_name": "Alex",
        "priority": "high",
    }
    assert NewTicket.from_json(sent.to_json()) == sent


def test_a_reply_is_stored_without_its_ticket_which_the_row_keeps():
    reply = Reply("t-1", body="Any news?", customer_email="alex@example.com")
    assert reply.to_json() == {"body": "Any news?", "customer_email": "alex@example.com"}
    assert Reply.from_json(reply.to_json(), ticket_id="t-1") == reply
    rating = Reply("t-1", body="Rated: good", customer_email="a@x.com", keep_solved=True)
    assert rating.to_json()["keep_solved"] is True  # outbox.agent_answers looks it up
    assert Reply.from_json(rating.to_json(), ticket_id="t-1") == rating


def test_a_ticket_queued_before_the_records_still_delivers(sandbox):
    # As the form stored it then: the priority left out (null), no name given.
    old = {"subject": "Saved last year", "description": "Still waiting.",
           "customer_email": "alex@example.com", "priority": None}  # fmt: skip
    submission = make_submission("0" * 32, payload=old, customer_email="alex@example.com")
    assert submission.sent == NewTicket("Saved last year", "Still waiting.", "alex@example.com")
    assert deliver_submission.call(submission.pk) == Submission.State.DELIVERED
    submission.refresh_from_db()
    ticket = agents.get_ticket(sandbox, submission.ticket_id)
    assert (ticket["subject"], ticket["description"]) == ("Saved last year", "Still waiting.")
    assert submission.payload == old  # the row itself is left as it was


def test_a_rating_queued_before_the_records_still_delivers_and_solves_again(sandbox):
    ticket = new_ticket()
    agents.set_status(sandbox, ticket.id, "solved")
    old = {"body": "Rated: good", "customer_email": "alex@example.com", "keep_solved": True}
    submission = make_submission(
        "1" * 32, kind="reply", payload=old, ticket_id=ticket.id, customer_email="alex@example.com"
    )
    assert deliver_submission.call(submission.pk) == Submission.State.DELIVERED
    after = client.get_ticket(ticket.id)
    assert "Rated: good" in public_bodies(after)
    assert after.status == "solved"
