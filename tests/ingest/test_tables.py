"""The shared table helpers: encodings, header and hashtag rows, synonyms, cell parsing."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rescuewatch.errors import InputError
from rescuewatch.ingest.base import InputFile
from rescuewatch.ingest.cell_dates import parse_date, parse_time
from rescuewatch.ingest.countries import country_code
from rescuewatch.ingest.tables import (
    MAX_COUNT,
    counts,
    detect_encoding,
    is_hashtag_row,
    open_table,
    parse_count,
)
from rescuewatch.ingest.victims import (
    categories_in_text,
    profession_category,
    weapon_from_text,
)


def _table(path: Path) -> tuple[list[str], list[str], list[list[object]]]:
    table = open_table(InputFile.from_path(path))
    return table.columns, table.hashtags, [cells for _, cells in table.rows]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2020-05-09", dt.date(2020, 5, 9)),
        ("9-May-20", dt.date(2020, 5, 9)),
        ("09-May-2020", dt.date(2020, 5, 9)),
        ("9 May 2020", dt.date(2020, 5, 9)),
        ("2/8/24 12:00 AM", dt.date(2024, 2, 8)),  # WHO SSA writes month first
        ("25/12/2023", dt.date(2023, 12, 25)),  # a first number above 12 can only be a day
        ("2014-01-22 00:00:00.000", dt.date(2014, 1, 22)),
        ("09.05.2020", dt.date(2020, 5, 9)),  # a comma-decimal locale's dates: day first
        ("9.5.20 14:00", dt.date(2020, 5, 9)),
        ("2020/05/09", dt.date(2020, 5, 9)),  # year first: always year, month, day
        ("2020/5/9 0:00", dt.date(2020, 5, 9)),
        ("2020.05.09", dt.date(2020, 5, 9)),
        (dt.datetime(2024, 2, 8, 0, 0), dt.date(2024, 2, 8)),
        (45330.0, dt.date(2024, 2, 8)),  # an Excel day number
        ("", None),
    ],
)
def test_dates_in_every_style(raw: object, expected: dt.date | None) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["2021-02-30", "31-Apr-20", "13/13/2020", "yesterday", "9-Foo-20",
                                 "31.04.2020", "05.13.2020", "2020/13/05", "2020-05/09"])
def test_impossible_or_unreadable_dates_are_errors(raw: str) -> None:
    with pytest.raises(ValueError):
        parse_date(raw)


def test_times_and_counts() -> None:
    assert parse_time("2:05 PM") == "14:05"
    assert parse_time("12:00 AM") == "00:00"
    assert parse_time(dt.time(9, 5)) == "09:05"
    # WHO's dashboard: an unknown time and a span of hours are no time of day
    assert parse_time("Time Unknown") is None and parse_time("12:00-18:00") is None
    assert parse_time("8:00 AM - 10:30 AM") is None
    with pytest.raises(ValueError):
        parse_time("at dawn")
    assert parse_count("3.0") == 3 and parse_count(2.0) == 2
    assert parse_count("No Information") is None  # unknown is not zero
    with pytest.raises(ValueError):
        parse_count("-1")
    with pytest.raises(ValueError):
        parse_count("many")


@pytest.mark.parametrize("cell", [str(MAX_COUNT + 1), float(MAX_COUNT + 1), "3e9"])
def test_a_count_beyond_what_postgresql_holds_is_refused(cell: str | float) -> None:
    """SQLite would store it, PostgreSQL's INTEGER not: refused alike, as a bad value."""
    assert parse_count(str(MAX_COUNT)) == MAX_COUNT
    with pytest.raises(ValueError, match="too large"):
        parse_count(cell)
    assert counts(["1", str(MAX_COUNT)]) == [1, MAX_COUNT]
    with pytest.raises(ValueError, match="too large"):
        counts(["1", str(cell)])


def test_country_names_codes_and_numbers() -> None:
    assert country_code("UKR") == "UA" and country_code("643") == "RU"
    assert country_code(None, "Syrian Arab Republic") == "SY"
    assert country_code("occupied Palestinian territory, including east Jerusalem") == "PS"
    assert country_code("Iran (Islamic Republic of)") == "IR"
    assert country_code("OPT") == "PS" and country_code("Nowhere Land") is None
    # WHO and UN names
    assert country_code("Lao People's Democratic Republic") == "LA"
    assert country_code("Libyan Arab Jamahiriya") == "LY"
    assert country_code("West Bank and Gaza Strip") == "PS"
    assert country_code("Viet Nam") == "VN" and country_code("Republic of Korea") == "KR"


