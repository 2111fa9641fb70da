"""`manage.py demo`: the whole portal on the built-in sandbox, in one command."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

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
        password = self._reset_admin_password()
        inprocess.start_workers(agent=not no_agent, webhooks=True)

        url = f"http://{addrport}"
        self.stdout.write(
            self.style.SUCCESS("\nTixallo Portal demo (built-in sandbox)\n")
            + (f"  seeded {added} tickets\n" if added else "")
            + f"  portal:         {url}/\n"
            + f"  agent console:  {url}/sandbox/console/\n"
            + f"  admin:          {url}/admin/  user {ADMIN_USERNAME!r}, password {password}\n"
            + "  (the password is new each run; a simulated agent answers new tickets)\n"
        )
        call_command("runserver", addrport, use_reloader=False, use_threading=True)

    def _reset_admin_password(self) -> str:
        password = secrets.token_urlsafe(12)
        user, _ = get_user_model().objects.get_or_create(
            username=ADMIN_USERNAME, defaults={"is_staff": True, "is_superuser": True}
        )
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        return password
