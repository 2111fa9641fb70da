"""The "Submit a request" page, through Django's test client against the sandbox."""

import re

import pytest

from tests.helpers import api_requests, find_ticket, set_faults, ticket_count

pytestmark = pytest.mark.django_db

VALID = {
    "subject": "Cannot log in after password reset",
    "description": "I reset my password and now the login page says 'invalid token'.",
    "customer_email": "alex@example.com",
    "customer_name": "Alex Example",
    "priority": "high",
}


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
    response = client.post("/", VALID | {"idempotency_key": key(1)}, follow=True)
    assert response.status_code == 200
    number = re.search(r"#(\d+)", response.content.decode()).group(1)
    ticket = find_ticket(sandbox, int(number))
    assert ticket["subject"] == VALID["subject"]
    assert ticket["priority"] == "high"


def test_it_redirects_after_a_post_so_a_reload_does_not_resend(client, sandbox):
    response = client.post("/", VALID | {"idempotency_key": key(2)})
    assert response.status_code == 302
    assert response["Location"].startswith("/submitted/")


def test_it_creates_one_ticket_when_the_same_form_is_sent_twice(client, sandbox):
    before = ticket_count(sandbox)
    first = client.post("/", VALID | {"idempotency_key": key(3)})
    second = client.post("/", VALID | {"idempotency_key": key(3)})
    # Same signed reference; the signature's timestamp may differ by a second.
    assert first["Location"].split(":")[0] == second["Location"].split(":")[0]
    assert ticket_count(sandbox) == before + 1


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
    response = client.post("/", VALID | {field: value})
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert "I reset my password" in html or field == "description"
    assert ticket_count(sandbox) == before


def test_it_keeps_one_line_subjects(client, sandbox):
    response = client.post("/", VALID | {"subject": "Help\r\nBcc: evil@example.com"}, follow=True)
    assert response.status_code == 200
    ticket = find_ticket(sandbox, int(re.search(r"#(\d+)", response.content.decode()).group(1)))
    assert ticket["subject"] == "Help Bcc: evil@example.com"


@pytest.mark.parametrize("fault", ["500", "timeout", "429", "401", "malformed", "drop"])
def test_it_queues_the_request_with_a_reference_when_tixallo_fails(
    client, sandbox, settings, fault
):
    from portal.outbox.models import Submission

    settings.TIXALLO_RETRY_BUDGET = 0  # no retries: the first failure is final
    set_faults(sandbox, next=[fault] * 5)
    response = client.post("/", VALID, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    submission = Submission.objects.get()
    assert submission.reference in html and "ticket number will follow" in html
    assert submission.payload["description"] == VALID["description"]
    assert "Traceback" not in html


def test_it_shows_tixallos_own_field_errors(client, sandbox, monkeypatch):
    from portal.tixallo import client as tixallo
    from portal.tixallo.errors import Invalid

    def refuse(**kwargs):
        raise Invalid("HTTP 422", fields={"customer_email": "This domain is blocked."})

    monkeypatch.setattr(tixallo, "create_ticket", refuse)
    response = client.post("/", VALID)
    assert response.status_code == 422
    assert "This domain is blocked." in response.content.decode()


def test_it_answers_404_for_a_tampered_confirmation(client, sandbox):
    assert client.get("/submitted/not-a-signed-token/").status_code == 404


def test_it_answers_healthz_without_touching_tixallo(client, sandbox, settings):
    set_faults(sandbox, next=["500"] * 5)
    response = client.get("/healthz", HTTP_HOST="internal-probe")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert api_requests(sandbox) == 0


def test_it_uses_the_admins_priority_when_customers_may_not_choose(client, sandbox):
    from portal.config.models import PortalSettings

    PortalSettings(allow_priority=False, default_priority="low").save()
    assert 'name="priority"' not in client.get("/").content.decode()
    response = client.post("/", VALID | {"priority": "urgent"}, follow=True)
    number = int(re.search(r"#(\d+)", response.content.decode()).group(1))
    assert find_ticket(sandbox, number)["priority"] == "low"
