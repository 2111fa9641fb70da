"""The `Tixallo-Signature` header, Stripe's scheme: `t=<unix seconds>,v1=<hex>` where v1 is
HMAC-SHA256 over "<t>.<raw body>" keyed with the webhook secret. While Tixallo rotates its
secret a header carries several v1 values; one match is enough.

ASSUMPTION (part B of shared/tixallo-api.md): the header's name and format.
"""

import hashlib
import hmac

from django.views.decorators.debug import sensitive_variables

HEADER = "Tixallo-Signature"
TOLERANCE = 300  # seconds a signed delivery stays good: replays after that are refused
# A signature from the future would stay good for longer than TOLERANCE. A sender whose
# clock runs a few seconds ahead is not an attack, so that much is allowed.
CLOCK_SKEW = 5
MAX_HEADER = 4096


class BadSignature(Exception):
    """Why a delivery is refused, in words safe to answer and to log: never the secret,
    never the signature."""


@sensitive_variables("secret")  # error reporters that record locals skip these
def verify(body: bytes, header: str, secret: str, now: float) -> None:
    """Return quietly for a delivery signed with `secret` within the time window."""
    timestamp, candidates = parse(header)
    if now - timestamp > TOLERANCE:
        raise BadSignature("signature timestamp too old")
    if timestamp - now > CLOCK_SKEW:
        raise BadSignature("signature timestamp in the future")
    signed = f"{timestamp}.".encode() + body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest().encode()
    # Bytes on both sides: compare_digest refuses non-ASCII text, and a header may hold any.
    if not any(hmac.compare_digest(expected, v1.encode("utf-8", "replace")) for v1 in candidates):
        raise BadSignature("signature does not match")


def parse(header: str) -> tuple[int, list[str]]:
    """The timestamp and every v1 value; other schemes (v0, later ones) are ignored."""
    if not header:
        raise BadSignature(f"missing {HEADER} header")
    if len(header) > MAX_HEADER:
        raise BadSignature(f"malformed {HEADER} header")
    stamps, candidates = [], []
    for item in header.split(","):
        key, sep, value = item.strip().partition("=")
        if not sep or not value:
            raise BadSignature(f"malformed {HEADER} header")
        if key == "t":
            stamps.append(value)
        elif key == "v1":
            candidates.append(value)
    if len(stamps) != 1 or not (stamps[0].isascii() and stamps[0].isdigit()) or len(stamps[0]) > 12:
        raise BadSignature(f"malformed {HEADER} header: one t=<unix seconds> expected")
    if not candidates:
        raise BadSignature(f"malformed {HEADER} header: no v1 signature")
    return int(stamps[0]), candidates
