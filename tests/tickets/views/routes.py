"""What every request view's URL test checks: its two names (by id, by private link)
reverse to the paths a customer uses, and those paths, in the frame too, reach the view."""

from collections.abc import Callable

from django.urls import resolve, reverse

from portal.customers import access


def assert_routes(by_id: str, by_link: str, action: str, view: Callable) -> None:
    """`action` is the path's last part ("reply/"; "" for the page itself)."""
    token = access.ticket_link_token("tkt_1")
    assert reverse(f"tickets:{by_id}", args=["tkt_1"]) == f"/tickets/tkt_1/{action}"
    assert reverse(f"tickets:{by_link}", args=[token]) == f"/t/{token}/{action}"
    for mount in ("", "/embed"):
        for path in (f"{mount}/tickets/tkt_1/{action}", f"{mount}/t/{token}/{action}"):
            assert resolve(path).func is view, path
