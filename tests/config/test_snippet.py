"""The embed snippet shown in admin: one script tag, or an iframe, on the portal's origin."""

import pytest

from portal.config.snippet import iframe_html, snippet_html

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("embedding")]


def test_the_snippet_is_one_script_tag_with_the_portals_origin(rf):
    request = rf.get("/admin/", secure=True, HTTP_HOST="localhost")
    assert snippet_html(request) == (
        '<script src="https://localhost/embed.js" data-height="900" async></script>'
    )
    tagged = snippet_html(request, accent="#123456", identity_token='a"b')
    assert 'data-accent="#123456"' in tagged and 'data-identity-token="a&quot;b"' in tagged


def test_the_iframe_alternative_points_at_the_embed_entry(rf, sandbox):
    html = iframe_html(rf.get("/admin/", HTTP_HOST="localhost"))
    assert html.startswith('<iframe src="http://localhost/embed/start/" title="Support"')
