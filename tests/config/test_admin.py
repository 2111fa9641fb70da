"""Portal settings in Django admin: write-only encrypted secrets, env precedence,
validation, test connection, and the setup page before a key exists."""

import logging

import pytest
from django.contrib.admin.models import LogEntry

from portal.config import crypto
from portal.config.current import current
from portal.config.models import PortalSettings
from tests.helpers import new_ticket, set_faults

pytestmark = pytest.mark.django_db

URL = "/admin/config/portalsettings/1/change/"
KEY = "tx_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def form_data(**changes):
    data = {
        "base_url": "",
        "allowed_origins": "",
        "portal_name": "",
        "accent_colour": "",
        "support_email": "",
        "footer_text": "",
        "allow_priority": "on",
        "default_priority": "medium",
        "api_key": "",
        "webhook_secret": "",
        "identity_secret": "",
        "portal_url": "",
        "hold_hours": "72",
    }
    return data | changes


@pytest.fixture
def no_env(settings):
    """As in production: nothing set by the environment or the sandbox."""
    settings.TIXALLO_API_KEY = ""
    settings.TIXALLO_BASE_URL = ""
    settings.TIXALLO_WEBHOOK_SECRET = ""
    settings.PORTAL_IDENTITY_SECRET = ""
    settings.PORTAL_ALLOWED_ORIGINS = []


def test_it_stores_the_key_encrypted_and_never_shows_it_back(admin_client, no_env, caplog):
    caplog.set_level(logging.DEBUG)
    response = admin_client.post(URL, form_data(api_key=KEY))
    assert response.status_code == 302
    row = PortalSettings.objects.get(pk=1)
    assert KEY not in row.api_key_encrypted and crypto.decrypt(row.api_key_encrypted) == KEY
    page = admin_client.get(URL).content.decode()
    assert KEY not in page
    assert "ends in …1a0" in page or "ends in …b1a0" in page
    history = " ".join(str(e.change_message) + e.object_repr for e in LogEntry.objects.all())
    assert KEY not in history
    assert not [r for r in caplog.records if KEY in r.getMessage()]
    assert current().api_key == KEY


def test_it_keeps_the_key_when_the_form_is_saved_without_one(admin_client, no_env):
    admin_client.post(URL, form_data(api_key=KEY))
    admin_client.post(URL, form_data(portal_name="Acme Help"))
    assert current().api_key == KEY
    assert current().portal_name == "Acme Help"


def test_it_removes_a_secret_when_asked(admin_client, no_env):
    admin_client.post(URL, form_data(api_key=KEY))
    admin_client.post(URL, form_data(remove_api_key="on"))
    assert current().api_key == ""


def test_it_prefers_the_environment_and_shows_it_read_only(admin_client, settings):
    settings.TIXALLO_API_KEY = "tx_from_env_1234"
    admin_client.post(URL, form_data(api_key=KEY))
    assert current().api_key == "tx_from_env_1234"
    page = admin_client.get(URL).content.decode()
    assert "Set by the environment (TIXALLO_API_KEY)" in page
    assert "tx_from_env_1234" not in page


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
    response = admin_client.post(URL, form_data(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()


def test_it_normalises_origins(admin_client, no_env):
    origins = "https://WWW.Example.com/\nhttp://localhost:8001\nhttps://www.example.com"
    admin_client.post(URL, form_data(allowed_origins=origins))
    assert current().allowed_origins == ("https://www.example.com", "http://localhost:8001")


def test_it_accepts_a_small_image_logo_and_serves_it(admin_client, client, no_env):
    from django.core.files.uploadedfile import SimpleUploadedFile

    logo = SimpleUploadedFile("logo.png", PNG, content_type="image/png")
    assert admin_client.post(URL, form_data(logo_file=logo)).status_code == 302
    assert current().logo_version


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"<svg onload=alert(1)>", "PNG, JPEG or GIF"), (PNG + b"\0" * 300_000, "256 KB")],
)
def test_it_refuses_other_files_as_logo(admin_client, no_env, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("logo.png", content, content_type="image/png")
    response = admin_client.post(URL, form_data(logo_file=upload))
    assert message in response.content.decode()


def test_it_applies_a_changed_key_on_the_next_request(admin_client, client, sandbox, settings):
    from portal.tixallo import client as tixallo

    sandbox_key = settings.TIXALLO_API_KEY
    tixallo.http()  # the in-process sandbox keeps checking for its own key
    settings.TIXALLO_API_KEY = ""  # from now on the portal's key comes from admin
    request = {"subject": "s", "description": "d", "customer_email": "a@example.com",
               "customer_name": "A", "priority": "low"}  # fmt: skip
    admin_client.post(URL, form_data(api_key="tx_wrong_key"))
    assert "/received/" in client.post("/", request)["Location"]  # queued: the key is wrong
    admin_client.post(URL, form_data(api_key=sandbox_key))
    assert "/submitted/" in client.post("/", request)["Location"]  # filed at once


class TestTheConnectionCheck:
    URL = "/admin/config/portalsettings/test-connection/"

    def check(self, admin_client) -> str:
        response = admin_client.post(self.URL, follow=True)
        return " ".join(str(m) for m in response.context["messages"])

    def test_it_reports_a_working_connection(self, admin_client, sandbox):
        ticket = new_ticket()
        assert f"The newest ticket is #{ticket.ticket_number}" in self.check(admin_client)

    def test_it_reports_a_wrong_key(self, admin_client, sandbox):
        set_faults(sandbox, force_status=401)
        assert "refused the API key" in self.check(admin_client)

    def test_it_reports_a_server_error(self, admin_client, sandbox):
        set_faults(sandbox, force_status=503)
        assert "server error (HTTP 503)" in self.check(admin_client)

    def test_it_reports_an_unreachable_tixallo(self, admin_client, sandbox, settings):
        from portal.tixallo import client

        settings.TIXALLO_TRANSPORT = ""
        settings.TIXALLO_BASE_URL = "http://127.0.0.1:9/api/v1"  # nothing listens there
        client.reset_http()
        assert "could not be reached" in self.check(admin_client)
        client.reset_http()

    def test_it_is_for_staff_only(self, client, sandbox):
        assert client.post(self.URL).status_code == 302  # to the admin login


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
    admin_client.get(URL)  # renders the field read-only for this request only
    settings.TIXALLO_API_KEY = ""
    admin_client.post(URL, form_data(api_key=KEY))
    assert current().api_key == KEY
