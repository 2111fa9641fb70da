"""`manage.py sandbox`: run the Tixallo sandbox (API, console, controls) over HTTP."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.sandbox.api import SandboxApp
from portal.sandbox.loop import background
from portal.sandbox.seed import seed
from portal.sandbox.server import SandboxServer
from portal.sandbox.store import Store


class Command(BaseCommand):
    help = "Serve the Tixallo sandbox API and agent console until Ctrl-C."
    requires_system_checks: list[str] = []  # no models; must work before the portal is set up

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8100)
        parser.add_argument("--db", help="SQLite file (default: settings.SANDBOX_DB_PATH)")
        parser.add_argument("--key", help="API key to accept (default: settings.TIXALLO_API_KEY)")
        parser.add_argument("--webhook-url", help="Deliver webhook events to this URL")
        parser.add_argument("--webhook-secret", help="Secret to sign webhook events with")
        parser.add_argument("--seed", action="store_true", help="Add demo tickets if empty")
        parser.add_argument("--agent", action="store_true", help="Run the demo agent")

    def handle(self, *args: Any, **options: Any) -> None:
        key = options["key"] or getattr(settings, "TIXALLO_API_KEY", "")
        if not key:
            raise CommandError("No API key: pass --key or set TIXALLO_API_KEY.")
        store = Store(options["db"] or settings.SANDBOX_DB_PATH)
        if options["webhook_url"]:
            if not options["webhook_secret"]:
                raise CommandError("--webhook-url needs --webhook-secret.")
            store.set_webhook(options["webhook_url"], options["webhook_secret"])
        if options["seed"]:
            self.stdout.write(f"Seeded {seed(store)} tickets.")
        server = SandboxServer(SandboxApp(store, key), options["host"], options["port"])
        loop = background(store, webhooks=True, agent=options["agent"]).start()
        # Never print the API key or the webhook secret.
        self.stdout.write(f"Tixallo sandbox API:  {server.api_url}")
        self.stdout.write(f"Agent console:        {server.url}/console/")
        self.stdout.write(f"Webhooks:             {store.webhook()[0] or 'off'}")
        self.stdout.write("Press Ctrl-C to stop.")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.close()
            loop.stop()
            store.close()
