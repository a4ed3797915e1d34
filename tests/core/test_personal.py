"""The shared pieces of the apps' declarations of what they keep (``core.personal``)."""

from __future__ import annotations

from buddynet.core import personal
from buddynet.core.models import PersonRecord
from buddynet.matching.models import HandRaise


def test_a_pairs_record_is_declared_once_per_person_with_the_pair_first():
    parts = personal.of_pair(HandRaise, "note", why="why", purpose="support")
    assert [part.person for part in parts] == ["buddy", "participant"]
    for part in parts:
        assert part.fields == (*personal.OWNED, "buddy", "participant", "note")
        assert part.purpose == "support"


def test_a_persons_export_lists_the_files_own_fields_in_their_order():
    assert personal.PERSON[3:-2] == PersonRecord.FIELDS
    assert set(PersonRecord.CONTACT_FIELDS) <= set(PersonRecord.FIELDS)
