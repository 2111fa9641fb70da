"""Where copies are kept (`portal.mirror.copies`): this process's own first, and with Redis
the one another instance fetched, so a change costs Tixallo one read for all of them."""

import pytest
from django.core.cache import cache, caches

from portal.mirror import copies, reads
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


def test_when_neither_copy_can_serve_the_newer_is_kept_for_when_tixallo_fails(settings):
    """Both outdated (their markers moved on): whichever was fetched later is the last copy
    seen, whether this process holds it or the shared cache does."""
    settings.REDIS_URL = "redis://shared"  # copies reads the setting; the cache is the test's
    older = copies.of_refusal("not found", (1,))._replace(fetched_at=100.0, fetch_id="a")
    newer = copies.of_refusal("not found", (2,))._replace(fetched_at=200.0, fetch_id="b")

    caches["local"].set("k", newer)
    cache.set("k", older)
    assert copies.get("k", _outdated) == newer
    caches["local"].set("k", older)
    cache.set("k", newer)
    assert copies.get("k", _outdated) == newer


def _outdated(copy: copies.Copy) -> bool:
    return False
