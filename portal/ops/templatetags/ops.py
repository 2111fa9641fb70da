from django import template

from portal.ops import health

register = template.Library()


@register.inclusion_tag("admin/ops/health_link.html")
def health_link() -> dict[str, int]:
    """The admin index's link to the Health page, with how many parts need a look."""
    return {"attention": health.attention(health.report())}
