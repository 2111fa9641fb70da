"""Holding requests from unconfirmed addresses (the admin's switch, issue 9 finding 2): a
held request reaches Tixallo only once its emailed link (/confirm/…) is opened, and
expires unconfirmed; a customer who proved their address is not held."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from portal.config.models import PortalSettings
from portal.outbox.models import Submission
from tests.factories import FORM, emailed_link, sign_in_as, ticket_count

pytestmark = pytest.mark.django_db


def test_a_held_request_waits_for_the_emailed_link(client, sandbox, holding):
    received = client.post("/", FORM)
    assert ticket_count(sandbox) == 0
    assert Submission.objects.get().state == Submission.State.HELD
    assert "Please confirm your request" in client.get(received["Location"]).content.decode()
    assert mail.outbox[-1].subject == "Please confirm your request"
    link = emailed_link(mail.outbox[-1], "/confirm/")
    assert client.get(link).status_code == 200 and ticket_count(sandbox) == 0  # GET only asks
    other = client.__class__()  # the customer's mail client, another browser
    response = other.post(link)
    assert ticket_count(sandbox) == 1
    assert response["Location"].startswith("/tickets/")  # signed in: the link proved it
    ticket_page = other.get(response["Location"]).content.decode()
    assert "Refund please" in ticket_page and "got your request #1001" in ticket_page
    other.post(link)
    assert ticket_count(sandbox) == 1  # once


def test_a_proven_customer_is_not_held(client, sandbox, holding):
    sign_in_as(client, "alex@example.com")
    client.post("/", FORM)
    assert ticket_count(sandbox) == 1


def test_a_held_request_expires_and_shows_in_admin(client, admin_client, sandbox, holding):
    client.post("/", FORM)
    link = emailed_link(mail.outbox[-1], "/confirm/")
    Submission.objects.update(created_at=timezone.now() - timedelta(hours=49))
    listing = admin_client.get("/admin/outbox/submission/").content.decode()
    assert "expired: never confirmed" in listing
    assert client.post(link).status_code == 410
    assert ticket_count(sandbox) == 0


@pytest.mark.parametrize("hours", [0, 20_000_000])
def test_an_out_of_range_stored_hold_time_is_clamped(client, admin_client, sandbox, hours):
    """A row saved before the bounds (or by hand) still expires held requests sanely."""
    PortalSettings(hold_unverified=True, hold_hours=72).save()
    client.post("/", FORM)
    link = emailed_link(mail.outbox[-1], "/confirm/")
    PortalSettings.objects.filter(pk=1).update(hold_hours=hours)
    assert admin_client.get("/admin/outbox/submission/").status_code == 200
    assert Submission.objects.get().state == Submission.State.HELD  # 0 expired nothing
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302 and ticket_count(sandbox) == 1
