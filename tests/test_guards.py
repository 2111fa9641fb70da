"""Tests that would fail if the guards broke: each kills mutants that survived the
review's mutation run (issue 9), in the modules that protect customers:
webhooks/signature.py, tickets/access.py, embed/identity.py, tickets/ratelimit.py and
tixallo/client.py. `uv run mutmut run` (README: "Mutation testing") reruns them."""

import hashlib
import hmac
import time

import jwt
import pytest
from django.core import signing
from django.core.cache import cache
from django.http import Http404
from django.test import RequestFactory

from portal.customers import access, identity, ratelimit
from portal.mirror import budget
from portal.tixallo import client
from portal.tixallo.errors import (
    CircuitOpen,
    Misconfigured,
    NotFound,
    RateLimited,
    TixalloError,
    Unavailable,
)
from portal.webhooks import signature
from tests.helpers import api_requests, new_ticket, set_faults

SECRET = "whsec_guard"
NOW = 1_800_000_000


def _v1(body: bytes, timestamp: int, secret: str = SECRET) -> str:
    signed = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


# --- webhooks/signature.py -------------------------------------------------------------------


@pytest.mark.parametrize("cut", [1, 32, 63])
def test_a_truncated_signature_is_refused(cut):
    good = _v1(b"{}", NOW)
    with pytest.raises(signature.BadSignature, match="does not match"):
        signature.verify(b"{}", f"t={NOW},v1={good[:cut]}", SECRET, NOW)
    with pytest.raises(signature.BadSignature, match="does not match"):
        signature.verify(b"{}", f"t={NOW},v1={good}0", SECRET, NOW)


def test_the_signature_is_over_timestamp_dot_body_with_the_secret():
    signature.verify(b"{}", f"t={NOW},v1={_v1(b'{}', NOW)}", SECRET, NOW)
    for wrong in (_v1(b"{}", NOW, "other"), _v1(b"{} ", NOW), _v1(b"{}", NOW + 1)):
        with pytest.raises(signature.BadSignature):
            signature.verify(b"{}", f"t={NOW},v1={wrong}", SECRET, NOW)


def test_the_time_window_is_exact():
    for now in (NOW + signature.TOLERANCE, NOW - signature.CLOCK_SKEW):
        signature.verify(b"{}", f"t={NOW},v1={_v1(b'{}', NOW)}", SECRET, now)
    with pytest.raises(signature.BadSignature, match="too old"):
        signature.verify(b"{}", f"t={NOW},v1={_v1(b'{}', NOW)}", SECRET, NOW + 301)
    with pytest.raises(signature.BadSignature, match="future"):
        signature.verify(b"{}", f"t={NOW},v1={_v1(b'{}', NOW)}", SECRET, NOW - 6)


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        ("", "missing"),
        ("t=1", "no v1"),
        ("v1=ab", "one t="),
        ("t=1,t=2,v1=ab", "one t="),
        ("t=x1,v1=ab", "one t="),
        ("t=١٢,v1=ab", "one t="),  # digits, but not ASCII ones
        ("t=1234567890123,v1=ab", "one t="),
        ("t=1,v1", "malformed"),
        ("t=1,v1=", "malformed"),
        ("t=1," + "v1=ab," * 700 + "v1=ab", "malformed"),
    ],
)
def test_malformed_headers_say_why(header, problem):
    with pytest.raises(signature.BadSignature, match=problem):
        signature.parse(header)


def test_parse_keeps_every_v1_and_ignores_other_schemes():
    assert signature.parse(" t=12 , v0=zz, v1=aa,v1=bb") == (12, ["aa", "bb"])
    assert signature.parse("t=123456789012,v1=a") == (123456789012, ["a"])
    assert len("t=1,v1=" + "a" * 4089) == signature.MAX_HEADER
    assert signature.parse("t=1,v1=" + "a" * 4089)[1] == ["a" * 4089]


# --- tickets/access.py --------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_sign_in_link_works_once_for_anyone():
    first, second, third = (access.signin_token(e) for e in ("a@x.com", "b@x.com", "a@x.com"))
    assert access.redeem_signin_token(first) == "a@x.com"
    assert access.redeem_signin_token(second) == "b@x.com"
    assert access.redeem_signin_token(third) == "a@x.com"
    for used in (first, second, third):
        with pytest.raises(access.LinkUsed):
            access.redeem_signin_token(used)


@pytest.mark.django_db
def test_sign_in_links_expire_and_forgeries_are_404(settings):
    token = access.signin_token("a@x.com")
    assert access.peek_signin_token(token) == "a@x.com"
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
    ]
    for bad in forged:
        with pytest.raises(Http404):
            access.redeem_signin_token(bad)


