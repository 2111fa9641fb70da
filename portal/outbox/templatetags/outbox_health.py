from django import template

from portal.outbox.health import QueueHealth, queue_health

register = template.Library()


@register.simple_tag
def outbox_health() -> QueueHealth:
    return queue_health()
