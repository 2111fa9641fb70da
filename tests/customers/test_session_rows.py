"""Sessions from the database by one plain query (`portal.customers.session_rows`): the
same answers as Django's `db` backend for a live, an expired and an unknown session."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.customers.session_rows import SessionStore

pytestmark = pytest.mark.django_db


def test_it_reads_a_live_session_in_one_query():
    saved = SessionStore()
    saved["customer_email"] = "alex@example.com"
    saved.create()
    with CaptureQueriesContext(connection) as queries:
        assert SessionStore(saved.session_key)["customer_email"] == "alex@example.com"
    assert len(queries) == 1


def test_an_expired_session_is_empty_and_gets_a_new_key():
    saved = SessionStore()
    saved["customer_email"] = "alex@example.com"
    saved.create()
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    session = SessionStore(saved.session_key)
    assert session.load() == {} and session.session_key is None


def test_an_unknown_key_is_an_empty_session():
    session = SessionStore("x" * 32)
    assert "customer_email" not in session and session.session_key is None


def test_it_is_the_engine_without_redis(settings):
    expected = (
        "django.contrib.sessions.backends.cached_db"
        if settings.REDIS_URL
        else ("portal.customers.session_rows")
    )
    assert settings.SESSION_ENGINE == expected
