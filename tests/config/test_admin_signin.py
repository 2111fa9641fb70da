"""The admin sign-in is throttled (django-axes): a few wrong passwords for one user from
one address lock that pair out for a while, with a clear page and the wait; a right
password resets the count; a management command unlocks. Both stores: the database and
the cache (Redis with REDIS_URL, as CI runs the suite a second time)."""

import pytest
from axes.handlers.proxy import AxesProxyHandler
from django.core.management import call_command

from tests.factories import page_text

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "right-horse-battery"
STORES = {
    "database": "axes.handlers.database.AxesDatabaseHandler",
    "cache": "axes.handlers.cache.AxesCacheHandler",
}


@pytest.fixture(params=list(STORES))
def store(request, settings):
    settings.AXES_HANDLER = STORES[request.param]
    AxesProxyHandler.get_implementation(force=True)
    yield request.param
    settings.AXES_HANDLER = STORES["database"]
    AxesProxyHandler.get_implementation(force=True)


@pytest.fixture
def admin(django_user_model):
    return django_user_model.objects.create_superuser("boss", "boss@example.com", PASSWORD)


def sign_in(client, password: str, username: str = "boss", address: str = "203.0.113.7"):
    data = {"username": username, "password": password}
    return client.post(LOGIN, data, REMOTE_ADDR=address)


def test_five_wrong_passwords_lock_the_user_out_from_that_address(client, store, admin):
    answers = [sign_in(client, f"guess-{n}").status_code for n in range(5)]
    assert answers == [200, 200, 200, 200, 429]  # the fifth failure locks
    locked = sign_in(client, PASSWORD)  # even the right password, while locked
    assert locked.status_code == 429
    assert locked["Retry-After"] == "900"
    text = page_text(locked)
    assert "Too many failed sign-ins" in text and "Try again in 15 minutes" in text
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_user_and_address(client, store, admin, django_user_model):
    django_user_model.objects.create_superuser("other", "o@example.com", PASSWORD)
    for n in range(5):
        sign_in(client, f"guess-{n}")
    assert sign_in(client, PASSWORD, address="198.51.100.20").status_code == 302
    client.logout()
    assert sign_in(client, PASSWORD, username="other").status_code == 302


def test_an_ipv6_network_counts_as_one_address(client, store, admin):
    for n in range(5):
        sign_in(client, f"guess-{n}", address=f"2001:db8:1:2::{n + 1}")
    assert sign_in(client, PASSWORD, address="2001:db8:1:2:ffff::9").status_code == 429


def test_a_right_password_resets_the_count(client, store, admin):
    for n in range(4):
        sign_in(client, f"guess-{n}")
    assert sign_in(client, PASSWORD).status_code == 302
    client.logout()
    answers = [sign_in(client, f"again-{n}").status_code for n in range(4)]
    assert answers == [200] * 4


def test_a_command_unlocks(client, store, admin):
    for n in range(5):
        sign_in(client, f"guess-{n}")
    if store == "database":
        call_command("axes_reset_username", "boss")
    else:  # the cache knows the pair only
        call_command("axes_reset_ip_username", "203.0.113.7", "boss")
    assert sign_in(client, PASSWORD).status_code == 302


def test_customers_sign_in_keeps_its_own_limits(client, store, admin, sandbox, settings):
    for n in range(5):
        sign_in(client, f"guess-{n}")
    page = client.get("/signin/", REMOTE_ADDR="203.0.113.7")
    assert page.status_code == 200