def test_encoding_detection() -> None:
    assert detect_encoding("Харків, Белгород".encode("cp1251")) == "cp1251"
    assert detect_encoding("Café Zürich, Düsseldorf".encode("cp1252")) == "cp1252"
    assert detect_encoding(b"\xef\xbb\xbfa,b") == "utf-8-sig"
    assert detect_encoding("Київ".encode()) == "utf-8"
    assert detect_encoding("Київ".encode()[:-1]) == "utf-8"  # a character cut by the sample
    # UTF-8 with a damaged byte stays UTF-8 (the reader names the byte), a legacy code page
    # with a few letters that happen to form UTF-8 stays legacy
    assert detect_encoding("Київ, Харків; ".encode() * 5 + b"\xff") == "utf-8"
    assert detect_encoding("Ёлка Ђак Ѓ; Харків, Белгород".encode("cp1251")) == "cp1251"
    assert detect_encoding("Café Zürich".encode("cp1252")) == "cp1252"
    # typographic quotes and dashes are the same bytes in both code pages: they decide nothing,
    # and the letters further on do
    quoted = "Ma’la – “Idlib”, ".encode("cp1252") * 20
    assert detect_encoding(quoted + "Хомс".encode("cp1251")) == "cp1251"
    assert detect_encoding(quoted, more=[b"a,b\n", "Харків".encode("cp1251")]) == "cp1251"
    assert detect_encoding(quoted, more=["Zürich".encode("cp1252")]) == "cp1252"
    assert detect_encoding(quoted) == "cp1252"


def test_hashtag_rows_first_second_and_last(tmp_path: Path) -> None:
    second = tmp_path / "second.csv"
    second.write_text("id,date\n#event+id,#date\n1,2020-01-01\n", encoding="utf-8")
    first = tmp_path / "first.csv"
    first.write_text("#event+id,#date\nid,date\n1,2020-01-01\n#event+id,#date\n",
                     encoding="utf-8")
    for path in (first, second):
        columns, hashtags, rows = _table(path)
        assert columns == ["id", "date"] and hashtags == ["#event+id", "#date"]
        assert rows == [["1", "2020-01-01"]]
    assert is_hashtag_row(["", "#date+year", "", "#geo+lat"])
    assert not is_hashtag_row(["#1", "2020"]) and not is_hashtag_row(["", ""])


def test_title_rows_above_the_header(tmp_path: Path) -> None:
    titled = tmp_path / "titled.csv"
    titled.write_text("Attacks on health care 2023,,\n\nSource: a monitor,,\n#event+id,#date,\n"
                      "id,date,place\n1,2020-01-01,A\n", encoding="utf-8")
    table = open_table(InputFile.from_path(titled))
    assert (table.columns, table.header_row, table.hashtags) == (
        ["id", "date", "place"], 5, ["#event+id", "#date", ""])
    assert list(table.rows) == [(6, ["1", "2020-01-01", "A"])]
    # a table of one column has no title: its first row stays the header
    single = tmp_path / "single.csv"
    single.write_text("note\nfirst\nsecond\n", encoding="utf-8")
    assert _table(single)[0] == ["note"]


def test_total_labels() -> None:
    from rescuewatch.ingest.header_rows import is_total_label

    for label in ("Total", "TOTAL:", "Totals", "Grand total", "Sub-total", "Total 2023",
                  "total 2023-24", " Sum "):
        assert is_total_label(label), label
    for text in ("Total destruction of the clinic", "Totally destroyed", "Summary", "2023",
                 "", None):
        assert not is_total_label(text), text


def test_gzip_bom_and_repeated_column_names(tmp_path: Path) -> None:
    path = tmp_path / "t.csv.gz"
    path.write_bytes(gzip.compress("\ufeffName,Count,Count\nÄ,1,2\n".encode()))
    table = open_table(InputFile.from_path(path))
    assert table.columns == ["Name", "Count", "Count #2"]
    assert table.index("name") == 0 and table.index("COUNT") == 1
    assert [cells for _, cells in table.rows] == [["Ä", "1", "2"]]


