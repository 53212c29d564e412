"""Slashed dates (``4/2/2023``) are read in one day/month order per file, never mixed."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from rescuewatch.ingest.date_order import DateOrder, shown_order
from rescuewatch.ingest.tables import parse_date
from tests.conftest import Invoker

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ingest"


def slashed_acled(tmp_path: Path, month_first: bool, late_clue: bool = False) -> Path:
    """The ACLED fixture with its ISO dates written with slashes, month or day first. With
    ``late_clue`` every date up to the last row can be read both ways."""
    with (FIXTURES / "acled_current.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    col = rows[0].index("event_date")
    for i, row in enumerate(rows[1:], 1):
        day = dt.date.fromisoformat(row[col])
        if late_clue:
            day = day.replace(day=min(day.day, 12)) if i < len(rows) - 1 else day.replace(day=25)
        first, second = (day.month, day.day) if month_first else (day.day, day.month)
        row[col] = f"{first}/{second}/{day.year}"
    path = tmp_path / "slashed.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
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
    path = slashed_acled(tmp_path, month_first=True, late_clue=True)
    result = rw("ingest", str(path))
    assert result.exit_code == 2
    line = result.output.strip()
    assert "slashed.csv, row 13, column 'event_date'" in line and "\n" not in line
    assert "has the month first, but this file's dates are read day first" in line
    assert "--date-order" in line
    assert json.loads(rw("stats", "--json").output)["claims"] == 0
    # told the order, it reads them all month first
    again = rw("ingest", "--date-order", "mdy", str(path))
    assert again.exit_code == 0, again.output
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
