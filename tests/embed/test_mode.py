"""The embedded mode under /embed/: compact, kept while navigating, never first-party;
the host page's language, accent and prefilled subject and priority (/embed/start/)."""

import pytest

from tests.factories import FORM, request_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("embedding")]


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
    assert "embed-frame.js" not in html and "brand.css" not in html
    assert '<html lang="en">' in html  # the host page's language stays in the frame


def test_the_mode_survives_navigation_inside_the_frame(client, sandbox):
    response = client.post("/embed/", FORM, follow=True)
    assert response.redirect_chain[0][0].startswith("/embed/submitted/")
    html = response.content.decode()
    assert 'class="embedded"' in html
    assert 'href="/embed/"' in html  # "Submit another request", still embedded
    signed_in = client.session
    signed_in["customer_email"] = FORM["customer_email"]
    signed_in.save()
    ticket = client.get(response.redirect_chain[0][0])  # a proven owner goes to the ticket
    assert ticket["Location"].startswith("/embed/tickets/")
    assert 'class="embedded"' in client.get(ticket["Location"]).content.decode()


def test_the_confirmation_email_links_to_the_first_party_page(client, sandbox, mailoutbox):
    client.post("/embed/", FORM)
    assert mailoutbox and "/embed/" not in mailoutbox[-1].body
    assert "http://testserver/t/" in mailoutbox[-1].body


def test_the_host_pages_language_and_accent_follow_the_frame(client, sandbox):
    start = client.get("/embed/start/?lang=de-DE&accent=%23aa3300")
    first = client.get(start["Location"]).content.decode()
    later = client.get("/embed/tickets/", follow=True).content.decode()  # the sign-in page
    for html in (first, later):
        assert '<html lang="de">' in html
        assert 'href="/brand.css?c=aa3300"' in html


def test_unusable_options_are_ignored(client, sandbox):
    start = client.get("/embed/start/?lang=xx&accent=red;x&priority=asap&subject=" + "s" * 300)
    assert start["Location"] == "/embed/?subject=" + "s" * 200
    html = client.get(start["Location"]).content.decode()
    assert "brand.css" not in html and '<html lang="en">' in html


def test_the_snippet_can_prefill_subject_and_priority(client, sandbox):
    start = client.get("/embed/start/", {"subject": "Order  5521", "priority": "high"})
    html = client.get(start["Location"]).content.decode()
    assert 'name="subject" value="Order 5521"' in html
    assert '<option value="high" selected>' in html


def test_the_snippet_can_open_a_request_form(client, sandbox):
    request_form("billing", ("text", "Order number", True), name="Billing question")
    request_form("technical", name="Technical problem")
    start = client.get("/embed/start/", {"form": "billing", "subject": "Order 5521"})
    assert start["Location"] == "/embed/?form=billing&subject=Order+5521"
    html = client.get(start["Location"]).content.decode()
    assert "Order number" in html and 'name="subject" value="Order 5521"' in html
    assert 'action="/embed/"' in html and 'href="/embed/forms/"' in html  # still in the frame


def test_the_embed_script_passes_data_form_on(client):
    assert "form: data.form" in client.get("/embed.js").content.decode()


def test_the_accent_stylesheet_keeps_text_readable(client, sandbox):
    response = client.get("/brand.css?c=ffeb3b")
    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert "--button: #ffeb3b; --button-ink: #000000;" in response.content.decode()
    assert client.get("/brand.css?c=nonsense").content == b""


def test_the_accent_stylesheets_first_address_still_answers(client, sandbox):
    """Frames drawn before the host page's accent joined /brand.css link it here."""
    response = client.get("/embed/accent.css?c=ffeb3b")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert "--button: #ffeb3b; --button-ink: #000000;" in response.content.decode()


def test_the_frame_follows_data_lang_and_has_no_switcher(client, sandbox):
    client.post("/language/", {"language": "de", "next": "/"})
    client.get("/embed/start/", {"lang": "en"})
    html = client.get("/embed/?lang=en").content.decode()
    assert '<html lang="en">' in html
    assert 'name="language"' not in html
