"""The embedded mode under /embed/: compact, kept while navigating, never first-party;
the identity the host vouched for is locked; a CSRF failure keeps what was typed."""

import importlib
import re

import pytest
from django.test import Client
from django.urls import clear_url_caches

from portal.embed import identity
from portal.embed.snippet import iframe_html, snippet_html
from tests.helpers import find_ticket, new_ticket, ticket_count

pytestmark = pytest.mark.django_db

SECRET = "a-shared-secret-long-enough-for-hs256-and-for-hs512-too-64-bytes"
VALID = {
    "subject": "Refund please",
    "description": "I was charged twice for order 5521.",
    "customer_email": "alex@example.com",
    "customer_name": "Alex Example",
    "priority": "medium",
}


@pytest.fixture(autouse=True)
def _embedding(settings):
    settings.PORTAL_ALLOWED_ORIGINS = ["https://www.example.com"]
    settings.PORTAL_IDENTITY_SECRET = SECRET


def vouched_for(client, email="alex@example.com", name="Alex Example") -> None:
    token = identity.mint(email, name, SECRET)
    assert client.get("/embed/start/", {"token": token}).status_code == 302


def test_the_embedded_pages_have_no_header_or_footer_and_link_within_embed(client, sandbox):
    html = client.get("/embed/").content.decode()
    assert 'class="embedded"' in html
    assert "site-header" not in html and "site-footer" not in html
    assert 'action="/embed/"' in html
    assert 'href="/embed/tickets/"' in html
    assert "js/embed-frame.js" in html
    assert 'data-origins="http://testserver https://www.example.com"' in html


def test_the_first_party_pages_stay_as_they_are(client, sandbox):
    client.get("/embed/start/?lang=de&accent=aa3300")  # the same browser was in a frame
    html = client.get("/").content.decode()
    assert "site-header" in html and 'class="embedded"' not in html
    assert "embed-frame.js" not in html and "accent.css" not in html
    assert '<html lang="en">' in html  # the host page's language stays in the frame


def test_the_mode_survives_navigation_inside_the_frame(client, sandbox):
    response = client.post("/embed/", VALID, follow=True)
    assert response.redirect_chain[0][0].startswith("/embed/submitted/")
    html = response.content.decode()
    assert 'class="embedded"' in html
    assert 'href="/embed/"' in html  # "Submit another request", still embedded
    signed_in = client.session
    signed_in["customer_email"] = VALID["customer_email"]
    signed_in.save()
    ticket = client.get(response.redirect_chain[0][0])  # a proven owner goes to the ticket
    assert ticket["Location"].startswith("/embed/tickets/")
    assert 'class="embedded"' in client.get(ticket["Location"]).content.decode()


def test_the_confirmation_email_links_to_the_first_party_page(client, sandbox, mailoutbox):
    client.post("/embed/", VALID)
    assert mailoutbox and "/embed/" not in mailoutbox[-1].body
    assert "http://testserver/t/" in mailoutbox[-1].body


def test_the_host_pages_language_and_accent_follow_the_frame(client, sandbox):
    start = client.get("/embed/start/?lang=de-DE&accent=%23aa3300")
    first = client.get(start["Location"]).content.decode()
    later = client.get("/embed/tickets/", follow=True).content.decode()  # the sign-in page
    for html in (first, later):
        assert '<html lang="de">' in html
        assert 'href="/embed/accent.css?c=aa3300"' in html


def test_unusable_options_are_ignored(client, sandbox):
    start = client.get("/embed/start/?lang=xx&accent=red;x&priority=asap&subject=" + "s" * 300)
    assert start["Location"] == "/embed/?subject=" + "s" * 200
    html = client.get(start["Location"]).content.decode()
    assert "accent.css" not in html and '<html lang="en">' in html


def test_the_snippet_can_prefill_subject_and_priority(client, sandbox):
    start = client.get("/embed/start/", {"subject": "Order  5521", "priority": "high"})
    html = client.get(start["Location"]).content.decode()
    assert 'name="subject" value="Order 5521"' in html
    assert '<option value="high" selected>' in html


def test_the_accent_stylesheet_keeps_text_readable(client, sandbox):
    response = client.get("/embed/accent.css?c=ffeb3b")
    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert "--button: #ffeb3b; --button-ink: #000000;" in response.content.decode()
    assert client.get("/embed/accent.css?c=nonsense").content == b""


# --- the identity the host vouched for ----------------------------------------------


def test_a_vouched_email_and_name_are_filled_in_and_read_only(client, sandbox):
    vouched_for(client)
    html = client.get("/embed/").content.decode()
    email = re.search(r'<input[^>]*name="customer_email"[^>]*>', html).group(0)
    name = re.search(r'<input[^>]*name="customer_name"[^>]*>', html).group(0)
    assert 'value="alex@example.com"' in email and "readonly" in email
    assert 'value="Alex Example"' in name and "readonly" in name


