"""Without Redis a session is read from the database, not from a per-process copy: a
sign-out in another process (its row deleted there) signs the browser out here too."""

import pytest
from django.contrib.sessions.models import Session

from tests.factories import sign_in_as

pytestmark = pytest.mark.django_db


def test_a_session_ended_in_another_process_is_ended_here(client, sandbox, settings):
    if settings.REDIS_URL:
        pytest.skip("with Redis, the cache holding sessions is shared")
    sign_in_as(client)
    assert client.get("/tickets/").status_code == 200
    Session.objects.all().delete()  # what another process's sign-out leaves in the database
    assert client.get("/tickets/").status_code == 302
