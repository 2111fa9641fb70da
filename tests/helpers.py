"""Small helpers over the sandbox's store for the portal's tests."""

from typing import Any

from portal.sandbox import agents
from portal.sandbox.store import Store


def set_faults(store: Store, **faults: Any) -> None:
    store.set_faults(**faults)


def api_requests(store: Store) -> int:
    """How many API requests the sandbox has received so far."""
    return store.stats()["total"]


def ticket_count(store: Store) -> int:
    return agents.count_tickets(store)


def find_ticket(store: Store, number: int) -> dict[str, Any]:
    return agents.get_ticket(store, number)


def set_status(store: Store, ticket_id: str, status: str) -> None:
    agents.set_status(store, ticket_id, status)
