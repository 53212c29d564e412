"""Streaming rows of dataset tables (CSV, gzip CSV, XLSX) for the structured dataset readers.

Every dataset reader (ACLED, UCDP, Insecurity Insight, WHO SSA) needs the same things: find the
header row, skip HXL hashtag rows wherever they sit (before the header, right after it, at the
end), read the text in whatever encoding it came in, look columns up by the names different
releases gave them, and turn cells into dates, numbers and coordinates with an error that names
the row and column. :class:`TableReader` ties this together; a dataset reader only says which
columns it recognises and how one row becomes a claim.

Rows are streamed: a CSV is never held in memory. (An XLSX sheet is decoded by calamine as a
whole; the datasets published as workbooks are small, and a workbook whose sheets span more
cells than any dataset is refused before calamine sees it: :mod:`.sheet_extent`.)
"""

from __future__ import annotations

import codecs
import csv
import functools
import re
import zlib
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from rescuewatch.errors import InputError, warn
from rescuewatch.ingest.base import (
    READ_CHUNK,
    STREAM_ERRORS,
    InputFile,
    Parcel,
    ReadContext,
    Reader,
    Share,
)
from rescuewatch.ingest.cell_values import (  # noqa: F401 - the readers' names for them
    MAX_COUNT,
    Cell,
    RowError,
    coordinates,
    counts,
    parse_coordinate,
    parse_count,
    parse_flag,
    parse_float,
    parse_point,
    parsed,
    row_id,
)
from rescuewatch.ingest.csv_records import CsvRecords, detect_delimiter, detect_encoding
from rescuewatch.ingest.date_order import DateOrder, date_order
from rescuewatch.ingest.header_rows import (
    cell_json,
    find_header,
    is_blank,
    is_hashtag_row,
    is_total_label,
    is_totals_row,
    named_width,
    norm_name,
    shared_columns,
    unique_names,
)
from rescuewatch.ingest.sheet_extent import check_workbook
from rescuewatch.model import Claim, Source

if TYPE_CHECKING:
    from rescuewatch.store.claims import ClaimColumns

#: Bumped when a reader's mapping changes, so stored claims say which mapping made them.
#: 1.1: the layouts of more releases (GED 5.0, SHCC 2016-2019, the SSA dashboard's YES/NO and
#: times, protests in ACLED exports without sub-event types).
READER_VERSION = "1.1"
HEADER_SCAN = 6  # the header must be among the first rows (after blank and hashtag rows)
MAX_CELL = 1 << 20
#: Far more columns than any dataset has: refused before each name is looked at (a 100 MB header)
MAX_COLUMNS = 10_000
XLSX_MAGIC = b"PK\x03\x04"
XLSX_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")


# --- cells ------------------------------------------------------------------------------------


def text(cells: Sequence[Cell], index: int | None) -> str | None:
    """The cell at ``index`` as stripped text, ``None`` when absent or empty."""
    if index is None or index >= len(cells):
        return None
    value = cells[index]
    if value is None:
        return None
    if not isinstance(value, str):
        value = cell_json(value)
        return None if value is None else str(value)
    value = value.strip()
    return value or None


def texts(cells: Sequence[Cell]) -> list[str | None]:
    """Every cell as :func:`text` gives it, in one pass, plus a final ``None``.

    The final ``None`` is what index ``-1`` reads: readers map columns a file lacks to ``-1``
    (see :meth:`Table.position`) so that a row's values are looked up without a call per cell.
    """
    try:
        out: list[str | None] = [c.strip() or None for c in cells]
    except AttributeError:  # a workbook row: numbers, dates or empty cells among the text
        out = [text(cells, i) for i in range(len(cells))]
    out.append(None)
    return out


