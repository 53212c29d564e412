"""The day/month order of a file's slashed dates (``4/2/2023``), one order for the whole file.

``4/2/2023`` is 4 February or 2 April depending on who wrote it: WHO's dashboard writes the
month first, older ACLED exports the day first, and a file re-saved by a spreadsheet program
takes the order of its locale. Read cell by cell (a first number above 12 must be the day), a
single file came out half one way and half the other, without a word.

So each file gets one :class:`DateOrder`: the one given with ``--date-order``, else the order
its first rows show (a date such as ``14/6/2023`` or ``6/14/2023``), else the reader's usual
one. Every slashed date of the file is then read in that order, and a date that shows the
other order stops the ingest with its row and column (the input is rolled back), never a mix.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rescuewatch.ingest.base import InputFile
    from rescuewatch.ingest.tables import Table

DATE_ORDERS = ("dmy", "mdy")
#: a slashed date as :func:`~rescuewatch.ingest.cell_dates.parse_date` reads it
SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})(?:[ T].*)?$")


@dataclass(frozen=True)
class DateOrder:
    """Day first or month first, and why (for the error that a contrary date raises)."""

    day_first: bool
    why: str

    def month_day(self, first: int, second: int, raw: str) -> tuple[int, int]:
        """The month and day of a slashed date whose numbers are ``first`` and ``second``."""
        shown = _shown(first, second)
        if shown is not None and shown != self.day_first:
            # Name the one order that reads this date: "dmy or mdy" left the user to work it
            # out, and after --date-order dmy it offered dmy again.
            lead = "day" if shown else "month"
            raise ValueError(
                f"{raw!r} has the {lead} first, but this file's dates are read "
                f"{'day' if self.day_first else 'month'} first ({self.why}); if every slashed "
                f"date of the file has the {lead} first, pass --date-order "
                f"{'dmy' if shown else 'mdy'}")
        return (second, first) if self.day_first else (first, second)


def _shown(first: int, second: int) -> bool | None:
    """Whether a slashed date can only be day first (``True``), only month first (``False``),
    or either (``None``)."""
    if first > 12 >= second:
        return True
    if second > 12 >= first:
        return False
    return None


def shown_order(values: Iterable[object]) -> bool | None:
    """The order the first slashed date in ``values`` that can be read only one way shows."""
    for value in values:
        if isinstance(value, str) and (m := SLASHED.match(value.strip())) is not None:
            shown = _shown(int(m[1]), int(m[2]))
            if shown is not None:
                return shown
    return None


def date_order(item: InputFile, table: Table, column: int | None, usual_day_first: bool,
               given: str | None) -> DateOrder:
    """The order of the slashed dates in ``column`` of ``item`` (read as ``table``): given with
    ``--date-order``, else shown by the first rows, else the reader's usual one."""
    if given is not None:
        return DateOrder(given == "dmy", f"given with --date-order {given}")
    shown = None if column is None else shown_order(_first_values(item, table, column))
    if shown is not None:
        place = "first" if shown else "second"
        return DateOrder(shown, f"as the file's first rows show: a day above 12 comes {place}")
    return DateOrder(usual_day_first, "this format's usual order")


def _first_values(item: InputFile, table: Table, column: int) -> Iterable[object]:
    """The cells of ``column`` in the first rows: the first 64 KB of a CSV file (decoded and
    split as ``table``'s records are), the first 200 rows of a workbook (whose dates may be
    text too)."""
    from itertools import islice

    from rescuewatch.ingest.base import HEAD_BYTES
    from rescuewatch.ingest.tables import open_table

    records = table.records
    if records is None:
        return [cells[column] for _, cells in islice(open_table(item).rows, 200)
                if len(cells) > column]
    sample = item.sample()
    lines = sample.decode(records.encoding, errors="replace").splitlines()
    if len(sample) >= HEAD_BYTES and not sample.endswith(b"\n"):
        lines = lines[:-1]  # cut by the sample's end; a whole small file's last row counts
    try:
        return [row[column] for row in csv.reader(lines, delimiter=records.delimiter)
                if len(row) > column]
    except csv.Error:  # a quoted cell cut by the sample's end: the reader will say so
        return []
