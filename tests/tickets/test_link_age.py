"""Private ticket links age: older than the admin's maximum (90 days by default, bounded)
they show a calm page whose button emails a fresh link to the ticket's own address."""

import time

import pytest
from django.core import mail, signing

from portal.config.current import portal_config
from portal.config.models import PortalSettings
from portal.customers import access
from portal.mutes.models import MutedTicket
from portal.outbox.models import Submission
from portal.satisfaction.models import Rating
from tests.factories import (
    SETTINGS_URL,
    emailed_link,
    new_ticket,
    page_text,
    set_status,
    settings_form,
)

pytestmark = pytest.mark.django_db

DAY = 24 * 3600


def link_made(monkeypatch, ticket_id: str, days_ago: float) -> str:
    with monkeypatch.context() as past:
        then = time.time() - days_ago * DAY
        past.setattr(signing.time, "time", lambda: then)
        return f"/t/{access.ticket_link_token(ticket_id)}/"


def test_a_link_within_its_age_opens_the_ticket(client, sandbox, monkeypatch):
    ticket = new_ticket(subject="Printer on fire")
    response = client.get(link_made(monkeypatch, ticket.id, days_ago=89))
    assert response.status_code == 200
    assert "Printer on fire" in page_text(response)


def test_an_old_link_shows_a_calm_page_and_sends_nothing_by_itself(client, sandbox, monkeypatch):
    ticket = new_ticket(subject="Printer on fire", description="The secret conversation")
    response = client.get(link_made(monkeypatch, ticket.id, days_ago=91))
    assert response.status_code == 410
    text = page_text(response)
    assert "This link has expired" in text and "90 days" in text
    assert "Printer on fire" not in text and "secret conversation" not in text
    assert mail.outbox == []  # a scanner fetching the old link mails nothing


def test_its_button_emails_a_fresh_link_to_the_tickets_address(client, sandbox, monkeypatch):
    ticket = new_ticket(email="priya.raman@example.org", subject="Printer on fire")
    old = link_made(monkeypatch, ticket.id, days_ago=200)
    response = client.post(old, {"action": "fresh-link", "customer_email": "evil@example.com"})
    assert response.status_code == 200
    assert "on its way" in page_text(response)
    [message] = mail.outbox
    assert message.to == ["priya.raman@example.org"]
    fresh = emailed_link(message, "/t/")
    assert client.get(fresh).status_code == 200


def test_the_admin_sets_the_age(client, sandbox, monkeypatch):
    PortalSettings(ticket_link_days=7).save()
    ticket = new_ticket()
    assert client.get(link_made(monkeypatch, ticket.id, days_ago=6)).status_code == 200
    assert client.get(link_made(monkeypatch, ticket.id, days_ago=8)).status_code == 410


def test_the_age_is_bounded(admin_client, sandbox):
    for days in ("0", "731", "100000000000"):
        response = admin_client.post(SETTINGS_URL, settings_form(ticket_link_days=days))
        assert response.status_code == 200  # the form again, with its error
    PortalSettings(ticket_link_days=0).save()  # saved by hand: still a working bound
    assert portal_config().ticket_link_days == 1


def test_asking_for_fresh_links_is_rate_limited(client, sandbox, monkeypatch, settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "signin": {"address": (2, 60), "email": (9, 60)},
    }
    ticket = new_ticket()
    old = link_made(monkeypatch, ticket.id, days_ago=100)
    answers = [client.post(old, {"action": "fresh-link"}).status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    assert len(mail.outbox) == 2


def test_a_forged_old_link_is_still_a_404(client, sandbox, monkeypatch):
    ticket = new_ticket()
    old = link_made(monkeypatch, ticket.id, days_ago=100)
    assert client.get(old[:-8] + "AAAAAAA/").status_code == 404
    assert client.post(old[:-8] + "AAAAAAA/", {"action": "fresh-link"}).status_code == 404
    assert mail.outbox == []


@pytest.mark.parametrize(
    "action,data", [("rating/", {"rating": "good"}), ("answer-emails/", {"emails": "off"})]
)
def test_an_old_link_changes_nothing_through_the_actions_and_answers_as_the_page(
    client, sandbox, monkeypatch, action, data
):
    ticket = new_ticket(subject="Printer on fire")
    set_status(sandbox, ticket.id, "solved")
    old = link_made(monkeypatch, ticket.id, days_ago=91)
    response = client.post(old + action, data)
    assert response.status_code == 410
    assert "This link has expired" in page_text(response)
    assert "Printer on fire" not in page_text(response)
    htmx = client.post(old + action, data, HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"] == old  # the whole page: its 410 and button
    assert not Rating.objects.exists() and not MutedTicket.objects.exists()
    assert not Submission.objects.exists() and mail.outbox == []
