import hashlib
from datetime import UTC, datetime

from django import forms, template
from django.template.defaultfilters import date as format_date
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html, urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from portal.tickets.forms import PRIORITY_CHOICES
from portal.tickets.status import Wording, wording
from portal.tickets.timewords import ago

register = template.Library()


@register.filter
def message_text(text: str) -> SafeString:
    """Plain text from Tixallo as HTML: escaped, line breaks kept, URLs linked safely."""
    linked = urlize(text, nofollow=True, autoescape=True)
    linked = linked.replace('rel="nofollow"', 'rel="noopener nofollow"')
    return mark_safe(linebreaksbr(linked, autoescape=False))  # noqa: S308 - escaped above


@register.simple_tag
def when(moment: datetime | None) -> str:
    """ "2 hours ago" (in words that read naturally in German too), with the exact time on
    hover."""
    if moment is None:
        return ""
    moment = in_utc(moment)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        machine_time(moment),
        format_date(moment, "DATETIME_FORMAT"),
        ago(moment),
    )


def in_utc(moment: datetime) -> datetime:
    """Tixallo's times are UTC: one sent without an offset is taken as such."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def machine_time(moment: datetime) -> str:
    """A valid HTML datetime: UTC with "Z" and at most 3 fraction digits (Tixallo's times
    may carry any number, and any offset, such as "+05:30:15", that HTML does not take)."""
    spec = "milliseconds" if moment.microsecond else "seconds"
    return in_utc(moment).replace(tzinfo=None).isoformat(timespec=spec) + "Z"


@register.filter
def status_wording(status: str) -> Wording:
    return wording(status)


@register.filter
def priority_label(priority: str) -> str:
    """The form's wording for a priority; an unknown one as it is."""
    return str(dict(PRIORITY_CHOICES).get(priority, priority))


@register.filter
def fields_key(form: forms.Form) -> str:
    """For an unbound form: a key naming everything its visible fields show (form,
    language, labels, attributes, initial values, whether required, a request form's
    options), so their HTML can be kept (`{% cache %}` in tickets/_fields.html); "" for a
    bound form, and for one prefilled with text (`?subject=`, a signed-in email), drawn
    every time: a visitor could otherwise add a cache entry per value they type."""
    if form.is_bound or any(_typed(f.field, f.value()) for f in form.visible_fields()):
        return ""
    seen = [
        (f.name, str(f.label), str(f.help_text), f.field.widget.attrs, f.value(),
         f.field.required, [(v, str(label)) for v, label in getattr(f.field, "choices", ())])
        for f in form.visible_fields()
    ]  # fmt: skip
    text = repr((type(form).__name__, get_language(), seen))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _typed(field: forms.Field, value: object) -> bool:
    """A value from outside a bounded set: text, or a choice the field doesn't offer."""
    if value in (None, ""):
        return False
    if isinstance(field, forms.ChoiceField):
        return str(value) not in {str(key) for key, _label in field.choices}
    return True
