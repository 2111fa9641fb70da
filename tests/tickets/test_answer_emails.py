"""Muting a request's answer emails (issue 19): a switch on its page while the admin
emails answers, its own POST view in both mounts, honoured by the outbox, and a link
to it in every answer email (a page with a button: opening it changes nothing)."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from portal.config.models import PortalSettings
from portal.mutes.models import MutedTicket
from portal.outbox import agent_answers, delivery
from portal.outbox.models import Submission
from portal.sandbox import agents
from tests.factories import (
    new_ticket,
    set_faults,
    set_status,
    sign_in_as,
    ticket_link,
    webhook_dispatcher,
)
from tests.outbox.test_agent_answers import run_mail_tasks, switched_on

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("webhook_secret")]


__all__ = ["switched_on"]  # the fixture


def test_the_switch_shows_only_while_answer_emails_are_on(client, sandbox):
    ticket = new_ticket()
    sign_in_as(client)
    assert (
        "Stop emails about this request"
        not in client.get(f"/tickets/{ticket.id}/").content.decode()
    )
    PortalSettings.objects.update_or_create(pk=1, defaults={"email_agent_answers": True})
    html = client.get(f"/tickets/{ticket.id}/").content.decode()
    assert "Stop emails about this request" in html
    assert f'action="/tickets/{ticket.id}/answer-emails/"' in html


def test_a_muted_request_gets_no_answer_email_and_unmuting_brings_them_back(
    client, sandbox, switched_on
):
    ticket = new_ticket()
    sign_in_as(client)
    response = client.post(f"/tickets/{ticket.id}/answer-emails/", {"emails": "off"})
    assert response["Location"] == f"/tickets/{ticket.id}/#answer-emails"
    assert "Muted: we won't email you" in client.get(f"/tickets/{ticket.id}/").content.decode()
    dispatcher = webhook_dispatcher(client, sandbox)
    agents.agent_reply(sandbox, ticket.id, "First answer", "Rita")
    dispatcher.run_once()
    assert run_mail_tasks() == [False]
    assert not mail.outbox
    client.post(f"/tickets/{ticket.id}/answer-emails/", {"emails": "on"})
    assert not MutedTicket.objects.exists()
    agents.agent_reply(sandbox, ticket.id, "Second answer", "Rita")
    dispatcher.run_once()
    assert run_mail_tasks() == [True]


def test_every_answer_email_links_to_the_switch_and_a_solved_one_to_the_rating(
    client, sandbox, switched_on
):
    ticket = new_ticket()
    dispatcher = webhook_dispatcher(client, sandbox)
    agents.agent_reply(sandbox, ticket.id, "An answer", "Rita")
    dispatcher.run_once()
    run_mail_tasks()
    answer = mail.outbox[-1]
    link = re.search(r"(http://testserver/t/[^/\s]+/)#answer-emails", answer.body).group(1)
    assert "#rating" not in answer.body
    set_status(sandbox, ticket.id, "solved")
    dispatcher.run_once()
    run_mail_tasks()
    solved = mail.outbox[-1]  # its link is signed anew (its time may differ)
    assert re.search(r"http://testserver/t/[^/\s]+/#rating", solved.body)
    assert re.search(r'href="http://testserver/t/[^/"]+/#answer-emails"', solved.alternatives[0][0])
    # The link opens the page, with the button; opening it mutes nothing.
    page = client.get(link.removeprefix("http://testserver")).content.decode()
    assert 'id="answer-emails"' in page and not MutedTicket.objects.exists()
    path = link.removeprefix("http://testserver")
    client.post(path + "answer-emails/", {"emails": "off"})
    assert MutedTicket.objects.filter(ticket_id=ticket.id).exists()


def test_only_the_owner_may_mute_and_gets_a_clear_400_for_nonsense(client, sandbox, switched_on):
    ticket = new_ticket()
    assert client.post(f"/tickets/{ticket.id}/answer-emails/", {"emails": "off"}).status_code == 404
    sign_in_as(client, "someone@example.org")
    assert client.post(f"/tickets/{ticket.id}/answer-emails/", {"emails": "off"}).status_code == 404
    sign_in_as(client)
    assert (
        client.post(f"/tickets/{ticket.id}/answer-emails/", {"emails": "maybe"}).status_code == 400
    )
    assert client.get(f"/tickets/{ticket.id}/answer-emails/").status_code == 405
    assert not MutedTicket.objects.exists()


def test_the_frame_and_htmx_can_mute(client, sandbox, switched_on, vouched):
    ticket = new_ticket()
    response = client.post(
        f"/embed/tickets/{ticket.id}/answer-emails/", {"emails": "off"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="answer-emails"')
    assert f'action="/embed/tickets/{ticket.id}/answer-emails/"' in html
    assert "Email me about answers again" in html
    link = ticket_link(ticket.id)
    client.post(link + "answer-emails/", {"emails": "on"})
    assert not MutedTicket.objects.exists()


def test_a_rating_sends_no_second_solved_email(client, sandbox, switched_on):
    ticket = new_ticket()
    dispatcher = webhook_dispatcher(client, sandbox)
    set_status(sandbox, ticket.id, "solved")
    dispatcher.run_once()
    assert run_mail_tasks() == [True]  # "Your request is solved"
    sign_in_as(client)
    client.post(f"/tickets/{ticket.id}/rating/", {"rating": "good", "comment": "Thanks"})
    dispatcher.run_once()  # Tixallo's events: the message, reopened, solved again
    assert run_mail_tasks() == []
    assert len(mail.outbox) == 1


def test_a_rating_delivered_late_sends_no_second_solved_email(client, sandbox, switched_on):
    """Queued while Tixallo was down, delivered long after it was given: the reopen and
    the solve again follow its delivery, not its creation."""
    ticket = new_ticket()
    dispatcher = webhook_dispatcher(client, sandbox)
    set_status(sandbox, ticket.id, "solved")
    dispatcher.run_once()
    assert run_mail_tasks() == [True]
    sign_in_as(client)
    client.get(f"/tickets/{ticket.id}/")  # the page's copy is cached
    set_faults(sandbox, force_status=503)
    assert client.post(f"/tickets/{ticket.id}/rating/", {"rating": "good"}).status_code == 302
    queued = Submission.objects.get(state=Submission.State.QUEUED)
    Submission.objects.filter(pk=queued.pk).update(created_at=timezone.now() - timedelta(hours=1))
    set_faults(sandbox)  # Tixallo is back; the worker delivers it
    queued.refresh_from_db()
    delivery.send(queued)
    queued.refresh_from_db()
    assert queued.state == Submission.State.DELIVERED
    dispatcher.run_once()
    assert run_mail_tasks() == []
    assert len(mail.outbox) == 1


def test_a_rating_not_delivered_yet_counts_as_just_given(client, sandbox, switched_on):
    ticket = new_ticket()
    set_status(sandbox, ticket.id, "solved")
    sign_in_as(client)
    client.get(f"/tickets/{ticket.id}/")
    set_faults(sandbox, force_status=503)
    client.post(f"/tickets/{ticket.id}/rating/", {"rating": "good"})
    Submission.objects.update(created_at=timezone.now() - timedelta(hours=1))
    assert agent_answers._rated(ticket.id)
    Submission.objects.update(state=Submission.State.FAILED)
    assert not agent_answers._rated(ticket.id)
