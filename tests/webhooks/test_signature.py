"""Webhook signatures (`portal.webhooks.signature`): HMAC-SHA256 over "timestamp.body",
exact time window, strict header parsing. Pinned to the mutants the review's mutation run
left alive (issue 9); `uv run python -m tests.hand_mutants` reruns them by hand."""

import hashlib
import hmac

import pytest

from portal.webhooks import signature

SECRET = "whsec_guard"


NOW = 1_800_000_000


def _v1(body: bytes, timestamp: int, secret: str = SECRET) -> str:
    signed = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


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
