from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from portal.tixallo.types import STATUSES


class StatusWording(models.Model):
    """How the portal words a Tixallo status for customers; missing ones use the defaults."""

    status = models.CharField(
        _("Tixallo status"),
        max_length=32,
        unique=True,
        help_text=format_lazy(
            _("One of {statuses}, or any other value Tixallo sends."), statuses=", ".join(STATUSES)
        ),
    )
    # Empty: the default wording, in the customer's language.
    label = models.CharField(_("what customers see"), max_length=60, blank=True)
    expectation = models.CharField(_("what happens next"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("status wording")
        verbose_name_plural = _("status wordings")
        ordering = ["status"]

    def __str__(self) -> str:
        return f"{self.status} → {self.label}"
