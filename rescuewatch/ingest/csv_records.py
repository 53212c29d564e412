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

The text encoding is detected from the first bytes (:func:`detect_encoding`); a byte that the
encoding cannot decode is named with its line (:func:`bad_byte`), not the row the reader had
reached (the decoder reads ahead).

Lines are read at most :data:`MAX_LINE` characters at a time (:class:`Lines`): the csv
module takes a whole physical line before it looks at a cell, and a gzip file of a few
megabytes can unpack to a line of gigabytes. Lines holding a NUL character are counted
(:attr:`CsvRecords.nul_lines`), so that only the rows read while that count grew need their
cells looked at: PostgreSQL stores no NUL in text, and SQLite would keep what it refuses.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import chain, count
from typing import TYPE_CHECKING

from rescuewatch.errors import InputError
from rescuewatch.ingest.base import STREAM_ERRORS, damaged_stream

if TYPE_CHECKING:
    from rescuewatch.ingest.base import InputFile

#: Far longer than any dataset row (its cells are at most ``tables.MAX_CELL``, 1 MiB, each)
MAX_LINE = 16 << 20

#: First characters after which a row's first cell may be empty, blank or a hashtag: only
#: such rows are parsed while skipping, to tell data rows from the others.
_MAYBE_NOT_DATA = frozenset('#"\r\n')  # and the delimiter


class CsvRecords:
    """The records of ``item`` decoded as ``encoding``, read once, in file order."""

    def __init__(self, item: InputFile, encoding: str, given: bool = False,
                 delimiter: str = ",") -> None:
        self.item = item
        self.origin = item.origin
        self.encoding = encoding
        #: whether the user chose the encoding (--encoding) rather than detection
        self.given = given
        self.delimiter = delimiter
        self.stream = io.TextIOWrapper(item.open(), encoding=encoding, newline="")
        self.line_reader = Lines(self.stream, MAX_LINE)
        self.lines = iter(self.line_reader)
        self.reader = csv.reader(self.lines, strict=True, delimiter=delimiter)
        self.numbers = count(1)
        self.skipped_lines = 0

    @property
    def position(self) -> int:
        """Lines read so far, parsed or skipped."""
        return self.reader.line_num + self.skipped_lines

    @property
    def nul_lines(self) -> int:
        """Lines read so far, parsed or skipped, that hold a NUL character."""
        return self.line_reader.nul_lines

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
                if (_maybe_not_data(record, self.delimiter)
                        and not is_data(_parsed(record, self.delimiter))):
                    continue
                kept += 1
        return kept

    def _record(self) -> str | None:
        """The lines of the next record, joined (``None`` at the end of the file)."""
        if self.stream.closed:  # rows() read to the end
            return None
        line = next(self.lines, None)
        if line is None:
            return None
        self.skipped_lines += 1
        if not line.count('"') & 1:
            return line
        lines = [line]
        for more in self.lines:  # a quoted cell runs on past the line end
            self.skipped_lines += 1
            lines.append(more)
            if more.count('"') & 1:
                break
        return "".join(lines)

    @contextmanager
    def _read_errors(self) -> Iterator[None]:
        try:
            yield
        except LineTooLong:
            # the line that failed is not counted in the position
            raise InputError(f"line {self.position + 1:,} is longer than any dataset row "
                             f"({MAX_LINE:,} characters or more without a line end)",
                             path=self.origin, row=next(self.numbers) - 1,
                             hint="the file is damaged, or not a CSV file") from None
        except csv.Error as exc:
            raise InputError(f"malformed CSV ({exc}); the file may be truncated",
                             path=self.origin, row=next(self.numbers) - 1) from exc
        except UnicodeError as exc:  # UnicodeDecodeError; UTF-16 without a BOM, idna: its base
            # the decoder reads ahead of the csv reader: find the line of the byte itself
            line, byte = bad_byte(self.item, self.encoding)
            where = f" on line {line} (byte 0x{byte:02x})" if line else ""
            raise InputError(f"not valid {self.encoding} text{where}", path=self.origin,
                             hint=self._encoding_hint(line)) from exc
        except STREAM_ERRORS as exc:  # a damaged or cut gzip stream
            raise damaged_stream(self.item, exc, next(self.numbers) - 1) from exc

    def _encoding_hint(self, line: int = 0) -> str:
        if self.given:
            return f"check --encoding: the file is not in {self.encoding}"
        if self.encoding.startswith("utf-8"):
            legacy = _legacy_page(self.item, line)
            if legacy is not None:
                # its first 64 KB were plain ASCII: a spreadsheet's Windows code page, which
                # shows only where the first accent or Cyrillic letter is
                return (f"line {line} reads as {legacy}: if the file is in that code page, "
                        f"pass --encoding {legacy}; if it is UTF-8, repair the damaged byte")
            return "the file is UTF-8 with a damaged byte: repair it, or pass --encoding"
        return "pass --encoding with the file's encoding (e.g. cp1251)"


#: DOS's end-of-file character (Ctrl-Z), which old Windows tools still write after the last
#: line; read as a row, it made the file look truncated.
_END_OF_FILE_MARK = "\x1a"


class LineTooLong(Exception):
    """A line too long to read."""


