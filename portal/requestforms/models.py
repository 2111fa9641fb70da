from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from portal.config.models import PRIORITY_WORDS

# "" and "ask" leave the priority to the settings or the customer; a word fixes it.
PRIORITY_CHOICE = [
    ("", _("As in the portal settings")),
    ("ask", _("Customers choose")),
    *[(word, format_lazy(_("Always {p}"), p=label)) for word, label in PRIORITY_WORDS],
]


class RequestForm(models.Model):
    """A kind of request with its own fields. English texts are required; an empty
    German one shows the English."""

    slug = models.SlugField(
        _("short name in links"), unique=True, help_text=_("For ?form=… and data-form.")
    )
    name = models.CharField(_("name"), max_length=80)
    name_de = models.CharField(_("name (German)"), max_length=80, blank=True)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    help_text_de = models.CharField(_("help text (German)"), max_length=300, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("offered to customers"), default=True)
    priority = models.CharField(
        _("priority"), max_length=10, blank=True, choices=PRIORITY_CHOICE, default=""
    )
    prefix_subject = models.BooleanField(
        _("put the form's name before the subject"),
        default=False,
        help_text=_('For example "Billing question: Charged twice", for agents to sort by.'),
    )

    class Meta:
        verbose_name = _("request form")
        verbose_name_plural = _("request forms")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class FormField(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        LONG_TEXT = "long_text", _("Long text")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        CHOICE = "choice", _("Choice (a list)")
        CHECKBOX = "checkbox", _("Checkbox")

    form = models.ForeignKey(RequestForm, models.CASCADE, related_name="fields")
    order = models.PositiveIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    label = models.CharField(_("label"), max_length=80)
    label_de = models.CharField(_("label (German)"), max_length=80, blank=True)
    help = models.CharField(_("help"), max_length=200, blank=True)
    help_de = models.CharField(_("help (German)"), max_length=200, blank=True)
    required = models.BooleanField(_("required"), default=False)
    options = models.TextField(
        _("options"), blank=True, help_text=_("For a choice: one option per line.")
    )
    options_de = models.TextField(
        _("options (German)"),
        blank=True,
        help_text=_("The same options in the same order, or empty."),
    )

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        options, options_de = lines(self.options), lines(self.options_de)
        if self.kind == self.Kind.CHOICE and not options:
            raise ValidationError({"options": _("A choice needs at least one option.")})
        if options_de and len(options_de) != len(options):
            raise ValidationError({"options_de": _("Give as many options as in English.")})


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]