def test_ticket_links_carry_only_a_string_id():
    assert access.ticket_id_from_link(access.ticket_link_token("tkt_1")) == "tkt_1"
    for bad in ("nope", signing.dumps(7, salt=access.TICKET_LINK_SALT),
                signing.dumps("tkt_1", salt="other")):  # fmt: skip
        with pytest.raises(Http404):
            access.ticket_id_from_link(bad)


def _request_with_session(email: str = ""):
    from django.contrib.sessions.backends.signed_cookies import SessionStore

    request = RequestFactory().get("/")
    request.session = SessionStore()
    if email:
        request.session[access.SESSION_EMAIL] = email
    return request


@pytest.mark.django_db
def test_who_may_see_a_ticket(sandbox):
    ticket = new_ticket("Alex@Example.com")
    owner, stranger = _request_with_session("alex@example.com"), _request_with_session("b@x.com")
    assert access.ticket_for(owner, ticket.id).id == ticket.id
    assert access.ticket_for(stranger, ticket.id, via_link=True).id == ticket.id
    for request in (stranger, _request_with_session()):
        with pytest.raises(Http404):
            access.ticket_for(request, ticket.id)
    with pytest.raises(Http404):
        access.ticket_for(owner, "tkt_does_not_exist")
    with pytest.raises(Http404):  # the API answered for another id than asked
        access.ticket_for(owner, ticket.id.upper())


@pytest.mark.django_db
def test_signing_in_normalises_and_signing_out_forgets():
    request = _request_with_session()
    assert access.verified_email(request) == ""
    access.sign_in(request, "Alex@Example.COM")
    assert access.verified_email(request) == "alex@example.com"
    request.session[access.SESSION_NAME] = "Alex"
    access.sign_in(request, "alex@example.com")
    assert request.session[access.SESSION_NAME] == "Alex"  # same customer: kept
    access.sign_out(request)
    assert access.verified_email(request) == ""


# --- embed/identity.py ----------------------------------------------------------------------------


def _token(key: str = "k" * 32, **claims: object) -> str:
    now = int(time.time())
    return jwt.encode(
        {"email": "a@example.com", "iat": now, "exp": now + 300} | claims, key, algorithm="HS256"
    )


def test_a_token_at_the_exact_lifetime_limit_is_accepted_one_second_more_is_not():
    now = int(time.time())
    assert identity.verify(_token(iat=now, exp=now + 3600), "k" * 32).email == "a@example.com"
    with pytest.raises(identity.Refused, match="lives longer"):
        identity.verify(_token(iat=now, exp=now + 3601), "k" * 32)
    with pytest.raises(identity.Refused, match="lives longer"):  # issued a while ago
        identity.verify(_token(iat=now - 100, exp=now + 3501), "k" * 32)
    with pytest.raises(identity.Refused, match="lives longer"):  # "issued" in a few seconds
        identity.verify(_token(iat=now + 25, exp=now + 3620), "k" * 32)


def test_expiry_has_only_the_leeway():
    now = int(time.time())
    identity.verify(_token(iat=now - 300, exp=now - 10), "k" * 32)  # within 30 s of leeway
    for past in (35, 120):
        with pytest.raises(identity.Refused, match="Expired"):
            identity.verify(_token(iat=now - 300, exp=now - past), "k" * 32)


def test_numeric_string_times_are_refused_or_read_as_numbers_never_a_crash():
    now = int(time.time())
    for claims in ({"exp": str(now + 60)}, {"iat": str(now)}, {"exp": "soon"}, {"exp": None}):
        try:
            identity.verify(_token(**claims), "k" * 32)
        except identity.Refused:
            pass


@pytest.mark.parametrize(
    "email", [123, None, ["a@example.com"], "not-an-email", "a" * 250 + "@x.com", "\ud800@x.com"]
)
def test_only_a_real_short_email_claim_is_accepted(email):
    with pytest.raises(identity.Refused, match="email"):
        identity.verify(_token(email=email), "k" * 32)


def test_claims_are_normalised_and_the_name_is_optional_text():
    spaced = identity.verify(_token(email="A@Example.COM", name="  Alex \n Ex  "), "k" * 32)
    assert spaced == identity.Identity("a@example.com", "Alex Ex")
    long_name = identity.verify(_token(name="n" * 500), "k" * 32).name
    assert long_name == "n" * client.NAME_MAX
    with pytest.raises(identity.Refused, match="name claim"):
        identity.verify(_token(name=42), "k" * 32)


