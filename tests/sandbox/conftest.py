"""The sandbox's own tests: a bare sandbox app, no portal around it."""

import pytest

from tests.factories import make_app


@pytest.fixture
def app(tmp_path):
    """A bare sandbox WSGI app on its own store."""
    app = make_app(tmp_path)
    yield app
    app.store.close()
