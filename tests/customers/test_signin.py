"""Sign-in by email link (/signin/): one-time, expiring, no account enumeration, rate
limited without letting anyone spend someone else's budget."""

import re

import pytest
from django.core import mail

from portal.customers import ratelimit
from tests.factories import emailed_link, new_ticket, ticket_link

pytestmark = pytest.mark.django_db


def ask_for_link(client, email="alex@example.com", **request_extra):
    return client.post("/signin/", {"email": email}, **request_extra)


def test_it_emails_a_link_that_signs_in_after_confirming(client, sandbox):
    new_ticket()
    response = ask_for_link(client, "Alex@Example.com")
    assert response.status_code == 200
    assert "Check your email" in response.content.decode()
    assert mail.outbox[-1].to == ["alex@example.com"]
    link = emailed_link(mail.outbox[-1], "/signin/")
    assert "alex@example.com" in client.get(link).content.decode()  # GET only asks
    assert client.get("/tickets/").status_code == 302  # not signed in yet
    response = client.post(link)
    assert response.status_code == 302 and response["Location"] == "/tickets/"
    assert "Cannot log in" in client.get("/tickets/").content.decode()


def test_it_sends_html_and_text_versions(client, sandbox):
    ask_for_link(client)
    message = mail.outbox[-1]
    assert "/signin/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "/signin/" in html


def test_it_says_the_same_whether_or_not_the_email_has_tickets(client, sandbox):
    new_ticket("known@example.com")
    known = ask_for_link(client, "known@example.com")
    unknown = ask_for_link(client, "unknown@example.com")
    assert known.status_code == unknown.status_code == 200
    assert len(mail.outbox) == 2  # a link for both: nothing to tell them apart

    def page(response, email):
        text = response.content.decode().replace(email, "X")
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
        return re.sub(r'"X-CSRFToken": "[^"]+"', "", text)

    assert page(known, "known@example.com") == page(unknown, "unknown@example.com")


def test_it_refuses_a_used_link(client, sandbox):
    ask_for_link(client)
    link = emailed_link(mail.outbox[-1], "/signin/")
    client.post(link)
    other = type(client)()
    response = other.post(link)
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert other.get("/tickets/").status_code == 302


def test_a_used_link_says_so_at_once_when_opened(client, sandbox):
    ask_for_link(client)
    link = emailed_link(mail.outbox[-1], "/signin/")
    client.post(link)
    response = type(client)().get(link)
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert "signing in as" not in response.content.decode()


def test_it_refuses_an_expired_link(client, sandbox, settings):
    ask_for_link(client)
    link = emailed_link(mail.outbox[-1], "/signin/")
    settings.SIGNIN_LINK_MAX_AGE = -1
    response = client.post(link)
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert client.get("/tickets/").status_code == 302


def test_it_answers_404_for_a_tampered_link(client, sandbox):
    ask_for_link(client)
    link = emailed_link(mail.outbox[-1], "/signin/")
    tampered = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]
    assert client.get(tampered).status_code == 404
    assert client.post(tampered).status_code == 404


def test_it_rejects_an_invalid_email(client, sandbox):
    response = ask_for_link(client, "not an email")
    assert response.status_code == 422
    assert "Enter a valid email address." in response.content.decode()
    assert mail.outbox == []


def test_it_limits_links_per_email_and_keeps_the_typed_address(client, sandbox, settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {
        "signin": {"address": (100, 3600), "email": (2, 900)}
    }
    assert ask_for_link(client).status_code == 200
    assert ask_for_link(client).status_code == 200
    response = ask_for_link(client)
    assert response.status_code == 429
    assert 'value="alex@example.com"' in response.content.decode()
    assert len(mail.outbox) == 2
    assert ask_for_link(client, "other@example.com").status_code == 200


def test_it_limits_links_per_client_address(client, sandbox, settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {
        "signin": {"address": (2, 3600), "email": (100, 900)}
    }
    for n in range(2):
        assert ask_for_link(client, f"p{n}@example.com").status_code == 200
    assert ask_for_link(client, "p3@example.com").status_code == 429
    assert ask_for_link(client, "p4@example.com", REMOTE_ADDR="10.9.9.9").status_code == 200


def test_it_signs_out(client, sandbox):
    ask_for_link(client)
    client.post(emailed_link(mail.outbox[-1], "/signin/"))
    assert client.get("/tickets/").status_code == 200
    assert client.post("/signout/").status_code == 302
    assert client.get("/tickets/").status_code == 302


def test_it_keeps_header_injection_out_of_the_email(client, sandbox):
    response = ask_for_link(client, "a@example.com\nBcc: victim@example.com")
    assert response.status_code == 422
    assert mail.outbox == []


# --- rate limits ------------------------------------------------------------------------


def test_posts_refused_by_the_address_limit_do_not_spend_the_victims_budget(client, settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {
        "signin": {"address": (1, 3600), "email": (3, 900)}
    }
    attacker = {"REMOTE_ADDR": "203.0.113.9"}
    assert ask_for_link(client, "decoy@example.com", **attacker).status_code == 200
    for _ in range(4):
        refused = ask_for_link(client, "victim@example.com", **attacker)
        assert refused.status_code == 429
    mail.outbox.clear()
    victim = ask_for_link(client, "victim@example.com", REMOTE_ADDR="198.51.100.7")
    assert victim.status_code == 200
    assert [m.to for m in mail.outbox] == [["victim@example.com"]]


def test_a_429_says_the_real_wait(client, settings, monkeypatch):
    monkeypatch.setattr(ratelimit.time, "time", lambda: 3600 * 1000 + 100.0)
    settings.RATE_LIMITS = settings.RATE_LIMITS | {
        "signin": {"address": (1, 3600), "email": (3, 900)}
    }
    ask_for_link(client, "a@example.com")
    response = ask_for_link(client, "a@example.com")
    assert response.status_code == 429
    assert response["Retry-After"] == "3500"
    assert "Please try again in 59 minutes." in response.content.decode()


def test_the_email_budget_is_counted_once_acted_on(client, settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {
        "signin": {"address": (100, 3600), "email": (2, 900)}
    }
    codes = [ask_for_link(client, "A@Example.com ").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_signing_in_as_someone_else_forgets_the_previous_name(client, sandbox):
    session = client.session
    session["customer_email"], session["customer_name"] = "alex@example.com", "Alex Example"
    session.save()
    ask_for_link(client, "sam@example.com")
    link = emailed_link(mail.outbox[-1], "/signin/")
    client.post(link)
    assert "Alex Example" not in client.get("/").content.decode()


def test_it_counts_an_email_with_spaces_against_the_same_limit(client, sandbox, settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {
        "signin": {"address": (100, 3600), "email": (2, 900)}
    }
    codes = [ask_for_link(client, " " * n + "victim@example.com").status_code for n in range(4)]
    assert codes == [200, 200, 429, 429]


def test_after_a_private_link_my_requests_offers_its_email_without_asking(client, sandbox):
    ticket = new_ticket("kim@example.com")
    client.get(ticket_link(ticket.id))
    signin_page = client.get("/tickets/", follow=True).content.decode()
    assert 'value="kim@example.com"' in signin_page
    assert client.get("/tickets/").status_code == 302  # the link signed nobody in
    assert 'value="kim@example.com"' not in type(client)().get("/signin/").content.decode()
