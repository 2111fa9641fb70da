"""Statuses in customer words: defaults, admin overrides, unknown values as-is."""

import pytest
from django.utils import translation

from portal.tickets import status
from portal.tickets.models import StatusWording
from tests.factories import GERMAN, new_ticket, set_status, ticket_link

pytestmark = pytest.mark.django_db


def test_it_words_every_tixallo_status_for_customers():
    assert status.wording("pending").label == "Waiting for your reply"
    assert "within a day" in status.wording("open").expectation
    assert {status.wording(s).tone for s in status.OPEN + status.DONE} <= {
        "new", "active", "waiting", "done"
    }  # fmt: skip


def test_it_shows_an_unknown_status_as_it_is():
    wording = status.wording("escalated_to_vendor")
    assert wording.label == "escalated to vendor"
    assert wording.tone == "unknown"


def test_it_uses_the_admins_wording_at_once(client, sandbox):
    ticket = new_ticket()
    set_status(sandbox, ticket.id, "pending")
    assert "Waiting for your reply" in client.get(ticket_link(ticket.id)).content.decode()
    wording = StatusWording.objects.get(status="pending")  # listed from the start
    wording.label = "Your turn"
    wording.save()
    html = client.get(ticket_link(ticket.id)).content.decode()
    assert "Your turn" in html
    assert "Reply below to keep things moving." in html  # blank expectation: the default


def test_it_edits_wordings_in_django_admin(admin_client):
    on_hold = StatusWording.objects.get(status="on_hold")
    response = admin_client.post(
        f"/admin/tickets/statuswording/{on_hold.pk}/change/",
        {"status": "on_hold", "label": "Parked", "expectation": "Back soon."},
    )
    assert response.status_code == 302
    assert status.wording("on_hold").label == "Parked"


def test_admin_lists_the_six_statuses_from_the_start_with_their_default_wording(admin_client):
    html = admin_client.get("/admin/tickets/statuswording/").content.decode()
    for code, label in [("new", "Received"), ("on_hold", "On hold"), ("closed", "Closed")]:
        assert code in html
        assert f"{label} (default)" in html
    change = StatusWording.objects.get(status="pending")
    form = admin_client.get(f"/admin/tickets/statuswording/{change.pk}/change/").content.decode()
    assert '<select name="status"' in form  # codes as a choice, not typed
    assert 'placeholder="Waiting for your reply"' in form


def test_admin_takes_another_status_code_tixallo_sends(admin_client):
    response = admin_client.post(
        "/admin/tickets/statuswording/add/",
        {"status": "__other__", "other_status": "escalated", "label": "With our experts"},
    )
    assert response.status_code == 302
    assert status.wording("escalated").label == "With our experts"
    refused = admin_client.post(
        "/admin/tickets/statuswording/add/", {"status": "__other__", "label": "No code"}
    )
    assert refused.status_code == 200
    assert "Type the status code Tixallo sends." in refused.content.decode()


def test_a_wording_has_a_text_per_language_falling_back_to_the_built_in_one(client, sandbox):
    ticket = new_ticket()
    set_status(sandbox, ticket.id, "pending")
    wording = StatusWording.objects.get(status="pending")
    wording.label, wording.expectation = "Your turn", "Tell us more."
    wording.save()
    german = client.get(ticket_link(ticket.id), **GERMAN).content.decode()
    assert "Wartet auf Ihre Antwort" in german and "Your turn" not in german
    assert "Tell us more." not in german
    wording.label_de, wording.expectation_de = "Sie sind dran", "Erzählen Sie uns mehr."
    wording.save()
    german = client.get(ticket_link(ticket.id), **GERMAN).content.decode()
    assert "Sie sind dran" in german and "Erzählen Sie uns mehr." in german
    english = client.get(ticket_link(ticket.id), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your turn" in english and "Sie sind dran" not in english


def test_admin_shows_each_languages_default_as_its_placeholder(admin_client):
    pending = StatusWording.objects.get(status="pending")
    form = admin_client.get(f"/admin/tickets/statuswording/{pending.pk}/change/").content.decode()
    assert 'name="label_de"' in form and 'name="expectation_de"' in form
    assert 'placeholder="Wartet auf Ihre Antwort"' in form
    assert 'placeholder="Waiting for your reply"' in form
    response = admin_client.post(
        f"/admin/tickets/statuswording/{pending.pk}/change/",
        {"status": "pending", "label": "", "label_de": "Sie sind dran"},
    )
    assert response.status_code == 302
    with translation.override("de"):
        assert status.wording("pending").label == "Sie sind dran"
    assert status.wording("pending").label == "Waiting for your reply"
