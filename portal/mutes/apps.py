from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MutesConfig(AppConfig):
    name = "portal.mutes"
    label = "mutes"
    verbose_name = _("Muted answer emails")
