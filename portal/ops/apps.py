from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "portal.ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from portal.ops import checks  # noqa: F401 - registers the system checks
        from portal.telemetry import metrics
        from portal.tixallo import client

        # Each answer from Tixallo counted for /metrics and the health page.
        client.report_to(metrics.tixallo_answered)
