"""Every page has a <meta name="description"> naming the portal and saying what the page
is (Lighthouse's SEO audit), in the visitor's language."""

import re
from html import unescape

import pytest
from django.template.loader import render_to_string

from portal.config.models import PortalSettings
from tests.factories import new_ticket, sign_in_as, ticket_link

pytestmark = pytest.mark.django_db


def description(html: str) -> str:
    found = re.findall(r'<meta name="description" content="([^"]*)">', html)
    assert len(found) == 1, found
    return unescape(found[0])


def test_each_customer_page_describes_itself_with_the_portals_name(client, sandbox):
    PortalSettings(pk=1, portal_name='Acme "Help"').save()
    ticket = new_ticket()
    pages = {"/": "Send Acme", "/signin/": "Your requests to Acme", "/no-such-page/": "Acme"}
    pages[ticket_link(ticket.id)] = "A request to Acme"
    pages["/embed/"] = "Send Acme"
    seen = {}
    for url, start in pages.items():
        text = description(client.get(url, follow=True).content.decode())
        assert text.startswith(start) and 'Acme "Help"' in text, (url, text)
        seen[url] = text
    assert len(set(seen.values())) == 4  # the form, the list, a request, the default
    sign_in_as(client)
    assert description(client.get("/tickets/").content.decode()).startswith("Your requests")


def test_the_description_is_in_the_visitors_language(client, sandbox):
    text = description(client.get("/", headers={"accept-language": "de"}).content.decode())
    assert text.startswith("Senden Sie") and "Support" in text


@pytest.mark.parametrize("template", ["500.html", "503.html"])
def test_the_plain_error_pages_describe_themselves(template):
    assert "support portal" in description(render_to_string(template))


def test_the_demo_shop_describes_itself(client, sandbox):
    assert "made-up shop" in description(client.get("/embed/demo/").content.decode())
