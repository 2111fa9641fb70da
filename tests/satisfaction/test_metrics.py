"""`portal_ratings_total{rating}` on /metrics moves with each rating given or changed."""

import pytest

from tests.factories import new_ticket, set_status, sign_in_as
from tests.ops.test_metrics import TOKEN, scrape, value

pytestmark = pytest.mark.django_db


def test_each_rating_is_counted_by_rating(client, sandbox, settings):
    settings.METRICS_TOKEN = TOKEN
    ticket = new_ticket()
    set_status(sandbox, ticket.id, "solved")
    sign_in_as(client)
    before = scrape(client)
    client.post(f"/tickets/{ticket.id}/rating/", {"rating": "good"})
    client.post(f"/tickets/{ticket.id}/rating/", {"rating": "bad"})
    after = scrape(client)
    for score in ("good", "bad"):
        name = "portal_ratings_total"
        assert value(after, name, rating=score) == value(before, name, rating=score) + 1
