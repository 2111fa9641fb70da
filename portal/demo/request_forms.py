"""The demo's two request forms, seeded on its first run (an admin's changes and
deletions afterwards are kept: nothing is added while any form exists)."""

from portal.requestforms.models import FormField, RequestForm

Kind = FormField.Kind

# (slug, name, German name, help, German help, priority rule, prefix the subject, fields)
# with fields as (kind, label, German label, required, options, German options).
# fmt: off
FORMS = [
    ("billing", "Billing question", "Frage zur Rechnung",
     "Invoices, charges, refunds and your plan.",
     "Rechnungen, Abbuchungen, Erstattungen und Ihr Tarif.", "", True, [
         (Kind.TEXT, "Order number", "Bestellnummer", True, "", ""),
         (Kind.CHOICE, "Product", "Produkt", True,
          "Free plan\nPro plan\nBusiness plan", "Kostenloser Tarif\nPro-Tarif\nBusiness-Tarif"),
         (Kind.DATE, "Date of the charge", "Datum der Abbuchung", False, "", ""),
     ]),
    ("technical", "Technical problem", "Technisches Problem",
     "Something doesn't work as it should.",
     "Etwas funktioniert nicht wie erwartet.", "ask", False, [
         (Kind.TEXT, "App version", "App-Version", False, "", ""),
         (Kind.NUMBER, "People affected", "Betroffene Personen", False, "", ""),
         (Kind.LONG_TEXT, "Steps to see the problem", "Schritte, um das Problem zu sehen",
          False, "", ""),
         (Kind.CHECKBOX, "It worked before", "Es hat vorher funktioniert", False, "", ""),
     ]),
]
# fmt: on


def seed() -> int:
    """Create the demo's forms unless there are some; how many were created."""
    if RequestForm.objects.exists():
        return 0
    for order, (slug, name, name_de, help_text, help_de, priority, prefix, fields) in enumerate(
        FORMS
    ):
        form = RequestForm.objects.create(
            slug=slug, name=name, name_de=name_de, help_text=help_text, help_text_de=help_de,
            order=order, priority=priority, prefix_subject=prefix,
        )  # fmt: skip
        for position, (kind, label, label_de, required, options, options_de) in enumerate(fields):
            FormField.objects.create(
                form=form, order=position, kind=kind, label=label, label_de=label_de,
                required=required, options=options, options_de=options_de,
            )  # fmt: skip
    return len(FORMS)
