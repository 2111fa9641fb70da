"""Who may see what (`portal.customers.access`): one-time expiring sign-in links, signed
ticket links, the session's verified email."""

import pytest
from django.core import signing
from django.http import Http404

from portal.customers import access
from tests.factories import new_ticket, request_with_session


@pytest.mark.django_db
def test_every_sign_in_link_works_once_for_anyone():
    first, second, third = (access.signin_token(e) for e in ("a@x.com", "b@x.com", "a@x.com"))
    assert access.redeem_signin_token(first).email == "a@x.com"
    assert access.redeem_signin_token(second).email == "b@x.com"
    assert access.redeem_signin_token(third).email == "a@x.com"
    for used in (first, second, third):
        with pytest.raises(access.LinkUsed):
            access.redeem_signin_token(used)


@pytest.mark.django_db
def test_sign_in_links_expire_and_forgeries_are_404(settings):
    token = access.signin_token("a@x.com")
    assert access.peek_signin_token(token) == access.SignInLink("a@x.com", "", used=False)
    settings.SIGNIN_LINK_MAX_AGE = -1
    with pytest.raises(access.LinkExpired):
        access.peek_signin_token(token)
    settings.SIGNIN_LINK_MAX_AGE = 60
    forged = [
        token + "x",
        signing.dumps({"e": "a@x.com", "n": "1"}, salt="other"),
        signing.dumps({"e": "a@x.com"}, salt=access.SIGNIN_SALT),
        signing.dumps({"n": "1"}, salt=access.SIGNIN_SALT),
        signing.dumps(["a@x.com", "1"], salt=access.SIGNIN_SALT),
        signing.dumps({"e": "a@x.com", "n": "1", "t": 7}, salt=access.SIGNIN_SALT),
    ]
    for bad in forged:
        with pytest.raises(Http404):
            access.redeem_signin_token(bad)


@pytest.mark.django_db
def test_a_peek_tells_a_used_link_and_where_it_leads():
    token = access.signin_token("a@x.com", "tkt_7")
    assert access.peek_signin_token(token) == access.SignInLink("a@x.com", "tkt_7", used=False)
    assert access.redeem_signin_token(token).ticket_id == "tkt_7"
    assert access.peek_signin_token(token).used


@pytest.mark.django_db
def test_ticket_links_carry_only_a_string_id():
    assert access.ticket_id_from_link(access.ticket_link_token("tkt_1")) == "tkt_1"
    for bad in ("nope", signing.dumps(7, salt=access.TICKET_LINK_SALT),
                signing.dumps("tkt_1", salt="other")):  # fmt: skip
        with pytest.raises(Http404):
            access.ticket_id_from_link(bad)


@pytest.mark.django_db
def test_who_may_see_a_ticket(sandbox):
    ticket = new_ticket("Alex@Example.com")
    owner, stranger = request_with_session("alex@example.com"), request_with_session("b@x.com")
    assert access.copy_for(owner, ticket.id).value.id == ticket.id
    assert access.copy_for(stranger, ticket.id, via_link=True).value.id == ticket.id
    for request in (stranger, request_with_session()):
        with pytest.raises(Http404):
            access.copy_for(request, ticket.id)
    with pytest.raises(Http404):
        access.copy_for(owner, "tkt_does_not_exist")
    with pytest.raises(Http404):  # the API answered for another id than asked
        access.copy_for(owner, ticket.id.upper())


def test_the_pages_after_a_submission_name_their_reference_by_their_own_salt():
    assert access.reference_from_filed_token(access.filed_token("R-1")) == "R-1"
    assert access.reference_from_saved_token(access.saved_token("R-2")) == "R-2"
    assert signing.loads(access.saved_token("R-2"), salt="tickets.received") == "R-2"
    assert signing.loads(access.filed_token("R-1"), salt="tickets.submitted") == "R-1"
    forged = ("nope", access.filed_token("R-1"), signing.dumps(7, salt=access.SAVED_SALT))
    for bad in forged:  # a filed page's address names no saved page, and back
        with pytest.raises(Http404):
            access.reference_from_saved_token(bad)
    with pytest.raises(Http404):
        access.reference_from_filed_token(access.saved_token("R-2"))


@pytest.mark.django_db
def test_signing_in_normalises_and_signing_out_forgets():
    request = request_with_session()
    assert access.verified_email(request) == ""
    access.sign_in(request, "Alex@Example.COM")
    assert access.verified_email(request) == "alex@example.com"
    request.session[access.SESSION_NAME] = "Alex"
    access.sign_in(request, "alex@example.com")
    assert request.session[access.SESSION_NAME] == "Alex"  # same customer: kept
    access.sign_out(request)
    assert access.verified_email(request) == ""
