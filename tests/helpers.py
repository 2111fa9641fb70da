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


def new_ticket(email: str = "alex@example.com", **fields: Any):
    """A ticket created through the portal's own client."""
    from portal.tixallo import client

    data = {
        "subject": "Cannot log in",
        "description": "The login page says 'invalid token'.",
        "customer_email": email,
        "customer_name": "Alex Example",
        "priority": "medium",
    }
    return client.create_ticket(**data | fields)


def sign_in_as(django_client, email: str = "alex@example.com") -> None:
    """Put a verified email in the session, as a redeemed sign-in link does."""
    session = django_client.session
    session["customer_email"] = email
    session.save()


def ticket_link(ticket_id: str) -> str:
    from portal.customers.access import ticket_link_token

    return f"/t/{ticket_link_token(ticket_id)}/"


def webhook_dispatcher(django_client, store: Store, secret: str):
    """The sandbox's real sender, delivering signed events through Django's test client."""
    from portal.sandbox import webhooks

    url = "/webhooks/tixallo"
    store.set_webhook(f"http://testserver{url}", secret)

    def send(_url, body, headers):
        signature = {webhooks.SIGNATURE_HEADER: headers[webhooks.SIGNATURE_HEADER]}
        return django_client.post(
            url, body, content_type="application/json", headers=signature
        ).status_code

    return webhooks.WebhookDispatcher(store, sender=send)
