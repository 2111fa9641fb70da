"""Email when an agent answers (issue 10): an agent's public message or a change to
solved, heard from webhooks, emails the customer once per message, in their language,
with the private link; only while the admin's switch is on."""

import re

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from portal.config.models import PortalSettings
from portal.outbox.agent_answers import mail_answer
from portal.outbox.models import Submission
from portal.sandbox import agents, webhooks
from tests.factories import deliver_event, new_ticket, ticket_link, webhook_dispatcher

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("webhook_secret")]


@pytest.fixture
def switched_on():
    PortalSettings.objects.update_or_create(pk=1, defaults={"email_agent_answers": True})


def run_mail_tasks() -> list[bool]:
    """What the outbox worker would do: run every booked answer email once."""
    booked = DBTaskResult.objects.filter(task_path__endswith="mail_answer", status="READY")
    done = [mail_answer.call(*task.args_kwargs["args"]) for task in booked]
    booked.update(status="SUCCESSFUL")
    return done


def test_an_agents_public_reply_is_emailed_once_with_the_private_link(client, sandbox, switched_on):
    ticket = new_ticket()
    dispatcher = webhook_dispatcher(client, sandbox)
    message = agents.agent_reply(sandbox, ticket.id, "We found it: a fix ships today.", "Rita")
    dispatcher.run_once()
    assert run_mail_tasks() == [True]
    email = mail.outbox[-1]
    assert email.to == ["alex@example.com"]
    assert email.subject == "New reply to your request #1001"
    assert "Rita answered your request #1001" in email.body
    assert "We found it: a fix ships today." in email.body
    assert re.search(r"http://testserver/t/[^/\s]+/", email.body)
    # The same message again, under a new event id (a replay from Tixallo's side): no mail.
    event = {"id": "evt_again", "type": "message.created", "created_at": message["created_at"],
             "data": message}  # fmt: skip
    assert deliver_event(client, event).status_code == 200
    assert run_mail_tasks() == []


def test_internal_notes_and_customer_messages_send_nothing(client, sandbox, switched_on):
    ticket = new_ticket()
    dispatcher = webhook_dispatcher(client, sandbox)
    agents.add_note(sandbox, ticket.id, "internal only")
    client.post(f"/tickets/{ticket.id}/", {"body": "me again"})  # not signed in: refused
    dispatcher.run_once()
    assert run_mail_tasks() == []
    assert not [m for m in mail.outbox if "reply" in m.subject.lower()]


def test_a_change_to_solved_is_emailed_but_not_when_the_customer_solved_it(
    client, sandbox, switched_on
):
    first, second = new_ticket(), new_ticket(subject="Second")
    dispatcher = webhook_dispatcher(client, sandbox)
    agents.set_status(sandbox, first.id, "solved")
    dispatcher.run_once()
    assert run_mail_tasks() == [True]
    assert mail.outbox[-1].subject == "Your request #1001 is solved"
    assert "If it isn't fixed, reply" in mail.outbox[-1].body
    client.post(ticket_link(second.id), {"action": "solve"})
    dispatcher.run_once()
    assert run_mail_tasks() == []


def test_nothing_is_emailed_while_the_switch_is_off(client, sandbox):
    ticket = new_ticket()
    dispatcher = webhook_dispatcher(client, sandbox)
    agents.agent_reply(sandbox, ticket.id, "Answer", "Rita")
    dispatcher.run_once()
    assert run_mail_tasks() == []


def test_the_email_is_in_the_language_the_customer_used(client, sandbox, switched_on):
    response = client.post(
        "/",
        {"subject": "Drucker", "description": "Geht nicht", "customer_email": "kim@example.de",
         "customer_name": "Kim", "priority": "low"},
        HTTP_ACCEPT_LANGUAGE="de",
    )  # fmt: skip
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.language == "de"
    dispatcher = webhook_dispatcher(client, sandbox)
    dispatcher.run_once()  # ticket.created
    agents.agent_reply(sandbox, submission.ticket_id, "Wir kümmern uns.", "Rita")
    dispatcher.run_once()
    assert run_mail_tasks() == [True]
    assert mail.outbox[-1].subject == "Neue Antwort auf Ihre Anfrage #1001"
    assert webhooks.pending_events(sandbox) == []


def test_the_answer_email_links_to_the_portal_address_not_the_webhooks_host(
    client, sandbox, switched_on, settings
):
    settings.PORTAL_URL = "https://support.example.com"
    ticket = new_ticket()
    dispatcher = webhook_dispatcher(client, sandbox)
    agents.agent_reply(sandbox, ticket.id, "Here is the answer.", "Rita")
    dispatcher.run_once()
    assert run_mail_tasks() == [True]
    assert re.search(r"https://support\.example\.com/t/[^/\s]+/", mail.outbox[-1].body)
    assert "testserver" not in mail.outbox[-1].body


def test_a_numeric_message_id_is_taken_as_text_like_the_client_does(client, sandbox, switched_on):
    ticket = new_ticket()
    data = {"id": 42, "ticket_id": ticket.id, "author_type": "agent", "public": True}
    event = {"id": "evt_numeric", "type": "message.created", "data": data}
    assert deliver_event(client, event).status_code == 200
    booked = DBTaskResult.objects.get(task_path__endswith="mail_answer")
    assert booked.args_kwargs["args"][:2] == [ticket.id, "42"]


def test_the_agent_answer_email_is_not_sent_for_the_customers_own_solve(client, sandbox):
    ticket = new_ticket()
    client.post(ticket_link(ticket.id), {"action": "solve"})
    assert not [m for m in mail.outbox if "solved" in m.subject]
