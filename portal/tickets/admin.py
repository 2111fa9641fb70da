from django import forms
from django.contrib import admin
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from portal.tickets import status
from portal.tickets.models import LANGUAGE_FIELDS, StatusWording
from portal.tixallo.types import STATUSES

OTHER = "__other__"


class StatusWordingForm(forms.ModelForm):
    """Tixallo's six statuses as a choice (an unknown one Tixallo sends may be typed); a
    wording per language, an empty one keeps that language's default (the placeholder)."""

    status = forms.ChoiceField(label=_("Tixallo status"))
    other_status = forms.SlugField(
        label=_("Another status code"),
        required=False,
        max_length=32,
        help_text=_("Only for a status Tixallo sends that is not in the list."),
    )

    class Meta:
        model = StatusWording
        fields = ["status", "other_status", *(f for pair in LANGUAGE_FIELDS.values() for f in pair)]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        defaults = status.defaults()
        choices = [(code, f"{code} ({defaults[code].label})") for code in STATUSES]
        current = self.instance.status
        if current and current not in STATUSES:
            choices.append((current, current))
        self.fields["status"].choices = [*choices, (OTHER, _("Another code…"))]
        code = current or self.initial.get("status", "")
        for language, (label, expectation) in LANGUAGE_FIELDS.items():
            # Each language's fields show that language's built-in wording as placeholder.
            with translation.override(language):
                shown = status.defaults().get(code)
            if shown:
                self.fields[label].widget.attrs["placeholder"] = shown.label
                self.fields[expectation].widget.attrs["placeholder"] = shown.expectation
            self.fields[label].help_text = _("Empty: the default wording in this language.")
            self.fields[expectation].help_text = _("Empty: the default wording in this language.")

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("status") == OTHER:
            if not cleaned.get("other_status"):
                self.add_error("other_status", _("Type the status code Tixallo sends."))
            else:
                cleaned["status"] = cleaned["other_status"]
                self.instance.status = cleaned["status"]
        return cleaned


@admin.register(StatusWording)
class StatusWordingAdmin(admin.ModelAdmin):
    form = StatusWordingForm
    list_display = ["status", "shown_label", "shown_expectation"]

    # In the admin's language, as customers using it see them.
    @admin.display(description=_("what customers see"))
    def shown_label(self, obj: StatusWording) -> str:
        label = status.wording(obj.status).label
        if obj.texts().get(status.language(), ("", ""))[0]:
            return label
        return _("%(wording)s (default)") % {"wording": label}

    @admin.display(description=_("what happens next"))
    def shown_expectation(self, obj: StatusWording) -> str:
        return status.wording(obj.status).expectation
