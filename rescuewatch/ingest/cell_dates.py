"""Dates and times from the cells of dataset rows: spreadsheet values, ISO and written-out
dates, slashed dates in the file's order, Excel day numbers, and times of day.

Each function raises :class:`ValueError` with a short message; the caller names the row and
the column.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from rescuewatch.ingest.date_order import SLASHED, DateOrder
from rescuewatch.model import check_date

Cell = Any  # as in :mod:`.tables`

_MONTHS = {m.lower(): i for i, m in enumerate(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1)}
_DAY_MON_YEAR = re.compile(r"(\d{1,2})[-\s/.]([A-Za-z]{3,9})\.?[-\s/.,]+(\d{2}|\d{4})$")
#: ``2020-05-09``, and year first with slashes or dots (``2020/05/09``, ``2020.05.09``), as
#: spreadsheets in East Asian and some European locales write it: year, month, day always
_ISO = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T].*)?$")
#: ``9.5.2020``, ``09.05.20 14:00``: how spreadsheets in German, Russian, Ukrainian and other
#: locales (those that save CSV with semicolons and decimal commas) write dates, always day first
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?:[ T].*)?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def _year(text_year: str) -> int:
    year = int(text_year)
    if len(text_year) == 2:  # two-digit years in these datasets are all after 1968
        year += 2000 if year < 69 else 1900
    return year


def _make_date(year: int, month: int, day: int, raw: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"impossible date {raw!r}") from None


def parse_date(value: Cell, day_first: bool | DateOrder = False) -> dt.date | None:
    """A date from a cell: a spreadsheet date, ``2020-05-09``, ``9-May-20``, ``9 May 2020``,
    ``9.5.2020`` (day first), ``2020/05/09``, ``2/8/24 12:00 AM`` or an Excel day number.

    Slashed dates are read in the file's :class:`~rescuewatch.ingest.date_order.DateOrder`
    (which refuses a date showing the other order); given a plain flag, month first unless
    ``day_first``, and a first number above 12 can only be a day either way.
    Raises :class:`ValueError` for text that is not a date, a date that cannot exist, or one
    outside the days a claim may fall on (:func:`rescuewatch.model.check_date`).
    """
    day = _parse_date(value, day_first)
    return None if day is None else check_date(day, value)


def _parse_date(value: Cell, day_first: bool | DateOrder) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _excel_day(float(value), str(value))
    raw = str(value).strip()
    if not raw:
        return None
    if (m := _ISO.match(raw)) is not None:
        return _make_date(int(m[1]), int(m[3]), int(m[4]), raw)
    if (m := _DAY_MON_YEAR.match(raw)) is not None:
        month = _MONTHS.get(m[2][:3].lower())
        if month is None:
            raise ValueError(f"unknown month in date {raw!r}")
        return _make_date(_year(m[3]), month, int(m[1]), raw)
    if (m := _DOTTED.match(raw)) is not None:
        return _make_date(_year(m[3]), int(m[2]), int(m[1]), raw)
    if (m := SLASHED.match(raw)) is not None:
        first, second = int(m[1]), int(m[2])
        if isinstance(day_first, DateOrder):
            month, day = day_first.month_day(first, second, raw)
        else:
            month, day = (second, first) if first > 12 or (day_first and second <= 12) else (
                first, second)
        return _make_date(_year(m[3]), month, day, raw)
    if re.fullmatch(r"\d{5}(\.\d+)?", raw):
        return _excel_day(float(raw), raw)
    raise ValueError(f"not a date: {raw[:40]!r}")


def _excel_day(number: float, raw: str) -> dt.date:
    if not 1 <= number < 2958466:
        raise ValueError(f"not a date: {raw!r}")
    return _EXCEL_EPOCH + dt.timedelta(days=int(number))


#: A span of hours (``12:00-18:00``, ``08:00 to 10:00``), which WHO's dashboard writes when
#: only the part of the day is known.
_TIME_WINDOW = re.compile(r"\d:\d{2}\s*(?:[AaPp][Mm])?\s*(?:-|–|to)\s*\d{1,2}:\d{2}")
#: What a time cell says when the time is not known (``Time Unknown``).
_NO_TIME = re.compile(r"unknown|not known|^(?:n/?a|-+)$", re.IGNORECASE)


def parse_time(value: Cell) -> str | None:
    """``HH:MM`` from a time cell (``14:05``, ``2:05 PM``, a spreadsheet time), else ``None``.

    A cell saying the time is unknown, or giving a span of hours, is no time of day: ``None``.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime | dt.time):
        return f"{value.hour:02d}:{value.minute:02d}"
    raw = str(value).strip()
    if _TIME_WINDOW.search(raw) or _NO_TIME.search(raw):
        return None
    m = re.search(r"(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?\s*([AaPp][Mm])?", raw)
    if m is None:
        if not raw:
            return None
        raise ValueError(f"not a time: {raw[:20]!r}")
    hour, minute = int(m[1]), int(m[2])
    if m[3]:
        hour = hour % 12 + (12 if m[3].lower() == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ValueError(f"impossible time {raw!r}")
    return f"{hour:02d}:{minute:02d}"
