"""Branding (`portal.config.branding`): the favicon, and an accent colour that stays
readable in light and dark mode."""

import re

import pytest

from portal.config.branding import DARK_SURFACE, LIGHT_SURFACE, contrast, stylesheet
from portal.config.current import portal_config

pytestmark = pytest.mark.django_db


def test_favicon_ico_is_there(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content.startswith(b"\x00\x00\x01\x00")
    # Opened on its own, the browser styles the image inline: the policy must allow that.
    assert "style-src 'unsafe-inline'" in response["Content-Security-Policy"]
    assert "script-src" not in response["Content-Security-Policy"]
    assert 'rel="icon"' in client.get("/signin/").content.decode()


def test_a_dark_custom_accent_still_colours_links_in_dark_mode():
    config = portal_config()
    css = stylesheet(config, accent="#1f6f4a")  # the demo shop's green
    light = re.search(r"light\) \{ :root \{ --accent: (#[0-9a-f]{6})", css).group(1)
    dark = re.search(r"dark\) \{ :root \{ --accent: (#[0-9a-f]{6})", css).group(1)
    assert contrast(light, LIGHT_SURFACE) >= 4.5 and contrast(dark, DARK_SURFACE) >= 4.5
    assert dark != "#8cb4ff" and dark.startswith("#")  # the accent, lightened: not blue
    r, g, b = (int(dark[i : i + 2], 16) for i in (1, 3, 5))
    assert g > r and g > b  # still green
