import hashlib
import math
import re
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.config.models import PRIORITY_WORDS
from portal.requestforms import compose
from portal.requestforms.catalogue import Definition
from portal.shared import store
from portal.tickets.shared_fields import CustomerForm
from portal.tixallo import addresses, types
from portal.tixallo.types import PRIORITIES

PRIORITY_CHOICES = PRIORITY_WORDS  # the admin's default priority uses the same words
assert [value for value, _label in PRIORITY_CHOICES] == list(PRIORITIES)

IDEMPOTENCY_KEY = re.compile(r"[0-9a-f]{32}")
FORM_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,50}")  # models.SlugField's
TICKET_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
STARTED_SALT = "tickets.form-started"
STARTED_MAX_AGE = 24 * 3600  # a page left open all day still sends; a replayed token doesn't


def started_now() -> str:
    return signing.dumps(time.time(), salt=STARTED_SALT)


def one_line(text: str) -> str:
    """Every run of spaces and line breaks as one space (a subject ends up in email headers)."""
    return " ".join(text.split())


def prefill(query: QueryDict) -> dict[str, str]:
    """What a link may fill in on the submit form (such as the embed snippet's
    data-subject, data-priority and data-form): a subject, a known priority, a request
    form's slug (whether it exists is the page's to say); the rest is left out."""
    found = {}
    if FORM_SLUG.fullmatch(query.get("form", "")):
        found["form"] = query["form"]
    subject = one_line(query.get("subject", ""))[: types.SUBJECT_MAX]
    if subject:
        found["subject"] = subject
    if query.get("priority") in PRIORITIES:
        found["priority"] = query["priority"]
    return found


class HumanForm(CustomerForm):
    """Spam checks without a CAPTCHA: a field people never see, and a minimum fill time."""

    # Named like a field bots love to fill; hidden from people and screen readers.
    website = forms.CharField(required=False, widget=forms.TextInput(attrs={
        "tabindex": "-1", "autocomplete": "off", "class": "trap", "aria-hidden": "true",
    }))  # fmt: skip
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    # The field whose value names what a post does (the idempotency key, the email): a
    # start token serves that one action, however often it is re-sent, and no other.
    action_field = ""

    def clean_website(self) -> str:
        if self.cleaned_data["website"]:
            # Said on top, naming no field: a bot learns nothing about the trap.
            self.add_error(None, forms.ValidationError(
                _("We couldn't send this form. Please check it and send it again."),
                code="honeypot",
            ))  # fmt: skip
        return ""

    def clean_started(self) -> float:
        token = self.cleaned_data["started"]
        try:
            started = float(signing.loads(token, salt=STARTED_SALT, max_age=STARTED_MAX_AGE))
        except (signing.BadSignature, TypeError, ValueError):
            started = time.time()  # missing, forged or stale: as if shown just now
        else:
            if not _first_action(token, str(self.data.get(self.action_field, ""))):
                started = time.time()  # a token replayed for another action: as just shown
        if time.time() - started < settings.MIN_FILL_SECONDS:
            raise forms.ValidationError(_("That was quick!"), code="too_fast")
        return started

    def fill_wait(self) -> int:
        """Seconds a too-quick sender should wait (the 429's Retry-After)."""
        return max(1, math.ceil(settings.MIN_FILL_SECONDS))


def _first_action(token: str, action: str) -> bool:
    """True the first time a start token is used, and again for that same action."""
    key = "started:" + hashlib.sha256(token.encode()).hexdigest()[:32]
    if store.add(key, action, STARTED_MAX_AGE):  # shared: a token serves one form in all
        return True
    return store.get(key) == action


class IdempotentForm(CustomerForm):
    """One key per filled-in form: a resent or reloaded POST creates nothing twice."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_idempotency_key(self) -> str:
        key = self.cleaned_data["idempotency_key"]
        return key if IDEMPOTENCY_KEY.fullmatch(key) else types.new_idempotency_key()


class TicketForm(HumanForm, IdempotentForm):
    action_field = "idempotency_key"
    subject = forms.CharField(label=_("Subject"), max_length=types.SUBJECT_MAX)
    description = forms.CharField(
        label=_("How can we help?"),
        max_length=types.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Please add any details that could help us, such as steps or error messages."),
    )
    customer_email = forms.EmailField(
        label=_("Your email address"),
        max_length=types.EMAIL_MAX,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    customer_name = forms.CharField(
        label=_("Your name"),
        max_length=types.NAME_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=PRIORITY_CHOICES, initial="medium")

    field_order = ["subject", "description", "customer_email", "customer_name", "priority"]

    def __init__(
        self,
        *args: object,
        locked: dict[str, str] | None = None,
        choose_priority: bool = True,
        request_form: Definition | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        # To make it again the same way (`trouble.too_many`).
        self.options = {
            "locked": locked, "choose_priority": choose_priority, "request_form": request_form,
        }  # fmt: skip
        if not choose_priority:  # the admin sets it (portal settings' default)
            del self.fields["priority"]
        self.request_form = request_form
        if request_form is not None:  # its own fields, after the subject
            own = {spec.key: compose.form_field(spec) for spec in request_form.fields}
            self.fields.update(own)
            self.order_fields(["subject", *own, *self.field_order[1:]])
        for name, value in (locked or {}).items():
            if value:
                self._lock(name, value)

    def _lock(self, name: str, value: str) -> None:
        """A value someone else vouched for (the host site, when embedded): shown
        read-only, and whatever the browser posts for it is replaced, so editing the
        page cannot send a request in another customer's name."""
        self.initial[name] = value
        field = self.own_field(name)
        field.widget.attrs["readonly"] = True
        field.help_text = _("Confirmed by the website you came from.")
        if self.is_bound:
            self.data = self.data.copy()
            self.data[name] = value

    def clean_subject(self) -> str:
        return one_line(self.cleaned_data["subject"])

    def clean_customer_name(self) -> str:
        return one_line(self.cleaned_data["customer_name"])

    def clean_customer_email(self) -> str:
        return addresses.canonical(self.cleaned_data["customer_email"])

    def clean(self) -> dict:
        """With a request form: its fields on top of the description, within Tixallo's
        limit, and its name before the subject when the admin asked for it."""
        cleaned = super().clean()
        form = self.request_form
        if form is None or self.errors:
            return cleaned
        cleaned["subject"] = compose.subject(form, cleaned["subject"])
        described = compose.describe(form, cleaned, cleaned["description"])
        if (over := len(described) - types.DESCRIPTION_MAX) > 0:
            too_long = ngettext(
                "With this form's fields it is %(over)d character too long: please shorten it.",
                "With this form's fields it is %(over)d characters too long: please shorten it.",
                over,
            )
            self.add_error("description", forms.ValidationError(
                too_long, code="max_length", params={"over": over}
            ))  # fmt: skip
        cleaned["description"] = described
        return cleaned


class ReplyForm(IdempotentForm):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=types.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class SignInForm(HumanForm):
    action_field = "email"
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=types.EMAIL_MAX,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    # A bookmarked request opened signed out: the link leads back to it.
    ticket = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_email(self) -> str:
        return addresses.canonical(self.cleaned_data["email"])

    def clean_ticket(self) -> str:
        return ticket_id_or_blank(self.cleaned_data["ticket"])


def ticket_id_or_blank(value: str) -> str:
    """A ticket id as the ticket page's URL takes it; anything else is dropped (never an
    error: it only says where to go after signing in)."""
    return value if TICKET_ID.fullmatch(value) else ""
