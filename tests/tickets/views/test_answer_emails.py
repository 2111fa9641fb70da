"""The answer-emails switch's own view (`views.answer_emails`, URL names "emails" and
"emails-link"); its behaviour is pinned in tests/tickets/test_answer_emails.py."""

from django.urls import resolve, reverse

from portal.customers import access
from portal.tickets.views import answer_emails


def test_it_is_what_both_answer_emails_urls_resolve_to():
    token = access.ticket_link_token("tkt_1")
    assert reverse("tickets:emails", args=["tkt_1"]) == "/tickets/tkt_1/answer-emails/"
    assert reverse("tickets:emails-link", args=[token]) == f"/t/{token}/answer-emails/"
    paths = ("/tickets/tkt_1/answer-emails/", f"/t/{token}/answer-emails/")
    for path in (*paths, "/embed/tickets/tkt_1/answer-emails/"):
        assert resolve(path).func is answer_emails.answer_emails
