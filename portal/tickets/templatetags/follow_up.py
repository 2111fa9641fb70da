"""{% rating_box %} and {% answer_emails_box %} on a request's page (tickets.follow_up)."""

from django import template

from portal.tickets import follow_up

register = template.Library()


@register.inclusion_tag("tickets/_rating.html", takes_context=True)
def rating_box(context: template.Context, into_slot: bool = False) -> dict:
    """`into_slot`: drawn by a poll, out of band into the empty slot an open request's
    page keeps for it (once swapped, the slot is gone and later polls change nothing,
    so a comment being typed stays)."""
    found = follow_up.rating_context(context["request"], context["ticket"], context["url"])
    return found | {"into_slot": into_slot}


@register.inclusion_tag("tickets/_answer_emails.html", takes_context=True)
def answer_emails_box(context: template.Context) -> dict:
    return follow_up.answer_emails_context(context["request"], context["ticket"], context["url"])
