"""The records of a CSV file, numbered, parsed by the csv module or passed over unparsed.

:meth:`CsvRecords.rows` gives every record parsed (strict quoting), numbered from 1 as the
file's rows are; a read error names the row. :meth:`CsvRecords.skip` passes over whole data
rows without parsing their cells: several workers sharing a file (see
:mod:`rescuewatch.ingest.chunks`) each parse only their own chunks and skip the rest, yet keep
the same row numbers and count the same rows.

Skipping splits records by lines and quotes alone: a record goes on past a line end while an
odd number of quotes has been seen, which is how the csv module reads well-formed quoting. A
file that breaks that rule (a bare quote inside an unquoted cell) can make a skip end
elsewhere than the parse would; :attr:`CsvRecords.position` (lines read) lets the caller see
that and read such a file in one piece instead.
"""

from __future__ import annotations

import csv
import io
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import count
from typing import TYPE_CHECKING

from rescuewatch.errors import InputError

if TYPE_CHECKING:
    from rescuewatch.ingest.base import InputFile

#: First characters after which a row's first cell may be empty, blank or a hashtag: only
#: such rows are parsed while skipping, to tell data rows from the others.
_MAYBE_NOT_DATA = frozenset(',#"\r\n')


class CsvRecords:
    """The records of ``item`` decoded as ``encoding``, read once, in file order."""

    def __init__(self, item: InputFile, encoding: str) -> None:
        self.origin = item.origin
        self.encoding = encoding
        self.stream = io.TextIOWrapper(item.open(), encoding=encoding, newline="")
        self.reader = csv.reader(self.stream, strict=True)
        self.numbers = count(1)
        self.skipped_lines = 0

    @property
    def position(self) -> int:
        """Lines read so far, parsed or skipped."""
        return self.reader.line_num + self.skipped_lines

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """Every record with its number (call once: the file is closed at the end)."""
        try:
            with self._read_errors():
                # zip() numbers the records in C; it takes a record's number before reading
                # the record, so after a failed read the next number is one past the failing row
                yield from zip(self.numbers, self.reader, strict=False)
        finally:
            self.stream.close()

    def skip(self, rows: int, is_data: Callable[[list[str]], bool]) -> int:
        """Pass over the next ``rows`` data rows, and the other rows among them, between two
        records read by :meth:`rows`; how many data rows there were (fewer at the end).

        ``is_data`` says whether a parsed row is a data row; it is asked only about rows whose
        first cell might be empty, blank or a hashtag.
        """
        kept = 0
        with self._read_errors():
            while kept < rows:
                next(self.numbers)  # as zip() in rows(): the number before the record
                record = self._record()
                if record is None:
                    break
                if _maybe_not_data(record) and not is_data(_parsed(record)):
                    continue
                kept += 1
        return kept

    def _record(self) -> str | None:
        """The lines of the next record, joined (``None`` at the end of the file)."""
        if self.stream.closed:  # rows() read to the end
            return None
        line = next(self.stream, None)
        if line is None:
            return None
        self.skipped_lines += 1
        if not line.count('"') & 1:
            return line
        lines = [line]
        for more in self.stream:  # a quoted cell runs on past the line end
            self.skipped_lines += 1
            lines.append(more)
            if more.count('"') & 1:
                break
        return "".join(lines)

    @contextmanager
    def _read_errors(self) -> Iterator[None]:
        try:
            yield
        except csv.Error as exc:
            raise InputError(f"malformed CSV ({exc}); the file may be truncated",
                             path=self.origin, row=next(self.numbers) - 1) from exc
        except UnicodeDecodeError as exc:
            raise InputError(f"not valid {self.encoding} text", path=self.origin,
                             row=next(self.numbers) - 1,
                             hint="pass --encoding (e.g. cp1251)") from exc
        except (OSError, EOFError, zlib.error) as exc:  # a damaged or cut gzip stream
            raise InputError(f"cannot read: {exc}", path=self.origin,
                             row=next(self.numbers) - 1,
                             hint="the file may be truncated or damaged") from exc


def _maybe_not_data(record: str) -> bool:
    first = record[:1]
    if first == '"':  # a quoted first cell: empty, blank or a hashtag only as below
        first = record[1:2]
    return not first or first in _MAYBE_NOT_DATA or first.isspace()


def _parsed(record: str) -> list[str]:
    """The cells of one record; a malformed one counts as data (its parse will fail)."""
    try:
        return next(csv.reader([record], strict=True), [])
    except csv.Error:
        return ["?"]
