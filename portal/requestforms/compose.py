"""A request form's fields as Django form fields, and what they become in Tixallo: Tixallo
has no custom fields, so their values go on top of the description as one "Label: value"
line each, for agents to scan, and the form's name may go before the subject."""

import datetime
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from portal.requestforms.catalogue import Definition, Field
from portal.tixallo.types import SUBJECT_MAX

TEXT_MAX = 200
LONG_TEXT_MAX = 4000
RULE = "—" * 3  # between the fields and what the customer wrote


def form_field(spec: Field) -> forms.Field:
    """The form field for `spec`, its texts in the active language."""
    common = {
        "label": spec.label,
        "help_text": spec.help,
        "required": spec.required,
    }
    match spec.kind:
        case "long_text":
            return forms.CharField(
                max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}), **common
            )
        case "number":
            return forms.DecimalField(max_digits=30, **common)
        case "date":
            return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
        case "choice":
            shown = spec.options.get((translation.get_language() or "en")[:2], ())
            values = spec.options["en"]
            labels = shown if len(shown) == len(values) else values
            choices = [("", "—"), *zip(values, labels, strict=True)]
            return forms.ChoiceField(choices=choices, **common)
        case "checkbox":
            return forms.BooleanField(**common)
        case _:  # "text", and a kind this code does not know yet
            return forms.CharField(max_length=TEXT_MAX, **common)


def describe(form: Definition, values: dict[str, object], description: str) -> str:
    """The description sent to Tixallo: the form's name and fields, then the text. In the
    portal's main language, so agents read the same labels on every ticket."""
    with translation.override(settings.LANGUAGE_CODE):
        lines = [form.name]
        for spec in form.fields:
            value = _as_text(spec, values.get(spec.key))
            if not value:
                continue  # an optional field left empty says nothing
            label = spec.label
            if "\n" in value:  # long text: its lines indented under the label
                lines += [f"{label}:", *("  " + line for line in value.splitlines())]
            else:
                lines.append(f"{label}: {value}")
    return "\n".join([*lines, RULE, "", description])


def subject(form: Definition, typed: str) -> str:
    if not form.prefix_subject:
        return typed
    with translation.override(settings.LANGUAGE_CODE):
        prefix = f"{form.name}: "
    if typed.startswith(prefix):  # sent again, or a follow-up: once is enough
        return typed
    return (prefix + typed)[:SUBJECT_MAX]


def _as_text(spec: Field, value: object) -> str:
    if spec.kind == "checkbox":
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.date):
        return value.isoformat()  # 2026-12-06: the same for agents anywhere
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value or "").strip()
