"""Realistic demo data: a dozen tickets from four customers, spread over the last weeks.

`alex@example.com` ("Alex Example") has a ticket in every status, with agent replies, customer
replies and an internal note, so every state of the portal can be seen by signing in as Alex.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from . import tickets
from .store import Store, now_iso

CUSTOMERS = {
    "alex": ("alex@example.com", "Alex Example"),
    "priya": ("priya.raman@example.org", "Priya Raman"),
    "jordan": ("jordan.lee@example.net", "Jordan Lee"),
    "mina": ("mina.okafor@example.com", "Mina Okafor"),
}

# (customer, subject, description, final status, priority, source, days ago,
#  conversation as (who, hours after creation, body); who is "customer", "agent" or "note")
# fmt: off
TICKETS = [
    ("alex", "Cannot log in after password reset",
     "I reset my password this morning and now the login page says my credentials are wrong.",
     "solved", "high", "web", 26, [
         ("agent", 2, "Hi Alex, sorry about that. I've cleared a stale session on our side; "
                      "could you try logging in again?"),
         ("customer", 5, "That worked, thank you!"),
         ("agent", 6, "Great to hear. I'll mark this as solved.")]),
    ("alex", "Invoice shows the wrong company address",
     "Our March invoice still lists our old office. Could you update it to 12 Harbour Street?",
     "closed", "low", "email", 21, [
         ("note", 1, "Billing address change needs a manual re-issue in the finance tool."),
         ("agent", 3, "Done: the corrected invoice is attached to your account."),
         ("customer", 4, "Perfect, thanks.")]),
    ("alex", "Webhook delivery delayed",
     "Our order.created webhook took 12s to fire yesterday afternoon.",
     "pending", "high", "api", 9, [
         ("agent", 3, "Thanks Alex. Could you share the event ids of two delayed deliveries?"),
         ("customer", 20, "Sure: evt_81fa and evt_81fb, both around 15:40 UTC."),
         ("note", 22, "Queue backlog on worker 3 at that time; infra ticket INF-2231."),
         ("agent", 24, "We found a queue backlog at that time and fixed it. Is it fast again?")]),
    ("alex", "Export to CSV misses the tags column",
     "When I export tickets to CSV the tags column is empty although tickets have tags.",
     "on_hold", "medium", "web", 6, [
         ("agent", 4, "Reproduced, thanks! Our engineers are on it; I'm putting this on hold "
                      "until the fix ships.")]),
    ("alex", "Two-factor codes arrive late",
     "The SMS codes take several minutes to arrive, so they expire before I can use them.",
     "open", "urgent", "web", 2, [
         ("agent", 1, "Sorry about that. Which mobile carrier are you on?"),
         ("customer", 3, "Vodafone, in Germany.")]),
    ("alex", "How do I add a second admin?",
     "We'd like a colleague to manage the workspace too. Where do I add another admin?",
     "new", "low", "api", 0.2, []),
    ("priya", "Search does not find older tickets",
     "Searching for a customer name only finds tickets from the last 30 days.",
     "open", "medium", "email", 12, [
         ("agent", 5, "Search covers everything by default. Is a date filter set?"),
         ("customer", 30, "No filter is set, and it still only shows recent ones.")]),
    ("priya", "Request: dark mode for the agent app",
     "Several of our agents work night shifts and would love a dark theme.",
     "solved", "low", "web", 18, [
         ("agent", 8, "Good news: dark mode shipped today under Settings > Appearance."),
         ("customer", 9, "Lovely, thank you!")]),
    ("jordan", "Billing: charged twice in April",
     "Our card was charged twice for the April subscription. Please refund one charge.",
     "pending", "high", "email", 4, [
         ("note", 2, "Duplicate charge confirmed in Stripe; refund issued, 5-10 days."),
         ("agent", 3, "You're right, sorry! The duplicate charge has been refunded.")]),
    ("jordan", "API returns 429 during nightly sync",
     "Our nightly sync hits rate limits around 02:00 UTC. What are the limits?",
     "new", "medium", "api", 1, []),
    ("mina", "Attachments over 10 MB fail",
     "Uploading a 14 MB PDF to a ticket fails with a generic error.",
     "closed", "medium", "web", 30, [
         ("agent", 6, "The limit is 10 MB per file; we've made the error message clearer."),
         ("customer", 8, "Understood, I'll compress the files.")]),
    ("mina", "Embed portal in our help centre",
     "Can the customer portal be embedded in our existing help centre page?",
     "open", "medium", "web", 3, [
         ("customer", 26, "Any news on this? We'd like to launch next week.")]),
]
# fmt: on


def seed(store: Store, now: datetime | None = None) -> int:
    """Fill an empty store; does nothing (returns 0) when any ticket exists."""
    now = now or datetime.now(UTC)
    with store.transaction() as conn:
        if conn.execute("SELECT 1 FROM tickets LIMIT 1").fetchone():
            return 0
        # Oldest first, so ticket numbers rise with creation time as in a real helpdesk.
        for entry in sorted(TICKETS, key=lambda item: -item[6]):
            _seed_ticket(conn, now, entry)
    return len(TICKETS)


def _seed_ticket(conn: sqlite3.Connection, now: datetime, entry: tuple) -> None:
    who, subject, description, status, priority, source, days, talk = entry
    email, name = CUSTOMERS[who]
    created = now - timedelta(days=days)
    ticket = tickets.create_ticket(
        conn,
        subject=subject,
        description=description,
        customer_email=email,
        customer_name=name,
        priority=priority,
        source=source,
        at=now_iso(created),
        notify=False,  # seeding is not news; no webhooks
    )
    last = created
    for author, hours, body in talk:
        last = created + timedelta(hours=hours)
        kind = "customer" if author == "customer" else "agent"
        tickets.add_message(
            conn,
            ticket,
            author_type=kind,
            author_name=name if kind == "customer" else "Sam from Support",
            body=body,
            public=author != "note",
            at=now_iso(last),
            notify=False,
        )
    tickets.update_ticket(conn, ticket, status=status, at=now_iso(last), notify=False)
