"""The demo host page (/embed/demo/): the portal embedded in a made-up shop, with the shop
vouching for Alex on request; only with the sandbox."""

import importlib
import re

import pytest
from django.urls import clear_url_caches

from portal.customers import identity

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("embedding")]


def test_the_demo_page_embeds_the_portal_anonymously(client, sandbox):
    html = client.get("/embed/demo/").content.decode()
    assert '<script src="http://testserver/embed.js"' in html
    assert "data-identity-token" not in html


def test_the_demo_page_as_alex_carries_a_token_for_alex(client, sandbox, settings):
    settings.PORTAL_IDENTITY_SECRET = ""  # the demo secret then
    html = client.get("/embed/demo/?as=alex").content.decode()
    token = re.search(r'data-identity-token="([^"]+)"', html).group(1)
    found = identity.verify(token, identity.DEMO_SECRET)
    assert found == identity.Identity("alex@example.com", "Alex Example")


@pytest.fixture
def urls_without_the_sandbox(settings):
    import portal.embed.urls
    import portal.urls

    def reload() -> None:
        importlib.reload(portal.embed.urls)
        importlib.reload(portal.urls)
        clear_url_caches()

    settings.PORTAL_SANDBOX = False
    reload()
    yield
    settings.PORTAL_SANDBOX = True
    reload()


def test_the_demo_page_exists_only_with_the_sandbox(client, sandbox, urls_without_the_sandbox):
    assert client.get("/embed/demo/").status_code == 404
    assert client.get("/embed/demo/?as=alex").status_code == 404
