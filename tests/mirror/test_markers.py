"""Change markers (`portal.mirror.markers`) and copies as deployed stores hold them: a
ticket's marker stored as a plain tuple, and copies pickled before a field was renamed,
must read as before (an upgrade keeps the shared store and Redis)."""

import pickle

import pytest

from portal.mirror import markers, reads
from portal.mirror.copies import Copy
from portal.mirror.markers import TicketMark
from portal.shared import store
from tests.factories import api_requests, new_ticket

pytestmark = pytest.mark.django_db

# A Copy as the release before the rename pickled it (its last field was `fetch`).
COPY_BEFORE_THE_RENAME = (
    b"\x80\x05\x95l\x00\x00\x00\x00\x00\x00\x00\x8c\x14portal.mirror.copies\x94\x8c\x04Copy"
    b"\x94\x93\x94(C\x00\x94GA\xd9T\xfc@\x00\x00\x00K\x05K\x07\x86\x94\x8c\x02fp\x94GA\xd9T"
    b"\xfc?\xc0\x00\x00\x8c\x00\x94\x8c\x05tkt_1\x94\x8c\x0fada@example.com\x94\x8c\x06abc123"
    b"\x94t\x94\x81\x94."
)


def test_a_marker_is_stored_as_the_plain_tuple_older_releases_read():
    markers.ticket_changed("tkt_1", 1700000000.0)
    stored = store.get(markers.ticket_key("tkt_1"))
    assert type(stored) is tuple
    assert TicketMark.of(stored).changed_at == 1700000000.0


def test_a_tuple_marker_from_before_reads_by_name():
    mark = TicketMark.of((42, 1699999999.0, 1700000001.0))
    assert (mark.version, mark.changed_at, mark.heard_at) == (42, 1699999999.0, 1700000001.0)
    assert TicketMark.of(None) == TicketMark(0, None, None)


def test_a_tuple_marker_from_before_keeps_its_heard_time_and_moves_on(sandbox):
    key = markers.ticket_key("tkt_1")
    store.set(key, (42, 1699999999.0, 1700000001.0))  # as written before the rename
    markers.ticket_changed("tkt_1", None, public=False)  # an internal note: only heard
    assert store.get(key) == (42, 1699999999.0, 1700000001.0)
    markers.forget_ticket("tkt_1")
    version, changed_at, heard_at = store.get(key)
    assert version > 42 and changed_at is None and heard_at == 1700000001.0


def test_a_copy_current_under_an_old_tuple_marker_is_still_served(sandbox):
    ticket = new_ticket()
    copy = reads.ticket_copy(ticket.id)
    key = markers.ticket_key(ticket.id)
    store.set(key, tuple(store.get(key) or (0, None, None)))  # as an older release wrote it
    before = api_requests(sandbox)
    assert reads.ticket_copy(ticket.id) == copy
    assert api_requests(sandbox) == before


def test_a_copy_pickled_before_the_rename_reads_with_its_fetch_id():
    copy = pickle.loads(COPY_BEFORE_THE_RENAME)  # our own bytes
    assert copy == Copy(
        b"", 1700000000.0, (5, 7), "fp", 1699999999.0, "", "tkt_1", "ada@example.com", "abc123"
    )
    assert copy.fetch_id == "abc123" and copy.versions == (5, 7)


def test_a_copy_is_pickled_by_position_so_renamed_fields_read_alike(sandbox):
    copy = reads.ticket_copy(new_ticket().id)
    blob = pickle.dumps(copy, pickle.HIGHEST_PROTOCOL)
    assert b"fetch_id" not in blob and b"versions" not in blob
    assert pickle.loads(blob) == copy  # our own bytes
