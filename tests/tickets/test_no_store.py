"""Every page whose address carries a token, or that shows one, says `Cache-Control:
no-store`: no cache, shared or the browser's, keeps it (the sign-in link's page had no
Cache-Control at all)."""

import time

import pytest
from django.core import signing

from portal.customers import access
from tests.factories import FORM, new_ticket, submit_while_tixallo_fails

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_the_sign_in_link_page(client, sandbox):
    token = access.signin_token("alex@example.com")
    response = client.get(f"/signin/{token}/")
    assert response.status_code == 200 and no_store(response)
    assert no_store(client.post(f"/signin/{token}/"))  # redeemed: the redirect
    assert no_store(client.post(f"/signin/{token}/"))  # used: the calm page


def test_ticket_links_current_and_expired(client, sandbox, monkeypatch):
    ticket = new_ticket()
    token = access.ticket_link_token(ticket.id)
    for url in (f"/t/{token}/", f"/embed/t/{token}/"):
        response = client.get(url)
        assert response.status_code == 200 and no_store(response)
    with monkeypatch.context() as past:
        then = time.time() - 400 * 24 * 3600
        past.setattr(signing.time, "time", lambda: then)
        old = access.ticket_link_token(ticket.id)
    response = client.get(f"/t/{old}/")
    assert response.status_code == 410 and no_store(response)


def test_the_pages_after_a_submission(client, sandbox, settings):
    filed = client.post("/", FORM)
    assert "/submitted/" in filed["Location"]
    page = client.get(filed["Location"])
    assert page.status_code == 200 and no_store(page)


def test_the_page_of_a_request_waiting_in_the_outbox(client, sandbox, settings):
    saved, _submission = submit_while_tixallo_fails(client, sandbox, settings)
    page = client.get(saved["Location"])
    assert "/received/" in saved["Location"] and no_store(page)


def test_the_frames_first_page(client, sandbox, embedding):
    response = client.get("/embed/start/?identity=1", HTTP_SEC_FETCH_DEST="iframe")
    assert response.status_code == 200 and no_store(response)
