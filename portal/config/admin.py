from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from portal.config import connection_check, crypto
from portal.config.current import DEFAULT_BASE_URL, load_row
from portal.config.forms import (
    SECRETS,
    SECURITY_FIELDS,
    PortalSettingsForm,
    from_environment,
    removable,
)
from portal.config.models import PortalSettings
from portal.config.origins import url_origin
from portal.config.snippet import iframe_html, snippet_html

SECURITY_PERMISSION = "config.change_security_settings"


@admin.register(PortalSettings)
class PortalSettingsAdmin(admin.ModelAdmin):
    form = PortalSettingsForm
    change_form_template = "admin/config/portalsettings/change_form.html"
    fieldsets = [
        (gettext_lazy("Tixallo"), {"fields": ["base_url", "api_key", "remove_api_key"]}),
        (gettext_lazy("Portal"), {"fields": ["portal_url", "hold_unverified", "hold_hours"]}),
        (gettext_lazy("Links and sign-in"), {"fields": ["ticket_link_days", "session_idle_days",
                                                        "session_max_days"]}),
        (gettext_lazy("Webhooks"), {"fields": ["webhook_secret", "remove_webhook_secret"]}),
        (gettext_lazy("Embedding"), {"fields": ["allowed_origins", "identity_secret",
                                                "remove_identity_secret"]}),
        (gettext_lazy("Branding"), {"fields": ["portal_name", "logo_file", "remove_logo",
                                               "accent_colour", "support_email", "footer_text"]}),
        (gettext_lazy("Submit form"), {"fields": ["allow_priority", "default_priority"]}),
        (gettext_lazy("Emails"), {"fields": ["email_agent_answers"]}),
    ]  # fmt: skip

    def get_fieldsets(self, request: HttpRequest, obj: PortalSettings | None = None) -> list:
        # No greyed "remove" box when there is nothing to remove (its form field goes too).
        shown = removable(obj)
        return [
            (
                title,
                {
                    "fields": [
                        f for f in opts["fields"] if not f.startswith("remove_") or f in shown
                    ]
                },
            )
            for title, opts in self.fieldsets
        ]

    def get_form(self, request: HttpRequest, obj: object = None, **kwargs: object):
        form = super().get_form(request, obj, **kwargs)
        if request.user.has_perm(SECURITY_PERMISSION):
            return form
        return type(form.__name__, (form,), {"security_locked": True})

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # one row, edited in place

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        return HttpResponseRedirect(reverse("admin:config_portalsettings_change", args=[1]))

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None):
        return load_row() if object_id == "1" else None

    @method_decorator(sensitive_post_parameters(*SECRETS))
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request: HttpRequest, obj: PortalSettings, form, change: bool) -> None:
        # Admin's history names the changed fields (never their values); Health shows
        # the last such change and who made it.
        if set(form.changed_data) & set(SECURITY_FIELDS):
            obj.security_changed_at = timezone.now()
            obj.security_changed_by = request.user.get_username()
        self._bind_key(request, obj, form)
        for name in SECRETS:
            if from_environment(name):
                continue
            if form.cleaned_data.get(f"remove_{name}"):
                setattr(obj, f"{name}_encrypted", "")
            elif form.cleaned_data.get(name):
                setattr(obj, f"{name}_encrypted", crypto.encrypt(form.cleaned_data[name]))
        if form.cleaned_data.get("remove_logo"):
            obj.logo, obj.logo_type = b"", ""
        elif form.cleaned_data.get("logo_file"):
            obj.logo, obj.logo_type = form.cleaned_data["logo_file"]
        obj.save()

    def _bind_key(self, request: HttpRequest, obj: PortalSettings, form) -> None:
        """The key goes only to the host it was saved for: a new host drops the saved one."""
        if from_environment("api_key"):
            return
        origin = url_origin(settings.TIXALLO_BASE_URL or obj.base_url or DEFAULT_BASE_URL)
        if form.cleaned_data.get("api_key"):
            obj.api_key_origin = origin
        elif obj.api_key_encrypted and obj.api_key_origin != origin:
            obj.api_key_encrypted, obj.api_key_origin = "", ""
            self.message_user(
                request,
                gettext("The Tixallo address changed, so the saved API key was removed: it is "
                        "never sent to another host. Enter the key for the new address."),
                messages.WARNING,
            )  # fmt: skip

    def get_urls(self) -> list:
        test = self.admin_site.admin_view(require_POST(self.test_connection))
        return [path("test-connection/", test, name="config_test_connection"), *super().get_urls()]

    def test_connection(self, request: HttpRequest) -> HttpResponse:
        # It calls out with the saved key: for those who may change the settings only.
        if not self.has_change_permission(request):
            raise PermissionDenied
        level, text = connection_check.check()
        self.message_user(request, text, level)
        return HttpResponseRedirect(reverse("admin:config_portalsettings_change", args=[1]))

    def render_change_form(self, request, context, *args, **kwargs):
        context |= {
            "snippet": snippet_html(request),
            "iframe_snippet": iframe_html(request),
            "preview_url": reverse("tickets:submit"),
        }
        return super().render_change_form(request, context, *args, **kwargs)