def test_a_posted_email_or_name_cannot_override_the_vouched_ones(client, sandbox):
    vouched_for(client)
    forged = VALID | {"customer_email": "victim@example.com", "customer_name": "Someone Else"}
    response = client.post("/embed/", forged, follow=True)
    number = int(re.search(r"#(\d+)", response.content.decode()).group(1))
    ticket = find_ticket(sandbox, number)
    assert ticket["customer"]["email"] == "alex@example.com"
    assert ticket["customer"]["name"] == "Alex Example"


def test_an_empty_posted_email_is_replaced_too(client, sandbox):
    vouched_for(client)
    response = client.post("/embed/", VALID | {"customer_email": "", "customer_name": ""})
    assert response.status_code == 302
    assert ticket_count(sandbox) == 1


def test_without_a_vouched_identity_the_fields_are_editable(client, sandbox):
    html = client.get("/embed/").content.decode()
    email = re.search(r'<input[^>]*name="customer_email"[^>]*>', html).group(0)
    assert "readonly" not in email


def test_a_vouched_customer_sees_their_requests_inside_the_frame(client, sandbox):
    new_ticket("alex@example.com", subject="Bike bell rattles")
    vouched_for(client)
    html = client.get("/embed/tickets/").content.decode()
    assert "Bike bell rattles" in html
    ticket_link = re.search(r'href="(/embed/tickets/[^"/]+/)"', html).group(1)
    assert "Bike bell rattles" in client.get(ticket_link).content.decode()


# --- a form without its CSRF cookie (cookies blocked in the frame) ----------------------


def test_a_csrf_failure_is_friendly_and_gives_back_what_was_typed(sandbox):
    browser = Client(enforce_csrf_checks=True)  # sends no CSRF cookie: as if blocked
    response = browser.post("/embed/", VALID | {"description": "Line one\n<b>two</b>"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your message wasn't sent yet" in html
    assert "inside another website" in html
    assert re.search(r"<textarea[^>]*readonly[^>]*>Refund please</textarea>", html)
    assert "Line one\n&lt;b&gt;two&lt;/b&gt;</textarea>" in html  # escaped, not lost
    assert '<a class="button" href="/" target="_blank" rel="noopener">' in html
    assert 'class="embedded"' in html
    assert "X-Frame-Options" not in response  # shown inside the frame, where it happened
    assert "https://www.example.com" in response["Content-Security-Policy"]


def test_a_csrf_failure_on_a_reply_keeps_the_reply(sandbox):
    ticket = new_ticket()
    from tests.helpers import ticket_link

    link = ticket_link(ticket.id)
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/embed" + link, {"body": "Still broken, sorry."})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Still broken, sorry.</textarea>" in html
    assert f'href="{link}" target="_blank"' in html


def test_a_csrf_failure_for_htmx_is_just_the_message(sandbox):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/", VALID, HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    html = response.content.decode()
    assert html.lstrip().startswith('<div class="card refusal"')
    assert "Refund please" in html


def test_a_first_party_csrf_failure_is_friendly_too(sandbox):
    response = Client(enforce_csrf_checks=True).post("/signin/", {"email": "a@example.com"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "a@example.com</textarea>" in html and "site-header" in html


# --- the snippet and the demo -------------------------------------------------------


def test_the_snippet_is_one_script_tag_with_the_portals_origin(rf):
    request = rf.get("/admin/", secure=True, HTTP_HOST="localhost")
    assert snippet_html(request) == '<script src="https://localhost/embed.js" async></script>'
    tagged = snippet_html(request, accent="#123456", identity_token='a"b')
    assert 'data-accent="#123456"' in tagged and 'data-identity-token="a&quot;b"' in tagged


def test_the_iframe_alternative_points_at_the_embed_entry(rf, sandbox):
    html = iframe_html(rf.get("/admin/", HTTP_HOST="localhost"))
    assert html.startswith('<iframe src="http://localhost/embed/start/" title="Support"')


def test_the_demo_page_embeds_the_portal_anonymously(client, sandbox):
    html = client.get("/embed/demo/").content.decode()
    assert '<script src="http://testserver/embed.js"' in html
    assert "data-identity-token" not in html


def test_the_demo_page_as_alex_carries_a_token_for_alex(client, sandbox, settings):
    settings.PORTAL_IDENTITY_SECRET = ""  # the demo secret then
    html = client.get("/embed/demo/?as=alex").content.decode()
    token = re.search(r'data-identity-token="([^"]+)"', html).group(1)
    found = identity.verify(token, identity.DEMO_SECRET)
    assert found == identity.Identity("alex@example.com", "Alex Example")


@pytest.fixture
def urls_without_the_sandbox(settings):
    import portal.embed.urls
    import portal.urls

    def reload() -> None:
        importlib.reload(portal.embed.urls)
        importlib.reload(portal.urls)
        clear_url_caches()

    settings.PORTAL_SANDBOX = False
    reload()
    yield
    settings.PORTAL_SANDBOX = True
    reload()


def test_the_demo_page_exists_only_with_the_sandbox(client, sandbox, urls_without_the_sandbox):
    assert client.get("/embed/demo/").status_code == 404
    assert client.get("/embed/demo/?as=alex").status_code == 404
