"""What a request form's fields become: form fields in the visitor's language, and the
"Label: value" block on top of the description, in the portal's main language."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from portal.requestforms import catalogue, compose
from tests.factories import request_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def technical(db):
    form = request_form(
        "technical",
        ("text", "App version", False),
        ("number", "People affected", False),
        ("date", "Since", False),
        ("long_text", "Steps", False),
        ("checkbox", "It worked before", False),
        ("choice", "Platform", False, "Web\nAndroid\niOS"),
        name="Technical problem",
        name_de="Technisches Problem",
    )
    form.fields.filter(label="Platform").update(label_de="Plattform", options_de="Web\nAndroid")
    catalogue.forget()  # .update() sends no signal
    return catalogue.offered()[0]


def keyed(form, **by_label):
    keys = {spec.label_texts["en"]: spec.key for spec in form.fields}
    return {keys[label]: value for label, value in by_label.items()}


def test_each_kind_reads_as_one_line_an_agent_can_scan(technical):
    values = keyed(
        technical,
        **{
            "App version": "4.2.1",
            "People affected": Decimal("12.50"),
            "Since": datetime.date(2026, 11, 30),
            "Steps": "Open the app\nTap Sync",
            "It worked before": True,
            "Platform": "Android",
        },
    )
    assert compose.describe(technical, values, "It crashes.") == "\n".join([
        "Technical problem",
        "App version: 4.2.1",
        "People affected: 12.5",
        "Since: 2026-11-30",
        "Steps:",
        "  Open the app",
        "  Tap Sync",
        "It worked before: Yes",
        "Platform: Android",
        "———",
        "",
        "It crashes.",
    ])  # fmt: skip


def test_empty_optional_fields_are_left_out_but_an_unticked_box_says_no(technical):
    values = keyed(technical, **{"App version": "", "Steps": "", "It worked before": False})
    text = compose.describe(technical, values, "It crashes.")
    assert text == "Technical problem\nIt worked before: No\n———\n\nIt crashes."


def test_agents_read_the_main_language_whatever_the_customer_speaks(technical):
    with translation.override("de"):
        assert technical.name == "Technisches Problem"
        text = compose.describe(technical, keyed(technical, Platform="Web"), "Absturz.")
    assert text == "Technical problem\nIt worked before: No\nPlatform: Web\n———\n\nAbsturz."


def test_german_options_show_only_when_there_are_as_many_as_in_english(technical):
    platform = next(spec for spec in technical.fields if spec.kind == "choice")
    with translation.override("de"):
        field = compose.form_field(platform)
    assert field.label == "Plattform"
    assert field.choices == [("", "—"), ("Web", "Web"), ("Android", "Android"), ("iOS", "iOS")]


def test_the_subject_gets_the_name_once_and_stays_within_tixallos_limit(db):
    request_form("billing", name="Billing question", prefix_subject=True)
    billing = catalogue.offered()[0]
    assert compose.subject(billing, "Charged twice") == "Billing question: Charged twice"
    again = compose.subject(billing, "Billing question: Charged twice")
    assert again == "Billing question: Charged twice"
    assert len(compose.subject(billing, "x" * 200)) == 200
