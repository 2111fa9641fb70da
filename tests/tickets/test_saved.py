"""The page for a request the outbox keeps while Tixallo is away (/received/…): a
reference now, the ticket number when delivered, still no private link."""

import pytest
from django.core import mail

from portal.outbox import delivery
from portal.outbox.models import Submission
from portal.outbox.tasks import deliver_submission
from tests.factories import FORM, poll_url, set_faults, submit_while_tixallo_fails

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
