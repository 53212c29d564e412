"""How many cells the sheets of a workbook span, told from its zip before calamine loads it.

calamine holds a sheet as one rectangle from its first cell to its last, and it loads every
sheet to pick the data sheet: a header row and one cell at ``XFD1048576`` (a few kilobytes) ask
it for 17 billion cells, 512 GB, and Rust aborts the process on a failed allocation (no
exception reaches Python). So :func:`check_workbook` reads the zip first and refuses a
workbook that unpacks to implausibly many bytes, or any part of which places cells over more
than :data:`MAX_SHEET_CELLS`.

Each part is read streaming, a chunk at a time, and taken to span as many rows and columns as
its ``<dimension ref="...">`` says and as the largest cell reference (``r="..."``) in it, since
the dimension is only what the writer claims. Every part is read, not only those named as
worksheets: calamine follows the workbook's relationships to any part. A cell without a
reference goes one column right of the one before it, and a row without one one row down, so
where some tag has no reference (or the XML is written in an unusual way: single quotes, blanks
around ``=``, namespace prefixes) a slower pass bounds those too. Every bound here is at least
what calamine will allocate; empty cells count, although calamine leaves them out.

A binary workbook (``.xlsb``) is a zip too, its sheets records rather than XML: those are
read by :func:`binary_part_extent`. An OpenDocument spreadsheet's sheets are bounded by
:func:`.ods_extent.ods_extent`.
"""

from __future__ import annotations

import html
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from rescuewatch.errors import InputError
from rescuewatch.ingest.markup import MAX_TEXT_RUN, markup_chunks
from rescuewatch.ingest.ods_extent import ods_extent

if TYPE_CHECKING:
    from rescuewatch.ingest.base import InputFile

#: Far more cells than any dataset sheet has (Excel's own limit is a million rows, and
#: datasets have a few dozen columns); calamine takes about 32 bytes a cell.
MAX_SHEET_CELLS = 50_000_000
#: The XML of one part, unpacked: about 30 bytes a cell, so room for far more than any dataset.
MAX_PART_BYTES = 1 << 30
#: Every part together, unpacked (a zip bomb unpacks to terabytes from a few kilobytes).
MAX_WORKBOOK_BYTES = 2 << 30
CHUNK = 1 << 20

_BLANKS = bytes.maketrans(b"\t\r\n", b"   ")
#: A chunk that needs the slower pass: an attribute in single quotes or with blanks around
#: "=", or a namespace prefix on a row or cell tag (the fast patterns would miss them).
_UNUSUAL = (b"='", b"= ", b" =", b":c", b":row")
#: A row or cell tag without a reference (the reference need not come first).
_UNREFERENCED = re.compile(rb'<(?:c|row)(?=[ >/])(?![^>]* r=")')
_COLUMNS = re.compile(rb' R="([A-Z]+)')  # in the upper-cased chunk
_CELL_ROWS = re.compile(rb' r="[A-Za-z]+([0-9]+)"')
_ROW_TAG = re.compile(rb'<row(?: [^>]*?)? r="([0-9]+)"')
_DIMENSION = re.compile(rb'dimension\s[^>]*?\bref\s*=\s*["\']([^"\']*)')
_RANGE_PART = re.compile(rb"\$?([A-Za-z]*)\$?([0-9]*)")
# the slower pass
_ANY_REFERENCE = re.compile(rb'\sr\s*=\s*["\']([A-Za-z]*)([0-9]*)')
_ROW_START = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?row(?=[\s/>])")
_CELL_OR_ROW_END = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?c(?=[\s/>])|<(/)(?:[A-Za-z_][\w.\-]*:)?row\s*>")
#: a number this long is past any bound (and int() of a 5,000-digit text is refused)
_LONGEST = 15
#: A cell value below this, in a cell formatted as a date or time, makes calamine panic
#: (chrono's TimeDelta of i64 milliseconds: about -1.07e11 days); Rust writes the panic to
#: standard error before Python hears of it. No dataset holds such a number in any cell.
MIN_CELL_NUMBER = -1e11
_NEGATIVE_VALUE = re.compile(rb"v>-([^<]{1,400})<")
_LAST_REFERENCE = re.compile(rb'.*\sr\s*=\s*["\']([A-Za-z]*[0-9]*)', re.DOTALL)


