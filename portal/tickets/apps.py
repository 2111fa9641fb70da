from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "portal.tickets"
    label = "tickets"
    verbose_name = "Tickets"
