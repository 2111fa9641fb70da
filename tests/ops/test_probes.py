"""/healthz and /readyz for load balancers: cheap, on any host name, never Tixallo."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import resolve, reverse

from portal.ops import probes
from tests.factories import api_requests, set_faults

pytestmark = pytest.mark.django_db


def test_ready_when_the_database_and_cache_answer(client, sandbox):
    before = api_requests(sandbox)
    response = client.get("/readyz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "ok", "cache": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert api_requests(sandbox) == before


def test_not_ready_without_the_cache(client, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "set", down)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "cache": "unreachable"}


def test_not_ready_without_the_database(client, monkeypatch):
    def down(*args, **kwargs):
        raise connection.Database.OperationalError("no database")

    monkeypatch.setattr(connection, "cursor", down)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_ready_even_before_tixallo_is_configured(client, settings):
    settings.TIXALLO_API_KEY = ""
    assert client.get("/readyz").status_code == 200
    assert client.get("/healthz").json()["status"] == "ok"


def test_probes_take_only_get_and_head(client):
    assert client.head("/readyz").status_code == 200
    response = client.post("/healthz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_probes_are_never_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/readyz").status_code == 200
    assert client.get("/").status_code == 301


def test_it_answers_healthz_without_touching_tixallo(client, sandbox, settings):
    set_faults(sandbox, next=["500"] * 5)
    response = client.get("/healthz", HTTP_HOST="internal-probe")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert api_requests(sandbox) == 0


def test_the_probes_are_routed_by_name_like_every_page():
    assert reverse("healthz") == "/healthz"
    assert (reverse("readyz"), reverse("metrics")) == ("/readyz", "/metrics")
    assert resolve("/healthz").func is probes.healthz


def test_the_probes_are_plain_views_behind_the_whole_stack_too(client, settings):
    """Without the early middleware they answer through urls.py (for an allowed host)."""
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("ProbesMiddleware")]
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response["Cache-Control"] == "no-store"
