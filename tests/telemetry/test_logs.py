"""One log line per request with its id, path, status, duration and upstream calls;
LOG_FORMAT=json makes every line one JSON object; plain text stays the default."""

import io
import json
import logging
import os
import subprocess
import sys

import pytest

from portal.telemetry.logs import JsonFormatter, LogLineFilter
from tests.factories import new_ticket, set_faults, sign_in_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines():
    """What the console handler writes with LOG_FORMAT=json, as parsed objects."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(LogLineFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(old_level)


def request_lines(lines):
    return [line for line in lines if line["logger"] == "portal.request"]


def test_a_request_is_one_json_line_with_what_matters(client, sandbox, json_lines):
    ticket = new_ticket()
    sign_in_as(client)
    response = client.get(f"/tickets/{ticket.id}/")
    [line] = request_lines(json_lines())
    assert line["path"] == f"/tickets/{ticket.id}/"
    assert line["method"] == "GET"
    assert line["status"] == 200
    assert line["upstream_calls"] == 1  # the ticket, read from Tixallo
    assert isinstance(line["duration_ms"], float)
    assert line["level"] == "INFO"
    assert line["time"].endswith("+00:00")
    assert line["request_id"] == response["X-Request-ID"]

    client.get(f"/tickets/{ticket.id}/")  # now cached
    assert request_lines(json_lines())[-1]["upstream_calls"] == 0


def test_every_line_of_a_request_carries_its_id(client, sandbox, settings, json_lines):
    settings.TIXALLO_RETRY_BUDGET = 0
    ticket = new_ticket()
    sign_in_as(client)
    set_faults(sandbox, force_status=503)
    client.get(f"/tickets/{ticket.id}/", headers={"X-Request-ID": "proxy-id-12345"})
    lines = json_lines()
    assert {line["request_id"] for line in lines} == {"proxy-id-12345"}
    assert any(line["logger"] == "portal.upstream" for line in lines)
    assert request_lines(lines)[0]["status"] == 503


@pytest.mark.parametrize("given", ["short", "x" * 65, "has space in it", "bad\u00e9chars"])
def test_an_odd_request_id_is_replaced(client, json_lines, given):
    response = client.get("/healthz", headers={"X-Request-ID": given})
    assert response["X-Request-ID"] != given
    assert len(response["X-Request-ID"]) == 32


def test_an_exception_stays_inside_the_json_object(json_lines):
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("portal.test").exception("it failed")
    [line] = json_lines()
    assert line["message"] == "it failed"
    assert "ValueError: boom" in line["exception"]
    assert line["request_id"] is None


def run_logging(log_format: str) -> str:
    """Configure logging as the settings do, in a fresh process, and log one line."""
    script = (
        "import django, logging; django.setup();"
        "logging.getLogger('portal.test').warning('hello %s', 'there')"
    )
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="tests.settings", LOG_FORMAT=log_format)
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=60, check=True)  # fmt: skip
    return done.stderr.strip()


def test_log_format_json_in_the_settings():
    line = json.loads(run_logging("json"))
    assert line["message"] == "hello there"
    assert line["logger"] == "portal.test"
    assert line["level"] == "WARNING"


def test_plain_text_stays_the_default():
    assert run_logging("") == "WARNING portal.test [-] hello there"


@pytest.mark.parametrize("log_format", ["json", "text"])
def test_no_private_link_token_is_logged(client, sandbox, log_format):
    """A ticket link never expires: whoever reads the logs must not get one."""
    from django.conf import settings as django_settings

    from portal.customers import access

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(LogLineFilter())
    text = django_settings.LOGGING["formatters"]["text"]["format"]
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(text))
    root = logging.getLogger()
    root.addHandler(handler)
    old_level, root.level = root.level, logging.INFO
    try:
        ticket = new_ticket()
        tokens = [access.ticket_link_token(ticket.id), access.ticket_link_token("tkt_gone")]
        tokens.append(access.signin_token("alex@example.com"))
        client.get(f"/t/{tokens[0]}/")
        client.get(f"/t/{tokens[1]}/")  # a 404: Django's own line names the path too
        client.get(f"/embed/t/{tokens[0]}/")
        client.get(f"/t/{tokens[0]}/more/")  # no such page: never resolved
        client.get(f"/signin/{tokens[2]}/")
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    logged = stream.getvalue()
    assert "/t/<token>/" in logged and "/signin/<token>/" in logged
    assert not any(token in logged or token[:20] in logged for token in tokens)
