"""Slashed dates (``4/2/2023``) are read in one day/month order per file, never mixed."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from rescuewatch.ingest.cell_dates import parse_date
from rescuewatch.ingest.date_order import DateOrder, shown_order
from tests.conftest import Invoker

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ingest"


def slashed_acled(tmp_path: Path, month_first: bool, late_clue: bool = False,
                  copies: int = 1) -> Path:
    """The ACLED fixture with its ISO dates written with slashes, month or day first. With
    ``late_clue`` every date up to the last row can be read both ways; ``copies`` repeats the
    rows before the last (with ids of their own), to put the last past the first 64 KB."""
    with (FIXTURES / "acled_current.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    col = rows[0].index("event_date")
    for i, row in enumerate(rows[1:], 1):
        day = dt.date.fromisoformat(row[col])
        if late_clue:
            day = day.replace(day=min(day.day, 12)) if i < len(rows) - 1 else day.replace(day=25)
        first, second = (day.month, day.day) if month_first else (day.day, day.month)
        row[col] = f"{first}/{second}/{day.year}"
    body = [[f"{row[0]}{n or ''}", *row[1:]] for n in range(copies) for row in rows[1:-1]]
    path = tmp_path / "slashed.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([rows[0], *body, rows[-1]])
    return path


def stored_dates(rw: Invoker) -> dict[str, str]:
    out = rw("export", "--format", "jsonl").output
    return {c["row_ref"]: c["date_start"] for c in map(json.loads, out.splitlines())}


def source_dates() -> dict[str, str]:
    with (FIXTURES / "acled_current.csv").open(encoding="utf-8", newline="") as fh:
        return {r["event_id_cnty"]: r["event_date"] for r in csv.DictReader(fh)}


@pytest.mark.parametrize("month_first", [True, False], ids=["month first", "day first"])
def test_the_first_rows_set_the_order_of_every_date(rw: Invoker, tmp_path: Path,
                                                     month_first: bool) -> None:
    result = rw("ingest", str(slashed_acled(tmp_path, month_first)))
    assert result.exit_code == 0, result.output
    assert stored_dates(rw) == source_dates()  # none swapped, whichever the order


def test_a_late_date_in_the_other_order_stops_the_ingest(rw: Invoker, tmp_path: Path) -> None:
    path = slashed_acled(tmp_path, month_first=True, late_clue=True, copies=40)
    assert path.stat().st_size > 64 * 1024  # the clue is past the rows that set the order
    result = rw("ingest", str(path))
    assert result.exit_code == 2
    line = result.output.strip()
    assert f"slashed.csv, row {2 + 40 * 11}, column 'event_date'" in line and "\n" not in line
    assert "has the month first, but this file's dates are read day first" in line
    assert ("if every slashed date of the file has the month first, pass --date-order mdy "
            "(correct it, or pass --skip-bad-rows") in line
    assert json.loads(rw("stats", "--json").output)["claims"] == 0
    # told the order, it reads them all month first
    again = rw("ingest", "--date-order", "mdy", str(path))
    assert again.exit_code == 0, again.output
    assert stored_dates(rw)["UKR900001"] == "2023-03-10"


def test_the_last_row_of_a_small_file_may_show_the_order(rw: Invoker, tmp_path: Path) -> None:
    """Of a file under 64 KB, the order was taken from every row but the last (dropped as if
    cut), and a file whose only clue was there was refused."""
    result = rw("ingest", str(slashed_acled(tmp_path, month_first=True, late_clue=True)))
    assert result.exit_code == 0, result.output
    assert stored_dates(rw)["UKR900001"] == "2023-03-10"


def test_the_order_shown_and_kept() -> None:
    assert shown_order(["event_date", "3/4/2023", "14/3/2023", "3/14/2023"]) is True
    assert shown_order(["3/4/2023", "3/14/2023 10:00"]) is False
    assert shown_order(["3/4/2023", "2023-03-14", None]) is None
    month_first = DateOrder(False, "test")
    assert parse_date("3/4/2023", month_first) == dt.date(2023, 3, 4)
    assert parse_date("3/14/2023", month_first) == dt.date(2023, 3, 14)
    assert parse_date("4/4/2023", month_first) == dt.date(2023, 4, 4)
    with pytest.raises(ValueError, match="has the day first"):
        parse_date("14/3/2023", month_first)
    assert parse_date("14/3/2023", DateOrder(True, "test")) == dt.date(2023, 3, 14)
    assert parse_date("2023-03-14", month_first) == dt.date(2023, 3, 14)  # ISO is ISO


def test_the_reason_names_where_the_day_above_12_is(rw: Invoker, tmp_path: Path) -> None:
    from rescuewatch.ingest.base import InputFile
    from rescuewatch.ingest.date_order import date_order
    from rescuewatch.ingest.tables import open_table

    item = InputFile.from_path(slashed_acled(tmp_path, month_first=True))
    order = date_order(item, open_table(item), 1, True, None)
    assert not order.day_first and order.why.endswith("a day above 12 comes second")


def test_text_dates_in_a_workbook_show_their_order(rw: Invoker, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")

    book = openpyxl.load_workbook(FIXTURES / "who_ssa_export.xlsx")
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    col = header.index("Attack Date") + 1
    days = []
    for row in range(2, sheet.max_row + 1):
        cell = sheet.cell(row=row, column=col)
        if cell.value is None:
            continue
        day = cell.value.date() if isinstance(cell.value, dt.datetime) else \
            dt.date.fromisoformat(str(cell.value)[:10]) if "-" in str(cell.value) else None
        if day is None:
            continue
        day = day.replace(day=25) if row == 3 else day  # one day above 12 among the first rows
        days.append(day)
        cell.value = f"{day.day:02d}/{day.month:02d}/{day.year}"  # text, day first
    path = tmp_path / "text_dates.xlsx"
    book.save(path)
    result = rw("ingest", "--json", str(path))
    assert result.exit_code == 0, result.output
    stored = sorted(json.loads(line)["date_start"]
                    for line in rw("export", "--format", "jsonl").output.splitlines())
    assert stored == sorted(d.isoformat() for d in days)


def test_ucdp_slashed_dates_take_one_order(rw: Invoker, tmp_path: Path) -> None:
    """A GED file re-saved by a spreadsheet in a day-first locale: ``10/03/2021`` is 10 March
    throughout, as ``25/03/2021`` further on shows (or as --date-order says). Read cell by
    cell it was 3 October, and --date-order was not applied to UCDP files at all."""
    from tests.ingest.test_release_layouts import GED_42, _ged_rows, write

    rows = _ged_rows("10/03/2021", "10/03/2021")
    rows[1] |= {"date_start": "25/03/2021", "date_end": "25/03/2021"}
    path = write(tmp_path / "ged_day_first.csv", GED_42, [*rows, rows[0] | {"id": "990004"}])
    result = rw("ingest", str(path))
    assert result.exit_code == 0, result.output
    assert stored_dates(rw) == {"990001": "2021-03-10", "990002": "2021-03-25",
                                "990003": "2021-03-10", "990004": "2021-03-10"}
    ambiguous = write(tmp_path / "ged_ambiguous.csv", GED_42, _ged_rows("4/3/2021", "5/3/2021"))
    other = Invoker(f"sqlite:///{tmp_path / 'other.db'}")
    result = other("ingest", "--date-order", "dmy", str(ambiguous))
    assert result.exit_code == 0, result.output
    out = other("export", "--format", "jsonl").output
    assert {(c["date_start"], c["date_end"]) for c in map(json.loads, out.splitlines())} == {
        ("2021-03-04", "2021-03-05")}


def test_ucdp_date_in_the_other_order_stops_the_ingest(rw: Invoker, tmp_path: Path) -> None:
    from tests.ingest.test_release_layouts import GED_42, _ged_rows, write

    rows = _ged_rows("14/03/2021", "14/03/2021")  # day first ...
    rows[2] |= {"date_start": "3/15/2021", "date_end": "3/15/2021"}  # ... and month first
    result = rw("ingest", str(write(tmp_path / "ged_mixed.csv", GED_42, rows)))
    assert result.exit_code == 2
    assert "ged_mixed.csv, row 4, column 'date_start': '3/15/2021' has the month first" in (
        result.output)
    assert json.loads(rw("stats", "--json").output)["claims"] == 0
