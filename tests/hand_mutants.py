"""Hand-made mutants for what mutmut skips: functions under a decorator
(`@sensitive_variables` on `signature.verify` and `identity.verify`).

    uv run python -m tests.hand_mutants

Each mutant is one textual change; the script applies it, runs the tests that guard
that module, records whether they failed (killed) and puts the file back, whatever
happens. It prints a table and exits 1 when a mutant survives.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIGNATURE = "portal/webhooks/signature.py"
IDENTITY = "portal/customers/identity.py"
TESTS = {
    SIGNATURE: ["tests/webhooks/test_signature.py", "tests/webhooks/test_receiver.py"],
    IDENTITY: ["tests/customers/test_identity.py"],
}
MUTANTS = [
    (SIGNATURE, "now - timestamp > TOLERANCE", "now - timestamp >= TOLERANCE"),
    (SIGNATURE, "now - timestamp > TOLERANCE", "now - timestamp > TOLERANCE + 1"),
    (SIGNATURE, "timestamp - now > CLOCK_SKEW", "timestamp - now >= CLOCK_SKEW"),
    (SIGNATURE, "timestamp - now > CLOCK_SKEW", "timestamp - now > CLOCK_SKEW + 1"),
    (SIGNATURE, 'f"{timestamp}.".encode() + body', 'f"{timestamp}".encode() + body'),
    (SIGNATURE, "hashlib.sha256", "hashlib.sha1"),
    (SIGNATURE, "hmac.new(secret.encode()", "hmac.new(b''"),
    (
        SIGNATURE,
        'hmac.compare_digest(expected, v1.encode("utf-8", "replace"))',
        'expected.startswith(v1.encode("utf-8", "replace"))',
    ),
    (SIGNATURE, "not any(", "not all("),
    (SIGNATURE, 'raise BadSignature("signature does not match")', "pass"),
    (SIGNATURE, 'raise BadSignature("signature timestamp too old")', "pass"),
    (SIGNATURE, 'raise BadSignature("signature timestamp in the future")', "pass"),
    (IDENTITY, 'raise Refused("no identity verification secret is configured")', "pass"),
    (IDENTITY, '"require": ["exp", "iat", "email"]', '"require": ["exp", "email"]'),
    (IDENTITY, '"require": ["exp", "iat", "email"]', '"require": ["iat", "email"]'),
    (IDENTITY, "leeway=LEEWAY", "leeway=LEEWAY * 10"),
    (IDENTITY, "leeway=LEEWAY", "leeway=0"),
    (IDENTITY, "expires - issued > MAX_LIFETIME", "expires - issued >= MAX_LIFETIME"),
    (IDENTITY, "expires - issued > MAX_LIFETIME", "expires - issued > MAX_LIFETIME + 1"),
    (IDENTITY, "MAX_LIFETIME or expires", "MAX_LIFETIME and expires"),
    (IDENTITY, "expires - time.time() > MAX_LIFETIME", "False"),
    (IDENTITY, 'Identity(_email(claims.get("email"))', 'Identity(claims.get("email")'),
    (IDENTITY, '_name(claims.get("name", ""))', 'claims.get("name", "")'),
    (IDENTITY, 'raise Refused(f"{type(error).__name__}: {error}") from None', "raise"),
]


def killed(path: str, before: str, after: str) -> bool:
    file = ROOT / path
    original = file.read_text()
    if original.count(before) != 1:
        raise SystemExit(f"{path}: {before!r} must occur exactly once")
    file.write_text(original.replace(before, after))
    try:
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *TESTS[path]],
            cwd=ROOT, capture_output=True, timeout=600,
        )  # fmt: skip
    finally:
        file.write_text(original)
    return run.returncode != 0


def main() -> int:
    results = [(path, before, after, killed(path, before, after)) for path, before, after in
               MUTANTS]  # fmt: skip
    for path, before, after, dead in results:
        print(f"{'killed  ' if dead else 'SURVIVED'} {Path(path).name}: {before} -> {after}")
    for path in TESTS:
        mine = [dead for p, _, _, dead in results if p == path]
        print(f"{path}: {sum(mine)}/{len(mine)} hand-made mutants killed")
    return 0 if all(dead for *_, dead in results) else 1


if __name__ == "__main__":
    sys.exit(main())
