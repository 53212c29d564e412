"""Cell values of dataset tables: numbers, counts, coordinates, flags and row ids.

Each parser raises :class:`ValueError` with a short message; the reader names the row and
column (:class:`RowError` carries the column, the table reader adds the file and row).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from rescuewatch.model import INTEGER_MAX, ROW_REF_LENGTH

Cell = Any  # str from CSV; str, float, int, bool, date, datetime or time from XLSX


class RowError(Exception):
    """A bad value in one row, named by its column (the reader adds file and row number)."""

    def __init__(self, message: str, column: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column



def parse_float(value: Cell) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raw = str(value).strip()
    if not raw:
        return None
    try:
        return float(raw.replace(",", ".") if raw.count(",") == 1 and "." not in raw else raw)
    except ValueError:
        raise ValueError(f"not a number: {raw[:40]!r}") from None


def coordinates(column: Sequence[str], limit: float, name: str) -> list[float | None]:
    """:func:`parse_coordinate` of each text cell of a column."""
    try:  # the common case, every cell a plain decimal: float() in C, then one range check
        numbers = list(map(float, column))
    except ValueError:
        return [parse_coordinate(c, limit, name) for c in column]
    # min and max skip a NaN (its comparisons are false) but the sum of any NaN or infinity
    # is not finite; all three run in C (numpy took longer to import than a file to check)
    if numbers and not (-limit <= min(numbers) and max(numbers) <= limit
                        and math.isfinite(sum(numbers))):
        return [parse_coordinate(c, limit, name) for c in column]  # raises, naming the value
    return numbers  # type: ignore[return-value]


def counts(column: Sequence[str]) -> list[int | None]:
    """:func:`parse_count` of each text cell of a column."""
    joined = "".join(column)
    if all(column) and joined.isascii() and joined.isdigit():  # every cell plain digits
        numbers = list(map(int, column))
        if not numbers or max(numbers) <= MAX_COUNT:
            return numbers  # type: ignore[return-value]
    return [parse_count(c) for c in column]


def parse_coordinate(value: Cell, limit: float, name: str) -> float | None:
    number: float | None
    if type(value) is str:
        try:  # the common case, a plain decimal; float() ignores surrounding blanks as strip does
            number = float(value)
        except ValueError:  # empty, a decimal comma, or not a number: the full rules
            number = parse_float(value)
    else:
        number = parse_float(value)
    if number is not None and not -limit <= number <= limit:
        raise ValueError(f"{name} {number:g} outside -{limit:g}..{limit:g}")
    return number


#: Words a dataset writes where it has no count: these mean "unknown", not zero.
_NO_COUNT = frozenset({"", "no information", "noinformation", "unknown", "n/a", "na", "nan",
                       "not applicable", "notapplicable", "-"})


#: The largest count a store keeps: PostgreSQL's INTEGER ends here, and a larger count
#: (no real casualty figure) would be refused by PostgreSQL after SQLite had stored it.
MAX_COUNT = INTEGER_MAX


def row_id(value: str | None, column: str | None) -> str | None:
    """A dataset row's own id, refused as a bad value when longer than a claim keeps
    (:data:`~rescuewatch.model.ROW_REF_LENGTH`; PostgreSQL refuses a longer one)."""
    if value is not None and len(value) > ROW_REF_LENGTH:
        raise RowError(f"row id of {len(value)} characters (at most {ROW_REF_LENGTH})", column)
    return value


def parse_count(value: Cell) -> int | None:
    """A non-negative whole count up to :data:`MAX_COUNT`; ``None`` where the dataset says it
    does not know."""
    if type(value) is str and value.isascii() and value.isdigit():  # the common case
        if (count := int(value)) <= MAX_COUNT:
            return count
        raise ValueError(f"count {value[:40]} too large")
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        number = float(value)
    else:
        raw = str(value).strip()
        if raw.lower() in _NO_COUNT:
            return None
        try:
            number = float(raw)
        except ValueError:
            raise ValueError(f"not a count: {raw[:40]!r}") from None
    if number < 0 or not number.is_integer():
        # a workbook's numbers are floats: -2.0 is shown as the -2 the sheet shows
        shown = repr(int(number)) if number.is_integer() else repr(value)
        raise ValueError(f"not a count: {shown}"
                         + (" is negative" if number < 0 else " is not a whole number"))
    if number > MAX_COUNT:
        raise ValueError(f"count {value!r} too large")
    return int(number)


_TRUE = frozenset({"true", "yes", "y", "1", "x"})


def parse_flag(value: Cell) -> bool:
    """Whether a yes/no cell says yes (``True``, ``Yes``, ``1``, a count above zero)."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value > 0
    raw = str(value).strip().lower()
    if raw in _TRUE:
        return True
    try:
        return float(raw) > 0
    except ValueError:
        return False


def parsed(cells: Sequence[Cell], index: int | None, column: str,
           parse: Callable[[Cell], Any]) -> Any:
    """``parse`` applied to one cell, with any :class:`ValueError` named by ``column``."""
    if index is None or index >= len(cells):
        return None
    try:
        return parse(cells[index])
    except ValueError as exc:
        raise RowError(str(exc), column) from None


def parse_point(lat: Cell, lon: Cell) -> tuple[float | None, float | None]:
    """Latitude and longitude of a row, each checked; a bad one is a :class:`RowError`."""
    try:
        y = parse_coordinate(lat, 90.0, "latitude")
    except ValueError as exc:
        raise RowError(str(exc), "latitude") from None
    try:
        x = parse_coordinate(lon, 180.0, "longitude")
    except ValueError as exc:
        raise RowError(str(exc), "longitude") from None
    return y, x