def test_no_secret_refuses_and_other_keys_or_algorithms_are_refused():
    with pytest.raises(identity.Refused, match="no identity"):
        identity.verify(_token(), "")
    with pytest.raises(identity.Refused):
        identity.verify(_token("x" * 32), "k" * 32)
    unsigned = jwt.encode({"email": "a@example.com", "iat": 1, "exp": 2}, None, algorithm="none")
    with pytest.raises(identity.Refused):
        identity.verify(unsigned, "k" * 32)
    for missing in ("exp", "iat", "email"):
        now = int(time.time())
        claims = {"email": "a@example.com", "iat": now, "exp": now + 60}
        del claims[missing]
        with pytest.raises(identity.Refused):
            identity.verify(jwt.encode(claims, "k" * 32, algorithm="HS256"), "k" * 32)


def test_the_demo_secret_exists_only_with_the_sandbox(settings):
    from portal.config.current import portal_config

    settings.PORTAL_IDENTITY_SECRET = ""
    settings.PORTAL_SANDBOX = False
    assert identity.secret(_config(portal_config, "")) == ""
    settings.PORTAL_SANDBOX = True
    assert identity.secret(_config(portal_config, "")) == identity.DEMO_SECRET
    assert identity.secret(_config(portal_config, "mine")) == "mine"


def _config(portal_config, secret):
    import dataclasses

    from portal.config.current import PortalConfig

    fields = {f.name: "" for f in dataclasses.fields(PortalConfig)}
    return PortalConfig(**fields | {"identity_secret": secret, "allowed_origins": ()})


@pytest.mark.django_db
def test_a_vouched_identity_lasts_while_it_is_who_is_signed_in():
    request = _request_with_session()
    assert identity.vouched(request) is None and identity.locked_fields(request) == {}
    identity.remember(request, identity.Identity("a@example.com", "Alex"))
    assert identity.vouched(request) == identity.Identity("a@example.com", "Alex")
    assert identity.locked_fields(request) == {
        "customer_email": "a@example.com",
        "customer_name": "Alex",
    }
    access.sign_in(request, "b@example.com")  # someone else signed in by email link
    assert identity.vouched(request) is None


def test_mint_signs_short_lived_tokens():
    claims = jwt.decode(identity.mint("a@x.com", "A", "k" * 32), "k" * 32, algorithms=["HS256"])
    assert claims["exp"] - claims["iat"] == 300 and claims["email"] == "a@x.com"


# --- tickets/ratelimit.py -------------------------------------------------------------------------


def test_the_email_budget_ignores_case_and_spaces():
    assert ratelimit.hit("s", " A@X.com", (1, 60)) == 0
    assert ratelimit.hit("s", "a@x.com", (1, 60)) > 0


def test_scopes_and_subjects_have_separate_budgets():
    assert ratelimit.hit("one", "x", (1, 60)) == 0
    assert ratelimit.hit("two", "x", (1, 60)) == 0
    assert ratelimit.hit("one", "y", (1, 60)) == 0
    assert ratelimit.hit("one", "x", (1, 60)) > 0


def test_the_limit_allows_exactly_its_hits_then_the_rest_of_the_window(monkeypatch):
    monkeypatch.setattr(ratelimit.time, "time", lambda: 600 * 5000 + 45.5)
    assert [ratelimit.hit("w", "x", (3, 600)) for _ in range(4)] == [0, 0, 0, 555]
    monkeypatch.setattr(ratelimit.time, "time", lambda: 600 * 5001 + 1.0)  # the next window
    assert ratelimit.hit("w", "x", (3, 600)) == 0


def test_an_evicted_counter_counts_the_hit_as_the_first(monkeypatch):
    from django.core.cache import cache

    def evicted(*args, **kwargs):
        raise ValueError("gone")

    monkeypatch.setattr(cache, "incr", evicted)
    assert ratelimit.hit("e", "x", (1, 60)) == 0
    monkeypatch.undo()
    assert ratelimit.hit("e", "x", (1, 60)) > 0  # the fallback stored that first hit


def test_the_scope_limits_come_from_the_settings(settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"reply": {"address": (1, 60), "email": (2, 60)}}
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1")
    assert ratelimit.address_wait("reply", request) == 0
    assert ratelimit.address_wait("reply", request) > 0
    assert [ratelimit.email_wait("reply", "a@x.com") > 0 for _ in range(3)] == [False] * 2 + [True]


# --- tixallo/client.py ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.5/api/v1",
        "http://192.168.1.2/api/v1",
        "http://172.16.0.1/api/v1",
        "http://169.254.169.254/latest",
        "http://localhost.evil.example/api",
        "http://[fd00::1]/api",
        "ftp://127.0.0.1/api",
        "https:///nohost",
    ],
)
def test_plain_http_carries_the_key_only_to_loopback(url):
    with pytest.raises(Misconfigured):
        client.base_url(client.Connection(url, "k"))


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "127.8.9.1", "[::1]", "localhost", "LOCALHOST", "api.localhost"]
)
def test_loopback_hosts_may_use_plain_http(host):
    conn = client.Connection(f"http://{host}:8100/api/v1/", "k")
    assert client.base_url(conn) == f"http://{host}:8100/api/v1"


