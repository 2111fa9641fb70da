"""`manage.py demo`: everything up to serving, run twice."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from portal.demo.management.commands import demo
from portal.requestforms.models import RequestForm
from portal.sandbox import inprocess
from tests.factories import page_text, ticket_count

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
    admin = get_user_model().objects.get(username="admin")  # (authenticate() wants a request
    assert admin.is_superuser and admin.check_password(password)  # with django-axes)
    assert ("127.0.0.1:8000",) in served
    assert {"agent": True, "webhooks": True} in served
    assert ("manage.py", "db_worker") in served and "worker stopped" in served
    assert settings.TIXALLO_API_KEY not in output


def test_it_seeds_two_request_forms_the_customer_chooses_from(sandbox, served, client):
    run_demo()
    assert sorted(RequestForm.objects.values_list("slug", flat=True)) == ["billing", "technical"]
    text = page_text(client.get("/", HTTP_ACCEPT_LANGUAGE="de"))
    assert "Frage zur Rechnung" in text and "Technisches Problem" in text


def test_it_can_run_twice_without_duplicating_data(sandbox, served):
    run_demo()
    count = ticket_count(sandbox)
    output = run_demo()
    assert ticket_count(sandbox) == count
    assert RequestForm.objects.count() == 2
    password = re.search(r"password (\S+)", output).group(1)
    assert get_user_model().objects.get(username="admin").check_password(password)


@pytest.mark.slow  # starts the demo as a process
def test_sigterm_stops_the_demo_and_its_outbox_worker(tmp_path):
    """A real `manage.py demo` in its own process: SIGTERM (docker stop, a process
    manager) must not leave its db_worker running."""
    import os
    import signal
    import socket
    import subprocess
    import sys

    from django.conf import settings

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = os.environ | {
        "PYTHONUNBUFFERED": "1",
        "PORTAL_SANDBOX": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "SANDBOX_DB_PATH": str(tmp_path / "sandbox.sqlite3"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    demo_process = subprocess.Popen(
        [sys.executable, "manage.py", "demo", f"127.0.0.1:{port}", "--no-agent"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        text=True,
    )  # fmt: skip
    try:
        worker_pid = None
        for line in demo_process.stdout:
            if found := re.search(r"outbox worker:\s+pid (\d+)", line):
                worker_pid = int(found.group(1))
                break
        assert worker_pid, "the demo printed no worker pid"
        os.kill(worker_pid, 0)  # running
        demo_process.send_signal(signal.SIGTERM)
        assert demo_process.wait(timeout=60) == 0
        with pytest.raises(ProcessLookupError):
            os.kill(worker_pid, 0)
    finally:
        demo_process.kill()
        demo_process.wait()


def test_it_has_the_demo_sandbox_deliver_to_the_portal(sandbox, settings):
    settings.TIXALLO_WEBHOOK_SECRET = "whsec_sandbox_demo_secret"
    shown = demo.Command()._send_webhooks_to_portal("127.0.0.1:8000")
    assert shown == "http://127.0.0.1:8000/webhooks/tixallo"
    assert sandbox.webhook() == (shown, "whsec_sandbox_demo_secret")
    assert demo.webhook_url("8000") == "http://127.0.0.1:8000/webhooks/tixallo"
    assert demo.webhook_url("0.0.0.0:9000") == "http://127.0.0.1:9000/webhooks/tixallo"
    assert demo.webhook_url("[::]:8000") == "http://[::1]:8000/webhooks/tixallo"
