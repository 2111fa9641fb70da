"""The hardening system checks (`portal.config.checks`, portal.W001–W009); the operational
ones (W010 and up) are in tests/ops/test_checks.py."""

import pytest
from django.core import checks

pytestmark = pytest.mark.django_db


def _deploy_warnings() -> set[str]:
    return {m.id for m in checks.run_checks(include_deployment_checks=True)}


def test_check_deploy_warns_about_a_generated_key_and_no_portal_url(settings):
    settings.PORTAL_SANDBOX, settings.DEBUG = False, False
    settings.SECRET_KEY_GENERATED, settings.PORTAL_URL = True, ""
    assert {"portal.W001", "portal.W002"} <= _deploy_warnings()
    settings.SECRET_KEY_GENERATED, settings.PORTAL_URL = False, "https://support.example.com"
    assert not {"portal.W001", "portal.W002"} & _deploy_warnings()
