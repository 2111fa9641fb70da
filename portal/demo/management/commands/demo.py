"""`manage.py demo`: the whole portal on the built-in sandbox, in one command.

It drives both sides (migrations, the outbox worker and the settings row of the portal; the
sandbox's seed, webhooks and background loop), so it lives with the wiring, in portal/demo:
installed only with the sandbox, which keeps the sandbox free of the portal's imports."""

import os
import secrets
import signal
import subprocess
import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.demo import request_forms
from portal.sandbox import inprocess
from portal.sandbox.seed import seed

ADMIN_USERNAME = "admin"


class Command(BaseCommand):
    help = "Migrate, seed the sandbox, create an admin and serve the portal on the sandbox."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-agent", action="store_true", help="No simulated agent.")

    def handle(self, *args: object, addrport: str, no_agent: bool, **options: object) -> None:
        if not settings.PORTAL_SANDBOX:
            raise CommandError("The demo runs on the sandbox: unset PORTAL_SANDBOX=0.")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        added = seed(inprocess.store())
        request_forms.seed()  # the portal's side of the demo data
        password = self._reset_admin_password()
        hooks = self._send_webhooks_to_portal(addrport)
        _email_answers_on_first_run()
        inprocess.start_workers(agent=not no_agent, webhooks=True)
        # SIGTERM (docker stop, kill, a process manager) ends the demo as Ctrl+C does,
        # through the finally below, so its worker does not outlive it.
        previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
        worker = self._start_outbox_worker()
        try:
            self._serve(addrport, added, hooks, password, worker.pid)
        finally:
            signal.signal(signal.SIGTERM, previous)
            worker.terminate()
            inprocess.stop_workers()
            worker.wait(timeout=10)

    def _serve(self, addrport: str, added: int, hooks: str, password: str, worker: int) -> None:
        url = f"http://{addrport}"
        self.stdout.write(
            self.style.SUCCESS("\nTixallo Portal demo (built-in sandbox)\n")
            + (f"  seeded {added} tickets\n" if added else "")
            + f"  portal:         {url}/\n"
            + f"  agent console:  {url}/sandbox/console/  (answers, statuses, faults)\n"
            + f"  embedded demo:  {url}/embed/demo/  (signed in: {url}/embed/demo/?as=alex)\n"
            + f"  webhooks:       {hooks}\n"
            + f"  admin:          {url}/admin/  user {ADMIN_USERNAME!r}, password {password}\n"
            + f"  outbox worker:  pid {worker}\n"
            + "  (the password is new each run; a simulated agent answers new tickets)\n"
        )
        call_command("runserver", addrport, use_reloader=False, use_threading=True)

    def _start_outbox_worker(self) -> subprocess.Popen:
        """The outbox's worker beside the server, as production runs it (README)."""
        from portal.outbox.models import Submission
        from portal.outbox.tasks import schedule

        for submission in Submission.objects.filter(state=Submission.State.QUEUED):
            schedule(submission)  # anything left from a previous run
        env = os.environ | {"PORTAL_SANDBOX": "1", "SECURE_COOKIES": "0"}
        command = [sys.executable, "manage.py", "db_worker", "--interval", "1", "--verbosity", "0"]
        return subprocess.Popen(command, env=env, cwd=settings.BASE_DIR)  # noqa: S603 - fixed argv

    def _send_webhooks_to_portal(self, addrport: str) -> str:
        """The sandbox delivers its events to this portal, signed with the secret the portal
        checks them with (on the sandbox, a fixed demo secret unless one is set)."""
        secret = settings.TIXALLO_WEBHOOK_SECRET
        url = webhook_url(addrport) if secret else ""
        inprocess.store().set_webhook(url, secret)
        return url or "off (TIXALLO_WEBHOOK_SECRET is empty)"

    def _reset_admin_password(self) -> str:
        password = secrets.token_urlsafe(12)
        user, _ = get_user_model().objects.get_or_create(
            username=ADMIN_USERNAME, defaults={"is_staff": True, "is_superuser": True}
        )
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        return password


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(0)


def _email_answers_on_first_run() -> None:
    """The demo emails customers about agents' answers (printed in its terminal); in
    production that switch starts off. Only set when the settings row is new, so an
    admin who turns it off in the demo keeps it off."""
    from portal.config.models import PortalSettings

    PortalSettings.objects.get_or_create(pk=1, defaults={"email_agent_answers": True})


def webhook_url(addrport: str) -> str:
    """Where the portal served on `addrport` (as runserver takes it) receives webhooks."""
    host, _, port = addrport.rpartition(":")
    if host in ("", "0", "0.0.0.0"):  # noqa: S104 - a bind address, mapped to loopback
        host = "127.0.0.1"
    elif host == "[::]":
        host = "[::1]"
    return f"http://{host}:{port}/webhooks/tixallo"
