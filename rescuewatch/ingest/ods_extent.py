"""How many cells the sheets of an OpenDocument spreadsheet (``.ods``) span, told from its
``content.xml`` before calamine loads it.

An ODS row or cell may say it repeats (``number-rows-repeated``, ``number-columns-repeated``):
a file of a few hundred bytes can ask for a value in every cell of a million rows by sixteen
thousand columns, which calamine holds as one rectangle (7.5 GB and 16 s for a 100,000 by 600
one here, from an 800-byte file). Trailing empty rows and cells, which spreadsheet programs
write as such repeats, calamine leaves out; so the bound here counts rows and columns up to
the last cell that has a value or any content, repeats included. Every sheet is bounded by the
same figures: the most rows of any sheet, by the most columns.
"""

from __future__ import annotations

import re
from typing import IO

from rescuewatch.ingest.markup import MAX_TEXT_RUN, markup_chunks

CHUNK = 1 << 20
# calamine knows the elements by these names, prefix and all (a sheet whose elements are
# prefixed otherwise it does not see). An attribute value may hold a ">". A cell's end tag is
# not needed (a cell with content counts from its start tag), which halves the tags looked at.
_TAG = re.compile(rb"""<table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])"""
                  rb"""((?:[^>"']|"[^"]*"|'[^']*')*)>|</table:(table-row|table)\s*>""")
_REPEAT = re.compile(rb"""table:number-(?:rows|columns)-repeated\s*=\s*["']\s*([0-9]*)""")
_VALUED = re.compile(rb"office:value-type\s*=")


class _Bounds:
    """The bounds so far, kept tag by tag."""

    def __init__(self) -> None:
        self.rows = 0
        self.columns = 0
        self.row_at = [0]  # the first row of the current row element, in each open table
        self.row_repeat = 1
        self.column = 0  # the first column of the next cell in the row
        self.last_column = -1  # of the last cell in the row with a value or content

    def read(self, chunk: bytes) -> None:
        for name, attributes, closed in _TAG.findall(chunk):
            if closed:
                self.close(closed)
            elif name == b"table-row":
                self.row_repeat = _repeat(attributes)
                self.column, self.last_column = 0, -1
                if attributes.endswith(b"/"):
                    self.close(name)
            elif name == b"table":
                self.row_at.append(0)
            else:  # a cell; one with content to come counts as one with a value
                repeat = _repeat(attributes)
                if not attributes.endswith(b"/") or _VALUED.search(attributes):
                    self.last_column = self.column + repeat - 1
                self.column += repeat

    def close(self, name: bytes) -> None:
        if name == b"table-row":
            if self.last_column >= 0:
                self.rows = max(self.rows, self.row_at[-1] + self.row_repeat)
                self.columns = max(self.columns, self.last_column + 1)
            self.row_at[-1] += self.row_repeat
        elif len(self.row_at) > 1:  # a table's end
            self.row_at.pop()


def _repeat(attributes: bytes) -> int:
    found = _REPEAT.search(attributes)
    if found is None or not found[1]:
        return 1
    # a number past any sheet stands for itself (int() of a huge text is refused)
    return int(found[1]) if len(found[1]) <= 15 else 10 ** 15


def ods_extent(stream: IO[bytes]) -> tuple[int, int]:
    """The most rows and the most columns of the sheets in ``stream``, an ODS
    ``content.xml``, read a chunk at a time. A cell counts up to the last with a value or with
    any content, as calamine leaves out the empty ones after them; comments are not told apart
    from markup, so a bound may be larger than the sheet, never smaller."""
    bounds = _Bounds()
    for chunk in markup_chunks(stream, CHUNK, MAX_TEXT_RUN):
        bounds.read(chunk)
    return bounds.rows, bounds.columns
