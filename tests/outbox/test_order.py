"""Order (issue 15): a customer's queued replies to one ticket reach Tixallo in the order
they were written, each only after the one before it was delivered."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from portal.outbox import delivery
from portal.outbox.models import Submission
from portal.outbox.tasks import deliver_submission
from portal.tixallo import client
from tests.factories import make_submission, new_ticket, public_bodies

pytestmark = pytest.mark.django_db


def _reply(ticket_id: str, n: int, **fields) -> Submission:
    body = {"body": f"Reply {n}", "customer_email": "alex@example.com"}
    return make_submission(
        f"{n:032x}", kind="reply", payload=body, ticket_id=ticket_id,
        customer_email="alex@example.com", **fields,
    )  # fmt: skip


def test_a_later_reply_waits_for_the_earlier_one_even_when_its_retry_comes_first(sandbox):
    ticket = new_ticket()
    # Tixallo was down: the first reply backed off longer than the second.
    first = _reply(ticket.id, 1, attempts=3, next_attempt_at=timezone.now() + timedelta(minutes=2))
    second = _reply(ticket.id, 2, attempts=1)

    deliver_submission.call(second.pk)  # its retry comes first
    second.refresh_from_db()
    assert second.state == Submission.State.QUEUED
    assert second.next_attempt_at >= first.next_attempt_at  # not tried before the first
    assert public_bodies(client.get_ticket(ticket.id)) == []

    deliver_submission.call(first.pk)
    booked = [t for t in DBTaskResult.objects.all() if t.args_kwargs["args"] == [second.pk]]
    # Its turn at once, not at its own backed-off time.
    assert any(t.task.run_after is None for t in booked)
    deliver_submission.call(second.pk)
    bodies = public_bodies(client.get_ticket(ticket.id))
    assert bodies == ["Reply 1", "Reply 2"]


def test_a_reply_waits_while_the_ticket_it_answers_is_still_queued(sandbox):
    ticket = new_ticket()
    make_submission("t" * 32, ticket_id=ticket.id, customer_email="alex@example.com")
    reply = _reply(ticket.id, 1)
    assert delivery.send(reply) is None
    reply.refresh_from_db()
    assert reply.state == Submission.State.QUEUED and reply.attempts == 0


def test_replies_of_other_customers_or_tickets_do_not_wait(sandbox):
    ticket, other = new_ticket(), new_ticket()
    _reply(other.id, 1, next_attempt_at=timezone.now() + timedelta(minutes=5))
    mine = _reply(ticket.id, 2)
    delivery.send(mine)
    mine.refresh_from_db()
    assert mine.state == Submission.State.DELIVERED


def test_a_reply_after_one_given_up_on_is_delivered(sandbox):
    ticket = new_ticket()
    _reply(ticket.id, 1, state=Submission.State.FAILED)
    later = _reply(ticket.id, 2)
    delivery.send(later)
    later.refresh_from_db()
    assert later.state == Submission.State.DELIVERED
