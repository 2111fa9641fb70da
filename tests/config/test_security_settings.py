"""Two levels of portal settings: the look for anyone who may change the settings, the
connection and security settings only with their own permission; every change of those
in admin's history (fields, not values) and on the Health page, itself behind its own
permission."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission

from portal.config.current import portal_config
from portal.config.models import PortalSettings
from tests.factories import SETTINGS_URL, settings_form

pytestmark = pytest.mark.django_db

SECRET = "attacker-chosen-identity-secret-0042"
HEALTH_URL = "/admin/health/"


def staff(client, django_user_model, *codenames: str, name: str = "staff"):
    user = django_user_model.objects.create_user(name, password="pw", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    return client


@pytest.fixture
def branding_staff(client, django_user_model):
    """Staff with the plain change permission only."""
    return staff(client, django_user_model, "change_portalsettings", "view_portalsettings")


def test_the_plain_permission_changes_the_look(branding_staff, no_env):
    response = branding_staff.post(SETTINGS_URL, settings_form(portal_name="Acme Help"))
    assert response.status_code == 302
    assert portal_config().portal_name == "Acme Help"


def test_the_plain_permission_changes_nothing_that_decides_who_sees_what(branding_staff, no_env):
    PortalSettings(portal_url="https://support.example.com").save()
    posted = settings_form(
        portal_name="Acme Help",
        identity_secret=SECRET,
        portal_url="https://evil.example",
        base_url="https://evil.example/api/v1",
        allowed_origins="https://evil.example",
        api_key="tx_attacker",
        webhook_secret="whsec_attacker",
        hold_unverified="on",
        ticket_link_days="730",
        session_idle_days="90",
    )
    assert branding_staff.post(SETTINGS_URL, posted).status_code == 302
    config = portal_config()
    assert config.portal_name == "Acme Help"  # the look did change
    assert config.identity_secret == ""
    assert config.portal_url == "https://support.example.com"
    assert config.base_url == "https://tixallo.com/api/v1"
    assert config.allowed_origins == ()
    assert (config.api_key, config.webhook_secret) == ("", "")
    assert not config.hold_unverified
    assert (config.ticket_link_days, config.session_idle_days) == (90, 7)
    assert PortalSettings.objects.get().security_changed_at is None


def test_they_see_those_fields_read_only(branding_staff, no_env):
    page = branding_staff.get(SETTINGS_URL).content.decode()
    assert "Only staff allowed to change connection and security settings" in page
    assert (
        'name="identity_secret"' not in page
        or "disabled" in page.split('name="identity_secret"')[1].split(">")[0]
    )
    assert 'name="portal_name"' in page


def test_the_security_permission_changes_them_and_history_names_fields_not_values(
    client, django_user_model, no_env
):
    security = staff(
        client,
        django_user_model,
        "change_portalsettings",
        "change_security_settings",
        name="secops",
    )
    posted = settings_form(identity_secret=SECRET, portal_url="https://help.example.com")
    assert security.post(SETTINGS_URL, posted).status_code == 302
    assert portal_config().identity_secret == SECRET
    row = PortalSettings.objects.get()
    assert row.security_changed_by == "secops" and row.security_changed_at
    entry = LogEntry.objects.get()
    message = entry.get_change_message()
    assert "Identity verification secret" in message and "Portal address" in message
    assert SECRET not in entry.change_message + message + entry.object_repr
    assert "help.example.com" not in entry.change_message


def test_a_change_of_the_look_only_is_no_security_change(admin_client, no_env):
    admin_client.post(SETTINGS_URL, settings_form(portal_name="Acme Help"))
    assert PortalSettings.objects.get().security_changed_at is None


def test_health_says_when_and_by_whom(admin_client, admin_user, no_env):
    html = admin_client.get(HEALTH_URL).content.decode()
    assert "Not changed in admin yet." in html
    admin_client.post(SETTINGS_URL, settings_form(identity_secret=SECRET))
    html = admin_client.get(HEALTH_URL).content.decode()
    section = html.split('id="health-security"')[1].split("</section>")[0]
    assert admin_user.username in section and "(just now)" in section


def test_health_needs_its_own_permission(branding_staff):
    assert branding_staff.get(HEALTH_URL).status_code == 403
    assert 'href="/admin/health/"' not in branding_staff.get("/admin/").content.decode()


def test_health_with_its_permission(client, django_user_model):
    watcher = staff(client, django_user_model, "view_health", name="watcher")
    assert watcher.get(HEALTH_URL).status_code == 200
    assert 'href="/admin/health/"' in watcher.get("/admin/").content.decode()