class TextPicker:
    """:func:`texts` for only the columns a reader reads, in the order of ``positions``' slots.

    ``positions`` are those of :meth:`Table.position` (``-1`` for a missing column);
    :attr:`slot` maps each to its index in the list a call returns, whose final ``None`` is
    what ``-1`` reads. Stripping a dozen cells instead of every cell of a wide export saves
    a few microseconds a row; the values are those :func:`texts` gives.
    """

    def __init__(self, positions: Sequence[int]) -> None:
        self.columns: tuple[int, ...] = tuple(sorted({p for p in positions if p >= 0}))
        self.slot: dict[int, int] = {p: self.columns.index(p) for p in self.columns}
        self.slot[-1] = -1

    def __call__(self, cells: Sequence[Cell]) -> list[str | None]:
        try:
            out: list[str | None] = [cells[i].strip() or None  # type: ignore[union-attr]
                                     for i in self.columns]
        except AttributeError:  # a workbook row: numbers, dates or empty cells among the text
            out = [text(cells, i) for i in self.columns]
        out.append(None)
        return out

    def columns_of(self, cells: Sequence[Sequence[str]], n: int) -> list[list[str | None]]:
        """:meth:`__call__` for a chunk of CSV rows given as columns (``cells[position]``):
        the stripped values of each column read, then ``n`` ``None`` for slot ``-1``."""
        out: list[list[str | None]] = []
        for p in self.columns:
            stripped: list[str | None] = list(map(str.strip, cells[p]))
            # most columns have no blank cell: then the C-level strip is all there is to do
            out.append([c or None for c in stripped] if "" in stripped else stripped)
        out.append([None] * n)
        return out


# --- tables -----------------------------------------------------------------------------------


@dataclass
class Table:
    """A dataset table: its header, its HXL hashtags and a stream of its data rows."""

    origin: str
    kind: str  # "csv" or "xlsx"
    columns: list[str]
    header_row: int
    rows: Iterator[tuple[int, list[Cell]]]
    hashtags: list[str] = field(default_factory=list)
    sheet: str | None = None
    #: a CSV file's records, which :attr:`rows` reads (for passing over rows unparsed)
    records: CsvRecords | None = None
    #: the records after the header, blank and hashtag rows among them, which :attr:`rows`
    #: filters (:func:`~rescuewatch.ingest.chunks.data_chunk` reads a chunk at a time)
    raw: Iterator[tuple[int, list[Cell]]] = field(default_factory=lambda: iter(()))
    #: the day/month order of the file's slashed dates (set by the reader)
    date_order: DateOrder | None = None

    def __post_init__(self) -> None:
        self._index: dict[str, int] = {}
        for i, name in enumerate(self.columns):
            self._index.setdefault(norm_name(name), i)
        #: every column named: a CSV row's original is then a plain zip of names and cells
        self.plain = all(self.columns)
        #: the cells of a row under the header's named columns (see :func:`named_width`)
        self.width = named_width(self.columns)

    def index(self, *names: str) -> int | None:
        """The position of the first column found under any of ``names`` (synonyms)."""
        for name in names:
            found = self._index.get(norm_name(name))
            if found is not None:
                return found
        return None

    def position(self, *names: str) -> int:
        """Like :meth:`index`, with ``-1`` for a missing column (the ``None`` that
        :func:`texts` appends)."""
        found = self.index(*names)
        return -1 if found is None else found

    def has(self, *names: str) -> bool:
        return all(self.index(n) is not None for n in names)

    def original(self, cells: Sequence[Cell]) -> dict[str, Any]:
        """Every value of a row under its column name, unknown columns included."""
        if self.kind == "csv" and self.plain:  # text cells, every column named: the fast path
            return dict(zip(self.columns, cells, strict=False))
        return {name: cell_json(cells[i]) if i < len(cells) else None
                for i, name in enumerate(self.columns) if name}


def is_workbook(item: InputFile) -> bool:
    return item.head.startswith(XLSX_MAGIC) or item.suffix in XLSX_SUFFIXES


