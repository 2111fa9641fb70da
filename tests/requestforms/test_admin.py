"""Request forms in Django admin: a form with its fields in one page, the checks on a
choice's options, its direct link and data-form snippet, the pages showing a change."""

import pytest

from portal.requestforms.models import RequestForm
from tests.factories import request_form

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/requestforms/requestform/add/"


def form_post(**changes) -> dict:
    """The admin's add page posted with one field (a choice), as a browser sends it."""
    fields = {
        "fields-TOTAL_FORMS": "1", "fields-INITIAL_FORMS": "0",
        "fields-MIN_NUM_FORMS": "0", "fields-MAX_NUM_FORMS": "1000",
        "fields-0-order": "0", "fields-0-kind": "choice", "fields-0-label": "Product",
        "fields-0-label_de": "Produkt", "fields-0-required": "on",
        "fields-0-options": "Free plan\nPro plan", "fields-0-options_de": "Kostenlos\nPro",
    }  # fmt: skip
    form = {"name": "Billing question", "slug": "billing", "order": "0", "active": "on",
            "priority": ""}  # fmt: skip
    return form | fields | changes


def test_an_admin_builds_a_form_with_its_fields_and_customers_see_it(admin_client, client, sandbox):
    response = admin_client.post(ADD_URL, form_post())
    assert response.status_code == 302
    form = RequestForm.objects.get()
    assert [f.label for f in form.fields.all()] == ["Product"]
    html = client.get("/").content.decode()
    assert "Billing question" in html and '<option value="Pro plan">Pro plan</option>' in html


def test_a_choice_needs_options(admin_client, db):
    response = admin_client.post(ADD_URL, form_post(**{"fields-0-options": ""}))
    assert response.status_code == 200
    assert "A choice needs at least one option." in response.content.decode()
    assert not RequestForm.objects.exists()


def test_german_options_must_match_the_english_ones(admin_client, db):
    response = admin_client.post(ADD_URL, form_post(**{"fields-0-options_de": "Kostenlos"}))
    assert "Give as many options as in English." in response.content.decode()


def test_a_saved_form_shows_its_link_and_embed_snippet(admin_client, db):
    form = request_form("billing")
    html = admin_client.get(f"/admin/requestforms/requestform/{form.pk}/change/").content.decode()
    assert "http://testserver/?form=billing" in html
    assert "data-form=&quot;billing&quot;" in html


def test_a_deactivated_form_is_offered_no_more(admin_client, client, sandbox):
    form = request_form("billing", ("text", "Order number", True))
    changes = {"active": "", "fields-TOTAL_FORMS": "0"}
    admin_client.post(f"/admin/requestforms/requestform/{form.pk}/change/", form_post(**changes))
    assert not RequestForm.objects.get().active
    assert "Order number" not in client.get("/").content.decode()
