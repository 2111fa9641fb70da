from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "portal.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from portal.customers import sessions  # noqa: F401 - notes when staff sign in
