"""Where copies are kept (`portal.mirror.copies`): this process's own first, and with Redis
the one another instance fetched, so a change costs Tixallo one read for all of them."""

import pytest
from django.core.cache import caches

from portal.mirror import reads
from tests.factories import api_requests, new_ticket

pytestmark = pytest.mark.django_db


def test_it_serves_a_copy_from_this_process_without_asking_anyone(sandbox, settings):
    ticket = new_ticket()
    reads.ticket_copy(ticket.id)
    before = api_requests(sandbox)
    assert reads.ticket_copy(ticket.id).ident == ticket.id
    assert api_requests(sandbox) == before


def test_it_uses_the_copy_another_instance_fetched(sandbox, settings):
    """Another instance: this process's own copies are gone, the shared cache has one."""
    if not settings.REDIS_URL:
        pytest.skip("instances share copies through Redis")
    ticket = new_ticket()
    reads.ticket_copy(ticket.id)
    caches["local"].clear()
    before = api_requests(sandbox)
    assert reads.ticket_copy(ticket.id).ident == ticket.id
    assert api_requests(sandbox) == before


def test_without_redis_each_process_reads_its_own(sandbox, settings):
    if settings.REDIS_URL:
        pytest.skip("one box: no cache is shared")
    ticket = new_ticket()
    reads.ticket_copy(ticket.id)
    caches["local"].clear()
    before = api_requests(sandbox)
    reads.ticket_copy(ticket.id)
    assert api_requests(sandbox) == before + 1


def test_a_change_makes_the_next_read_fetch_in_every_process(sandbox):
    ticket = new_ticket()
    reads.ticket_copy(ticket.id)
    reads.forget_ticket(ticket.id)  # as another process's write would, in the shared store
    before = api_requests(sandbox)
    reads.ticket_copy(ticket.id)
    assert api_requests(sandbox) == before + 1
