from django.apps import AppConfig


class SharedConfig(AppConfig):
    name = "portal.shared"
    label = "shared"
    verbose_name = "Shared state"
