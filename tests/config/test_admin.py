"""Portal settings in Django admin: write-only encrypted secrets, env precedence,
validation, test connection, the setup page before a key exists, and a saved key that
never follows the base URL to another host."""

import http.server
import logging
import threading

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission

from portal.config import crypto
from portal.config.current import portal_config
from portal.config.forms import PortalSettingsForm
from portal.config.models import PortalSettings
from tests.factories import (
    SETTINGS_URL,
    new_ticket,
    page_text,
    set_faults,
    set_status,
    settings_form,
)

pytestmark = pytest.mark.django_db

TEST_URL = "/admin/config/portalsettings/test-connection/"
KEY = "tx_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0"
ENV_KEY = "tx_live_0a1b2c3d4e5f60718293a4b5c6d7e8f9"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_it_stores_the_key_encrypted_and_never_shows_it_back(admin_client, no_env, caplog):
    caplog.set_level(logging.DEBUG)
    response = admin_client.post(SETTINGS_URL, settings_form(api_key=KEY))
    assert response.status_code == 302
    row = PortalSettings.objects.get(pk=1)
    assert KEY not in row.api_key_encrypted and crypto.decrypt(row.api_key_encrypted) == KEY
    page = admin_client.get(SETTINGS_URL).content.decode()
    assert KEY not in page
    assert "ends in …1a0" in page or "ends in …b1a0" in page
    history = " ".join(str(e.change_message) + e.object_repr for e in LogEntry.objects.all())
    assert KEY not in history
    assert not [r for r in caplog.records if KEY in r.getMessage()]
    assert portal_config().api_key == KEY


def test_it_keeps_the_key_when_the_form_is_saved_without_one(admin_client, no_env):
    admin_client.post(SETTINGS_URL, settings_form(api_key=KEY))
    admin_client.post(SETTINGS_URL, settings_form(portal_name="Acme Help"))
    assert portal_config().api_key == KEY
    assert portal_config().portal_name == "Acme Help"


def test_it_removes_a_secret_when_asked(admin_client, no_env):
    admin_client.post(SETTINGS_URL, settings_form(api_key=KEY))
    admin_client.post(SETTINGS_URL, settings_form(remove_api_key="on"))
    assert portal_config().api_key == ""


def test_it_prefers_the_environment_and_shows_it_read_only(admin_client, settings):
    settings.TIXALLO_API_KEY = "tx_from_env_1234"
    admin_client.post(SETTINGS_URL, settings_form(api_key=KEY))
    assert portal_config().api_key == "tx_from_env_1234"
    page = admin_client.get(SETTINGS_URL).content.decode()
    assert "Set by the environment (TIXALLO_API_KEY)" in page
    assert "tx_from_env_1234" not in page


