"""The admin form for the portal settings. Secrets are write-only: a replace field
that never renders a value back, and a "remove" box. What the environment sets is
shown read-only."""

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.config import branding, crypto
from portal.config.models import PortalSettings
from portal.config.origins import origin_of
from portal.tixallo import client

SECRETS = ("api_key", "webhook_secret", "identity_secret")
ENV_NAMES = {
    "api_key": "TIXALLO_API_KEY",
    "base_url": "TIXALLO_BASE_URL",
    "webhook_secret": "TIXALLO_WEBHOOK_SECRET",
    "identity_secret": "PORTAL_IDENTITY_SECRET",
    "allowed_origins": "PORTAL_ALLOWED_ORIGINS",
    "portal_url": "PORTAL_URL",
}
# Who sees what and where customers' links and tokens go: these need the permission
# "change connection and security settings"; the rest (the look, wordings, priorities,
# emails) only the plain change permission.
SECURITY_FIELDS = (
    "base_url",
    "api_key",
    "remove_api_key",
    "portal_url",
    "hold_unverified",
    "hold_hours",
    "ticket_link_days",
    "session_idle_days",
    "session_max_days",
    "webhook_secret",
    "remove_webhook_secret",
    "allowed_origins",
    "identity_secret",
    "remove_identity_secret",
)
LOGO_MAX_BYTES = 256 * 1024
LOGO_TYPES = {  # magic bytes, not the browser's say-so
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}


def from_environment(name: str) -> bool:
    """True when the environment (or the sandbox) sets this field: it wins over admin."""
    return bool(getattr(settings, ENV_NAMES[name]))


def secret_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )


