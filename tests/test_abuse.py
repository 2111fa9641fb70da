"""Spam defence that doesn't punish people: honeypot, fill time, rate limits."""

import pytest
from django.core import mail

from portal.tickets.forms import started_now
from tests.helpers import ticket_count

pytestmark = pytest.mark.django_db

VALID = {
    "subject": "Refund please",
    "description": "I was charged twice for order 5521.",
    "customer_email": "alex@example.com",
    "customer_name": "Alex Example",
    "priority": "medium",
}


def test_it_refuses_a_form_whose_hidden_trap_was_filled(client, sandbox):
    response = client.post("/", VALID | {"website": "http://spam.example"})
    assert response.status_code == 422
    assert ticket_count(sandbox) == 0
    assert "Refund please" in response.content.decode()


def test_it_asks_a_too_quick_sender_to_wait_and_keeps_the_text(client, sandbox, settings):
    settings.MIN_FILL_SECONDS = 60
    response = client.post("/", VALID | {"started": started_now()})
    assert response.status_code == 429
    html = response.content.decode()
    assert "Please wait a moment" in html
    assert "I was charged twice for order 5521." in html
    assert ticket_count(sandbox) == 0


def test_it_treats_a_forged_start_time_as_just_now(client, sandbox, settings):
    settings.MIN_FILL_SECONDS = 60
    assert client.post("/", VALID | {"started": "1.0"}).status_code == 429


def test_it_accepts_a_form_filled_at_human_speed(client, sandbox, settings, monkeypatch):
    settings.MIN_FILL_SECONDS = 3
    started = started_now()
    import time

    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 5)
    assert client.post("/", VALID | {"started": started}).status_code == 302


def test_it_limits_submissions_per_email_and_keeps_the_text(client, sandbox, settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {
        "submit": {"address": (100, 3600), "email": (2, 600)}
    }
    assert client.post("/", VALID | {"subject": "one"}).status_code == 302
    assert client.post("/", VALID | {"subject": "two"}).status_code == 302
    response = client.post("/", VALID | {"subject": "three"})
    assert response.status_code == 429
    assert response["Retry-After"]
    assert 'value="three"' in response.content.decode()
    assert ticket_count(sandbox) == 2


def test_it_limits_submissions_per_client_address(client, sandbox, settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {
        "submit": {"address": (1, 3600), "email": (100, 600)}
    }
    assert client.post("/", VALID).status_code == 302
    assert client.post("/", VALID | {"customer_email": "b@example.com"}).status_code == 429


def test_it_uses_the_proxys_client_address_only_when_told_to(client, sandbox, settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {
        "submit": {"address": (1, 3600), "email": (100, 600)}
    }
    settings.BEHIND_HTTPS_PROXY = True
    first = client.post("/", VALID, HTTP_X_FORWARDED_FOR="198.51.100.1")
    second = client.post("/", VALID, HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert (first.status_code, second.status_code) == (302, 302)


def test_it_emails_a_confirmation_with_the_private_link(client, sandbox):
    client.post("/", VALID, follow=True)
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
    response = client.post("/", VALID, follow=True)
    assert response.status_code == 200
    assert "#1001" in response.content.decode()


def test_it_prefills_email_and_name_for_a_known_customer(client, sandbox):
    client.post("/", VALID)
    session = client.session
    session["customer_email"] = "alex@example.com"
    session.save()
    html = client.get("/").content.decode()
    assert 'value="alex@example.com"' in html
    assert 'value="Alex Example"' in html


def test_it_emails_the_private_link_to_the_new_ticket(client, sandbox):
    client.post("/", VALID, follow=True)
    link = mail.outbox[-1].body.split("http://testserver/t/")[1].split()[0]
    assert "Refund please" in client.get(f"/t/{link}").content.decode()
