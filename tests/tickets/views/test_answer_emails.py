"""The answer-emails switch's own view (`views.answer_emails`, URL names "emails" and
"emails-link"); its behaviour is pinned in tests/tickets/test_answer_emails.py."""

from portal.tickets.views import answer_emails
from tests.tickets.views.routes import assert_routes


def test_it_is_what_both_answer_emails_urls_resolve_to():
    assert_routes("emails", "emails-link", "answer-emails/", answer_emails.answer_emails)
