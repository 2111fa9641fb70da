"""portal/tickets/forms.py: forms share their class's fields (no deep copy per form), so
what one form changes must stay its own."""

from portal.tickets.forms import TicketForm


def test_it_keeps_a_locked_field_to_the_form_that_locked_it():
    locked = TicketForm(locked={"customer_email": "alex@example.com"})
    plain = TicketForm()
    assert locked.fields["customer_email"].widget.attrs.get("readonly") is True
    assert "readonly" not in plain.fields["customer_email"].widget.attrs
    assert "readonly" not in TicketForm.base_fields["customer_email"].widget.attrs
    assert plain.fields["customer_email"].help_text == ""


def test_it_drops_the_priority_from_that_form_only():
    assert "priority" not in TicketForm(choose_priority=False).fields
    assert "priority" in TicketForm().fields