def open_table(item: InputFile, ctx: ReadContext | None = None) -> Table:
    """The table in ``item`` with its header found and hashtag rows skipped.

    Raises :class:`InputError` when the file is empty, not a workbook or CSV, or has no header.
    """
    encoding = ctx.encoding if ctx else None
    if is_workbook(item):
        if encoding:
            warn(f"{item.origin}: --encoding {encoding} is not used: a workbook's cells carry "
                 "their own encoding")
        sheets = _worksheets(item, _workbook(item))
        data_sheet = max(sheets, key=lambda sheet: _size(item, sheet, len(sheets)))
        table = _with_header(item.origin, "xlsx", str(data_sheet.name),
                             _xlsx_rows(item, data_sheet))
        _refuse_split_data(item, table, [s for s in sheets if s is not data_sheet])
    else:
        records = _csv_records(item, encoding)
        table = _with_header(item.origin, "csv", None, records.rows())
        table.records = records
    named = next((i for i, name in enumerate(table.columns) if "\x00" in name), None)
    if named is not None:
        raise InputError(f"the name of column {named + 1} {NUL_MESSAGE}", path=item.origin,
                         row=table.header_row, hint="is this the right file?")
    return table


def _with_header(origin: str, kind: str, sheet: str | None,
                 raw_rows: Iterator[tuple[int, list[Cell]]]) -> Table:
    header, header_row, hashtags = find_header(raw_rows)
    if header is None:
        raise InputError("empty file: no header row", path=origin, row=1,
                         hint="the file holds no data")
    if len(header) > MAX_COLUMNS:
        raise InputError(f"{len(header):,} columns, more than any dataset has ({MAX_COLUMNS:,})",
                         path=origin, row=header_row, hint="is this the right file?")
    columns = unique_names(header)
    return Table(origin, kind, columns, header_row,
                 _data_rows(raw_rows, hashtags, named_width(columns)), hashtags, sheet,
                 raw=raw_rows)


def _data_rows(raw_rows: Iterator[tuple[int, list[Cell]]], hashtags: list[str],
               width: int | None = None) -> Iterator[tuple[int, list[Cell]]]:
    for number, cells in raw_rows:
        if keeps(cells, hashtags, width):
            yield number, cells


def keeps(cells: Sequence[Cell], hashtags: list[str], width: int | None = None) -> bool:
    """:func:`is_data_row`, asked only of a row whose first cell is empty, blank or starts
    with "#" (only such a row can be blank or hashtags): one cell checked keeps the common path
    fast."""
    first = cells[0] if cells else None
    special = not first or (isinstance(first, str) and (first[:1] == "#" or not first.strip()))
    return not special or is_data_row(cells, hashtags, width)


def is_data_row(cells: Sequence[Cell], hashtags: list[str], width: int | None = None) -> bool:
    """Whether a row is data: neither blank (in its first ``width`` cells, the header's named
    columns: see :func:`named_width`) nor a hashtag row (which replaces ``hashtags``)."""
    if is_blank(cells if width is None else cells[:width]):
        return False
    if is_hashtag_row(cells):
        hashtags[:] = [str(c or "").strip() for c in cells]
        return False
    return True


def _csv_records(item: InputFile, encoding: str | None) -> CsvRecords:
    csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL))
    try:
        sample = item.sample()
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"cannot read: {exc}", path=item.origin, row=1,
                         hint="the file may be truncated or damaged") from exc
    rest = _rest_of(item, len(sample))
    try:
        chosen = detect_encoding(sample, encoding, more=rest)
    finally:
        rest.close()
    try:
        codecs.lookup(chosen)
    except LookupError:
        raise InputError(f"unknown encoding {chosen!r}", path=item.origin,
                         hint="try --encoding utf-8 or cp1251") from None
    if looks_binary(sample, chosen):
        raise InputError("binary data, not a CSV file", path=item.origin, row=1)
    delimiter = detect_delimiter(sample.decode(chosen, errors="replace"))
    return CsvRecords(item, chosen, given=bool(encoding), delimiter=delimiter)


def _rest_of(item: InputFile, start: int) -> Generator[bytes, None, None]:
    """The content of ``item`` after its first ``start`` bytes, a megabyte at a time, read
    only as far as it is asked for; a damaged stream ends it (its reader names the damage)."""
    try:
        with item.open() as stream:
            stream.read(start)
            while chunk := stream.read(READ_CHUNK):
                yield chunk
    except STREAM_ERRORS:
        return


