"""One canonical form of an email address (`portal.tixallo.addresses`): NFKC, case-folded,
the domain in IDNA form; used by the forms, identity tokens, webhooks, rate limits and the
ownership check alike."""

import pytest

from portal.customers import ratelimit
from portal.tickets.forms import SignInForm
from portal.tixallo.addresses import canonical, spelled_canonically


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("  Kim@Example.COM ", "kim@example.com"),
        ("\u212aim@example.com", "kim@example.com"),  # KELVIN SIGN
        ("\uff4b\uff49\uff4d@example.com", "kim@example.com"),  # fullwidth letters
        ("Stra\u00dfe@example.com", "strasse@example.com"),
        ("anna@B\u00fccher.Example", "anna@xn--bcher-kva.example"),
        ("anna@xn--bcher-kva.example", "anna@xn--bcher-kva.example"),
        ("no-at-sign", "no-at-sign"),
        ("a@" + "x" * 70 + ".com", "a@" + "x" * 70 + ".com"),  # IDNA refuses: kept as is
    ],
)
def test_the_canonical_form(written, expected):
    assert canonical(written) == expected
    assert canonical(expected) == expected  # stable


def test_what_is_spelled_canonically():
    assert spelled_canonically("Kim@Example.com")  # only case differs
    assert spelled_canonically("anna@bücher.example")  # the domain's IDNA form is fine
    assert not spelled_canonically("\u212aim@example.com")
    assert not spelled_canonically("stra\u00dfe@example.com")


def test_form_input_is_canonical():
    form = SignInForm({"email": "\u212aIM@Example.com", "started": "0", "website": ""})
    form.is_valid()
    assert form.cleaned_data.get("email") == "kim@example.com"


@pytest.mark.django_db
def test_rate_limits_count_every_spelling_as_one(settings):
    settings.RATE_LIMITS = {"s": {"address": (9, 60), "email": (1, 60)}}
    assert ratelimit.email_wait("s", "kim@example.com") == 0
    assert ratelimit.email_wait("s", "\u212aim@example.com") > 0