class Lines:
    """The lines of ``stream``, raising :class:`LineTooLong` at one of ``limit`` characters
    or more instead of reading it whole; :attr:`nul_lines` counts those holding a NUL."""

    def __init__(self, stream: io.TextIOBase, limit: int = MAX_LINE) -> None:
        self.nul_lines = 0
        self._lines = self._read(stream, limit)

    def __iter__(self) -> Iterator[str]:
        return self._lines  # the generator itself: the csv module then reads it in C

    def _read(self, stream: io.TextIOBase, limit: int) -> Iterator[str]:
        readline = stream.readline
        while line := readline(limit):
            if line == _END_OF_FILE_MARK:  # a last line of only the mark: no row at all
                return
            if len(line) >= limit:
                raise LineTooLong
            if "\x00" in line:
                self.nul_lines += 1
            yield line


def bad_byte(item: InputFile, encoding: str) -> tuple[int, int]:
    """The line (from 1) of the first byte of ``item`` that ``encoding`` cannot decode, and
    the byte; ``(0, 0)`` if every byte decodes."""
    decoder = codecs.getincrementaldecoder(encoding)()
    lines = 1
    with item.open() as stream:
        while chunk := stream.read(1 << 20):
            held = decoder.getstate()[0]  # the start of a character cut by the last chunk
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                at = max(exc.start - len(held), 0)
                return lines + chunk.count(b"\n", 0, at), chunk[at]
            except UnicodeError:  # a codec that names no byte
                return 0, 0
            lines += chunk.count(b"\n")
    held = decoder.getstate()[0]
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:  # the file ends inside a character
        return lines, held[0]
    except UnicodeError:
        return 0, 0
    return 0, 0


def _legacy_page(item: InputFile, line: int) -> str | None:
    """The Windows code page (``cp1251`` or ``cp1252``) line ``line`` of ``item`` reads as,
    when every line before it is ASCII and it is no UTF-8 (else ``None``: UTF-8 text with a
    damaged byte)."""
    if line < 1:
        return None
    with item.open() as stream:
        for number, raw in enumerate(stream, 1):
            if number == line:
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError:
                    return detect_encoding(raw) if not _mostly_utf8(raw) else None
                return None
            if not raw.isascii():
                return None
    return None


def _maybe_not_data(record: str, delimiter: str) -> bool:
    first = record[:1]
    if first == '"':  # a quoted first cell: empty, blank or a hashtag only as below
        first = record[1:2]
    return not first or first in _MAYBE_NOT_DATA or first == delimiter or first.isspace()


def _parsed(record: str, delimiter: str) -> list[str]:
    """The cells of one record; a malformed one counts as data (its parse will fail)."""
    try:
        return next(csv.reader([record], strict=True, delimiter=delimiter), [])
    except csv.Error:
        return ["?"]


def detect_delimiter(text: str) -> str:
    """The delimiter of a CSV file from its first lines: of comma, semicolon (as spreadsheets
    write where the decimal mark is a comma) and tab, the one that splits two thirds of the
    records or more into the same number of cells, the most; a comma unless another does
    better. Counting alone would take a two-column file of notes full of semicolons for a
    semicolon file."""
    lines = text.splitlines()
    lines = lines[:-1][:20] if len(lines) > 1 else lines  # the sample may cut its last line
    best, most = ",", 1
    for delimiter in DELIMITERS:
        widths = cell_counts(lines, delimiter)
        if widths is None:
            continue
        if len(widths) > 1:
            widths.pop()  # the last line read may end inside a quoted cell
        if not widths:
            continue
        width, count = Counter(widths).most_common(1)[0]
        if width > most and 3 * count >= 2 * len(widths):
            best, most = delimiter, width
    return best


DELIMITERS = (",", ";", "\t")


def cell_counts(lines: list[str], delimiter: str) -> list[int] | None:
    """How many cells each non-empty record of ``lines`` holds when split at ``delimiter``;
    ``None`` when the lines are no valid CSV that way."""
    try:
        return [len(row) for row in csv.reader(lines, delimiter=delimiter) if row]
    except csv.Error:
        return None


# --- encodings -------------------------------------------------------------------------------


def detect_encoding(sample: bytes, given: str | None = None,
                    more: Iterable[bytes] = ()) -> str:
    """The text encoding of a CSV: ``given``, else a BOM, else UTF-8, else a legacy code page.

    A sample that is not valid UTF-8 is Windows-1251 when its letters (bytes C0-FF in both
    code pages) come in runs of non-ASCII bytes (Cyrillic words), Windows-1252 when they sit
    alone between ASCII letters (accents). Bytes below C0 are left out of that vote: the
    typographic quotes and dashes (80-9F) are the same in both. A sample without a letter
    decides nothing, and the vote goes on in ``more``, the bytes of the rest of the file.
    """
    if given:
        return given
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"  # the sample cut a character in two
    if _mostly_utf8(sample):
        return "utf-8"  # with a damaged byte, which the reader will name
    for chunk in chain((sample,), more):
        letters = len(_LETTER.findall(chunk))
        if letters:
            in_words = sum(len(_LETTER.findall(run)) for run in _HIGH_RUN.findall(chunk))
            return "cp1251" if in_words > letters / 2 else "cp1252"
    return "cp1252"


_LETTER = re.compile(rb"[\xc0-\xff]")
_HIGH_RUN = re.compile(rb"[\x80-\xff]{2,}")


def _mostly_utf8(sample: bytes) -> bool:
    """Whether more characters of ``sample`` decode as UTF-8 multi-byte sequences than fail:
    text in a legacy code page seldom makes a valid sequence by chance (a Cyrillic letter in
    Windows-1251 followed by another is no UTF-8 continuation byte)."""
    text = sample.decode("utf-8", errors="replace")
    damaged = text.count("\ufffd")
    return sum(1 for c in text if c > "\x7f") - damaged > damaged
