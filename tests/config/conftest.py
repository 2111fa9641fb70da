"""The portal's own configuration: as in production, nothing set by the environment."""

import pytest


@pytest.fixture
def no_env(settings):
    """As in production: nothing set by the environment or the sandbox."""
    settings.TIXALLO_API_KEY = ""
    settings.TIXALLO_BASE_URL = ""
    settings.TIXALLO_WEBHOOK_SECRET = ""
    settings.PORTAL_IDENTITY_SECRET = ""
    settings.PORTAL_ALLOWED_ORIGINS = []


@pytest.fixture
def no_env_over_http(no_env, network_transport):
    """As in production, the client calling Tixallo over HTTP, not the in-process sandbox."""
