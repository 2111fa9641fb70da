"""The rating's own view (`views.rating.rate`, URL names "rate" and "rate-link"); its
behaviour is pinned in tests/tickets/test_rating.py."""

from django.urls import resolve, reverse

from portal.customers import access
from portal.tickets.views import rating


def test_it_is_what_both_rating_urls_resolve_to():
    token = access.ticket_link_token("tkt_1")
    assert reverse("tickets:rate", args=["tkt_1"]) == "/tickets/tkt_1/rating/"
    assert reverse("tickets:rate-link", args=[token]) == f"/t/{token}/rating/"
    for path in ("/tickets/tkt_1/rating/", f"/t/{token}/rating/", f"/embed/t/{token}/rating/"):
        assert resolve(path).func is rating.rate
