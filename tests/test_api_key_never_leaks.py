"""The workspace API key never leaves the server: no page, header or log line has it."""

import logging
import traceback

import pytest

from tests.factories import FORM, set_faults, sign_in_as

pytestmark = pytest.mark.django_db


def visit_every_kind_of_page(client, sandbox):
    yield client.get("/")
    yield client.post("/", FORM, follow=True)
    yield client.post("/", FORM | {"customer_email": "broken"})
    for fault in ("500", "401", "429", "timeout", "drop", "malformed"):
        set_faults(sandbox, next=[fault] * 6)
        yield client.post("/", FORM)
    set_faults(sandbox)
    yield client.get("/submitted/forged/")
    yield client.get("/healthz")
    yield client.get("/no-such-page/")
    yield client.get("/sandbox/console/")
    sign_in_as(client)
    set_faults(sandbox, force_status=401)
    yield client.get("/tickets/")


def test_it_never_puts_the_key_in_a_response_or_a_log_record(client, sandbox, settings, caplog):
    caplog.set_level(logging.DEBUG)
    key = settings.TIXALLO_API_KEY
    responses = list(visit_every_kind_of_page(client, sandbox))
    assert {r.status_code for r in responses} >= {200, 404, 422, 503}
    for response in responses:
        assert key not in response.content.decode()
        assert key not in str(response.headers)
    for record in caplog.records:
        text = record.getMessage()
        if record.exc_info:
            text += "".join(traceback.format_exception(*record.exc_info))
        assert key not in text, record.getMessage()
    assert any(r.name == "portal.upstream" for r in caplog.records)  # failures were logged
