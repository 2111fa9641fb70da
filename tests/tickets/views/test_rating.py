"""The rating's own view (`views.rating.rate`, URL names "rate" and "rate-link"); its
behaviour is pinned in tests/tickets/test_rating.py."""

from portal.tickets.views import rating
from tests.tickets.views.routes import assert_routes


def test_it_is_what_both_rating_urls_resolve_to():
    assert_routes("rate", "rate-link", "rating/", rating.rate)
