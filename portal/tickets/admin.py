from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.tickets import status
from portal.tickets.models import StatusWording
from portal.tixallo.types import STATUSES

OTHER = "__other__"


class StatusWordingForm(forms.ModelForm):
    """Tixallo's six statuses as a choice (an unknown one Tixallo sends may be typed);
    empty wordings keep the defaults, shown as placeholders, in every language."""

    status = forms.ChoiceField(label=_("Tixallo status"))
    other_status = forms.SlugField(
        label=_("Another status code"),
        required=False,
        max_length=32,
        help_text=_("Only for a status Tixallo sends that is not in the list."),
    )

    class Meta:
        model = StatusWording
        fields = ["status", "other_status", "label", "expectation"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        defaults = status.defaults()
        choices = [(code, f"{code} ({defaults[code].label})") for code in STATUSES]
        current = self.instance.status
        if current and current not in STATUSES:
            choices.append((current, current))
        self.fields["status"].choices = [*choices, (OTHER, _("Another code…"))]
        shown = defaults.get(current or self.initial.get("status", ""))
        if shown:
            self.fields["label"].widget.attrs["placeholder"] = shown.label
            self.fields["expectation"].widget.attrs["placeholder"] = shown.expectation
        self.fields["label"].help_text = _("Empty: the default wording, in each language.")
        self.fields["expectation"].help_text = _("Empty: the default wording, in each language.")

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

    @admin.display(description=_("what customers see"))
    def shown_label(self, obj: StatusWording) -> str:
        return obj.label or _("%(wording)s (default)") % {
            "wording": status.wording(obj.status).label
        }

    @admin.display(description=_("what happens next"))
    def shown_expectation(self, obj: StatusWording) -> str:
        return obj.expectation or status.wording(obj.status).expectation
