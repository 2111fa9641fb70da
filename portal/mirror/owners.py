"""Which email a Tixallo customer id belongs to, and which customer a ticket is for.

Events name a ticket's customer by `customer_id` (a message event only by its
`ticket_id`), while the portal keeps lists by the email the customer proved. Every
ticket the portal reads carries both, so the mapping is learnt as a side effect of
reading, and an event can refresh just that customer's lists. What was never
learnt (or was evicted) makes the event refresh every customer's lists instead:
more requests, never a stale list.
"""

import hashlib

from django.core.cache import cache

from portal.tixallo import addresses
from portal.tixallo.types import Ticket

KEEP = 30 * 24 * 3600  # ids and emails rarely change; a wrong guess only costs a refresh


def learn(tickets: tuple[Ticket, ...] | list[Ticket], email: str = "") -> None:
    """Remember the customer of each ticket (`email` when the list was asked by it)."""
    known = {}
    for ticket in tickets:
        owner = ticket.customer_email or email
        if not owner:
            continue
        owner = addresses.canonical(owner)
        known[_ticket_key(ticket.id)] = owner
        customer_id = ticket.customer_id or (ticket.customer.id if ticket.customer else "")
        if customer_id:
            known[_customer_key(customer_id)] = owner
    if known:
        cache.set_many(known, KEEP)


def email_for(customer_id: str = "", ticket_id: str = "") -> str:
    """The email of a customer id, else of a ticket's customer; "" when unknown."""
    keys = [k for k in (customer_id and _customer_key(customer_id),
                        ticket_id and _ticket_key(ticket_id)) if k]  # fmt: skip
    found = cache.get_many(keys)
    return next((found[k] for k in keys if k in found), "")


def _customer_key(customer_id: str) -> str:
    return (
        "mirror:customer:"
        + hashlib.sha256(customer_id.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    )


def _ticket_key(ticket_id: str) -> str:
    return (
        "mirror:owner:"
        + hashlib.sha256(ticket_id.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    )
