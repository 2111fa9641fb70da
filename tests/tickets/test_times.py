"""`<time datetime>` as HTML takes it (the Nu validator): UTC, at most 3 fraction digits,
whatever fraction and offset Tixallo sends, on every page and fragment that shows times."""

import re

import pytest

from portal.tickets.templatetags.portal import when
from portal.tixallo.types import Ticket
from tests.factories import new_ticket, poll_url, ticket_link

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
# A valid global date and time string with the validator's limit on the fraction.
VALID = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z")


def datetimes(html: str) -> list[str]:
    return re.findall(r'<time datetime="([^"]*)"', html)


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("2026-12-06T03:58:26.123456Z", "2026-12-06T03:58:26.123Z"),
        ("2026-12-06T03:58:26.123456789Z", "2026-12-06T03:58:26.123Z"),
        ("2026-12-06T03:58:26.5Z", "2026-12-06T03:58:26.500Z"),
        ("2026-12-06T03:58:26Z", "2026-12-06T03:58:26Z"),
        ("2026-12-06T03:58:26.000001+00:00", "2026-12-06T03:58:26.000Z"),
        ("2026-12-06T09:28:26.25+05:30", "2026-12-06T03:58:26.250Z"),
        ("2026-12-05T23:58:26-04:00", "2026-12-06T03:58:26Z"),
        ("2026-12-06T09:28:41.7+05:30:15", "2026-12-06T03:58:26.700Z"),
        ("2026-12-06T03:58:26.999999", "2026-12-06T03:58:26.999Z"),  # no offset: UTC
    ],
)
def test_any_fraction_and_offset_from_tixallo_becomes_a_valid_html_datetime(sent, shown):
    ticket = Ticket.from_api({"id": "tkt_1", "created_at": sent})
    assert datetimes(when(ticket.created_at)) == [shown]


def test_the_ticket_page_and_its_fragment_carry_valid_datetimes(client, sandbox):
    from portal.sandbox import agents

    ticket = new_ticket()
    agents.agent_reply(sandbox, ticket.id, "An answer")
    link = ticket_link(ticket.id)
    page = client.get(link).content.decode()
    fragment = client.get(link + "?v=stale", headers=HTMX).content.decode()
    for html in (page, fragment):
        found = datetimes(html)
        assert len(found) >= 3 and all(VALID.fullmatch(value) for value in found), found


def test_my_requests_and_its_fragment_carry_valid_datetimes(client, sandbox, signed_in):
    new_ticket()
    page = client.get("/tickets/").content.decode()
    poll = poll_url(page, "/tickets/")
    fragment = client.get(re.sub(r"v=[^&]*", "v=stale", poll), headers=HTMX).content.decode()
    for html in (page, fragment):
        found = datetimes(html)
        assert found and all(VALID.fullmatch(value) for value in found), found
