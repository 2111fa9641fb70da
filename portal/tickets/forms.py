import re

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.tixallo import client
from portal.tixallo.types import PRIORITIES

PRIORITY_CHOICES = [
    ("low", _("Low")),
    ("medium", _("Normal")),
    ("high", _("High")),
    ("urgent", _("Urgent")),
]
assert [value for value, _label in PRIORITY_CHOICES] == list(PRIORITIES)

IDEMPOTENCY_KEY = re.compile(r"[0-9a-f]{32}")


class TicketForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=client.SUBJECT_MAX)
    description = forms.CharField(
        label=_("How can we help?"),
        max_length=client.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Please add any details that could help us, such as steps or error messages."),
    )
    customer_email = forms.EmailField(label=_("Your email address"), max_length=client.EMAIL_MAX)
    customer_name = forms.CharField(label=_("Your name"), max_length=client.NAME_MAX)
    priority = forms.ChoiceField(label=_("Priority"), choices=PRIORITY_CHOICES, initial="medium")
    # One key per filled-in form: a resent or reloaded POST creates no second ticket.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_subject(self) -> str:
        # One line only: a subject ends up in email headers.
        return " ".join(self.cleaned_data["subject"].split())

    def clean_customer_name(self) -> str:
        return " ".join(self.cleaned_data["customer_name"].split())

    def clean_customer_email(self) -> str:
        return self.cleaned_data["customer_email"].strip().lower()

    def clean_idempotency_key(self) -> str:
        key = self.cleaned_data["idempotency_key"]
        return key if IDEMPOTENCY_KEY.fullmatch(key) else client.new_idempotency_key()
