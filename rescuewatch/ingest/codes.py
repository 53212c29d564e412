"""Numeric code columns of the datasets (UCDP ``date_prec``, ACLED ``geo_precision``...)
mapped to the model's words.

A code a codebook does not define is a bad value of its row, not a missing one: reading an
out-of-range ``where_prec`` as "no precision" would pass a mistyped or shifted column
silently into the store. A code written as an integral decimal (``1.0``, as a file saved
again by pandas or a spreadsheet may write it) is the integer it stands for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from rescuewatch.ingest.cell_values import RowError

_INTEGRAL = re.compile(r"([0-9]+)\.0*")


class CodeColumn:
    """The words of one code column; ``None`` (an empty cell) reads as ``None``.

    Parameters
    ----------
    column : str
        The column's name, for errors.
    words : Mapping[str, str | None]
        Each code the codebook defines and the model's word for it (``None`` where a code
        says that there is no such precision, e.g. UCDP ``where_prec`` 7).
    """

    def __init__(self, column: str, words: Mapping[str, str | None]) -> None:
        self.column = column
        self.words: dict[str | None, str | None] = {None: None}
        self.words.update(words)
        self.expected = ", ".join(words)

    def __call__(self, code: str | None) -> str | None:
        """The word of ``code``; :class:`RowError` when the codebook has no such code."""
        try:
            return self.words[code]
        except KeyError:
            pass
        integral = _INTEGRAL.fullmatch(code or "")
        if integral is not None and integral[1] in self.words:
            return self.words[integral[1]]
        raise RowError(f"{str(code)[:30]!r} is not a {self.column} code (the codebook has "
                       f"{self.expected})", self.column)

    def column_of(self, codes: Iterable[str | None]) -> list[str | None]:
        """:meth:`__call__` of each of ``codes``, a chunk's column (a dict lookup each while
        every code is one the codebook writes)."""
        codes = list(codes)
        words = self.words
        try:
            return [words[c] for c in codes]
        except KeyError:
            return [self(c) for c in codes]
