"""`manage.py sandbox_agent`: act as a support agent on the sandbox's tickets.

manage.py sandbox_agent reply 1042 "text" [--as "Sam"] [--status pending]
manage.py sandbox_agent note 1042 "text" [--as "Sam"]
manage.py sandbox_agent status 1042 solved
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.sandbox import agents, tickets
from portal.sandbox.store import Store


class Command(BaseCommand):
    help = "Reply to, annotate or change the status of a sandbox ticket."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--db", help="SQLite file (default: settings.SANDBOX_DB_PATH)")
        actions = parser.add_subparsers(dest="action", required=True)
        reply = actions.add_parser("reply", help="Public reply to the customer")
        note = actions.add_parser("note", help="Internal note, never shown to the customer")
        for sub in (reply, note):
            sub.add_argument("ticket", help="Ticket number (1042) or id (tkt_...)")
            sub.add_argument("text")
            sub.add_argument("--as", dest="agent_name", default=agents.DEFAULT_AGENT)
        reply.add_argument("--status", default="pending", choices=tickets.STATUSES)
        status = actions.add_parser("status", help="Change the status")
        status.add_argument("ticket")
        status.add_argument("status", choices=tickets.STATUSES)

    def handle(self, *args: Any, **options: Any) -> None:
        store = Store(options["db"] or settings.SANDBOX_DB_PATH)
        ref = options["ticket"]
        try:
            if options["action"] == "reply":
                agents.agent_reply(
                    store, ref, options["text"], options["agent_name"], options["status"]
                )
                done = f"Replied on ticket {ref}; status {options['status']}."
            elif options["action"] == "note":
                agents.add_note(store, ref, options["text"], options["agent_name"])
                done = f"Added an internal note to ticket {ref}."
            else:
                agents.set_status(store, ref, options["status"])
                done = f"Ticket {ref} is now {options['status']}."
        except (tickets.NotFound, tickets.TicketClosed, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        finally:
            store.close()
        self.stdout.write(done)