@dataclass
class Extent:
    """Bounds on the cells of one part: the largest row and column referenced, and for the
    tags without a reference, how many rows and how many cells in one row they may add.

    calamine puts a cell without a reference in the current row, one column right of the cell
    before it; the current row is set by a row tag's reference, and goes one down at the end
    of each row (where the column goes back to the first). So such a cell is at most one row
    below the last row referenced and the rows begun without a reference since, and at most as
    many columns right of the last cell referenced as there are cells since the last row end.
    """

    rows: int = 0
    columns: int = 0
    #: row tags read by the slower pass, plus one once it has read a chunk
    unreferenced_rows: int = 0
    widest_run: int = 0
    #: cell tags since the last row end, in the chunks read by the slower pass
    run: int = 0
    #: the reference of the last row tag read by the fast pass
    row: int = 0

    @property
    def height(self) -> int:
        return self.rows + self.unreferenced_rows

    @property
    def width(self) -> int:
        return self.columns + self.widest_run


#: (message, hint) of the refusal of a workbook, or ``None``, by SHA-256
_VERDICTS: dict[str, tuple[str, str | None] | None] = {}


def check_workbook(item: InputFile) -> None:
    """Raise :class:`InputError` when ``item``, a zip workbook, unpacks to too many bytes or
    has a part spanning too many cells. Not a zip (an ``.xls``, or no workbook at all): nothing
    to check here, calamine says what it is. The verdict is kept by SHA-256, since every
    reader's sniff, the read and the date-order check each open the workbook."""
    if item.sha256 not in _VERDICTS:
        if len(_VERDICTS) > 16:
            _VERDICTS.clear()
        try:
            _check(item)
            _VERDICTS[item.sha256] = None
        except InputError as exc:
            _VERDICTS[item.sha256] = exc.message, exc.hint
            raise
    verdict = _VERDICTS[item.sha256]
    if verdict is not None:  # the same bytes may come under another name
        raise InputError(verdict[0], path=item.origin, hint=verdict[1])


