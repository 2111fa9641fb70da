"""Who may frame the portal (`portal.embed.middleware`): frame-ancestors with the allowed
origins on the customer pages, never on the admin."""

import pytest
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


@pytest.mark.parametrize("path", ["/admin/login/", "/admin/", "/no-such-page/"])
def test_the_admin_and_the_rest_can_be_framed_by_nobody(admin_client, sandbox, settings, path):
    settings.PORTAL_ALLOWED_ORIGINS = ORIGINS
    response = admin_client.get(path)
    # The two headers agree: browsers obey frame-ancestors, older ones X-Frame-Options.
    assert frame_ancestors(response) == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"


def test_an_origin_that_could_break_the_policy_is_left_out(client, sandbox, settings):
    settings.PORTAL_ALLOWED_ORIGINS = ["https://ok.example.com", "https://x.com; script-src *"]
    assert frame_ancestors(client.get("/")) == ["'self'", "https://ok.example.com"]
