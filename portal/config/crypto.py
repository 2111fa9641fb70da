"""Secrets at rest: Fernet with the keys from PORTAL_ENCRYPTION_KEYS (newest first).

Rotation: put a new key first, keep the old ones after it, run
`manage.py rotate_secrets`, then drop the old keys. Without the variable, one key
is derived from SECRET_KEY (so changing SECRET_KEY needs the same dance)."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class CannotDecrypt(Exception):
    """The stored value was encrypted with a key that is no longer configured."""


def _fernet() -> MultiFernet:
    keys = settings.PORTAL_ENCRYPTION_KEYS or [_derived_key()]
    return MultiFernet([Fernet(key) for key in keys])


def _derived_key() -> bytes:
    digest = hashlib.sha256(b"portal.config.crypto:" + settings.SECRET_KEY.encode()).digest()
    return base64.urlsafe_b64encode(digest)


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise CannotDecrypt(
            "a stored secret cannot be decrypted with the configured keys"
        ) from None


def rotate(token: str) -> str:
    """The same secret encrypted with the newest key."""
    return _fernet().rotate(token.encode()).decode() if token else ""
