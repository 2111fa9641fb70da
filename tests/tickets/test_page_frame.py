"""The page frame (base.html) and My requests' filters are drawn once per process and
kept ({% drawn_once %}, portal/tickets/templatetags/drawn_once.py): whatever differs between
visitors must still differ. Each test draws one page first, so the second reads the
kept fragments."""

import re

import pytest

from portal.tickets.templatetags import drawn_once
from tests.factories import SETTINGS_URL, new_ticket, settings_form, sign_in_as

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_frame_cache():
    drawn_once.forget()
    yield
    drawn_once.forget()


def nav(html: str) -> str:
    return re.search(r"<nav [^>]*>(.*?)</nav>", html, re.S).group(1)


def test_each_language_gets_its_own_frame(client, sandbox):
    english = client.get("/").content.decode()
    german = client.get("/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "My requests" in nav(english) and "Language:" in english
    assert "Meine Anfragen" in nav(german) and "My requests" not in nav(german)
    assert "Sprache:" in german and "Bereitgestellt von Tixallo" in german
    current = re.search(r'<button [^>]*aria-current="true">([^<]+)</button>', german)
    assert current.group(1) == "Deutsch"


def test_embedded_pages_keep_their_links_within_embed_after_a_first_party_page(client, sandbox):
    assert 'href="/tickets/"' in nav(client.get("/").content.decode())
    embedded = client.get("/embed/").content.decode()
    assert 'href="/embed/tickets/"' in nav(embedded) and 'href="/tickets/"' not in embedded
    assert 'href="/tickets/"' in nav(client.get("/").content.decode())


def test_the_portal_name_and_footer_follow_the_settings(admin_client, client, sandbox):
    assert "Support portal" in client.get("/").content.decode()
    admin_client.post(
        SETTINGS_URL, settings_form(portal_name="Acme Help", footer_text="Open 9 to 5")
    )
    html = client.get("/").content.decode()
    assert "Acme Help" in re.search(r'<a class="brand".*?</a>', html, re.S).group(0)
    assert "<p>Open 9 to 5</p>" in html


def test_the_csrf_token_and_sign_out_stay_each_visitors_own(client, sandbox):
    from django.test import Client

    other = Client()
    first = client.get("/tickets/", follow=True).content.decode()  # the sign-in page
    assert "Sign out" not in first
    sign_in_as(client)
    mine = client.get("/").content.decode()
    theirs = other.get("/").content.decode()
    assert "Sign out" in mine and "Sign out" not in theirs
    token = re.compile(r'"X-CSRFToken": "([^"]+)"')
    assert token.search(mine).group(1) != token.search(theirs).group(1)
    assert 'name="next" value="/"' in mine
    assert 'name="next" value="/?subject=Hi"' in client.get("/?subject=Hi").content.decode()


def test_my_requests_filters_follow_the_language_and_the_shown_filter(client, sandbox, signed_in):
    new_ticket(subject="Still open")
    english = client.get("/tickets/").content.decode()
    assert re.search(r'aria-current="page">All</a>', english)
    opened = client.get("/tickets/?status=open").content.decode()
    assert re.search(r'aria-current="page">Open</a>', opened)
    # A poll renders only the list (no base.html): still in the visitor's language.
    poll = client.get(
        "/tickets/?status=open", HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()
    assert re.search(r'aria-current="page">Offen</a>', poll) and ">All<" not in poll
