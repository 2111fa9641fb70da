from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestFormsConfig(AppConfig):
    name = "portal.requestforms"
    label = "requestforms"
    verbose_name = _("Request forms")

    def ready(self) -> None:
        from portal.requestforms import catalogue  # noqa: F401 - connects its cache drop
