"""The emails after a submission: the confirmation with the private link, sent once, in
the customer's language, and no failed page when the mail server is down."""

import pytest
from django.core import mail
from django.utils import translation

from portal.outbox.models import Submission
from portal.outbox.tasks import deliver_submission
from tests.factories import FORM, set_faults, ticket_count

pytestmark = pytest.mark.django_db

ONE_FORM = FORM | {"idempotency_key": "f" * 32}  # one form, however often it is sent


def test_it_emails_a_confirmation_with_the_private_link(client, sandbox):
    client.post("/", FORM, follow=True)
    message = mail.outbox[-1]
    assert message.to == ["alex@example.com"]
    assert "#1001" in message.subject
    assert "http://testserver/t/" in message.body
    assert "\n" not in message.subject


def test_it_still_confirms_when_the_mail_server_is_down(client, sandbox, settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 1},
        }
    }
    response = client.post("/", FORM, follow=True)
    assert response.status_code == 200
    assert "#1001" in response.content.decode()


def test_it_emails_the_private_link_to_the_new_ticket(client, sandbox):
    client.post("/", FORM, follow=True)
    link = mail.outbox[-1].body.split("http://testserver/t/")[1].split()[0]
    assert "Refund please" in client.get(f"/t/{link}").content.decode()


def test_it_emails_once_however_often_the_form_is_sent(client, sandbox, settings):
    settings.TIXALLO_RETRY_BUDGET = 0
    set_faults(sandbox, force_status=503)
    for _ in range(3):
        client.post("/", ONE_FORM)
    assert [m.subject for m in mail.outbox].count(mail.outbox[0].subject) == 1
    set_faults(sandbox)
    submission = Submission.objects.get()
    deliver_submission.call(submission.pk)
    deliver_submission.call(submission.pk)
    confirmations = [m for m in mail.outbox if "#1001" in m.subject]
    assert len(confirmations) == 1
    assert ticket_count(sandbox) == 1


def test_it_writes_the_later_email_in_the_customers_language(client, sandbox, settings):
    settings.TIXALLO_RETRY_BUDGET = 0
    set_faults(sandbox, force_status=503)
    client.post("/", ONE_FORM, HTTP_ACCEPT_LANGUAGE="de")
    set_faults(sandbox)
    with translation.override("en"):  # the worker's own language
        deliver_submission.call(Submission.objects.get().pk)
    assert mail.outbox[-1].subject.startswith("Wir haben Ihre Anfrage #")
