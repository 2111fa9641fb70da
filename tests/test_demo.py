"""`manage.py demo`: everything up to serving, run twice."""

import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from portal.sandbox import inprocess
from portal.sandbox.management.commands import demo
from tests.helpers import ticket_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def served(monkeypatch):
    calls = []
    real = demo.call_command

    def fake_call_command(name, *args, **kwargs):
        if name == "runserver":
            calls.append(args)
            return None
        return real(name, *args, **kwargs)

    monkeypatch.setattr(demo, "call_command", fake_call_command)
    monkeypatch.setattr(inprocess, "start_workers", lambda **kwargs: calls.append(kwargs))

    class FakeWorker:
        pid = 4242

        def __init__(self, command, **kwargs):
            calls.append(tuple(command[1:3]))

        def terminate(self):
            calls.append("worker stopped")

        def wait(self, timeout=None):
            return 0

    monkeypatch.setattr(demo.subprocess, "Popen", FakeWorker)
    return calls


def run_demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def test_it_seeds_creates_an_admin_and_serves_on_port_8000(sandbox, served, settings):
    output = run_demo()
    assert ticket_count(sandbox) >= 10
    password = re.search(r"password (\S+)", output).group(1)
    assert authenticate(username="admin", password=password).is_superuser
    assert ("127.0.0.1:8000",) in served
    assert {"agent": True, "webhooks": True} in served
    assert ("manage.py", "db_worker") in served and "worker stopped" in served
    assert settings.TIXALLO_API_KEY not in output


def test_it_can_run_twice_without_duplicating_data(sandbox, served):
    run_demo()
    count = ticket_count(sandbox)
    output = run_demo()
    assert ticket_count(sandbox) == count
    password = re.search(r"password (\S+)", output).group(1)
    assert authenticate(username="admin", password=password) is not None
