from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from portal.tixallo.types import STATUSES

# Each language's pair of fields (settings.LANGUAGES); English keeps the fields that
# were there before wordings had languages.
LANGUAGE_FIELDS = {"en": ("label", "expectation"), "de": ("label_de", "expectation_de")}


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
    # A text per language; an empty one is the built-in wording in that language.
    label = models.CharField(_("what customers see (English)"), max_length=60, blank=True)
    expectation = models.CharField(_("what happens next (English)"), max_length=200, blank=True)
    label_de = models.CharField(_("what customers see (German)"), max_length=60, blank=True)
    expectation_de = models.CharField(_("what happens next (German)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("status wording")
        verbose_name_plural = _("status wordings")
        ordering = ["status"]

    def __str__(self) -> str:
        return f"{self.status} → {self.label}"

    def texts(self) -> dict[str, tuple[str, str]]:
        """Language code → (label, expectation), either "" where the admin wrote none."""
        return {code: (getattr(self, label), getattr(self, expectation))
                for code, (label, expectation) in LANGUAGE_FIELDS.items()}  # fmt: skip