@pytest.mark.django_db
@pytest.mark.parametrize("ticket_id", ["", ".", "..", "x" * 201, "a\nb", "\x00"])
def test_odd_ids_are_refused_before_any_request(sandbox, ticket_id):
    before = api_requests(sandbox)
    with pytest.raises(NotFound):
        client.get_ticket(ticket_id)
    with pytest.raises(NotFound):
        client.add_message(ticket_id, body="x", customer_email="a@x.com")
    assert api_requests(sandbox) == before


@pytest.mark.django_db
def test_a_reply_sent_again_with_its_key_is_one_message(sandbox):
    ticket = new_ticket()
    key = client.new_idempotency_key()
    set_faults(sandbox, next=["drop"])  # Tixallo takes it, the answer is lost
    client.add_message(ticket.id, body="Thanks!", customer_email="alex@example.com",
                       idempotency_key=key)  # fmt: skip
    client.add_message(ticket.id, body="Thanks!", customer_email="alex@example.com",
                       idempotency_key=key)  # fmt: skip
    messages = [m for m in client.get_ticket(ticket.id).messages if m.body == "Thanks!"]
    assert len(messages) == 1


def test_backoff_doubles_with_jitter_up_to_the_cap(settings, monkeypatch):
    settings.TIXALLO_RETRY_BASE_DELAY = 1.0
    error = Unavailable("x")
    monkeypatch.setattr(client.random, "uniform", lambda low, high: high)
    assert [client._backoff(n, error) for n in (1, 2, 3, 4, 9)] == [1.0, 2.0, 4.0, 4.0, 4.0]
    monkeypatch.setattr(client.random, "uniform", lambda low, high: low)
    assert [client._backoff(n, error) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 2.0]
    assert client._backoff(1, RateLimited("x", retry_after=7.5)) == 7.5
    assert client._backoff(3, RateLimited("x", retry_after=0.1)) == 2.0
    assert client._backoff(1, RateLimited("x", retry_after=None)) == 0.5


@pytest.mark.django_db
def test_the_retry_budget_bounds_the_attempts(sandbox, settings):
    set_faults(sandbox, force_status=503)
    settings.TIXALLO_RETRY_BUDGET = 0.0
    before = api_requests(sandbox)
    with pytest.raises(Unavailable):
        client.list_tickets()
    assert api_requests(sandbox) - before == 1
    settings.TIXALLO_RETRY_BUDGET = 30.0
    settings.TIXALLO_RETRY_BASE_DELAY = 0.0
    before = api_requests(sandbox)
    with pytest.raises(Unavailable):
        client.list_tickets()
    assert api_requests(sandbox) - before == client.MAX_ATTEMPTS


@pytest.mark.django_db
def test_a_429_counts_as_a_failure_for_the_breaker(sandbox, settings):
    settings.TIXALLO_BREAKER_FAILURES = 2
    settings.TIXALLO_RETRY_BUDGET = 0.0
    set_faults(sandbox, force_status=429)
    for _ in range(2):
        with pytest.raises(RateLimited):
            client.list_tickets()
        cache.delete(budget.PAUSED_UNTIL)  # the shared 429 pause has tests of its own
    set_faults(sandbox)
    before = api_requests(sandbox)
    with pytest.raises(CircuitOpen):
        client.list_tickets()
    assert api_requests(sandbox) == before  # not called while open


@pytest.mark.django_db
def test_a_success_closes_the_count(sandbox, settings):
    settings.TIXALLO_BREAKER_FAILURES = 2
    settings.TIXALLO_RETRY_BUDGET = 0.0
    set_faults(sandbox, next=["500"])
    with pytest.raises(Unavailable):
        client.list_tickets()
    client.list_tickets()  # a success forgets the failure
    set_faults(sandbox, next=["500"])
    with pytest.raises(Unavailable):
        client.list_tickets()
    client.list_tickets()  # still closed


@pytest.mark.django_db
def test_errors_are_named_by_status(sandbox):
    named = {401: "AuthFailed", 403: "AuthFailed", 404: "NotFound", 409: "TixalloError",
             422: "Invalid", 503: "Unavailable"}  # fmt: skip
    for status, kind in named.items():
        set_faults(sandbox, force_status=status)
        with pytest.raises(TixalloError) as raised:
            client.check_connection(client.connection())
        assert type(raised.value).__name__ == kind and raised.value.status == status


def test_the_auth_never_shows_the_key_in_its_repr():
    assert repr(client.BearerAuth("tx_secret_value")) == "BearerAuth(***)"
