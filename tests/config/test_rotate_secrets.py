"""Rotating the encryption key of stored secrets."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError

from portal.config import crypto
from portal.config.current import portal_config
from portal.config.models import PortalSettings
from portal.config.origins import url_origin

pytestmark = pytest.mark.django_db


def test_it_re_encrypts_with_the_newest_key_so_the_old_one_can_go(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.TIXALLO_API_KEY = ""
    settings.PORTAL_ENCRYPTION_KEYS = [old]
    origin = url_origin(settings.TIXALLO_BASE_URL)  # a saved key is bound to its host
    PortalSettings(api_key_encrypted=crypto.encrypt("tx_live_abcd"), api_key_origin=origin).save()
    settings.PORTAL_ENCRYPTION_KEYS = [new, old]
    call_command("rotate_secrets")
    settings.PORTAL_ENCRYPTION_KEYS = [new]
    assert portal_config().api_key == "tx_live_abcd"


def test_it_refuses_when_the_old_key_is_already_gone(settings):
    settings.PORTAL_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    PortalSettings(api_key_encrypted=crypto.encrypt("tx_live_abcd")).save()
    settings.PORTAL_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(CommandError, match="keep the old key"):
        call_command("rotate_secrets")
