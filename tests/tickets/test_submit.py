"""The "Submit a request" page (/): the form, what it creates in Tixallo, its errors, what
it fills in for a known customer. Spam checks on it: test_submit_spam.py."""

import re

import pytest
from django.core.cache import cache

from portal.outbox.models import Submission
from tests.factories import (
    FORM,
    api_requests,
    find_ticket,
    new_ticket,
    set_faults,
    sign_in_as,
    ticket_count,
    tixallo_refuses,
)

pytestmark = pytest.mark.django_db


def key(n: int) -> str:
    return f"{n:032x}"


def test_it_shows_the_form(client, sandbox):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("subject", "description", "customer_email", "customer_name", "priority"):
        assert f'name="{name}"' in html
    assert re.search(r'name="idempotency_key" value="[0-9a-f]{32}"', html)


def test_it_creates_a_ticket_and_shows_its_number(client, sandbox):
    response = client.post("/", FORM | {"priority": "high", "idempotency_key": key(1)}, follow=True)
    assert response.status_code == 200
    number = re.search(r"#(\d+)", response.content.decode()).group(1)
    ticket = find_ticket(sandbox, int(number))
    assert ticket["subject"] == FORM["subject"]
    assert ticket["priority"] == "high"


def test_it_redirects_after_a_post_so_a_reload_does_not_resend(client, sandbox):
    response = client.post("/", FORM | {"idempotency_key": key(2)})
    assert response.status_code == 302
    assert response["Location"].startswith("/submitted/")


def test_it_creates_one_ticket_when_the_same_form_is_sent_twice(client, sandbox):
    before = ticket_count(sandbox)
    first = client.post("/", FORM | {"idempotency_key": key(3)})
    second = client.post("/", FORM | {"idempotency_key": key(3)})
    # Same signed reference; the signature's timestamp may differ by a second.
    assert first["Location"].split(":")[0] == second["Location"].split(":")[0]
    assert ticket_count(sandbox) == before + 1


def test_it_never_hands_one_customers_ticket_to_another_with_the_same_form_key(client, sandbox):
    key = "d" * 32
    first = client.post("/", FORM | {"idempotency_key": key})
    second = client.post("/", FORM | {"idempotency_key": key, "customer_email": "b@example.com"})
    assert first["Location"] != second["Location"]
    assert ticket_count(sandbox) == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("subject", "", "This field is required."),
        ("subject", "x" * 201, "at most 200 characters"),
        ("description", "", "This field is required."),
        ("customer_email", "not-an-email", "Enter a valid email address."),
        ("customer_email", "a@example.com\r\nBcc: x@example.com", "Enter a valid email address."),
        ("customer_name", "", "This field is required."),
        ("priority", "whenever", "Select a valid choice."),
    ],
)
def test_it_rejects_each_invalid_field_and_keeps_what_was_typed(
    client, sandbox, field, value, message
):
    before = ticket_count(sandbox)
    response = client.post("/", FORM | {field: value})
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert "I was charged twice" in html or field == "description"
    assert ticket_count(sandbox) == before


def test_it_keeps_one_line_subjects(client, sandbox):
    response = client.post("/", FORM | {"subject": "Help\r\nBcc: evil@example.com"}, follow=True)
    assert response.status_code == 200
    ticket = find_ticket(sandbox, int(re.search(r"#(\d+)", response.content.decode()).group(1)))
    assert ticket["subject"] == "Help Bcc: evil@example.com"


def test_it_uses_the_admins_priority_when_customers_may_not_choose(client, sandbox):
    from portal.config.models import PortalSettings

    PortalSettings(allow_priority=False, default_priority="low").save()
    assert 'name="priority"' not in client.get("/").content.decode()
    response = client.post("/", FORM | {"priority": "urgent"}, follow=True)
    number = int(re.search(r"#(\d+)", response.content.decode()).group(1))
    assert find_ticket(sandbox, number)["priority"] == "low"


@pytest.mark.parametrize("fault", ["500", "timeout", "429", "401", "malformed", "drop"])
def test_it_queues_the_request_with_a_reference_when_tixallo_fails(
    client, sandbox, settings, fault
):
    settings.TIXALLO_RETRY_BUDGET = 0  # no retries: the first failure is final
    set_faults(sandbox, next=[fault] * 5)
    response = client.post("/", FORM, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    submission = Submission.objects.get()
    assert submission.reference in html and "ticket number will follow" in html
    assert submission.payload["description"] == FORM["description"]
    assert "Traceback" not in html


def test_it_shows_tixallos_own_field_errors(client, sandbox, monkeypatch):
    tixallo_refuses(monkeypatch, customer_email="This domain is blocked.")
    response = client.post("/", FORM)
    assert response.status_code == 422
    assert "This domain is blocked." in response.content.decode()


def test_it_does_not_let_a_browser_cache_the_form(client, sandbox):
    assert "no-store" in client.get("/")["Cache-Control"]


def test_email_and_name_fields_help_the_browser_fill_them(client, sandbox):
    html = client.get("/").content.decode()
    assert re.search(r'<input type="email" name="customer_email"[^>]*autocomplete="email"', html)
    assert re.search(r'<input type="text" name="customer_name"[^>]*autocomplete="name"', html)
    signin = client.get("/signin/").content.decode()
    assert re.search(r'<input type="email" name="email"[^>]*autocomplete="email"', signin)


# --- filled in for the customer -------------------------------------------------------


def test_start_a_new_request_with_this_text_prefills_the_form_and_sends_nothing(client, sandbox):
    response = client.post(
        "/",
        {"prefill": "1", "subject": "Follow-up to #1001: Cannot log in", "description": "Still"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Follow-up to #1001: Cannot log in"' in html
    assert re.search(r">\s*Still</textarea>", html)
    assert "This field is required" not in html
    assert not Submission.objects.exists()
    embedded = client.post("/embed/", {"prefill": "1", "description": "In the frame"})
    assert re.search(r">\s*In the frame</textarea>", embedded.content.decode())


def test_it_prefills_email_and_name_for_a_known_customer(client, sandbox):
    client.post("/", FORM)
    sign_in_as(client)
    html = client.get("/").content.decode()
    assert 'value="alex@example.com"' in html
    assert 'value="Alex Example"' in html


def test_a_signed_in_customer_gets_their_name_filled_in(client, sandbox):
    new_ticket("alex@example.com", customer_name="Alex Example")
    sign_in_as(client)  # by email link: the session knows the email only
    html = client.get("/").content.decode()
    assert re.search(r'name="customer_name" value="Alex Example"', html)


def test_a_signed_in_customer_is_not_named_by_whoever_typed_their_email(client, sandbox, holding):
    new_ticket("alex@example.com", customer_name="Alex Example")
    attacker = client.__class__()
    attacker.post("/", FORM | {"customer_name": "Mallory"})  # held, with that name
    sign_in_as(client, "alex@example.com")
    html = client.get("/").content.decode()
    assert 'value="Alex Example"' in html and "Mallory" not in html


def test_a_name_not_found_is_looked_up_once(client, sandbox):
    sign_in_as(client, "new@example.com")
    client.get("/")
    before = api_requests(sandbox)
    cache.clear()  # the cached reads expired: the lookup must not run again
    client.get("/")
    assert api_requests(sandbox) == before
