"""A pretend support agent, so a developer sees answers arrive without playing both roles.

Every `interval` seconds (run by the sandbox's loop, `loop.py`) it answers tickets whose newest
public message is the customer's (or that have no messages yet) once that message is
`delay_seconds` old, and sets them to pending. Given `since`, only what customers wrote after it:
the demo's seeded tickets keep their statuses.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from . import agents, tickets
from .store import Store, now_iso

AGENT_NAME = "Sam from Support"
OPENINGS = (
    "Hi {name},\n\nthanks for getting in touch about \u201c{subject}\u201d.",
    "Hello {name},\n\nthank you for your message about \u201c{subject}\u201d.",
    "Hi {name},\n\nsorry for the trouble with \u201c{subject}\u201d, and thanks for the details.",
)
MIDDLES = (
    "I have looked into it and passed it to our product team; I'll update you here.",
    "Could you tell us which browser and device you were using when this happened?",
    "I've reset things on our side. Could you try again and let me know if it works now?",
    "This is a known issue and a fix is on its way. I'll let you know as soon as it ships.",
)
CLOSINGS = ("Best regards,\nSam", "Kind regards,\nSam from Support", "Cheers,\nSam")

# Tickets waiting on the customer have the last word already; finished ones need no answer.
CANDIDATES = """
SELECT t.id, t.ticket_number, t.subject, t.created_at, c.name, c.email,
       (SELECT m.author_type FROM messages m WHERE m.ticket_id = t.id AND m.public = 1
        ORDER BY m.created_at DESC, m.rowid DESC LIMIT 1) AS last_author,
       (SELECT MAX(m.created_at) FROM messages m WHERE m.ticket_id = t.id AND m.public = 1)
        AS last_at,
       (SELECT COUNT(*) FROM messages m WHERE m.ticket_id = t.id AND m.author_type = 'agent')
        AS agent_turns
FROM tickets t JOIN customers c ON c.id = t.customer_id
WHERE t.status NOT IN ('solved', 'closed')
"""


def canned_reply(ticket_number: int, name: str, subject: str, turn: int) -> str:
    """A friendly reply that varies between tickets and turns but is reproducible."""
    pick = random.Random(ticket_number * 31 + turn)
    first_name = (name or "there").split()[0]
    return "\n\n".join(
        (
            pick.choice(OPENINGS).format(name=first_name, subject=subject),
            pick.choice(MIDDLES),
            pick.choice(CLOSINGS),
        )
    )


class DemoAgent:
    def __init__(
        self,
        store: Store,
        delay_seconds: float = 5,
        interval: float = 1.0,
        since: datetime | None = None,
    ) -> None:
        self.store = store
        self.since = now_iso(since) if since else ""
        self.delay = timedelta(seconds=delay_seconds)
        self.interval = interval

    def run_once(self, now: datetime | None = None) -> list[int]:
        """Answer every ticket that is waiting long enough; returns their numbers."""
        now = now or datetime.now(UTC)
        cutoff = now_iso(now - self.delay)
        with self.store.transaction(write=False) as conn:
            rows = conn.execute(CANDIDATES).fetchall()
        answered = []
        for row in rows:
            waiting_since = row["last_at"] or row["created_at"]
            if row["last_author"] not in (None, "customer") or waiting_since > cutoff:
                continue
            if waiting_since < self.since:  # from before the demo started: seeded
                continue
            body = canned_reply(
                row["ticket_number"], row["name"], row["subject"], row["agent_turns"]
            )
            try:
                agents.agent_reply(self.store, row["id"], body, AGENT_NAME)
            except tickets.TicketClosed:  # closed between the query and the reply
                continue
            answered.append(row["ticket_number"])
        return answered
