from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "portal.tickets"
    label = "tickets"
    verbose_name = "Tickets"

    def ready(self) -> None:
        from portal.tickets import status  # noqa: F401 - connects the wordings' cache drop
