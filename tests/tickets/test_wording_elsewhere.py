"""An admin's edit made in another process (another gunicorn worker) reaches this one
within the store's read-through second, without Redis: the wordings and the portal
settings are kept per process under a version in the shared store."""

import pytest

from portal.config.current import portal_config
from portal.tickets import status
from tests import processes

pytestmark = pytest.mark.django_db(transaction=True)  # rows the other process sees

EDIT_WORDING = """
from portal.tickets.models import StatusWording
wording, _ = StatusWording.objects.get_or_create(status="pending")  # gone after a flush
wording.label = "Your turn"
wording.save()
"""

EDIT_SETTINGS = """
from portal.config.current import load_row
row = load_row()
row.portal_name = "Help at Example"
row.save()
"""


def test_a_wording_edited_elsewhere_is_used_here(monkeypatch):
    assert status.wording("pending").label == "Waiting for your reply"  # kept here now
    processes.run(EDIT_WORDING)
    processes.after_read_through(monkeypatch)
    assert status.wording("pending").label == "Your turn"


def test_settings_saved_elsewhere_are_used_here(monkeypatch):
    assert portal_config().portal_name != "Help at Example"  # kept here now
    processes.run(EDIT_SETTINGS)
    processes.after_read_through(monkeypatch)
    assert portal_config().portal_name == "Help at Example"
