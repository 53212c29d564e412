"""Finding the header of a dataset table among its first rows (and naming its columns), and
a totals row below them.

The header is the first row that is neither blank nor HXL hashtags, passing over a title
above it: workbooks saved for people to read carry a merged title cell ("Attacks on health
care, 2023-2024") or a line such as "Source: ..." above the column names, and a CSV saved
from such a sheet keeps it as a row of one cell. Without this the title was taken for the
header and the file was "not in any known format".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from typing import Any

Cell = Any  # as in :mod:`.tables`


def cell_json(value: Cell) -> Any:
    """A cell as a JSON value for ``Claim.original``: text as is, whole floats as ints."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


#: Rows of a single cell above the header passed over as its title: the header is the first
#: row of two cells or more after at most this many of them
TITLE_ROWS = 3


def is_hashtag_row(cells: Sequence[Cell]) -> bool:
    """Whether a row is an HXL hashtag row: every non-empty cell starts with ``#``."""
    seen = False
    for cell in cells:
        if cell is None or cell == "":
            continue
        if not isinstance(cell, str):
            return False
        stripped = cell.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            return False
        seen = True
    return seen


def is_blank(cells: Sequence[Cell]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def filled(cells: Sequence[Cell]) -> int:
    """How many cells of a row hold something (a merged title: one, at its left)."""
    return sum(1 for c in cells if not (c is None or (isinstance(c, str) and not c.strip())))


def find_header(raw_rows: Iterator[tuple[int, list[Cell]]],
                ) -> tuple[list[Cell] | None, int, list[str]]:
    """The header row of ``raw_rows``, its number and the hashtags above it, reading
    ``raw_rows`` up to the header (``None`` for a file of no header).

    A table whose rows all have one cell has no title: its first row stays its header (which
    no dataset reader takes, and whose refusal then names row and column as before).
    """
    hashtags: list[str] = []
    titles: list[tuple[int, list[Cell]]] = []
    for number, cells in raw_rows:
        if is_blank(cells):
            continue
        if is_hashtag_row(cells):
            hashtags = [str(c or "").strip() for c in cells]
            continue
        width = filled(cells)
        if width == 1 and len(titles) < TITLE_ROWS:
            titles.append((number, cells))
            continue
        if titles and width < 2:
            break
        return cells, number, hashtags
    if titles:
        return titles[0][1], titles[0][0], hashtags
    return None, 0, hashtags


def named_width(columns: Sequence[str]) -> int:
    """How many cells of a row lie under the header up to its last named column: a row with
    values only past them (a stray note far right of an empty row) is no data row. Without
    this it became a claim of nothing (no date, place, count or id), its note not kept."""
    return next((i + 1 for i in range(len(columns) - 1, -1, -1) if columns[i]), 0)


def unique_names(header: Sequence[Cell]) -> list[str]:
    """Column names with repeats told apart (``Aid Workers Injured``, ``... #2``)."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for cell in header:
        name = "" if cell is None else str(cell_json(cell)).strip()
        if name:
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:
                name = f"{name} #{seen[name]}"
        out.append(name)
    return out


def norm_name(name: str) -> str:
    """A column name reduced for synonym lookup: lower case, words separated by one space."""
    return re.sub(r"[^0-9a-z]+", " ", str(name).lower()).strip()


def shared_columns(ours: Sequence[str], theirs: Sequence[str]) -> int:
    """How many named columns two sheets share when they are the same table (each sheet has
    at least half of the other's: a year's sheet with a column added, dropped or moved), else
    0 (a sheet of codes that names a column or two of the data)."""
    mine = {norm_name(c) for c in ours if c}
    other = {norm_name(c) for c in theirs if c}
    shared = len(mine & other)
    return shared if shared >= 2 and 2 * shared >= max(len(mine), len(other)) else 0


#: A cell labelling a row of sums: "Total", "TOTAL:", "Grand total", "Totals 2023", "Sum"
#: (not a note such as "Total destruction of the clinic")
_TOTAL_LABEL = re.compile(r"(?:(?:grand |sub-? ?)?totals?|sum)\s*:?\s*(?:\d{4}(?:\s*-\s*\d{2,4})?)?",
                          re.IGNORECASE)


def is_total_label(value: str | None) -> bool:
    return value is not None and len(value) <= 40 and bool(_TOTAL_LABEL.fullmatch(value.strip()))


def is_totals_row(cells: Sequence[Cell]) -> bool:
    """Whether a row is labelled as the sums of the rows above it (asked only of a row with
    no date whose row id is empty or such a label): a spreadsheet user's "Total" row, whose
    counts are every event's together. Taken for an event it became one claim of hundreds
    of killed."""
    return any(isinstance(c, str) and is_total_label(c) for c in cells)


def refuse_totals(chunk: Sequence[Sequence[Cell]], ids: Sequence[str | None]) -> None:
    """Raise :class:`ValueError` when a chunk of rows (with their row ids) may hold a totals
    row: a chunk builder then leaves the chunk to the per-row path, which marks it."""
    maybe = None in ids or "total" in "\n".join(ids).lower()  # type: ignore[arg-type]
    if maybe and any(is_totals_row(cells) for cells, i in zip(chunk, ids, strict=True)
                     if i is None or is_total_label(i)):
        raise ValueError("a totals row among the rows")