class PortalSettingsForm(forms.ModelForm):
    security_locked = False  # True for staff without "change connection and security settings"
    api_key = secret_field(_("Tixallo API key"))
    remove_api_key = forms.BooleanField(label=_("Remove the API key"), required=False)
    webhook_secret = secret_field(_("Webhook signing secret"))
    remove_webhook_secret = forms.BooleanField(label=_("Remove the webhook secret"), required=False)
    identity_secret = secret_field(_("Identity verification secret"))
    remove_identity_secret = forms.BooleanField(
        label=_("Remove the identity secret"), required=False
    )
    logo_file = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG or GIF, at most 256 KB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/gif"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    class Meta:
        model = PortalSettings
        fields = [
            # The model's own security fields (not the write-only secrets and their boxes).
            *[n for n in SECURITY_FIELDS if n not in SECRETS and not n.startswith("remove_")],
            "portal_name",
            "accent_colour",
            "support_email",
            "footer_text",
            "allow_priority",
            "default_priority",
            "email_agent_answers",
        ]
        widgets = {"allowed_origins": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: object, **kwargs: object) -> None:
        # Only self.fields (this form's copies) change here: the class's fields are
        # shared by every request.
        super().__init__(*args, **kwargs)
        for name in SECRETS:
            self.fields[name].help_text = secret_status(self.instance, name)
        for name, variable in ENV_NAMES.items():
            if from_environment(name):
                self._show_environment(name, variable)
            elif name == "base_url" and from_environment("api_key"):
                # The base URL belongs to the key: with the key in the environment, so is it.
                self.fields[name].disabled, self.fields[name].required = True, False
                self.fields[name].help_text = _("Set by the environment (%(var)s).") % {
                    "var": "TIXALLO_API_KEY, TIXALLO_BASE_URL"
                }
        if self.instance.logo:
            self.fields["logo_file"].help_text = current_logo(self.instance)
        if self.security_locked:
            self._lock_security()

    def _lock_security(self) -> None:
        """Shown, not editable: a disabled field keeps its saved value whatever is posted."""
        for name in SECURITY_FIELDS:
            field = self.fields[name]
            field.disabled, field.required = True, False
            field.help_text = format_html(
                "{} {}", field.help_text, _("Only staff allowed to change connection and "
                                            "security settings may change this.")
            )  # fmt: skip

    def _show_environment(self, name: str, variable: str) -> None:
        """Read-only, with the value in force: a secret masked to its last four characters."""
        field = self.fields[name]
        field.disabled, field.required = True, False
        value = getattr(settings, variable)
        if name in SECRETS:
            field.widget = forms.TextInput(attrs={"readonly": True, "autocomplete": "off"})
            value = "…" + value[-4:]
        else:
            field.help_text = _("Set by the environment (%(var)s).") % {"var": variable}
            if name == "base_url":  # a plain box: admin's URL widget adds a "Change:" field
                field.widget = forms.URLInput(attrs={"size": 60})
        self.initial[name] = "\n".join(value) if isinstance(value, list | tuple) else value

    def clean_base_url(self) -> str:
        url = self.cleaned_data["base_url"].strip()
        if url:
            try:
                client.base_url(client.Connection(url, ""))
            except client.Misconfigured:
                raise forms.ValidationError(
                    _("Use an https:// address (plain http:// only for this machine).")
                ) from None
        return url.rstrip("/")

    def clean_portal_url(self) -> str:
        url = self.cleaned_data["portal_url"].strip().rstrip("/")
        if url and not origin_of(url):
            raise forms.ValidationError(
                _("Write the address like https://support.example.com (no path).")
            )
        return origin_of(url) if url else ""

    def clean_allowed_origins(self) -> str:
        # One origin a line: a line is quoted whole when it is not one (never split at spaces).
        lines = [line.strip() for line in self.cleaned_data["allowed_origins"].splitlines()]
        lines = [line for line in lines if line]
        if bad := [line for line in lines if not origin_of(line)]:
            raise forms.ValidationError(
                _("Not an origin: %(bad)s. Write one a line, like https://www.example.com "
                  "(no path).") % {"bad": ", ".join(f"“{line}”" for line in bad)}
            )  # fmt: skip
        return "\n".join(dict.fromkeys(origin_of(line) for line in lines))

    def clean_accent_colour(self) -> str:
        colour = self.cleaned_data["accent_colour"].strip()
        if colour and not branding.HEX.fullmatch(colour):
            raise forms.ValidationError(_("Use a colour like #2456c8."))
        return colour.lower()

    def clean_logo_file(self) -> tuple[bytes, str] | None:
        upload = self.cleaned_data.get("logo_file")
        if not upload:
            return None
        if upload.size > LOGO_MAX_BYTES:
            raise forms.ValidationError(_("The logo must be at most 256 KB."))
        head = upload.read(8)
        kind = next((t for magic, t in LOGO_TYPES.items() if head.startswith(magic)), None)
        if not kind:
            raise forms.ValidationError(_("The logo must be a PNG, JPEG or GIF image."))
        return head + upload.read(), kind


def removable(obj: PortalSettings | None) -> set[str]:
    """The "remove" boxes worth showing: for what is saved here (not in the environment)."""
    if obj is None:
        return set()
    saved = {
        f"remove_{name}"
        for name in SECRETS
        if getattr(obj, f"{name}_encrypted") and not from_environment(name)
    }
    return saved | ({"remove_logo"} if obj.logo else set())


def current_logo(obj: PortalSettings) -> str:
    """The logo in force, shown above the upload field (admin renders help text as HTML)."""
    return format_html(
        '<img src="{}" alt="{}" height="48" class="current-logo"><br>{}',
        reverse("brand-logo", args=[obj.logo_version]),
        _("The current logo"),
        _("Upload another to replace it (PNG, JPEG or GIF, at most 256 KB), or remove it below."),
    )


def secret_status(obj: PortalSettings, name: str) -> str:
    """What the admin may know of a secret: whether it is set, and its last four characters."""
    if from_environment(name):
        return _("Set by the environment (%(var)s); it cannot be changed here.") % {
            "var": ENV_NAMES[name]
        }
    token = getattr(obj, f"{name}_encrypted", "")
    if not token:
        return _("Not set.")
    try:
        value = crypto.decrypt(token)
    except crypto.CannotDecrypt:
        return _("Set, but it cannot be decrypted with the current keys: enter it again.")
    return _("Set, ends in …%(tail)s. Type a new value to replace it.") % {"tail": value[-4:]}
