"""Emails to customers, through Django's email framework (text and HTML): what became
of a new request (`acknowledge`), an agent's answer, a sign-in link.

A request's emails go out once each however often they are asked for (a conditional
UPDATE of the submission's timestamp, `Submission.mark_once`), in the customer's
language, with links on the portal's address the request came through. A mail server
that is down must not cost the customer their page: failures are logged and the page
goes on (the link is on the page as well)."""

import logging

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from portal.config.current import portal_config
from portal.customers import access
from portal.outbox.models import Submission
from portal.telemetry import metrics

log = logging.getLogger("portal.email")


def acknowledge(submission: Submission) -> None:
    """For a new request, the email saying where it stands: filed (its number and the
    private link), waiting for the customer to confirm their email (the link to do so),
    or received and queued (its reference). Nothing for a reply."""
    if submission.kind != Submission.Kind.TICKET:
        return
    if submission.state == Submission.State.DELIVERED:
        _ticket_confirmation(submission)
    elif submission.state == Submission.State.HELD:
        _confirm_request(submission)
    else:
        _received(submission)


def _ticket_confirmation(submission: Submission) -> None:
    """The ticket number and private link, sent once per ticket."""
    if not submission.mark_once("confirmed_at"):
        return
    token = access.ticket_link_token(submission.ticket_id)
    context = {
        "number": submission.ticket_number,
        "subject": submission.sent.subject,
        "link": _link(submission, reverse("tickets:link", args=[token])),
    }
    with translation.override(submission.language):  # the customer's, not the worker's
        title = _("We've received your request #%(number)s") % {"number": context["number"]}
        _send(submission.customer_email, title, "emails/ticket_confirmation", context)


def _confirm_request(submission: Submission) -> None:
    """The "please confirm your request" email for a held submission, sent once."""
    if not submission.mark_once("confirm_asked_at"):
        return
    token = access.confirm_request_token(submission.reference)
    context = {
        "subject": submission.sent.subject,
        "link": _link(submission, reverse("tickets:confirm", args=[token])),
        "hours": portal_config().hold_hours,
    }
    with translation.override(submission.language):
        title = _("Please confirm your request")
        _send(submission.customer_email, title, "emails/confirm_request", context)


def _received(submission: Submission) -> None:
    """The "received, reference R-…" email, sent once however often the form is sent."""
    if not submission.mark_once("received_mailed_at"):
        return
    context = {"reference": submission.reference, "subject": submission.sent.subject}
    with translation.override(submission.language):
        title = _("We've received your request (%(reference)s)") % context
        _send(submission.customer_email, title, "emails/received", context)


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


def send_signin_link(to: str, link: str, minutes: int) -> bool:
    context = {"link": link, "minutes": minutes}
    return _send(to, _("Your sign-in link"), "emails/signin_link", context)


def send_ticket_link(to: str, number: int | None, subject: str, link: str) -> bool:
    """A fresh private link, asked for on the page of an expired one."""
    context = {"number": number, "subject": subject, "link": link}
    title = _("A fresh link to your request #%(number)s") % {"number": number}
    return _send(to, title, "emails/ticket_link", context)


def _link(submission: Submission, path: str) -> str:
    """A link on the portal's address the request came through (PORTAL_URL when set)."""
    return submission.site_url.rstrip("/") + path


def _send(to: str, subject: str, template: str, context: dict[str, object]) -> bool:
    message = EmailMultiAlternatives(
        subject=subject, body=render_to_string(f"{template}.txt", context), to=[to]
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    try:
        message.send()
    except Exception as error:  # any mail failure: log it, keep the page
        log.error("Could not send %r: %s", template, type(error).__name__)
        metrics.email(template, sent=False)
        return False
    metrics.email(template, sent=True)
    return True
