"""Spam defence on the submit form that doesn't punish people: a hidden trap field, a
minimum time to fill the form in, and rate limits that an attacker cannot spend for a
real customer; whatever was typed comes back."""

import re
import time

import pytest
from django.core import signing

from portal.tickets.forms import STARTED_SALT, started_now
from tests.factories import FORM, ticket_count

pytestmark = pytest.mark.django_db


# --- the hidden trap -----------------------------------------------------------------


def test_it_refuses_a_form_whose_hidden_trap_was_filled(client, sandbox):
    response = client.post("/", FORM | {"website": "http://spam.example"})
    assert response.status_code == 422
    assert ticket_count(sandbox) == 0
    assert "Refund please" in response.content.decode()


def test_the_honeypot_error_names_no_field(client, sandbox):
    response = client.post("/", FORM | {"website": "http://spam.example"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "We couldn&#x27;t send this form" in html and "leave this field" not in html.lower()


# --- the time to fill the form in -----------------------------------------------------


def test_it_asks_a_too_quick_sender_to_wait_and_keeps_the_text(client, sandbox, settings):
    settings.MIN_FILL_SECONDS = 60
    response = client.post("/", FORM | {"started": started_now()})
    assert response.status_code == 429
    html = response.content.decode()
    assert "Please try again in 1 minute." in html
    assert "I was charged twice for order 5521." in html
    assert ticket_count(sandbox) == 0


def test_too_quick_a_form_says_so_once(client, sandbox, settings):
    settings.MIN_FILL_SECONDS = 60
    response = client.get("/")
    started = re.search(r'name="started" value="([^"]+)"', response.content.decode()).group(1)
    data = {"subject": "Hi", "description": "x", "customer_email": "a@example.com",
            "customer_name": "A", "priority": "low", "started": started}  # fmt: skip
    html = client.post("/", data).content.decode()
    assert "This wasn't sent. Please try again in 1 minute. Nothing you typed has been lost." in (
        html.replace("&#x27;", "'")
    )
    assert "still here" not in html


def test_two_quick_clicks_on_an_empty_form_show_its_errors_not_wait(client, sandbox, settings):
    settings.MIN_FILL_SECONDS = 60
    blank = dict.fromkeys(["subject", "description", "customer_email", "customer_name"], "")
    response = client.post("/", blank | {"started": started_now()})
    assert response.status_code == 422
    html = response.content.decode()
    assert "This field is required." in html
    assert "try again in" not in html


def test_it_treats_a_forged_start_time_as_just_now(client, sandbox, settings):
    settings.MIN_FILL_SECONDS = 60
    assert client.post("/", FORM | {"started": "1.0"}).status_code == 429


def test_it_accepts_a_form_filled_at_human_speed(client, sandbox, settings, monkeypatch):
    settings.MIN_FILL_SECONDS = 3
    started = started_now()
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 5)
    assert client.post("/", FORM | {"started": started}).status_code == 302


def test_a_start_token_serves_one_form_only(client, sandbox, settings):
    settings.MIN_FILL_SECONDS = 5
    token = signing.dumps(time.time() - 60, salt=STARTED_SALT)
    first = {"started": token, "idempotency_key": "a" * 32}
    assert client.post("/", FORM | first).status_code == 302
    assert client.post("/", FORM | first).status_code == 302  # the same form again: same ticket
    again = client.post("/", FORM | {"started": token, "idempotency_key": "b" * 32})
    assert again.status_code == 429
    assert ticket_count(sandbox) == 1


def test_it_refuses_a_replayed_old_start_time(client, sandbox, settings, monkeypatch):
    settings.MIN_FILL_SECONDS = 2
    # A start-time token signed in 1970: valid signature, far past its max age.
    monkeypatch.setattr(signing.time, "time", lambda: 1.0)
    token = signing.dumps(1.0, salt=STARTED_SALT)
    monkeypatch.undo()
    assert client.post("/", FORM | {"started": token}).status_code == 429


# --- rate limits -------------------------------------------------------------------------


def test_it_limits_submissions_per_email_and_keeps_the_text(client, sandbox, settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {
        "submit": {"address": (100, 3600), "email": (2, 600)}
    }
    assert client.post("/", FORM | {"subject": "one"}).status_code == 302
    assert client.post("/", FORM | {"subject": "two"}).status_code == 302
    response = client.post("/", FORM | {"subject": "three"})
    assert response.status_code == 429
    assert response["Retry-After"]
    assert 'value="three"' in response.content.decode()
    assert ticket_count(sandbox) == 2


def test_it_limits_submissions_per_client_address(client, sandbox, settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {
        "submit": {"address": (1, 3600), "email": (100, 600)}
    }
    assert client.post("/", FORM).status_code == 302
    assert client.post("/", FORM | {"customer_email": "b@example.com"}).status_code == 429


def test_it_uses_the_proxys_client_address_only_when_told_to(client, sandbox, settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {
        "submit": {"address": (1, 3600), "email": (100, 600)}
    }
    settings.BEHIND_HTTPS_PROXY = True
    first = client.post("/", FORM, HTTP_X_FORWARDED_FOR="198.51.100.1")
    second = client.post("/", FORM, HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert (first.status_code, second.status_code) == (302, 302)


def test_invalid_submissions_do_not_block_the_customers_real_request(client, sandbox):
    for _ in range(6):
        invalid = client.post("/", FORM | {"subject": ""}, REMOTE_ADDR="203.0.113.9")
        assert invalid.status_code == 422
    real = client.post("/", FORM, REMOTE_ADDR="198.51.100.7")
    assert real.status_code == 302 and ticket_count(sandbox) == 1
