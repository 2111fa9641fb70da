"""An unchanged poll is decided from fingerprints alone: no rendering, no database
query, no session write, no Tixallo call. A change still shows at the next poll."""

import pytest

from portal.sandbox import agents
from tests.factories import (
    api_requests,
    new_ticket,
    poll_url,
    ticket_link,
    webhook_dispatcher,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def test_an_unchanged_ticket_poll_costs_no_query_and_no_render(
    client, sandbox, django_assert_num_queries, monkeypatch
):
    ticket = new_ticket()
    link = ticket_link(ticket.id)
    poll = poll_url(client.get(link).content.decode(), link)
    client.get(poll, headers=HTMX)  # settles what the first view left to do
    monkeypatch.setattr("django.template.loader.render_to_string", None)  # nothing renders
    before = api_requests(sandbox)
    with django_assert_num_queries(0):
        response = client.get(poll, headers=HTMX)
    assert response.status_code == 204
    assert "sessionid" not in response.cookies
    assert api_requests(sandbox) == before


def test_an_unchanged_list_poll_costs_no_query_but_the_session(
    client, sandbox, django_assert_num_queries, signed_in, settings
):
    """Without Redis the session is read from the database (a per-process copy would
    outlive a sign-out in another process): that one query, nothing else."""
    new_ticket()
    poll = poll_url(client.get("/tickets/").content.decode(), "/tickets/")
    client.get(poll, headers=HTMX)
    with django_assert_num_queries(0 if settings.REDIS_URL else 1) as queries:
        response = client.get(poll, headers=HTMX)
    assert all("django_session" in query["sql"] for query in queries.captured_queries)
    assert response.status_code == 204
    assert "sessionid" not in response.cookies


def test_an_answer_still_shows_at_the_next_poll_after_its_event(client, sandbox, webhook_secret):
    """With the long trust webhooks allow, the event is what makes the next poll change."""
    ticket = new_ticket()
    send = webhook_dispatcher(client, sandbox)
    send.run_once()  # ticket.created: webhooks are now known to arrive
    link = ticket_link(ticket.id)
    poll = poll_url(client.get(link).content.decode(), link)
    agents.agent_reply(sandbox, ticket.id, "Here is your answer")
    assert client.get(poll, headers=HTMX).status_code == 204  # not told yet: trusted copy
    send.run_once()
    response = client.get(poll, headers=HTMX)
    assert response.status_code == 200
    assert "Here is your answer" in response.content.decode()


def test_another_process_answers_an_unchanged_poll_the_same(client, sandbox, signed_in):
    """Several workers without Redis each have their own cache: the page's version must
    come from what it shows, not from anything one process happened to keep."""
    from django.core.cache import cache

    ticket = new_ticket()
    ticket_poll = poll_url(client.get(f"/tickets/{ticket.id}/").content.decode(), "/")
    list_poll = poll_url(client.get("/tickets/").content.decode(), "/tickets/")
    session = client.session.session_key
    cache.clear()  # as a worker with a cache of its own sees it
    client.cookies["sessionid"] = session
    assert client.get(ticket_poll, headers=HTMX).status_code == 204
    assert client.get(list_poll, headers=HTMX).status_code == 204


def test_a_private_link_opened_by_a_new_browser_writes_no_session(client, sandbox):
    """Mail scanners and new browsers open links without cookies: the email the link
    proved goes into a signed cookie, not a session row per view."""
    from django.contrib.sessions.models import Session

    link = ticket_link(new_ticket().id)
    response = client.get(link)
    assert response.status_code == 200 and "link_email" in response.cookies
    assert "sessionid" not in response.cookies and not Session.objects.exists()


def test_an_unchanged_poll_asks_redis_nothing(client, sandbox, monkeypatch, settings):
    """The markers and versions are read through once a second, as on the database (a
    second late is harmless); the copy and the queued list are this process's own, under
    those markers (mirror.copies, outbox.queue.pending)."""
    if not settings.REDIS_URL:
        pytest.skip("counts Redis round trips")
    import redis

    link = ticket_link(new_ticket().id)
    poll = poll_url(client.get(link).content.decode(), link)
    client.get(poll, headers=HTMX)
    calls = []
    ask = redis.Redis.execute_command
    monkeypatch.setattr(
        redis.Redis,
        "execute_command",
        lambda self, *a, **k: calls.append(a[0]) or ask(self, *a, **k),
    )
    assert client.get(poll, headers=HTMX).status_code == 204
    assert calls == []
