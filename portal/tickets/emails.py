"""Emails to customers, through Django's email framework (text and HTML).

A mail server that is down must not cost the customer their page: failures are
logged and the page goes on (the link is on the page as well)."""

import logging

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from portal.telemetry import metrics

log = logging.getLogger("portal.email")


def send_ticket_confirmation(to: str, number: int | None, subject: str, link: str) -> bool:
    context = {"number": number, "subject": subject, "link": link}
    title = _("We've received your request #%(number)s") % {"number": number}
    return _send(to, title, "emails/ticket_confirmation", context)


def send_received(to: str, reference: str, subject: str) -> bool:
    context = {"reference": reference, "subject": subject}
    title = _("We've received your request (%(reference)s)") % {"reference": reference}
    return _send(to, title, "emails/received", context)


def send_answer(
    to: str, number: int | None, subject: str, body: str, author: str, link: str
) -> bool:
    """An agent's public answer (body), or, without one, the news that it is solved."""
    context = {"number": number, "subject": subject, "body": body, "author": author, "link": link}
    if body:
        title = _("New reply to your request #%(number)s") % {"number": number}
    else:
        title = _("Your request #%(number)s is solved") % {"number": number}
    return _send(to, title, "emails/answer", context)


def send_confirm_request(to: str, subject: str, link: str, hours: int) -> bool:
    context = {"subject": subject, "link": link, "hours": hours}
    return _send(to, _("Please confirm your request"), "emails/confirm_request", context)


def send_signin_link(to: str, link: str, minutes: int) -> bool:
    context = {"link": link, "minutes": minutes}
    return _send(to, _("Your sign-in link"), "emails/signin_link", context)


def _send(to: str, subject: str, template: str, context: dict[str, object]) -> bool:
    message = EmailMultiAlternatives(
        subject=subject, body=render_to_string(f"{template}.txt", context), to=[to]
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    try:
        message.send()
    except Exception as error:  # noqa: BLE001 - any mail failure: log it, keep the page
        log.error("Could not send %r: %s", template, type(error).__name__)
        metrics.email(template, sent=False)
        return False
    metrics.email(template, sent=True)
    return True
