"""Cookies inside a third-party iframe (`portal.embed.cookies`): SameSite=None, Secure and
Partitioned while embedding is on and the browser can keep them; Django's otherwise."""

import pytest
from django.conf import settings as django_settings

pytestmark = pytest.mark.django_db


def cookies_after_a_visit(client, **request) -> dict[str, str]:
    """The Set-Cookie lines of a page that starts a session and shows a form."""
    start = client.get("/embed/start/?lang=de", **request)
    page = client.get(start["Location"], **request)
    cookies = {**start.cookies, **page.cookies}
    return {name: morsel.output(header="") for name, morsel in cookies.items()}


def attributes(line: str) -> list[str]:
    return [part.strip() for part in line.split(";")]


@pytest.mark.parametrize(
    "request_options",
    [{"secure": True}, {"HTTP_HOST": "localhost:8000"}, {"HTTP_HOST": "127.0.0.1"}],
    ids=["https", "http on localhost", "http on 127.0.0.1"],
)
def test_with_embedding_on_the_cookies_work_inside_a_frame(
    client, sandbox, embedding, request_options
):
    cookies = cookies_after_a_visit(client, **request_options)
    for name in (django_settings.SESSION_COOKIE_NAME, django_settings.CSRF_COOKIE_NAME):
        assert "SameSite=None" in attributes(cookies[name])
        assert "Secure" in attributes(cookies[name])
        assert "Partitioned" in attributes(cookies[name])
    assert "HttpOnly" in attributes(cookies[django_settings.SESSION_COOKIE_NAME])


def test_without_embedding_the_cookies_stay_as_django_makes_them(client, sandbox):
    cookies = cookies_after_a_visit(client, secure=True)
    for name in (django_settings.SESSION_COOKIE_NAME, django_settings.CSRF_COOKIE_NAME):
        assert "SameSite=Lax" in attributes(cookies[name])
        assert "Partitioned" not in attributes(cookies[name])
        assert "Secure" not in attributes(cookies[name])  # the tests run with SECURE_COOKIES=0


def test_over_plain_http_on_a_public_host_the_cookies_are_not_made_secure(
    client, sandbox, embedding
):
    # A browser would drop Secure cookies there, and the portal's own pages with them.
    cookies = cookies_after_a_visit(client)  # http://testserver
    for name in (django_settings.SESSION_COOKIE_NAME, django_settings.CSRF_COOKIE_NAME):
        assert "Secure" not in attributes(cookies[name])
        assert "Partitioned" not in attributes(cookies[name])


def test_a_partitioned_cookie_is_also_deleted_as_one(client, sandbox, embedding):
    cookies_after_a_visit(client, secure=True)  # a session
    response = client.post("/embed/signout/", secure=True)
    deleted = response.cookies[django_settings.SESSION_COOKIE_NAME].output(header="")
    assert "Max-Age=0" in deleted and "Partitioned" in attributes(deleted)


def test_a_frame_load_without_options_starts_no_session(client, sandbox):
    response = client.get("/embed/start/")
    assert django_settings.SESSION_COOKIE_NAME not in response.cookies
