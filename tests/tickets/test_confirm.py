"""Finding 2: agents' answers are shown only to whoever proved they read the ticket's
inbox (an emailed link, a sign-in, a host-site identity token), the demo's inbox, and
the admin's switch that holds requests from unconfirmed addresses."""

import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.utils import timezone

from portal.config.models import PortalSettings
from portal.outbox.models import Submission
from portal.tickets.console_mail import EmailBackend
from tests.helpers import sign_in_as, ticket_count

pytestmark = pytest.mark.django_db

VALID = {
    "subject": "Invoice question",
    "description": "Why was I charged twice?",
    "customer_email": "alex@example.com",
    "customer_name": "Mallory",
    "priority": "medium",
}


def test_the_confirmation_shows_what_was_sent_but_no_private_link(client, sandbox):
    response = client.post("/", VALID, follow=True)
    html = response.content.decode()
    assert re.search(r"#\d+", html) and "Invoice question" in html
    assert "Why was I charged twice?" in html and "alex@example.com" in html
    assert "/t/" not in html and "/tickets/" not in response.redirect_chain[-1][0]
    assert "/t/" in mail.outbox[-1].body  # the link went to the inbox
    assert "/sandbox/inbox/" in html  # the demo's inbox, for a self-contained demo


def test_a_signed_in_owner_goes_straight_to_the_ticket(client, sandbox):
    sign_in_as(client, "alex@example.com")
    response = client.post("/", VALID)
    landing = client.get(response["Location"])
    assert landing.status_code == 302 and landing["Location"].startswith("/tickets/")


def test_someone_signed_in_as_another_email_gets_no_link(client, sandbox):
    sign_in_as(client, "mallory@example.com")
    html = client.post("/", VALID, follow=True).content.decode()
    assert "/t/" not in html and "/tickets/tkt" not in html


def test_a_queued_request_gives_no_link_once_delivered(client, sandbox):
    from tests.helpers import set_faults

    set_faults(sandbox, force_status=503)
    received = client.post("/", VALID)["Location"]
    set_faults(sandbox)
    from portal.outbox import delivery

    submission = Submission.objects.get()
    Submission.objects.filter(pk=submission.pk).update(leased_until=None)
    delivery.send(submission)
    html = client.get(received).content.decode()
    assert "Your ticket number is" in html and "/t/" not in html


def test_the_demo_inbox_lists_the_emails_newest_first_with_links(client, sandbox):
    backend = EmailBackend(stream=io.StringIO())
    backend.send_messages([EmailMessage("First", "Hello", to=["a@example.com"])])
    link = "http://127.0.0.1:8000/signin/abc/"
    backend.send_messages([EmailMessage("Second <b>", f"Open {link}", to=["b@example.com"])])
    html = client.get("/sandbox/inbox/").content.decode()
    assert html.index("Second &lt;b&gt;") < html.index("First")
    assert f'<a href="{link}">' in html
    assert "/sandbox/inbox/" in client.get("/signin/").content.decode()


# --- holding requests from unconfirmed addresses -------------------------------------------


@pytest.fixture
def holding(db):
    PortalSettings(hold_unverified=True, hold_hours=48).save()


def _confirm_link(message) -> str:
    return re.search(r"http://testserver(/confirm/[^/\s]+/)", message.body).group(1)


def test_a_held_request_waits_for_the_emailed_link(client, sandbox, holding):
    received = client.post("/", VALID)
    assert ticket_count(sandbox) == 0
    assert Submission.objects.get().state == Submission.State.HELD
    assert "Please confirm your request" in client.get(received["Location"]).content.decode()
    assert mail.outbox[-1].subject == "Please confirm your request"
    link = _confirm_link(mail.outbox[-1])
    assert client.get(link).status_code == 200 and ticket_count(sandbox) == 0  # GET only asks
    other = client.__class__()  # the customer's mail client, another browser
    response = other.post(link)
    assert ticket_count(sandbox) == 1
    assert response["Location"].startswith("/tickets/")  # signed in: the link proved it
    assert "Invoice question" in other.get(response["Location"]).content.decode()
    other.post(link)
    assert ticket_count(sandbox) == 1  # once


def test_a_proven_customer_is_not_held(client, sandbox, holding):
    sign_in_as(client, "alex@example.com")
    client.post("/", VALID)
    assert ticket_count(sandbox) == 1


def test_a_held_request_expires_and_shows_in_admin(client, admin_client, sandbox, holding):
    client.post("/", VALID)
    link = _confirm_link(mail.outbox[-1])
    Submission.objects.update(created_at=timezone.now() - timedelta(hours=49))
    listing = admin_client.get("/admin/outbox/submission/").content.decode()
    assert "expired: never confirmed" in listing
    assert client.post(link).status_code == 410
    assert ticket_count(sandbox) == 0


def test_send_again_leaves_held_and_expired_requests_waiting_for_the_customer(
    client, admin_client, sandbox, holding
):
    client.post("/", VALID)
    client.post("/", VALID | {"subject": "Second"})
    held, expired = Submission.objects.order_by("created_at")
    Submission.objects.filter(pk=expired.pk).update(state=Submission.State.EXPIRED)
    response = admin_client.post(
        "/admin/outbox/submission/",
        {"action": "retry_now", "_selected_action": [held.pk, expired.pk]},
        follow=True,
    )
    assert ticket_count(sandbox) == 0
    assert {s.state for s in Submission.objects.all()} == {"held", "expired"}
    page = response.content.decode()
    assert "waiting for the customer&#x27;s confirmation" in page
    assert "never confirmed their email" in page


@pytest.mark.parametrize("hours", [0, 20_000_000])
def test_an_out_of_range_stored_hold_time_is_clamped(client, admin_client, sandbox, hours):
    """A row saved before the bounds (or by hand) still expires held requests sanely."""
    PortalSettings(hold_unverified=True, hold_hours=72).save()
    client.post("/", VALID)
    link = _confirm_link(mail.outbox[-1])
    PortalSettings.objects.filter(pk=1).update(hold_hours=hours)
    assert admin_client.get("/admin/outbox/submission/").status_code == 200
    assert Submission.objects.get().state == Submission.State.HELD  # 0 expired nothing
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302 and ticket_count(sandbox) == 1


@pytest.mark.parametrize("hours", ["0", "721"])
def test_the_hold_time_is_bounded_in_admin(admin_client, hours):
    from portal.config.forms import PortalSettingsForm

    form = PortalSettingsForm(data={"hold_hours": hours, "default_priority": "medium"})
    assert "hold_hours" in form.errors


def test_a_signed_in_customer_is_not_named_by_whoever_typed_their_email(client, sandbox, holding):
    from tests.helpers import new_ticket

    new_ticket("alex@example.com", customer_name="Alex Example")
    attacker = client.__class__()
    attacker.post("/", VALID)  # held, with the name "Mallory"
    sign_in_as(client, "alex@example.com")
    html = client.get("/").content.decode()
    assert 'value="Alex Example"' in html and "Mallory" not in html


def test_a_name_not_found_is_looked_up_once(client, sandbox):
    from django.core.cache import cache

    from tests.helpers import api_requests

    sign_in_as(client, "new@example.com")
    client.get("/")
    before = api_requests(sandbox)
    cache.clear()  # the cached reads expired: the lookup must not run again
    client.get("/")
    assert api_requests(sandbox) == before
