"""How long a sign-in lasts: customers signed out after the admin's days without a visit
(7) and after their days in any case (30); staff after 8 hours; a poll writes nothing."""

import time

import pytest

from portal.config.models import PortalSettings
from portal.customers import access, sessions
from tests.factories import new_ticket, sign_in_as

pytestmark = pytest.mark.django_db

DAY = 24 * 3600
REAL_TIME = time.time  # kept: `clock` moves time.time itself


def clock(monkeypatch, days: float) -> None:
    later = REAL_TIME() + days * DAY
    monkeypatch.setattr(sessions.time, "time", lambda: later)


def signed_in_list(client) -> bool:
    return client.get("/tickets/").status_code == 200


def test_a_visit_within_the_idle_limit_keeps_the_customer(client, sandbox, monkeypatch):
    sign_in_as(client)
    clock(monkeypatch, 6.9)
    assert signed_in_list(client)
    assert client.session[access.SESSION_SEEN] > REAL_TIME() + 6 * DAY  # seen again


def test_a_week_without_a_visit_signs_the_customer_out(client, sandbox, monkeypatch):
    sign_in_as(client)
    client.get("/language/")  # something else in the session stays
    clock(monkeypatch, 7.1)
    assert not signed_in_list(client)
    assert access.SESSION_EMAIL not in client.session


def test_thirty_days_sign_out_however_often_they_visit(client, sandbox, monkeypatch):
    sign_in_as(client)
    for day in range(1, 31, 3):
        clock(monkeypatch, day)
        assert signed_in_list(client)
    clock(monkeypatch, 30.1)
    assert not signed_in_list(client)


def test_the_admin_sets_both_limits(client, sandbox, monkeypatch):
    PortalSettings(session_idle_days=1, session_max_days=2).save()
    sign_in_as(client)
    clock(monkeypatch, 1.1)
    assert not signed_in_list(client)


def test_a_poll_writes_no_session(client, sandbox, monkeypatch):
    ticket = new_ticket()
    sign_in_as(client)
    client.get(f"/tickets/{ticket.id}/")
    clock(monkeypatch, 0.01)  # within the hour: "last seen" is not written again
    response = client.get(f"/tickets/{ticket.id}/", headers={"HX-Request": "true"})
    assert "sessionid" not in response.cookies


def test_staff_are_signed_out_after_eight_hours(admin_client, monkeypatch):
    assert admin_client.get("/admin/").status_code == 200
    clock(monkeypatch, 7.9 / 24)
    assert admin_client.get("/admin/").status_code == 200
    clock(monkeypatch, 8.1 / 24)
    response = admin_client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_an_admin_sign_in_sets_the_session_to_eight_hours(client, django_user_model):
    django_user_model.objects.create_superuser("boss", "b@example.com", "pw-right-one")
    client.post("/admin/login/", {"username": "boss", "password": "pw-right-one"})
    assert client.session.get_expiry_age() == 8 * 3600
