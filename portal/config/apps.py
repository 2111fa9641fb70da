from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConfigConfig(AppConfig):
    name = "portal.config"
    label = "config"
    verbose_name = _("Portal configuration")

    def ready(self) -> None:
        from portal.config import checks  # noqa: F401 - registers the deploy checks
        from portal.config.current import connection
        from portal.tixallo import client

        # The client connects where the configuration in force says (admin may change it).
        client.use_connection(connection)
