"""How long a copy is trusted (`portal.mirror.trust`): long only while webhooks are seen to
arrive (and every process would hear them), short otherwise."""

import pytest

from portal.mirror import reads, trust
from portal.sandbox import agents
from tests.factories import (
    WEBHOOK_SECRET,
    WEBHOOK_URL,
    new_ticket,
    public_bodies,
    webhook_dispatcher,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("webhook_secret")]


def test_a_secret_alone_is_no_proof_that_webhooks_arrive(settings):
    assert settings.TIXALLO_WEBHOOK_SECRET
    assert not trust.webhooks_arriving()
    assert trust.trusted_for() == settings.PORTAL_CACHE_SECONDS


def test_a_signed_delivery_proves_it_and_a_missed_change_disproves_it(
    client, sandbox, settings, monkeypatch
):
    ticket = new_ticket()
    send = webhook_dispatcher(client, sandbox)
    agents.add_note(sandbox, ticket.id, "Internal: an event that changes nothing shown")
    assert send.run_once() == 1
    assert trust.webhooks_arriving()
    assert trust.trusted_for() == settings.PORTAL_WEBHOOK_CACHE_SECONDS
    # Every read is now a refresh by age; a change no event told of is then found.
    settings.PORTAL_WEBHOOK_CACHE_SECONDS = settings.PORTAL_CACHE_SECONDS = 0
    monkeypatch.setattr(trust, "GRACE", -3600)  # its event had all the time it needs
    reads.ticket(ticket.id)
    assert trust.webhooks_arriving()  # the note's change was heard: no miss
    sandbox.set_webhook("", WEBHOOK_SECRET)  # deliveries stop reaching the portal
    agents.agent_reply(sandbox, ticket.id, "Nobody told the portal")
    assert public_bodies(reads.ticket(ticket.id)) == ["Nobody told the portal"]
    assert not trust.webhooks_arriving()
    sandbox.set_webhook(f"http://testserver{WEBHOOK_URL}", WEBHOOK_SECRET)
    agents.agent_reply(sandbox, ticket.id, "Told again")
    send.run_once()
    assert trust.webhooks_arriving()


def test_processes_without_redis_trust_webhooks_too(settings):
    """Worker B hears of an event worker A received through the shared store (issue 15)."""
    settings.REDIS_URL, settings.WEB_CONCURRENCY = "", 2
    trust.event_arrived()
    assert trust.webhooks_arriving()
    assert trust.trusted_for() == settings.PORTAL_WEBHOOK_CACHE_SECONDS
