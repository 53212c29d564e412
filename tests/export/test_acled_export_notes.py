"""The notes column of the ACLED-style export: description, victims and alleged perpetrator
as separate sentences."""

from __future__ import annotations

import pytest

from rescuewatch.export.acled import _notes


@pytest.mark.parametrize(("description", "expected"), [
    # a UCDP headline ends without a full stop: the perpetrator ran on from it
    ("Shelling kills official", "Shelling kills official. Perpetrator as alleged by ucdp: A."),
    ("Shelling killed two.", "Shelling killed two. Perpetrator as alleged by ucdp: A."),
    ("  ", "Perpetrator as alleged by ucdp: A."),
])
def test_notes_are_sentences(description: str, expected: str) -> None:
    assert _notes(description, None, "A", "ucdp") == expected
    assert _notes(None, None, None, None) is None


def test_notes_name_victim_categories_in_words() -> None:
    """The notes are read by people and by the text readers (the ACLED reader finds victims
    in them): a category is written as words, the codes stay in ``tags``."""
    from rescuewatch.export.acled import incident_row

    row = incident_row({"id": 7, "categories": "aid_worker,health_facility", "killed_min": 1,
                        "killed_max": 1})
    assert row["notes"] == "Protected victims: aid worker; health facility; killed 1."
    assert row["tags"] == "aid_worker; health_facility"


def test_notes_name_the_weapons() -> None:
    """ACLED has no weapon column and its sub-event types blur drones with aircraft: the
    notes name the weapon in words, as the claim or the incident has it."""
    from rescuewatch.export.acled import incident_row

    row = incident_row({"id": 8, "categories": "medic", "weapons": "drone,small_arms",
                        "certainty": "possible"})
    assert row["notes"] == "Protected victims: medic. Weapons: drone, small arms. Certainty: possible."
    context = incident_row({"id": 9, "weapons": "mine_ied", "killed_min": 2, "killed_max": 2})
    assert context["notes"] == "No protected victims reported; killed 2. Weapon: mine or IED."


def test_notes_carry_the_repeat_strike(rw, db_url: str) -> None:
    """ACLED has no column for a repeat strike on responders, the gravest pattern rescuewatch
    tracks: the notes say it, for the claim that reports it and for its incident. Before, an
    acled-csv export held no trace of it."""
    import csv
    import io

    from rescuewatch.model import Source
    from rescuewatch.store import Store
    from tests.link.factory import add_document, claim

    st = Store.open(db_url)
    add_document(st, Source("outlet-a", "Outlet A"), [
        claim("2024-03-05", weapon="drone", repeat_strike=True),
        claim("2024-06-01", lat=47.0, lon=35.0, place="Far", weapon="drone", repeat_strike=False)])
    st.dispose()
    assert rw("link").exit_code == 0
    for level in ("claims", "incidents"):
        result = rw("export", "--format", "acled-csv", "--level", level)
        assert result.exit_code == 0
        notes = {row["event_date"]: row["notes"]
                 for row in csv.DictReader(io.StringIO(result.output))}
        assert "Weapon: drone. Repeat strike on responders reported." in notes["2024-03-05"]
        assert "Repeat strike" not in notes["2024-06-01"]
