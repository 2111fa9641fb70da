"""Each page's <meta name="description">: what it is, with the portal's name (search
engines and link previews show it; Lighthouse asks for one)."""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

register = template.Library()

TICKET = gettext_lazy("A request to %(portal)s: its conversation and status.")
# By the page's URL name; any other page (after sending, 404, setup) gets the default.
DESCRIPTIONS = {
    "submit": gettext_lazy("Send %(portal)s a support request and follow the answers online."),
    "mine": gettext_lazy("Your requests to %(portal)s: their status and the answers."),
    "signin": gettext_lazy("Your requests to %(portal)s: their status and the answers."),
    "ticket": TICKET,
    "link": TICKET,
    # A reply or "This is solved" answered with the request's page (a text to check, a wait).
    "reply": TICKET,
    "reply-link": TICKET,
    "solve": TICKET,
    "solve-link": TICKET,
}
DEFAULT = gettext_lazy("%(portal)s: ask for help and follow your requests online.")


@register.simple_tag(takes_context=True)
def page_description(context: template.Context) -> str:
    match = getattr(context.get("request"), "resolver_match", None)
    text = DESCRIPTIONS.get(match.url_name if match else "", DEFAULT)
    return text % {"portal": context.get("portal_name") or _("Support portal")}
