from datetime import datetime, timedelta

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.ops import health

register = template.Library()


@register.inclusion_tag("admin/ops/health_link.html")
def health_link() -> dict[str, int]:
    """The admin index's link to the Health page, with how many parts need a look."""
    return {"attention": health.attention(health.report())}


@register.filter
def ago(moment: datetime) -> str:
    """ "just now", "3 minutes ago", "vor 2 Stunden": humanize's words, never "0 minutes ago"."""
    if abs(timezone.now() - moment) < timedelta(minutes=1):
        return _("just now")
    return naturaltime(moment)
