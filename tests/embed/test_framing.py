"""Who may frame the portal, the host page's script, and cookies inside a third-party iframe."""

import pytest
from django.conf import settings as django_settings
from django.http import HttpResponse
from django.middleware.csp import ContentSecurityPolicyMiddleware, get_nonce
from django.urls import resolve

from portal.embed.middleware import EmbedMiddleware

pytestmark = pytest.mark.django_db

ORIGINS = ["https://www.example.com", "https://shop.example.org"]


def frame_ancestors(response) -> list[str]:
    policy = response["Content-Security-Policy"]
    directive = next(d.strip() for d in policy.split(";") if "frame-ancestors" in d)
    return directive.split()[1:]


@pytest.mark.parametrize("path", ["/", "/embed/", "/signin/", "/embed/tickets/"])
def test_by_default_only_the_portal_itself_may_frame_its_pages(client, sandbox, path):
    response = client.get(path, follow=True)
    assert frame_ancestors(response) == ["'self'"]
    assert "X-Frame-Options" not in response  # frame-ancestors decides, nothing contradicts it


@pytest.mark.parametrize("path", ["/", "/embed/", "/signin/", "/embed/signin/"])
def test_the_allowed_origins_may_frame_the_customer_pages(client, sandbox, settings, path):
    settings.PORTAL_ALLOWED_ORIGINS = ORIGINS
    response = client.get(path)
    assert frame_ancestors(response) == ["'self'", *ORIGINS]
    assert "X-Frame-Options" not in response


def test_the_origins_can_come_from_the_admin_settings_too(client, sandbox):
    from portal.config.models import PortalSettings

    PortalSettings(pk=1, allowed_origins="https://help.example.net").save()
    assert frame_ancestors(client.get("/embed/")) == ["'self'", "https://help.example.net"]


def test_the_rest_of_the_policy_and_a_used_nonce_are_kept(rf, sandbox, settings):
    settings.PORTAL_ALLOWED_ORIGINS = ORIGINS
    request = rf.get("/")
    request.resolver_match = resolve("/")

    def page_with_a_script(request):
        return HttpResponse(f'<script nonce="{get_nonce(request)}"></script>')

    response = ContentSecurityPolicyMiddleware(EmbedMiddleware(page_with_a_script))(request)
    policy = response["Content-Security-Policy"]
    assert f"script-src 'self' 'nonce-{get_nonce(request)}'" in policy
    assert "default-src 'self'" in policy and "object-src 'none'" in policy
    assert frame_ancestors(response) == ["'self'", *ORIGINS]


def test_the_admin_cannot_be_framed_by_the_allowed_origins(client, sandbox, settings):
    settings.PORTAL_ALLOWED_ORIGINS = ORIGINS
    response = client.get("/admin/login/")
    assert frame_ancestors(response) == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"


def test_an_origin_that_could_break_the_policy_is_left_out(client, sandbox, settings):
    settings.PORTAL_ALLOWED_ORIGINS = ["https://ok.example.com", "https://x.com; script-src *"]
    assert frame_ancestors(client.get("/")) == ["'self'", "https://ok.example.com"]


# --- the host page's script ----------------------------------------------------------


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


# --- cookies inside a third-party iframe ------------------------------------------------


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
    client, sandbox, settings, request_options
):
    settings.PORTAL_ALLOWED_ORIGINS = ORIGINS
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
    client, sandbox, settings
):
    # A browser would drop Secure cookies there, and the portal's own pages with them.
    settings.PORTAL_ALLOWED_ORIGINS = ORIGINS
    cookies = cookies_after_a_visit(client)  # http://testserver
    for name in (django_settings.SESSION_COOKIE_NAME, django_settings.CSRF_COOKIE_NAME):
        assert "Secure" not in attributes(cookies[name])
        assert "Partitioned" not in attributes(cookies[name])


def test_a_partitioned_cookie_is_also_deleted_as_one(client, sandbox, settings):
    settings.PORTAL_ALLOWED_ORIGINS = ORIGINS
    cookies_after_a_visit(client, secure=True)  # a session
    response = client.post("/embed/signout/", secure=True)
    deleted = response.cookies[django_settings.SESSION_COOKIE_NAME].output(header="")
    assert "Max-Age=0" in deleted and "Partitioned" in attributes(deleted)


def test_a_frame_load_without_options_starts_no_session(client, sandbox):
    response = client.get("/embed/start/")
    assert django_settings.SESSION_COOKIE_NAME not in response.cookies