def _check(item: InputFile) -> None:
    try:
        archive = zipfile.ZipFile(item.path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return
    with archive:
        parts = [info for info in archive.infolist() if not info.is_dir()]
        total = sum(info.file_size for info in parts)
        if total > MAX_WORKBOOK_BYTES:
            raise InputError(
                f"the workbook unpacks to {total:,} bytes, more than any dataset "
                f"({MAX_WORKBOOK_BYTES:,} at most)", path=item.origin,
                hint="it may be a zip bomb; a real export this large is read as CSV")
        names = _sheet_names(archive)
        binary_sheets = _binary_sheets(archive, parts)
        xml_parts = set(_targets(archive, "xl/_rels/workbook.xml.rels").values())
        for info in parts:
            label = (f"sheet {names[info.filename]!r}" if info.filename in names
                     else f"part {info.filename!r}")
            if info.file_size > MAX_PART_BYTES:
                raise InputError(
                    f"{label} unpacks to {info.file_size:,} bytes of XML, more than any "
                    f"dataset sheet ({MAX_PART_BYTES:,} at most)", path=item.origin,
                    hint="is this the right file? a sheet this large is read as CSV")
            try:
                if info.filename in binary_sheets:
                    with archive.open(info) as stream:
                        extent = binary_part_extent(stream)
                elif info.filename == "content.xml" and info.filename not in xml_parts:
                    with archive.open(info) as stream:  # an OpenDocument spreadsheet's sheets
                        rows, columns = ods_extent(stream)
                    extent = Extent(rows=rows, columns=columns)
                elif _binary(info.filename) and info.filename not in xml_parts:
                    continue  # no sheet, nor XML: a long run without a "<" is no error here
                else:
                    with archive.open(info) as stream:
                        extent = part_extent(stream)
            except _DAMAGED as exc:  # damaged, encrypted, odd
                raise InputError(f"not a readable Excel workbook ({label}: {exc})",
                                 path=item.origin,
                                 hint="save it again as .xlsx or export it as CSV") from exc
            rows, columns = extent.height, extent.width
            if rows * columns > MAX_SHEET_CELLS:
                raise InputError(
                    f"{label} spans {rows:,} rows × {columns:,} columns "
                    f"({rows * columns:,} cells), more than any dataset "
                    f"({MAX_SHEET_CELLS:,} at most)", path=item.origin,
                    hint="a cell far beyond the data, even an empty formatted one, makes a "
                         "sheet this large: delete the rows and columns after the data and "
                         "save it again, or export the sheet as CSV")


def part_extent(stream: IO[bytes]) -> Extent:
    """The bounds of one part of a workbook, read from ``stream`` a chunk at a time."""
    extent = Extent()
    for chunk in markup_chunks(stream, CHUNK, MAX_TEXT_RUN):
        _read_chunk(chunk.translate(_BLANKS), extent)
    return extent


def _read_chunk(chunk: bytes, extent: Extent) -> None:
    if b"v>-" in chunk:
        _check_negative_values(chunk)
    if b"dimension" in chunk:
        for ref in _DIMENSION.findall(chunk):
            for letters, digits in _RANGE_PART.findall(ref):
                extent.rows = max(extent.rows, _row(digits))
                extent.columns = max(extent.columns, _column(letters))
    if any(pattern in chunk for pattern in _UNUSUAL) or _UNREFERENCED.search(chunk):
        _read_slowly(chunk, extent)
        return
    if b"<c " in chunk or b"</row" in chunk:  # later cells go on from these
        extent.run = 0
    if (last_row := _ROW_TAG.match(chunk, max(chunk.rfind(b"<row "), 0))) is not None:
        extent.row = _row(last_row[1])
    upper = chunk.upper()
    if _columns_above(extent.columns).search(upper):
        extent.columns = max([extent.columns, *map(_column, set(_COLUMNS.findall(upper)))])
    # cell references come in row order: the last one is almost always the largest
    last = _CELL_ROWS.findall(chunk, max(len(chunk) - 4096, 0))
    if last:
        extent.rows = max(extent.rows, _row(last[-1]))
    if _rows_above(extent.rows).search(chunk):
        extent.rows = max([extent.rows, *map(_row, _CELL_ROWS.findall(chunk))])


def _check_negative_values(chunk: bytes) -> None:
    """Raise ``ValueError`` naming the cell of a value below :data:`MIN_CELL_NUMBER`
    (``-inf`` too): calamine would panic on it if the cell is formatted as a date."""
    for found in _NEGATIVE_VALUE.finditer(chunk):
        try:
            number = -float(found[1])
        except ValueError:
            continue  # no number: calamine says so itself
        if number < MIN_CELL_NUMBER:
            reference = _LAST_REFERENCE.match(chunk, max(found.start() - 4096, 0), found.start())
            cell = f"cell {reference[1].decode()} " if reference else "a cell "
            raise ValueError(f"{cell}holds {number:g}, beyond any date or count")


def _read_slowly(chunk: bytes, extent: Extent) -> None:
    """Bounds for a chunk with tags without a reference, or written unusually (see
    :class:`Extent`): every reference counts, of a row or a cell, wherever it is; every row tag
    may add a row, and every cell tag a column to those of its row. A self-closing row ends
    no run here: a ``/>`` inside an attribute value would end it too early."""
    references = _ANY_REFERENCE.findall(chunk)
    extent.rows = max([extent.rows, extent.row, *(_row(digits) for _, digits in references)])
    extent.columns = max([extent.columns, *map(_column, {letters for letters, _ in references})])
    extent.unreferenced_rows += len(_ROW_START.findall(chunk)) + (extent.unreferenced_rows == 0)
    # "c" for a cell tag, "e" for a row's end: the cells of each row are the runs between ends
    marks = b"".join(b"e" if end else b"c" for end in _CELL_OR_ROW_END.findall(chunk))
    runs = [len(run) for run in marks.split(b"e")]
    runs[0] += extent.run
    extent.widest_run = max([extent.widest_run, *runs])
    extent.run = runs[-1]


def _column(letters: bytes) -> int:
    if len(letters) > _LONGEST // 2:
        return 26 ** (_LONGEST // 2)
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _row(digits: bytes) -> int:
    digits = digits.lstrip(b"0")
    return 10 ** _LONGEST if len(digits) > _LONGEST else int(digits or b"0")


def _rows_above(row: int) -> re.Pattern[bytes]:
    """A cell reference whose row is past ``row``."""
    return re.compile(rb' r="[A-Za-z]+0*(?:' + _numbers_above(str(row), "0123456789") + rb')"')


def _columns_above(column: int) -> re.Pattern[bytes]:
    """A cell reference, upper-cased, whose column is past ``column``."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return re.compile(rb' R="(?:' + _numbers_above(letters, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
                      + rb')')


def _numbers_above(number: str, digits: str) -> bytes:
    """A pattern for the numbers written in ``digits`` (no leading zero digit) larger than
    ``number``: more digits, or as many and a larger digit after a common start."""
    first = digits[1] if digits[0] == "0" else digits[0]
    alternatives = [f"[{first}-{digits[-1]}][{digits[0]}-{digits[-1]}]{{{len(number)},}}"]
    for i, digit in enumerate(number):
        if digit != digits[-1]:
            larger = digits[digits.index(digit) + 1]
            alternatives.append(f"{number[:i]}[{larger}-{digits[-1]}]"
                                f"[{digits[0]}-{digits[-1]}]{{{len(number) - i - 1}}}")
    return "|".join(alternatives).encode()


_SHEET = re.compile(rb"<(?:[\w.\-]+:)?sheet\s([^>]*)>")
_RELATIONSHIP = re.compile(rb"<(?:[\w.\-]+:)?Relationship\s([^>]*)>")
_ATTRIBUTE = re.compile(rb"""([\w:.\-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
#: the workbook and its relationships are a few kilobytes; only this much is read for names
_NAMES_BYTES = 4 << 20
#: what reading a damaged, encrypted or odd part raises; and a part that is not there
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError,
            RuntimeError)
_UNREADABLE = (KeyError, *_DAMAGED)
_WORKSHEET_BIN = re.compile(r"(?:^|/)worksheets/[^/]+\.bin$", re.IGNORECASE)


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet names by the path of their part (as calamine finds them), for the messages."""
    try:
        workbook = _head(archive, "xl/workbook.xml")
    except _UNREADABLE:
        return {}
    targets = _targets(archive, "xl/_rels/workbook.xml.rels")
    names = {}
    for attributes in _SHEET.findall(workbook):
        found = _attributes(attributes)
        rel = next((v for k, v in found.items() if k.rpartition(":")[2] == "id"), None)
        if rel in targets and "name" in found:
            names[targets[rel]] = found["name"]
    return names


def _targets(archive: zipfile.ZipFile, name: str) -> dict[str, str]:
    """The parts the relationships in part ``name`` point to, by relationship id."""
    try:
        relationships = _head(archive, name)
    except _UNREADABLE:
        return {}
    targets = {}
    for attributes in _RELATIONSHIP.findall(relationships):
        found = _attributes(attributes)
        if "Id" in found and "Target" in found:
            target = found["Target"]
            targets[found["Id"]] = target[1:] if target.startswith("/") else f"xl/{target}"
    return targets


def _binary_sheets(archive: zipfile.ZipFile, parts: list[zipfile.ZipInfo]) -> set[str]:
    """The parts of a binary workbook calamine may read as sheets: those the workbook's
    relationships point to, and any under ``worksheets/``. Other ``.bin`` parts (printer
    settings, say) are no records, and read as such would give nonsense bounds."""
    targets = set(_targets(archive, "xl/_rels/workbook.bin.rels").values())
    return {info.filename for info in parts
            if info.filename in targets or _WORKSHEET_BIN.search(info.filename)}


def _binary(name: str) -> bool:
    return name.lower().endswith(".bin")


def _head(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as stream:
        return stream.read(_NAMES_BYTES)


def _attributes(text: bytes) -> dict[str, str]:
    return {key.decode("utf-8", "replace"): html.unescape(
        (double or single).decode("utf-8", "replace"))
        for key, double, single in _ATTRIBUTE.findall(text)}


# Record types of [MS-XLSB] 2.3 read for bounds: a row header (its row comes first), cells
# with a column (which comes first), cells without one ("short" cells, which go one column on),
# and the sheet's dimension (first row, last row, first column, last column).
_ROW_HEADER = 0
_CELLS = frozenset(range(1, 12))
_SHORT_CELLS = frozenset(range(12, 19))
_SHEET_DIMENSION = 148
#: a record header is at most 6 bytes (type 2, size 4); at most 16 bytes of a body are read
_RECORD_HEAD = 6 + 16


def binary_part_extent(stream: IO[bytes]) -> Extent:
    """The bounds of one sheet of a binary workbook, read from ``stream`` a chunk at a time.

    Rows and columns count from zero in these records. A cell before any row header is in the
    first row. Where the records end early, the bounds are those of the records read: calamine
    refuses such a sheet itself.
    """
    extent = Extent()
    column = -1
    for kind, body in _records(stream):
        if kind == _ROW_HEADER and len(body) >= 4:
            extent.rows = max(extent.rows, _u32(body, 0) + 1)
        elif kind in _CELLS and len(body) >= 4:
            column = _u32(body, 0)
            extent.columns = max(extent.columns, column + 1)
            extent.rows = max(extent.rows, 1)
        elif kind in _SHORT_CELLS:
            column += 1
            extent.columns = max(extent.columns, column + 1)
            extent.rows = max(extent.rows, 1)
        elif kind == _SHEET_DIMENSION and len(body) >= 16:
            extent.rows = max(extent.rows, _u32(body, 4) + 1)
            extent.columns = max(extent.columns, _u32(body, 12) + 1)
    return extent


def _records(stream: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    """The type and the first 16 bytes of the body of each record in ``stream``."""
    buffer, at = b"", 0
    while True:
        if len(buffer) - at < _RECORD_HEAD:
            buffer, at = buffer[at:], 0
            while len(buffer) < _RECORD_HEAD and (block := stream.read(CHUNK)):
                buffer += block
            if not buffer:
                return
        try:  # the type in one or two bytes, the size in one to four, seven bits each
            kind = buffer[at]
            at += 1
            if kind & 0x80:
                kind = (kind & 0x7F) | (buffer[at] & 0x7F) << 7
                at += 1
            size = shift = 0
            for _ in range(4):
                byte = buffer[at]
                at += 1
                size |= (byte & 0x7F) << shift
                shift += 7
                if not byte & 0x80:
                    break
        except IndexError:  # the part ends inside a header
            return
        yield kind, buffer[at:at + 16]
        at += size
        if at > len(buffer):  # the body goes on past the buffer: pass over the rest
            if not _skip(stream, at - len(buffer)):
                return
            buffer, at = b"", 0


def _skip(stream: IO[bytes], count: int) -> bool:
    while count > 0:
        block = stream.read(min(count, CHUNK))
        if not block:
            return False
        count -= len(block)
    return True


def _u32(data: bytes, offset: int) -> int:
    return int.from_bytes(data[offset:offset + 4], "little")