def test_it_offers_to_remove_a_secret_only_when_one_is_saved(admin_client, settings, no_env):
    page = admin_client.get(SETTINGS_URL).content.decode()
    assert "Remove the API key" not in page and "Remove the webhook secret" not in page
    admin_client.post(SETTINGS_URL, settings_form(api_key=KEY))
    page = admin_client.get(SETTINGS_URL).content.decode()
    assert "Remove the API key" in page and "Remove the webhook secret" not in page
    settings.TIXALLO_API_KEY = ENV_KEY  # the environment's key: nothing here to remove
    assert "Remove the API key" not in admin_client.get(SETTINGS_URL).content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("base_url", "http://tixallo.com/api/v1", "Use an https:// address"),
        ("allowed_origins", "https://www.example.com/path", "Not an origin"),
        ("allowed_origins", "www.example.com", "Not an origin"),
        ("accent_colour", "blue", "Use a colour like"),
    ],
)
def test_it_validates_what_admins_type(admin_client, no_env, field, value, message):
    response = admin_client.post(SETTINGS_URL, settings_form(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()


def test_it_quotes_a_bad_origin_whole(admin_client, no_env):
    lines = "https://www.example.com\nnot a url\nftp://x.example.com"
    response = admin_client.post(SETTINGS_URL, settings_form(allowed_origins=lines))
    text = page_text(response)
    assert "Not an origin: “not a url”, “ftp://x.example.com”." in text
    assert "not, a" not in text


def test_it_normalises_origins(admin_client, no_env):
    origins = "https://WWW.Example.com/\nhttp://localhost:8001\nhttps://www.example.com"
    admin_client.post(SETTINGS_URL, settings_form(allowed_origins=origins))
    assert portal_config().allowed_origins == ("https://www.example.com", "http://localhost:8001")


def test_it_accepts_a_small_image_logo_and_serves_it(admin_client, client, no_env):
    from django.core.files.uploadedfile import SimpleUploadedFile

    logo = SimpleUploadedFile("logo.png", PNG, content_type="image/png")
    assert admin_client.post(SETTINGS_URL, settings_form(logo_file=logo)).status_code == 302
    assert portal_config().logo_version


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"<svg onload=alert(1)>", "PNG, JPEG or GIF"), (PNG + b"\0" * 300_000, "256 KB")],
)
def test_it_refuses_other_files_as_logo(admin_client, no_env, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("logo.png", content, content_type="image/png")
    response = admin_client.post(SETTINGS_URL, settings_form(logo_file=upload))
    assert message in response.content.decode()


def test_it_applies_a_changed_key_on_the_next_request(admin_client, client, sandbox, settings):
    from portal.tixallo import client as tixallo

    sandbox_key = settings.TIXALLO_API_KEY
    tixallo.http()  # the in-process sandbox keeps checking for its own key
    settings.TIXALLO_API_KEY = ""  # from now on the portal's key comes from admin
    request = {"subject": "s", "description": "d", "customer_email": "a@example.com",
               "customer_name": "A", "priority": "low"}  # fmt: skip
    admin_client.post(SETTINGS_URL, settings_form(api_key="tx_wrong_key"))
    assert "/received/" in client.post("/", request)["Location"]  # queued: the key is wrong
    admin_client.post(SETTINGS_URL, settings_form(api_key=sandbox_key))
    assert "/submitted/" in client.post("/", request)["Location"]  # filed at once


class TestTheConnectionCheck:
    def check(self, admin_client) -> str:
        response = admin_client.post(TEST_URL, follow=True)
        return " ".join(str(m) for m in response.context["messages"])

    def test_it_reports_a_working_connection(self, admin_client, sandbox):
        older, newer = new_ticket(), new_ticket()
        assert f"updated ticket is #{newer.ticket_number}" in self.check(admin_client)
        set_status(sandbox, older.id, "pending")  # the older one changes last
        text = self.check(admin_client)
        assert f"The most recently updated ticket is #{older.ticket_number}." in text

    def test_it_reports_a_wrong_key(self, admin_client, sandbox):
        set_faults(sandbox, force_status=401)
        assert "refused the API key" in self.check(admin_client)

    def test_it_reports_a_server_error(self, admin_client, sandbox):
        set_faults(sandbox, force_status=503)
        assert "server error (HTTP 503)" in self.check(admin_client)

    def test_it_reports_an_unreachable_tixallo(
        self, admin_client, sandbox, settings, network_transport
    ):
        from portal.tixallo import client

        settings.TIXALLO_BASE_URL = "http://127.0.0.1:9/api/v1"  # nothing listens there
        client.reset_http()
        assert "could not be reached" in self.check(admin_client)
        client.reset_http()

    def test_it_is_for_staff_only(self, client, sandbox):
        assert client.post(TEST_URL).status_code == 302  # to the admin login


def test_it_shows_customers_a_setup_page_until_a_key_exists(client, admin_client, no_env):
    response = client.get("/")
    assert response.status_code == 503
    assert "being set up" in response.content.decode()
    assert "For staff" not in response.content.decode()
    staff_view = admin_client.get("/").content.decode()
    assert "For staff" in staff_view and "/admin/config/portalsettings/1/change/" in staff_view
    assert client.get("/healthz").status_code == 200


def test_it_edits_one_row_only(admin_client, no_env):
    assert admin_client.get("/admin/config/portalsettings/").status_code == 302
    assert admin_client.get("/admin/config/portalsettings/add/").status_code == 403


def test_it_forgets_an_environment_lock_once_the_variable_is_gone(admin_client, settings):
    settings.TIXALLO_API_KEY = "tx_from_env_1234"
    admin_client.get(SETTINGS_URL)  # renders the field read-only for this request only
    settings.TIXALLO_API_KEY = ""
    admin_client.post(SETTINGS_URL, settings_form(api_key=KEY))
    assert portal_config().api_key == KEY


# --- what the page shows (the walk-through, issue 10) --------------------------------------


def test_it_shows_the_current_logo_with_a_way_to_remove_it(admin_client):
    page = admin_client.get(SETTINGS_URL).content.decode()
    assert "The current logo" not in page
    assert "Remove the logo" not in page  # nothing to remove: no greyed box (issue 18)
    PortalSettings.objects.update_or_create(pk=1, defaults={"logo": PNG, "logo_type": "image/png"})
    page = admin_client.get(SETTINGS_URL).content.decode()
    version = PortalSettings.objects.get(pk=1).logo_version
    assert f'<img src="/brand/logo-{version}" alt="The current logo"' in page
    assert "Remove the logo" in page
    assert "disabled" not in page.split('name="remove_logo"')[1][:40]
    image = admin_client.get(f"/brand/logo-{version}")
    assert image.content == PNG
    assert "style-src 'unsafe-inline'" in image["Content-Security-Policy"]  # opened alone


def test_values_set_in_the_environment_are_shown_read_only_and_secrets_masked(
    admin_client, settings
):
    settings.TIXALLO_API_KEY = ENV_KEY
    settings.TIXALLO_BASE_URL = "https://acme.tixallo.com/api/v1"
    settings.PORTAL_ALLOWED_ORIGINS = ["https://www.example.com", "https://shop.example.com"]
    page = admin_client.get(SETTINGS_URL).content.decode()
    assert 'value="https://acme.tixallo.com/api/v1"' in page
    assert "https://www.example.com\nhttps://shop.example.com</textarea>" in page
    assert 'value="…e8f9"' in page
    assert ENV_KEY not in page
    assert page.count("Set by the environment") >= 3


def test_the_default_priority_is_offered_in_customer_words(admin_client):
    page = admin_client.get(SETTINGS_URL).content.decode()
    assert '<option value="medium" selected>Normal</option>' in page


def test_the_snippet_has_a_copy_button_and_the_branding_a_preview(admin_client):
    page = admin_client.get(SETTINGS_URL).content.decode()
    assert 'data-copy="embed-snippet"' in page and 'id="embed-snippet"' in page
    assert "js/copy-button.js" in page
    assert '<iframe src="/" title="Preview of the portal"' in page


def test_the_agent_answer_switch_starts_off(admin_client):
    page = admin_client.get(SETTINGS_URL).content.decode()
    assert "Email customers when an agent answers" in page
    assert PortalSettings().email_agent_answers is False


# --- the saved key stays with its host (issue 9, finding 1) ------------------------------


@pytest.fixture
def catcher():
    """A server "of the attacker's" on loopback that records every Authorization header."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
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
    """A staff user who may change all the portal settings but is no superuser."""
    user = django_user_model.objects.create_user("staff", password="pw", is_staff=True)
    codenames = ["change_portalsettings", "view_portalsettings", "change_security_settings"]
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    return client


def test_a_new_host_drops_the_saved_key_and_says_so(settings_changer, no_env_over_http, catcher):
    from portal.tixallo import client as tixallo

    tixallo.reset_http()
    settings_changer.post(
        SETTINGS_URL, settings_form(base_url="https://tixallo.com/api/v1", api_key=KEY)
    )
    assert portal_config().api_key == KEY
    evil, seen = catcher
    response = settings_changer.post(SETTINGS_URL, settings_form(base_url=evil), follow=True)
    assert "saved API key was removed" in response.content.decode()
    assert portal_config().api_key == ""
    settings_changer.post(TEST_URL)
    assert not any(KEY in header for header in seen)
    tixallo.reset_http()


def test_a_key_typed_with_the_new_host_is_kept_for_it(admin_client, no_env_over_http):
    admin_client.post(
        SETTINGS_URL, settings_form(base_url="https://eu.tixallo.com/api/v1", api_key=KEY)
    )
    assert portal_config().api_key == KEY
    admin_client.post(
        SETTINGS_URL, settings_form(base_url="https://eu.tixallo.com/api/v2")
    )  # same host
    assert portal_config().api_key == KEY


def test_a_key_never_follows_a_base_url_changed_in_the_environment(
    admin_client, no_env_over_http, settings
):
    admin_client.post(SETTINGS_URL, settings_form(api_key=KEY))
    assert portal_config().api_key == KEY
    settings.TIXALLO_BASE_URL = "https://elsewhere.example/api/v1"
    assert portal_config().api_key == ""


@pytest.mark.parametrize("codenames", [[], ["view_portalsettings"]])
def test_the_connection_check_needs_the_change_permission(
    client, django_user_model, no_env_over_http, catcher, codenames
):
    evil, seen = catcher
    PortalSettings(base_url=evil).save()
    user = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    assert client.post(TEST_URL).status_code == 403
    assert seen == []  # not even a request without the key: no port scanning either


def test_a_key_from_the_environment_never_follows_a_base_url_saved_in_admin(
    admin_client, no_env_over_http, settings, catcher
):
    settings.TIXALLO_API_KEY = "tx_from_env_5678"
    evil, seen = catcher
    PortalSettings(base_url=evil).save()  # saved earlier, or posted despite the locked field
    admin_client.post(SETTINGS_URL, settings_form(base_url=evil))
    assert portal_config().base_url == "https://tixallo.com/api/v1"
    assert 'name="base_url"' in admin_client.get(SETTINGS_URL).content.decode()
    admin_client.post(TEST_URL)
    assert seen == []


@pytest.mark.parametrize("hours", ["0", "721"])
def test_the_hold_time_is_bounded_in_admin(admin_client, hours):
    form = PortalSettingsForm(data={"hold_hours": hours, "default_priority": "medium"})
    assert "hold_hours" in form.errors
