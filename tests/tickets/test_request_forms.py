"""Request forms on the submit page: the chooser, ?form=, their fields in the ticket's
description, their validation, languages and priority rules. The definitions and the
description block themselves: tests/requestforms/."""

import re

import pytest

from portal.outbox.models import Submission
from portal.requestforms.models import FormField, RequestForm
from tests.factories import (
    BILLING_FIELDS,
    FORM,
    GERMAN,
    find_ticket,
    page_text,
    request_form,
    set_faults,
    submit_while_tixallo_fails,
    typed_into,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def billing(db):
    return request_form("billing", *BILLING_FIELDS, name="Billing question", prefix_subject=True)


@pytest.fixture
def two_forms(billing):
    request_form("technical", ("long_text", "Steps", False), name="Technical problem", order=1)
    return billing


def filled(form) -> dict:
    return FORM | typed_into(form, Order_number="12345", Product="Pro plan") | {"form": form.slug}


def test_without_request_forms_the_plain_form_is_shown(client, sandbox):
    html = client.get("/").content.decode()
    assert 'name="subject"' in html and 'name="form"' not in html


def test_the_only_form_opens_directly(client, sandbox, billing):
    response = client.get("/")
    assert response.status_code == 200
    text = page_text(response)
    assert "Billing question" in text and "Order number" in text
    assert "Choose another kind of request" not in text  # nothing else to choose
    assert '<input type="hidden" name="form" value="billing">' in response.content.decode()


def test_several_forms_show_the_chooser_keeping_the_other_prefills(client, sandbox, two_forms):
    response = client.get("/?subject=Order+5521&priority=high&form=")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="subject"' not in html  # a choice first, no form yet
    assert 'href="/?subject=Order+5521&amp;priority=high&amp;form=billing"' in html
    assert "Technical problem" in page_text(response)


def test_the_chooser_has_its_own_url(client, sandbox, two_forms):
    response = client.get("/forms/")
    assert response.status_code == 200
    assert 'href="/?form=technical"' in response.content.decode()


def test_the_chooser_url_with_one_form_goes_to_the_form(client, sandbox, billing):
    response = client.get("/forms/")
    assert response.status_code == 302 and response["Location"] == "/"


def test_form_in_the_query_opens_that_form_with_the_prefills(client, sandbox, two_forms):
    response = client.get("/?form=billing&subject=Charged+twice")
    html = response.content.decode()
    assert "Order number" in html and 'value="Charged twice"' in html
    assert 'href="/forms/"' in html  # "Choose another kind of request"


@pytest.mark.parametrize("slug", ["gone", "../../etc", "x" * 300, "<b>"])
def test_an_unknown_form_says_so_and_offers_the_chooser(client, sandbox, two_forms, slug):
    response = client.get("/", {"form": slug})
    assert response.status_code == 404
    text = page_text(response)
    assert "We couldn't find the form this link asked for" in text
    assert "Billing question" in text and "Technical problem" in text


def test_an_unknown_form_without_any_forms_links_the_plain_form(client, sandbox):
    response = client.get("/?form=gone")
    assert response.status_code == 404
    assert 'href="/"' in response.content.decode()


def test_the_fields_go_into_the_description_and_the_name_before_the_subject(
    client, sandbox, billing
):
    response = client.post("/", filled(billing), follow=True)
    assert response.status_code == 200
    number = int(re.search(r"#(\d+)", response.content.decode()).group(1))
    ticket = find_ticket(sandbox, number)
    assert ticket["subject"] == "Billing question: " + FORM["subject"]
    assert ticket["description"] == (
        "Billing question\nOrder number: 12345\nProduct: Pro plan\n———\n\n" + FORM["description"]
    )


def test_required_fields_are_marked_and_their_errors_linked(client, sandbox, billing):
    html = client.get("/").content.decode()
    order = billing.fields.get(label="Order number").pk
    assert re.search(rf'<input type="text" name="field_{order}"[^>]* required', html)

    response = client.post("/", filled(billing) | {f"field_{order}": ""})
    assert response.status_code == 422
    html = response.content.decode()
    assert f'aria-describedby="id_field_{order}_error"' in html
    assert f'<p class="error" id="id_field_{order}_error">This field is required.</p>' in html
    assert 'value="Refund please"' in html  # the rest kept
    assert not Submission.objects.exists()


def test_a_choice_outside_the_options_is_refused(client, sandbox, billing):
    response = client.post("/", filled(billing) | typed_into(billing, Product="Gold plan"))
    assert response.status_code == 422
    assert "Select a valid choice." in page_text(response)


def test_the_description_with_the_fields_stays_within_tixallos_limit(client, sandbox, billing):
    response = client.post("/", filled(billing) | {"description": "x" * 19990})
    assert response.status_code == 422
    assert "With this form's fields it is" in page_text(response)
    assert not Submission.objects.exists()


def test_the_outbox_keeps_the_fields_while_tixallo_is_down(client, sandbox, settings, billing):
    settings.TIXALLO_RETRY_BUDGET = 0
    set_faults(sandbox, next=["500"] * 3)
    response = client.post("/", filled(billing), follow=True)
    assert "ticket number will follow" in page_text(response)
    payload = Submission.objects.get().payload
    assert "Order number: 12345\nProduct: Pro plan" in payload["description"]
    assert payload["subject"] == "Billing question: " + FORM["subject"]


def test_a_post_without_a_form_among_several_is_a_plain_request(
    client, sandbox, settings, two_forms
):
    response, submission = submit_while_tixallo_fails(client, sandbox, settings)
    assert response.status_code == 302
    assert submission.payload["description"] == FORM["description"]


def test_a_carried_over_text_gets_the_plain_form_not_the_chooser(client, sandbox, two_forms):
    """ "Start a new request with this text" on a closed ticket's page."""
    posted = {"prefill": "1", "subject": "Follow-up to #1042", "description": "Still broken"}
    response = client.post("/", posted)
    assert response.status_code == 200
    assert "Still broken" in response.content.decode()


def test_german_visitors_get_the_german_texts_and_agents_the_english(client, sandbox, billing):
    FormField.objects.filter(label="Product").update(
        label_de="Produkt", options_de="Kostenlos\nPro-Tarif"
    )
    RequestForm.objects.filter(pk=billing.pk).update(name_de="Frage zur Rechnung")
    from portal.requestforms import catalogue

    catalogue.forget()  # .update() sends no signal
    response = client.get("/", **GERMAN)
    html = response.content.decode()
    assert "Frage zur Rechnung" in html and "Produkt" in html
    assert '<option value="Pro plan">Pro-Tarif</option>' in html
    assert "(optional)" not in html and "Order number" in html  # no German label: English

    response = client.post("/", filled(billing), follow=True, **GERMAN)
    number = int(re.search(r"#(\d+)", response.content.decode()).group(1))
    assert "Product: Pro plan" in find_ticket(sandbox, number)["description"]


def test_a_form_may_fix_the_priority(client, sandbox):
    form = request_form("outage", ("text", "Region", False), priority="urgent")
    html = client.get("/").content.decode()
    assert 'name="priority"' not in html
    response = client.post("/", FORM | {"form": "outage", "priority": "low"}, follow=True)
    number = int(re.search(r"#(\d+)", response.content.decode()).group(1))
    assert find_ticket(sandbox, number)["priority"] == "urgent"
    assert form.slug == "outage"


def test_a_form_may_let_customers_choose_when_the_settings_do_not(client, sandbox):
    from portal.config.models import PortalSettings

    PortalSettings(allow_priority=False).save()
    request_form("question", priority="ask")
    assert 'name="priority"' in client.get("/").content.decode()


def test_an_admins_change_shows_at_the_next_view(client, sandbox, billing):
    assert "Free plan" in client.get("/").content.decode()
    field = billing.fields.get(label="Product")
    field.options = "Starter plan\nPro plan"
    field.required = False
    field.save()
    html = client.get("/").content.decode()
    assert "Starter plan" in html and "Free plan" not in html
    assert "(optional)" in html


def test_a_too_quick_sender_keeps_the_forms_fields(client, sandbox, settings, billing):
    settings.MIN_FILL_SECONDS = 60
    response = client.post("/", filled(billing))
    assert response.status_code == 429
    html = response.content.decode()
    assert 'value="12345"' in html and '<option value="Pro plan" selected>' in html
    assert '<input type="hidden" name="form" value="billing">' in html