#: Every byte but the control characters no text holds (C0 but tab, line ends, form feed
#: and escape): what is left of a sample once these are deleted is binary-only bytes.
_TEXT_BYTES = bytes(set(range(256)) - set(range(9)) - set(range(14, 32)) | {27})


def looks_binary(sample: bytes, encoding: str) -> bool:
    """Whether the first bytes of a file not in UTF-16 are binary data rather than text with a
    stray NUL: a NUL among the first 64 KB made the whole file binary ("not in any known
    format", or "row 1: binary data" under --format), where the same NUL further on is a bad
    value of its row and column (:func:`claims_of_rows`). Binary formats hold such bytes by
    the hundred; one in a hundred bytes is taken for binary."""
    return (b"\x00" in sample and not encoding.startswith("utf-16")
            and len(sample.translate(None, _TEXT_BYTES)) * 100 > len(sample))


def _workbook(item: InputFile) -> Any:
    from python_calamine import CalamineWorkbook

    check_workbook(item)  # calamine aborts the process on a sheet too large to allocate
    try:
        return CalamineWorkbook.from_path(str(item.path))
    except Exception as exc:  # noqa: BLE001 - calamine raises several unrelated types
        raise InputError(
            f"not a readable Excel workbook ({exc.__class__.__name__})", path=item.origin,
            hint="save it again as .xlsx or export it as CSV",
        ) from exc


def _refuse_split_data(item: InputFile, table: Table, others: list[Any]) -> None:
    """Refuse a workbook whose rows under the data sheet's header go on in another sheet (a
    sheet a year, whose columns may differ a little): only one sheet is read, and the others'
    rows were dropped without a word."""
    for sheet in others:
        try:
            other = _with_header(item.origin, "xlsx", str(sheet.name), _xlsx_rows(item, sheet))
        except InputError:  # an empty sheet, or one of notes too wide to be a table
            continue
        shared = shared_columns(table.columns, other.columns)
        if shared and next(other.rows, None) is not None:
            same = ("the same header" if other.columns == table.columns
                    else f"headers with {shared} columns in common")
            raise InputError(
                f"sheets {table.sheet!r} and {other.sheet!r} both hold rows under {same}; "
                "rescuewatch reads one data sheet a workbook", path=item.origin,
                hint="save each sheet as a CSV file (or move the rows into one sheet) and "
                     "ingest those")


def _size(item: InputFile, sheet: Any, sheets: int) -> int:
    """How much a sheet holds, for choosing the data sheet (the first of equals): its rows
    times its header's named columns. By rows alone, a codebook or a list of country codes
    longer than the data was taken for it ("not in any known format")."""
    if sheets == 1:
        return 0
    try:
        header = _with_header(item.origin, "xlsx", str(sheet.name), _xlsx_rows(item, sheet))
    except InputError:  # an empty or unreadable sheet: read as the data sheet, it says so
        return sheet.height
    return int(sheet.height) * max(1, sum(1 for name in header.columns if name))


def _worksheets(item: InputFile, workbook: Any) -> list[Any]:
    """The sheets that may hold the data: the visible worksheets (the first sheet if none).
    The data sheet is the one with the most rows. Releases add sheets of notes, metadata or a
    cover, before the data or after it, and hide some.

    A sheet is parsed when it is taken: a damaged one (its XML cut, or its part missing from
    the zip) raises calamine's own errors here, which are not the readable workbook's."""
    from python_calamine import SheetTypeEnum, SheetVisibleEnum

    metas = list(enumerate(workbook.sheets_metadata))
    chosen = [(i, meta.name) for i, meta in metas if meta.visible == SheetVisibleEnum.Visible
              and meta.typ == SheetTypeEnum.WorkSheet] or [(0, metas[0][1].name if metas else "")]
    sheets = []
    for index, name in chosen:
        try:
            sheets.append(workbook.get_sheet_by_index(index))
        except Exception as exc:  # noqa: BLE001 - calamine raises several unrelated types
            what = f"sheet {name!r}" if name else "the workbook has no sheet"
            raise InputError(f"not a readable Excel workbook ({what}: {exc.__class__.__name__}"
                             f": {exc})", path=item.origin,
                             hint="save it again as .xlsx or export it as CSV") from exc
    return sheets


