"""The page for a request the outbox keeps while Tixallo is away (/received/…): a
reference now, the ticket number when delivered, still no private link."""

import pytest
from django.core import mail

from portal.outbox import delivery
from portal.outbox.models import Submission
from portal.outbox.tasks import deliver_submission
from tests.factories import FORM, page_text, poll_url, set_faults, submit_while_tixallo_fails

pytestmark = pytest.mark.django_db


def test_a_queued_request_gives_no_link_once_delivered(client, sandbox):
    set_faults(sandbox, force_status=503)
    received = client.post("/", FORM)["Location"]
    set_faults(sandbox)
    submission = Submission.objects.get()
    Submission.objects.filter(pk=submission.pk).update(leased_until=None)
    delivery.send(submission)
    html = client.get(received).content.decode()
    assert "Your ticket number is" in html and "/t/" not in html


def test_it_delivers_later_and_shows_the_number_on_the_reference_page(client, sandbox, settings):
    response, submission = submit_while_tixallo_fails(client, sandbox, settings)
    page = client.get(response["Location"])
    assert submission.reference in page.content.decode()
    poll = poll_url(page.content.decode())
    assert client.get(poll, HTTP_HX_REQUEST="true").status_code == 204  # nothing new yet

    assert deliver_submission.call(submission.pk) == Submission.State.DELIVERED

    fresh = client.get(poll, HTTP_HX_REQUEST="true").content.decode()
    assert "#1001" in fresh and 'hx-trigger="poll"' not in fresh
    assert "#1001" in mail.outbox[-1].subject  # the email with the number follows
    assert "/t/" in mail.outbox[-1].body


def test_the_queued_page_names_the_address_and_repeats_what_was_sent(client, sandbox):
    set_faults(sandbox, force_status=503)
    text = page_text(client.post("/", FORM, follow=True))
    assert "Thank you — we've saved your request" in text
    assert "by email to alex@example.com" in text
    for sent in ("Refund please", "I was charged twice for order 5521.", "Alex Example"):
        assert sent in text, sent


def test_a_held_request_leads_with_what_to_do(client, sandbox, holding):
    response = client.post("/", FORM, follow=True)
    text = page_text(response)
    assert text.index("Please confirm your request") < text.index("Refund please")
    assert "saved your request" not in text and "got your request" not in text
    assert "<h1>Please confirm your request</h1>" in response.content.decode()