def test_empty_file_has_no_header(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_text("\n\n", encoding="utf-8")
    with pytest.raises(InputError, match="no header"):
        open_table(InputFile.from_path(path))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A drone hit an ambulance; two paramedics were injured.", ["ambulance", "medic"]),
        ("Rescuers of the civil defence were hit by a second strike.", ["rescuer"]),
        ("Firefighters putting out the blaze came under fire.", ["firefighter"]),
        ("Forces raided the hospital and detained two doctors.",
         ["health_worker", "health_facility"]),
        ("An aid convoy was stopped and looted.", ["aid_worker"]),
        ("Shelling killed three civilians; the wounded were taken to a nearby hospital.", []),
        ("Five people were killed, according to hospital sources.", []),
        ("Clashes between two armed groups; four fighters killed.", []),
        ("Patients were moved out after the clinic was shelled.", ["health_facility", "patient"]),
        # journeys to or from a hospital, and caring for patients, name them unharmed
        ("An aid worker was shot while returning from dropping a patient off at a hospital.",
         ["aid_worker"]),
        ("Gunmen stopped aid workers transporting a pregnant patient to a maternity clinic.",
         ["aid_worker"]),
        ("Two nurses were abducted on their way to the health centre.", ["health_worker"]),
        ("Two doctors who had been treating COVID-19 patients were arrested.", ["health_worker"]),
        ("A drone struck a clinic while doctors were treating patients.",
         ["health_worker", "health_facility"]),
        # ... but not harm done there
        ("Gunmen returned fire at the ambulance, wounding a paramedic.", ["ambulance", "medic"]),
        ("Patients were evacuated from the hospital after it was shelled.",
         ["health_facility", "patient"]),
        # responders at work once it is over, or as the source of a count, were not hit ...
        ("Shelling hit a warehouse; firefighters extinguished the fire. No casualties.", []),
        ("The fire was extinguished by emergency-service firefighters.", []),
        ("Rescuers pulled 12 bodies from the rubble.", []),
        ("A missile struck the city. Emergency services said 4 people were killed.", []),
        ("A missile struck the city. Emergency services reported 4 people killed.", []),
        ("A drone hit a market. No medics were injured.", []),
        ("Ambulances took the injured to hospital; paramedics treated 5 people.", []),
        ("Doctors said the child died of wounds. The fire service reported the fire put out.",
         []),
        ("A drone hit the ambulance that took the wounded to hospital.", ["ambulance"]),
        # ... unless the text says they were
        ("Rescuers who pulled survivors from the rubble were hit by a second strike.",
         ["rescuer"]),
        ("Rescuers recovered the body of a firefighter killed by the second strike.",
         ["firefighter"]),
        ("Firefighters were extinguishing the fire when a second strike injured two of them.",
         ["firefighter"]),
    ],
)
def test_protected_categories_from_notes(text: str, expected: list[str]) -> None:
    assert categories_in_text(text) == expected


def test_categories_do_not_depend_on_the_party_named() -> None:
    template = "Forces of {} shelled an ambulance; a paramedic was killed."
    assert categories_in_text(template.format("Russia")) == categories_in_text(
        template.format("Ukraine")) == ["ambulance", "medic"]


@pytest.mark.parametrize(
    ("label", "weapon"),
    [
        ("Firearms", "small_arms"), ("Aerial Bomb: Plane", "airstrike"),
        ("Aerial Bomb: Drone", "drone"), ("Firearm: Drone", "drone"),
        ("Aerial Bomb: Missile", "missile"), ("Shelling", "artillery"), ("Mortar", "artillery"),
        ("Mine, Unspecified IED", "mine_ied"), ("Arson", "other"),
        ("No Information on the Weapon Used", "unknown"),
        ("Not Applicable: No Direct Violence", None), ("Unarmed", None),
        ("Aerial bombing, missiles and shelling", "other"), ("", None),
        ("Firearm: Blunt Use", "other"), ("Fire Arm Blunt Use", "other"),
    ],
)
def test_weapon_labels(label: str, weapon: str | None) -> None:
    assert weapon_from_text(label, label=True) == weapon


def test_professions() -> None:
    assert profession_category("Paramedic, AmbulanceDriver") == "medic"
    assert profession_category("Doctor, Paramedic") == "health_worker"
    assert profession_category(None) == "health_worker"


def test_slashed_dates_day_first_for_acled() -> None:
    assert parse_date("09/05/2020", day_first=True) == dt.date(2020, 5, 9)
    assert parse_date("09/05/2020") == dt.date(2020, 9, 5)
    assert parse_date("25/12/2023", day_first=True) == dt.date(2023, 12, 25)
    assert parse_date("12/25/2023", day_first=True) == dt.date(2023, 12, 25)


@given(st.dates(min_value=dt.date(1969, 1, 1), max_value=dt.date(2068, 12, 31)))
def test_every_date_style_reads_back(day: dt.date) -> None:
    for text in (day.isoformat(), day.strftime("%d-%b-%y"), day.strftime("%d %B %Y"),
                 f"{day.month}/{day.day}/{day.strftime('%y')} 12:00 AM"):
        assert parse_date(text) == day
    assert parse_date(f"{day.day}/{day.month}/{day.year}", day_first=True) == day


@pytest.mark.parametrize("notes_first", [True, False])
def test_the_data_sheet_is_the_largest_visible_one(tmp_path: Path, notes_first: bool) -> None:
    openpyxl = pytest.importorskip("openpyxl")

    source = openpyxl.load_workbook(Path(__file__).resolve().parent.parent / "fixtures" / "ingest"
                                    / "who_ssa_export.xlsx").worksheets[0]
    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "Cover"
    cover.sheet_state = "hidden"
    for i in range(50):  # hidden, however large
        cover.append([f"cover line {i}"])
    notes = book.create_sheet("Notes", 0 if notes_first else 2)
    notes.append(["About this file"])
    notes.append(["Columns are explained below."])
    data = book.create_sheet("Data", 1)
    for row in source.iter_rows(values_only=True):
        data.append(list(row))
    path = tmp_path / "several_sheets.xlsx"
    book.save(path)
    table = open_table(InputFile.from_path(path))
    assert table.sheet == "Data" and "Attack ID" in table.columns
