from datetime import datetime

from django import template

from portal.ops import health
from portal.tickets import timewords

register = template.Library()


@register.inclusion_tag("admin/ops/health_link.html")
def health_link() -> dict[str, int]:
    """The admin index's link to the Health page, with how many parts need a look."""
    return {"attention": health.attention(health.report())}


@register.filter
def ago(moment: datetime) -> str:
    """ "just now", "3 minutes ago", "vor 2 Stunden": the customer pages' words."""
    return timewords.ago(moment)
