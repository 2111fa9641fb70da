from datetime import datetime

from django import template

from portal.ops import health
from portal.tickets import timewords

register = template.Library()


@register.inclusion_tag("admin/ops/health_link.html", takes_context=True)
def health_link(context: template.Context) -> dict[str, object]:
    """The admin index's link to the Health page, with how many parts need a look; for
    staff who may see that page only."""
    if not context["request"].user.has_perm(health.PERMISSION):
        return {"shown": False}
    return {"shown": True, "attention": health.attention(health.report())}


@register.filter
def ago(moment: datetime) -> str:
    """ "just now", "3 minutes ago", "vor 2 Stunden": the customer pages' words."""
    return timewords.ago(moment)
