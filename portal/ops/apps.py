from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "portal.ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from portal.ops import checks  # noqa: F401 - registers the system checks
