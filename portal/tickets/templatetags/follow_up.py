"""{% rating_box %} and {% answer_emails_box %} on a request's page (tickets.follow_up)."""

from django import template

from portal.tickets import follow_up

register = template.Library()


@register.inclusion_tag("tickets/_rating.html", takes_context=True)
def rating_box(context: template.Context) -> dict:
    return follow_up.rating_context(context["request"], context["ticket"], context["url"])


@register.inclusion_tag("tickets/_answer_emails.html", takes_context=True)
def answer_emails_box(context: template.Context) -> dict:
    return follow_up.answer_emails_context(context["request"], context["ticket"], context["url"])
