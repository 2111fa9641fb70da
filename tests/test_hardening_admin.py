"""Finding 1: a staff user must not be able to send the saved API key to a server of
theirs, nor use "Test connection" without the right to change the settings."""

import http.server
import threading

import pytest
from django.contrib.auth.models import Permission

from portal.config.current import current
from portal.config.models import PortalSettings
from tests.config.test_admin import KEY, URL, form_data

pytestmark = pytest.mark.django_db
TEST_URL = "/admin/config/portalsettings/test-connection/"


@pytest.fixture
def no_env(settings):
    settings.TIXALLO_API_KEY = ""
    settings.TIXALLO_BASE_URL = ""
    settings.TIXALLO_WEBHOOK_SECRET = ""
    settings.PORTAL_IDENTITY_SECRET = ""
    settings.PORTAL_ALLOWED_ORIGINS = []
    settings.TIXALLO_TRANSPORT = ""


@pytest.fixture
def catcher():
    """A server "of the attacker's" on loopback that records every Authorization header."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            seen.append(self.headers.get("Authorization", ""))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"data": []}')

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/v1", seen
    server.shutdown()
    server.server_close()


@pytest.fixture
def settings_changer(client, django_user_model):
    """A staff user who may change the portal settings but is no superuser."""
    user = django_user_model.objects.create_user("staff", password="pw", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_portalsettings", "view_portalsettings"])
    )
    client.force_login(user)
    return client


def test_a_new_host_drops_the_saved_key_and_says_so(settings_changer, no_env, catcher):
    from portal.tixallo import client as tixallo

    tixallo.reset_http()
    settings_changer.post(URL, form_data(base_url="https://tixallo.com/api/v1", api_key=KEY))
    assert current().api_key == KEY
    evil, seen = catcher
    response = settings_changer.post(URL, form_data(base_url=evil), follow=True)
    assert "saved API key was removed" in response.content.decode()
    assert current().api_key == ""
    settings_changer.post(TEST_URL)
    assert not any(KEY in header for header in seen)
    tixallo.reset_http()


def test_a_key_typed_with_the_new_host_is_kept_for_it(admin_client, no_env):
    admin_client.post(URL, form_data(base_url="https://eu.tixallo.com/api/v1", api_key=KEY))
    assert current().api_key == KEY
    admin_client.post(URL, form_data(base_url="https://eu.tixallo.com/api/v2"))  # same host
    assert current().api_key == KEY


def test_a_key_never_follows_a_base_url_changed_in_the_environment(admin_client, no_env, settings):
    admin_client.post(URL, form_data(api_key=KEY))
    assert current().api_key == KEY
    settings.TIXALLO_BASE_URL = "https://elsewhere.example/api/v1"
    assert current().api_key == ""


def test_a_key_without_a_recorded_host_is_not_used(no_env):
    from portal.config import crypto

    PortalSettings(api_key_encrypted=crypto.encrypt(KEY)).save()
    assert current().api_key == ""


@pytest.mark.parametrize("codenames", [[], ["view_portalsettings"]])
def test_the_connection_check_needs_the_change_permission(
    client, django_user_model, no_env, catcher, codenames
):
    evil, seen = catcher
    PortalSettings(base_url=evil).save()
    user = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    assert client.post(TEST_URL).status_code == 403
    assert seen == []  # not even a request without the key: no port scanning either


def test_a_key_from_the_environment_never_follows_a_base_url_saved_in_admin(
    admin_client, no_env, settings, catcher
):
    settings.TIXALLO_API_KEY = "tx_from_env_5678"
    evil, seen = catcher
    PortalSettings(base_url=evil).save()  # saved earlier, or posted despite the locked field
    admin_client.post(URL, form_data(base_url=evil))
    assert current().base_url == "https://tixallo.com/api/v1"
    assert 'name="base_url"' in admin_client.get(URL).content.decode()
    admin_client.post(TEST_URL)
    assert seen == []
