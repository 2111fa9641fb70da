"""The customer pages in German for a German browser, in English otherwise, and the
language switcher."""

import pytest
from django.core import mail

from tests.factories import GERMAN, new_ticket, page_text, set_status, ticket_link

pytestmark = pytest.mark.django_db

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
# An empty POST leaves the form unbound (a fresh form): send the fields, blank.
BLANK = dict.fromkeys(["subject", "description", "customer_email", "customer_name"], "")


def test_the_submit_page_is_german_for_a_german_browser(client, sandbox):
    response = client.get("/", **GERMAN)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="de">' in html
    for german in (
        "Anfrage stellen",
        "Meine Anfragen",
        "Betreff",
        "Wie können wir Ihnen helfen?",
        "Ihre E-Mail-Adresse",
        "Ihr Name",
        "Priorität",
        "Dringend",
        "Anfrage senden",
        "Zum Inhalt springen",
    ):
        assert german in html, german
    assert "Submit a request" not in html
    assert "Accept-Language" in response["Vary"]  # caches keep the languages apart


def test_an_empty_form_gets_german_field_errors(client, sandbox):
    response = client.post("/", BLANK, **GERMAN)
    assert response.status_code == 422
    html = response.content.decode()
    assert '<html lang="de">' in html
    for field in ("subject", "description", "customer_email", "customer_name"):
        assert f'id="id_{field}_error">Dieses Feld ist zwingend erforderlich.<' in html, field
    assert "This field is required." not in html


def test_english_stays_english(client, sandbox):
    for headers in (ENGLISH, {}):
        html = client.get("/", **headers).content.decode()
        assert '<html lang="en">' in html
        assert "Submit a request" in html and "How can we help?" in html
        assert "Anfrage" not in html and "Betreff" not in html
    html = client.post("/", BLANK, **ENGLISH).content.decode()
    assert "This field is required." in html and "Dieses Feld" not in html


def test_a_german_customer_gets_a_german_confirmation_and_ticket_page(client, sandbox):
    form = {
        "subject": "Kein Login",
        "description": "Nach dem Zurücksetzen des Passworts geht nichts mehr.",
        "customer_email": "kim@example.de",
        "customer_name": "Kim Beispiel",
        "priority": "urgent",
    }
    response = client.post("/", form, follow=True, **GERMAN)
    assert "Vielen Dank – Ihre Anfrage ist bei uns eingegangen" in page_text(response)
    message = mail.outbox[-1]
    assert message.subject.startswith("Wir haben Ihre Anfrage #")
    assert "Bitte geben Sie diesen Link nicht weiter" in message.body
    html_part = message.alternatives[0].content
    assert "Vielen Dank für Ihre Nachricht" in html_part

    ticket = new_ticket("kim@example.de", priority="urgent")
    set_status(sandbox, ticket.id, "pending")
    text = page_text(client.get(ticket_link(ticket.id), **GERMAN))
    for german in (
        "Wartet auf Ihre Antwort",
        "Dringend",
        "Erstellt",
        "Antwort senden",
        "gerade eben",
    ):
        assert german in text, german


def test_the_language_switcher_keeps_the_choice_for_the_session(client, sandbox):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="language" value="de"' in page
    response = client.post("/language/", {"language": "de", "next": "/signin/"})
    assert response.status_code == 302 and response["Location"] == "/signin/"
    cookie = response.cookies["django_language"]
    assert cookie.value == "de" and not cookie["max-age"]  # a session cookie
    html = client.get("/signin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="de">' in html and "Anmelde" in html
