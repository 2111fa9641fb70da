"""The host page's script, /embed.js: public, briefly cached, naming the portal's origin."""

import pytest

pytestmark = pytest.mark.django_db


def test_embed_js_is_javascript_cached_briefly_and_for_any_site(client, sandbox):
    response = client.get("/embed.js")  # no allowed origins at all: it loads anyway
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["ETag"].startswith('"')
    assert not response.cookies  # publicly cacheable: nothing personal in it
    body = response.content.decode()
    assert 'var PORTAL = "http://testserver";' in body
    assert "/embed/start/" in body


def test_embed_js_answers_304_when_the_browser_has_it(client, sandbox):
    etag = client.get("/embed.js")["ETag"]
    response = client.get("/embed.js", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert client.get("/embed.js", HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_embed_js_names_the_portal_as_the_browser_reached_it(client, sandbox):
    body = client.get("/embed.js", secure=True, HTTP_HOST="localhost").content.decode()
    assert 'var PORTAL = "https://localhost";' in body
