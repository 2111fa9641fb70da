"""HEAD answers like GET on every kind of page (Django answers 405 for views that
restrict methods and forget HEAD)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/", "/signin/", "/tickets/", "/embed.js", "/brand.css", "/embed/start/"]
)
def test_head_answers_like_get(client, sandbox, path):
    assert client.head(path).status_code == client.get(path).status_code != 405
