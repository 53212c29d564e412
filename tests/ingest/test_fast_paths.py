"""The shortcuts of the bulk ingest path give exactly what the plain definitions give.

``categories_in_text`` and ``weapon_from_text`` skip patterns and the removal of non-harm
phrases where cheap substring tests show they cannot matter; ``trusted_place`` skips the
checks of ``Place``; the SQLite path builds victim rows as tuples. Each is compared here with
the definition it shortcuts, on phrases chosen to sit on the edges of those tests and on
random splices of them.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from rescuewatch.ingest import victims
from rescuewatch.ingest.tables import (
    TextPicker,
    coordinates,
    counts,
    parse_coordinate,
    parse_count,
    texts,
)
from rescuewatch.model import WEAPONS, Claim, Place, Victim, trusted_place
from rescuewatch.store.claims import VICTIM_COLUMNS, _victim_rows, victim_tuples

PHRASES = [
    "Emergency services reported", "firefighters extinguished the fire", "no medics were hurt",
    "ambulances took the wounded to a hospital", "doctors confirmed", "put out by local rescuers",
    "On 3 May 2022, shelling hit a hospital in the town;", "the wounded were taken to hospital",
    "Hospital sources reportedly said a nurse was killed.", "hospital sources saidUN staff",
    "According to medics, two paramedics were injured", "Civil defence said rescuers died",
    "an air strike hit an ambulance", "AIR/DRONE STRIKE", "a house caught fire", "set on fire",
    "fire arms", "firefighters", "gunmen shot dead a driver", "artillery fire", "a mine exploded",
    "unidentified men", "an IED", "Belgrade", "aid workers", "UN staff", "the fire brigade",
    "were being treated", "patients", "a medical point", "Ministry of Health", "chair", "repair",
    "emergency services ", "emergency service workers", "search-and-rescue", "(IED)",
    "Red Crescent volunteers", "deminers", "a polyclinic", "knives", "beaten", "grenades",
    "said", "reported by doctors", "told", "Unarmed perpetrator", "unknown", "not applicable",
]


def _texts(n: int = 3000) -> list[str]:
    rng = random.Random(7)
    out = list(PHRASES)
    for _ in range(n):
        out.append(" ".join(rng.choice(PHRASES) for _ in range(rng.randrange(1, 6))))
        # also glue two phrases without a space, to test word boundaries at the seams
        out.append(rng.choice(PHRASES) + rng.choice(PHRASES))
    return out


def _categories_plain(text: str) -> list[str]:
    cleaned = victims.patterns().not_harm.sub(" ", text)
    return [c for c, pattern in victims.patterns().categories if pattern.search(cleaned)]


def _weapons_plain(text: str) -> list[str]:
    return [w for w, pattern in victims.patterns().weapons if pattern.search(text)]


def test_categories_match_the_plain_definition() -> None:
    for text in _texts():
        assert victims.categories_in_text(text) == _categories_plain(text), text


def test_weapon_stems_never_hide_a_match() -> None:
    for text in _texts():
        hits = victims._ascii_hits(text)
        assert [w for w in _weapons_plain(text) if w not in hits] == [], text


def test_weapon_does_not_depend_on_the_remembered_scan() -> None:
    for text in _texts(300):
        first = victims.weapon_from_text(text)
        victims.categories_in_text(text + " ")  # another text replaces the remembered scan
        assert victims.weapon_from_text(text) == first
        assert victims.weapon_from_text(text, label=True) in (*WEAPONS, None)


@pytest.mark.parametrize("values", [
    ("Place 1", "Place 1", "UA", "Kharkiv", 49.99, 36.23, "city"),
    (None, None, None, None, None, None, None),
    ("x", "y", "RU", None, -90.0, 180.0, "admin1"),
])
def test_trusted_place_equals_place(values: tuple) -> None:
    text, name, country, admin1, lat, lon, precision = values
    fast = trusted_place(text, name, country, admin1, lat, lon, precision)
    assert fast == Place(text=text, name=name, country=country, admin1=admin1, lat=lat, lon=lon,
                         precision=precision)
    assert hash(fast) == hash(Place(text, name, country, admin1, lat, lon, None, precision))


def test_place_constructor_still_checks() -> None:
    with pytest.raises(ValueError):
        Place(lat=91.0)
    with pytest.raises(ValueError):
        Place(precision="street")


def testvictim_tuples_equal_victim_rows() -> None:
    claim = Claim(victims=[Victim("medic", 1, None), Victim("ambulance"),
                           Victim("medic", 2, 3, 1, "detained"), Victim("medic", harm="kidnapped"),
                           Victim("health_facility", affected=2)])
    rows = [tuple(r[c] for c in VICTIM_COLUMNS) for r in _victim_rows(claim, 7)]
    assert victim_tuples(claim.victims, 7) == rows


def test_text_picker_equals_texts() -> None:
    cells = ["  a ", "", " ", "b", "c  ", "d"]
    pick = TextPicker([3, -1, 0, 2, 0])
    got, full = pick(cells), texts(cells)
    for position in (3, -1, 0, 2):
        assert got[pick.slot[position]] == full[position]
    workbook_row = [1.5, None, " x ", 7]
    got, full = pick(workbook_row), texts(workbook_row)
    for position in (3, -1, 0, 2):
        assert got[pick.slot[position]] == full[position]


def test_text_picker_columns_equal_rows() -> None:
    rows = [["  a ", "", "x"], ["b", " ", "y"], ["c", "d", "z"]]
    pick = TextPicker([0, 1, 2])
    columns = pick.columns_of(list(zip(*rows, strict=True)), len(rows))
    assert [list(r) for r in zip(*columns, strict=True)] == [pick(r) for r in rows]


COORDINATES = ["12.5", " 12.5 ", "-0", "1_0", "1e1", "90", "-90", "0.0001", "12,5", "", "nan",
               "inf", "-inf", "90.0001", "abc", "٣٫٥", "+45"]


def coordinates_both_ways(column: list[str]) -> tuple[Any, Any]:
    """The column read at once and cell by cell (a value, or the error's message)."""
    out: list[Any] = []
    for read in (lambda: coordinates(column, 90.0, "latitude"),
                 lambda: [parse_coordinate(c, 90.0, "latitude") for c in column]):
        try:
            out.append(read())
        except ValueError as exc:
            out.append(str(exc))
    return out[0], out[1]


@pytest.mark.parametrize("seed", range(6))
def test_coordinates_of_a_column_equal_each_cell(seed: int) -> None:
    rng = random.Random(seed)
    plain = ["12.5", "-33.25", "0", "89.9999"]
    column = rng.choices(plain, k=50) + ([rng.choice(COORDINATES)] if seed else [])
    rng.shuffle(column)
    got, expected = coordinates_both_ways(column)
    assert got == expected


@pytest.mark.parametrize("odd", COORDINATES)
@pytest.mark.parametrize("where", [0, 2, 4])
def test_an_odd_coordinate_anywhere_in_a_column_is_read_as_alone(odd: str, where: int) -> None:
    # NaN hides from min and max depending on where it stands; the column check must not
    column = ["12.5", "-33.25", "89.9999", "0", "1"]
    column[where] = odd
    got, expected = coordinates_both_ways(column)
    assert got == expected


@pytest.mark.parametrize("odd", ["", "0", "007", "+5", " 5", "5 ", "٥", "1_000", "-1", "2.0",
                                 "unknown", "n/a", "³"])
def test_counts_of_a_column_equal_each_cell(odd: str) -> None:
    column = ["1", "12", "0", odd, "3"]
    try:
        expected: Any = [parse_count(c) for c in column]
    except ValueError as exc:
        expected = str(exc)
    try:
        got: Any = counts(column)
    except ValueError as exc:
        got = str(exc)
    assert got == expected
    assert counts(["1", "12", "0"]) == [1, 12, 0]
