"""What counts as activity on a ticket (`portal.tickets.activity`): what the customer sees
change, not an agent's internal note."""

import re

import pytest

from portal.mirror import reads
from portal.sandbox import agents
from tests.factories import new_ticket

pytestmark = pytest.mark.django_db


def test_an_internal_note_moves_neither_the_time_nor_the_order(client, sandbox, signed_in):
    older, newer = new_ticket(subject="Older request"), new_ticket(subject="Newer request")
    for ticket in (older, newer):
        client.get(f"/tickets/{ticket.id}/")
    agents.add_note(sandbox, older.ticket_number, "Customer seems upset", "Agent")
    reads.forget_ticket(older.id)
    reads.forget_customer("alex@example.com")
    html = client.get("/tickets/").content.decode()
    assert html.index("Newer request") < html.index("Older request")
    page = client.get(f"/tickets/{older.id}/").content.decode()
    updated = re.search(r"<dt>Updated</dt><dd>(.*?)</dd>", page, re.S).group(1)
    created = re.search(r"<dt>Created</dt><dd>(.*?)</dd>", page, re.S).group(1)
    assert updated == created  # the note is the only change since
