"""The portal's configuration as the code reads it (`portal.config.current`): environment
over admin, the saved API key bound to its host, PORTAL_URL for every absolute link."""

import pytest
from django.core import mail

from portal.config import crypto
from portal.config.current import portal_config
from portal.config.models import PortalSettings
from tests.factories import FORM, SETTINGS_URL, sign_in_as

pytestmark = pytest.mark.django_db


def test_emailed_links_and_the_snippet_use_portal_url(client, admin_client, sandbox, settings):
    settings.PORTAL_URL = "https://support.example.com"
    settings.ALLOWED_HOSTS = ["*"]
    client.post("/signin/", {"email": "alex@example.com"}, HTTP_HOST="evil.example")
    assert "https://support.example.com/signin/" in mail.outbox[-1].body
    assert "evil.example" not in mail.outbox[-1].body
    sign_in_as(client)
    client.post("/", FORM, HTTP_HOST="evil.example")
    assert "https://support.example.com/t/" in mail.outbox[-1].body
    page = admin_client.get(SETTINGS_URL, HTTP_HOST="evil.example")
    assert "https://support.example.com/embed.js" in page.content.decode()


def test_a_key_without_a_recorded_host_is_not_used(no_env_over_http):
    PortalSettings(
        api_key_encrypted=crypto.encrypt("tx_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0")
    ).save()
    assert portal_config().api_key == ""


def test_it_normalises_origins_from_the_environment(settings):
    settings.PORTAL_ALLOWED_ORIGINS = [
        "https://WWW.Example.com/", "https://a;b.com", "https://*.example.com", "https://ok.io",
    ]  # fmt: skip
    assert portal_config().allowed_origins == ("https://www.example.com", "https://ok.io")