def _xlsx_rows(item: InputFile, sheet: Any) -> Iterator[tuple[int, list[Cell]]]:
    """The rows of ``sheet`` with their numbers. A row calamine cannot convert (damaged XML,
    a number in a duration format beyond Python's timedelta) is an error naming it; so is a
    Rust panic, which is no ``Exception`` (:mod:`.sheet_extent` refuses the values known to
    cause one before calamine is asked, since Rust prints it on standard error)."""
    number = sheet.start[0] if sheet.start else 0
    rows = sheet.iter_rows()
    while True:
        try:
            cells = next(rows, None)
        except BaseException as exc:  # noqa: BLE001 - calamine raises several unrelated types
            if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
                raise  # Ctrl-C, kill
            raise InputError(f"cannot read the workbook: {exc} ({exc.__class__.__name__})",
                             path=item.origin, row=number + 1) from exc
        if cells is None:
            return
        number += 1
        yield number, list(cells)


_PEEKED: dict[str, tuple[list[str], list[str]] | None] = {}


def _peek_workbook(item: InputFile) -> tuple[list[str], list[str]] | None:
    """Header and hashtags of a workbook, cached by SHA-256: every reader's ``sniff`` asks."""
    if item.sha256 not in _PEEKED:
        if len(_PEEKED) > 16:
            _PEEKED.clear()
        try:
            table = open_table(item)
            _PEEKED[item.sha256] = (table.columns, table.hashtags)
        except (InputError, ValueError, OSError):
            _PEEKED[item.sha256] = None
    return _PEEKED[item.sha256]


def peek_header(item: InputFile) -> tuple[list[str], list[str]] | None:
    """The header of ``item`` (and its hashtags), or ``None`` when it is no readable table."""
    if item.size == 0:
        return None
    if not is_workbook(item):
        try:
            table = _with_header(item.origin, "csv", None, _sample_rows(item))
        except (InputError, ValueError, OSError, EOFError, zlib.error):
            return None
        return table.columns, table.hashtags
    return _peek_workbook(item)


def _sample_rows(item: InputFile) -> Iterator[tuple[int, list[Cell]]]:
    sample = item.sample()
    encoding = detect_encoding(sample)
    if looks_binary(sample, encoding):
        return
    text = sample.decode(encoding, errors="replace")
    lines = text.splitlines()[: HEADER_SCAN + 1]
    reader = csv.reader(lines, delimiter=detect_delimiter(text))
    yield from enumerate(reader, 1)


# --- the reader skeleton ----------------------------------------------------------------------

#: A dataset reader's score for a header with most of its columns but not one it needs: below
#: every other reader's (text scores 10), so that it is chosen only when nothing else reads the
#: file, and then says which column is missing rather than "not in any known format".
NEAR_MISS = 5


