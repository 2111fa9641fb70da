"""Pages are sent gzip-compressed (Lighthouse's uses-text-compression), with Django's
BREACH length randomisation; what compressing would break keeps working: htmx's empty
204 polls, conditional requests and the static files WhiteNoise serves itself."""

import gzip

import pytest

from tests.factories import new_ticket, poll_url, ticket_link

pytestmark = pytest.mark.django_db

GZIP = {"accept-encoding": "gzip, deflate, br"}
HTMX = {"HX-Request": "true"} | GZIP


def test_a_page_is_compressed_when_the_browser_takes_gzip(client, sandbox):
    plain = client.get("/")
    assert "Content-Encoding" not in plain
    response = client.get("/", headers=GZIP)
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    page = gzip.decompress(response.content).decode()
    assert "Submit a request" in page
    assert len(response.content) < len(plain.content) / 2


def test_the_same_page_compresses_to_varying_lengths(client, sandbox):
    """Django's mitigation of BREACH: a random-length header, so a page's size says little."""
    sizes = {len(client.get("/signin/", headers=GZIP).content) for _ in range(8)}
    assert len(sizes) > 1


def test_an_unchanged_poll_is_still_an_empty_204(client, sandbox):
    link = ticket_link(new_ticket().id)
    poll = poll_url(client.get(link).content.decode(), link)
    response = client.get(poll, headers=HTMX)
    assert response.status_code == 204 and response.content == b""
    assert "Content-Encoding" not in response
    changed = client.get(link + "?v=stale", headers=HTMX)
    assert changed.status_code == 200 and changed["Content-Encoding"] == "gzip"


def test_embed_js_is_compressed_and_still_answers_304(client, sandbox):
    response = client.get("/embed.js", headers=GZIP)
    assert response["Content-Encoding"] == "gzip"
    assert b"tixallo-portal:hello" in gzip.decompress(response.content)
    etag = response["ETag"]  # weak now: the compressed body is not the view's bytes
    again = client.get("/embed.js", headers=GZIP | {"if-none-match": etag})
    assert again.status_code == 304


def test_static_files_are_left_to_whitenoise(client):
    """WhiteNoise answers before GZipMiddleware: its own (precompressed, after collectstatic)
    files with their length, and ranges of them, never recompressed on the fly."""
    response = client.get("/static/css/portal.css", headers=GZIP)
    assert response.status_code == 200 and "Content-Encoding" not in response
    assert int(response["Content-Length"]) == len(b"".join(response.streaming_content))
    part = client.get("/static/css/portal.css", headers=GZIP | {"range": "bytes=0-9"})
    assert part.status_code == 206 and len(b"".join(part.streaming_content)) == 10