class TableReader(Reader):
    """A dataset reader: one document per file, one claim per data row.

    Subclasses set ``name``, ``source`` and ``title`` and implement :meth:`score` (how well a
    header matches, 0 to 100) and :meth:`row_builder` (a function turning one row's cells into a
    claim, prepared once per table so that the per-row work stays small).
    """

    source: ClassVar[Source]
    title: ClassVar[str] = "dataset"
    #: the column of the dates whose day/month order a file's first rows may show, and the
    #: order this format usually writes (see :mod:`rescuewatch.ingest.date_order`)
    date_columns: ClassVar[tuple[str, ...]] = ()
    day_first: ClassVar[bool] = False

    def score(self, columns: list[str], hashtags: list[str]) -> int:
        raise NotImplementedError

    def row_builder(self, table: Table) -> Callable[[list[Cell]], Claim]:
        raise NotImplementedError

    def sniff(self, item: InputFile) -> int:
        peeked = peek_header(item)
        if peeked is None:
            # A file named as a workbook that is none: the table readers are the ones that read
            # workbooks, so one of them takes it and says why it cannot be read (rather than a
            # text reader storing it as prose).
            return 20 if item.suffix in XLSX_SUFFIXES and item.size else 0
        return self.score(*peeked)

    def read(self, item: InputFile, ctx: ReadContext) -> Iterator[Parcel]:
        if item.size == 0:
            raise InputError("empty file", path=item.origin, row=1)
        table = self._open(item, ctx)
        build, fast = self._builders(table)
        from rescuewatch.ingest.chunks import chunked_batches  # it builds on this module

        yield Parcel(
            source=self.source,
            sha256=item.sha256,
            size=item.size,
            raw=item.chunks,
            format=self.name,
            origin=item.origin,
            claims=self._claims(table, build, ctx),
            row_batches=None if fast is None else functools.partial(
                chunked_batches, table, build, fast, ctx),
            original_keys=None if fast is None else tuple(table.columns),
            shared_batches=None if fast is None else functools.partial(
                self._shared_batches, item, ctx),
            title=f"{self.title}: {item.name}",
            media_type="text/csv" if table.kind == "csv" else
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

    def _shared_batches(self, item: InputFile, ctx: ReadContext, first_id: int,
                        document_id: int, share: Share) -> Generator[Any, None, None]:
        """One share of ``item``'s row batches (see :mod:`rescuewatch.ingest.chunks`), read
        through a file of its own."""
        from rescuewatch.ingest.chunks import chunked_batches

        table = self._open(item, ctx)
        build, fast = self._builders(table)
        if fast is None:
            raise ValueError(f"{self.name} builds no chunks of {item.origin}")
        return chunked_batches(table, build, fast, ctx, first_id, document_id, share)

    def _open(self, item: InputFile, ctx: ReadContext) -> Table:
        """The table of ``item``, with the day/month order of its dates (the same in every
        worker: it is read from the file's first rows)."""
        table = open_table(item, ctx)
        if self.date_columns:
            table.date_order = date_order(item, table, table.index(*self.date_columns),
                                          self.day_first, ctx.date_order)
        return table

    def _builders(self, table: Table) -> tuple[Callable[[list[Cell]], Claim], ChunkBuilder | None]:
        """The row builder of ``table`` (which checks its header) and, for a plain CSV file,
        the chunk builder if this reader has one."""
        build = self.row_builder(table)
        fast = self.chunk_builder(table, build) if table.kind == "csv" and table.plain else None
        return build, fast

    def chunk_builder(self, table: Table, build: Callable[[list[Cell]], Claim]) -> ChunkBuilder | None:
        """A column-wise builder of SQLite row tuples for whole chunks of rows, or ``None``.

        Readers of large datasets may offer one (see :mod:`rescuewatch.ingest.chunks`); it must
        give exactly the rows that ``build`` and the store's row building give, and raise
        :class:`RowError` or ``ValueError`` for any chunk it cannot take whole.
        """
        return None

    def _claims(self, table: Table, build: Callable[[list[Cell]], Claim],
                ctx: ReadContext) -> Iterator[Claim]:
        rows = 0
        for claim in claims_of_rows(table.rows, table, build, ctx):
            rows += 1
            yield claim
        if rows == 0 and not ctx.skipped:
            raise no_rows(table)


#: ``(cells of each row, first claim id, document id) -> (claims columns, claim rows as
#: ClaimColumns, victim rows)``, the claim rows holding those columns in that order.
ChunkRows = tuple[tuple[str, ...], "ClaimColumns", list[tuple[Any, ...]]]
ChunkBuilder = Callable[[list[list[Cell]], int, int], ChunkRows]


def no_rows(table: Table) -> InputError:
    after = "the header and its HXL hashtag row" if any(table.hashtags) else "the header"
    return InputError(f"no data rows after {after}", path=table.origin,
                      row=table.header_row + 1)


def claims_of_rows(rows: Iterable[tuple[int, list[Cell]]], table: Table,
                   build: Callable[[list[Cell]], Claim], ctx: ReadContext,
                   nul_before: int | None = None) -> Iterator[Claim]:
    """The claims of numbered rows; a bad row is raised or, with ``--skip-bad-rows``,
    recorded with its file, row and column and left out.

    A NUL character in any cell makes a row bad. Every row of a workbook has its cells looked
    at (calamine decodes ``_x0000_``), but of a CSV file only those read once the file's count
    of lines holding one (:attr:`CsvRecords.nul_lines`) has passed ``nul_before``; by default
    that is the count when the first row is asked for, and a caller handing over rows read
    before gives the count from before it read them.
    """
    width = len(table.columns)
    lines = table.records.line_reader if table.records is not None else _NO_LINES
    seen = lines.nul_lines if nul_before is None else nul_before
    every = table.kind != "csv"
    for number, cells in rows:
        try:
            if every or lines.nul_lines != seen:
                _refuse_nul(cells, table)
            if len(cells) != width:
                cells = _fit(cells, width, table, number)
            claim = build(cells)
            if (claim.date.start is None and (claim.row_ref is None or is_total_label(
                    claim.row_ref)) and is_totals_row(cells)):
                claim.is_aggregate = True  # the sums of the other rows: no event
        except RowError as exc:
            totals = _totals_labelled_in_place(cells, table, build)
            if totals is not None:
                yield totals
                continue
            bad = exc if not _repeats_header(cells, table) else RowError(  # not its values
                "the header row again, as where two files were joined into one")
            ctx.bad_row(InputError(bad.message, path=table.origin, row=number,
                                   field=bad.column))
            continue
        except InputError as exc:
            ctx.bad_row(exc)
            continue
        yield claim


def _totals_labelled_in_place(cells: list[Cell], table: Table,
                              build: Callable[[list[Cell]], Claim]) -> Claim | None:
    """The aggregate claim of a totals row whose "Total" stands in a column that must hold
    something else (the date, as the first column of a sheet often is), or None.

    The row is built with its labels left out; it is a totals row only if it then has no
    date, as :func:`claims_of_rows` asks of any other, and its original keeps the labels.
    """
    if not is_totals_row(cells):
        return None
    unlabelled = [None if isinstance(c, str) and is_total_label(c) else c for c in cells]
    try:
        claim = build(unlabelled)
    except (RowError, InputError):
        return None
    if claim.date.start is not None:
        return None
    claim.is_aggregate = True
    claim.original = table.original(cells)
    return claim


def _repeats_header(cells: Sequence[Cell], table: Table) -> bool:
    """Whether a data row holds the header's names again (``cat a.csv b.csv``); a repeated
    name is itself again, not the ``... #2`` it became in :attr:`Table.columns`."""
    return len(cells) >= table.width > 0 and all(
        (text(cells, i) or "") in (name, _REPEAT.sub("", name))
        for i, name in enumerate(table.columns[:table.width]) if name)


_REPEAT = re.compile(r" #\d+$")


#: Why a NUL character is refused: SQLite would keep it, PostgreSQL refuse the whole input.
NUL_MESSAGE = "holds a NUL character (U+0000), which a store cannot keep as text"


class _NoLines:
    """The :class:`~rescuewatch.ingest.csv_records.Lines` of a table read otherwise."""

    nul_lines = 0


_NO_LINES = _NoLines()


def _refuse_nul(cells: Sequence[Cell], table: Table) -> None:
    """Raise :class:`RowError` naming the first cell of ``cells`` that holds a NUL."""
    for i, cell in enumerate(cells):
        if type(cell) is str and "\x00" in cell:
            name = table.columns[i] if i < len(table.columns) else ""
            raise RowError(NUL_MESSAGE, name or f"column {i + 1}")


def _fit(cells: list[Cell], width: int, table: Table, number: int) -> list[Cell]:
    """A row padded or trimmed to the header's width; a short CSV row means a truncated file."""
    if len(cells) > width:
        if any(c not in (None, "") for c in cells[width:]):
            raise RowError(f"{len(cells)} cells but the header has {width} columns")
        return cells[:width]
    if table.kind == "csv" and len(cells) > 0:
        missing = table.columns[len(cells)] or f"column {len(cells) + 1}"
        raise RowError(f"row has {len(cells)} of {width} cells: the file looks truncated",
                       missing)
    return cells + [None] * (width - len(cells))
