"""What every reader shares: the input file, the parcels a reader yields, and the registry.

A *reader* turns one input (a file or a fetched URL) into *parcels*: a document (raw bytes,
metadata, its source) and the claims it makes. A dataset file is one parcel with one claim per
row, streamed; a Telegram export is one parcel per message. Readers never touch the store.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import zlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any, BinaryIO, ClassVar

from rescuewatch.errors import InputError
from rescuewatch.model import Claim, Source

HEAD_BYTES = 64 * 1024
#: deflate's largest expansion (a run of one byte value): 1032 to 1
MAX_DEFLATE_RATIO = 1032
GZIP_MAGIC = b"\x1f\x8b"
#: What reading :meth:`InputFile.open` raises on a damaged or cut gzip stream (``EOFError``
#: for a cut one, which click, left to itself, shows as "Aborted!").
STREAM_ERRORS = (OSError, EOFError, zlib.error)


def damaged_stream(item: InputFile, exc: BaseException, row: int | None = None) -> InputError:
    """The one-line error of a :data:`STREAM_ERRORS` exception read from ``item``."""
    return InputError(f"cannot read: {exc}", path=item.origin, row=row,
                      hint="the file may be truncated or damaged")
READ_CHUNK = 1 << 20
#: ``(i, n)``: the i-th of n workers sharing a file's chunks (see
#: :func:`rescuewatch.ingest.chunks.chunked_batches`).
Share = tuple[int, int]


@dataclass
class InputFile:
    """One input as given on the command line, hashed before anything is read from it."""

    origin: str
    path: Path
    sha256: str
    size: int
    head: bytes
    media_type: str | None = None
    fetched_at: dt.datetime | None = None
    _sample: bytes | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def from_path(cls, path: Path, origin: str | None = None) -> InputFile:
        if not path.exists():
            raise InputError("no such file or folder", path=str(origin or path))
        if not path.is_file():
            raise InputError("not a regular file", path=str(origin or path))
        digest = hashlib.sha256()
        size = 0
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
            digest.update(head)
            size += len(head)
            while chunk := fh.read(READ_CHUNK):
                digest.update(chunk)
                size += len(chunk)
        return cls(str(origin or path), path, digest.hexdigest(), size, head)

    @property
    def suffix(self) -> str:
        name = self.path.name.lower()
        for double in (".csv.gz", ".jsonl.gz", ".tsv.gz"):
            if name.endswith(double):
                return double
        return self.path.suffix.lower()

    @property
    def content_suffix(self) -> str:
        """The suffix of what the bytes hold: ``.txt`` for a gzip stream named ``report.txt.gz``
        (the text, HTML and Telegram readers read gzip files, and detection asks this)."""
        name = self.path.name.lower()
        if name.endswith(".gz") and self.is_gzip:
            return Path(name[:-3]).suffix
        return self.suffix

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def is_gzip(self) -> bool:
        """Whether the bytes are a gzip stream (by their magic number, not the name)."""
        return self.head[:2] == GZIP_MAGIC

    @cached_property
    def content_size(self) -> int:
        """About how many bytes :meth:`open` gives: for gzip, the size its trailer records
        (modulo 4 GiB, of the last member only, so never taken below the file's own size, nor
        above what deflate can expand it to: the trailer of a cut file is any four bytes)."""
        if not self.is_gzip or self.size < 18:  # 18: the smallest gzip file
            return self.size
        with self.path.open("rb") as fh:
            fh.seek(-4, 2)
            recorded = int.from_bytes(fh.read(4), "little")
        return max(self.size, min(recorded, self.size * MAX_DEFLATE_RATIO))

    def open(self) -> BinaryIO:
        """The raw bytes, decompressed when the file is gzip."""
        if self.is_gzip:
            import gzip

            return gzip.open(self.path, "rb")  # type: ignore[return-value]
        return self.path.open("rb")

    def chunks(self) -> Iterator[bytes]:
        """The raw bytes exactly as captured (never decompressed), for the evidence store."""
        with self.path.open("rb") as fh:
            while chunk := fh.read(READ_CHUNK):
                yield chunk

    def sample(self) -> bytes:
        """The first bytes of the (decompressed) content, for format detection.

        Of a cut or damaged gzip stream, the bytes before the damage: the format is still
        recognised, and its reader then says at which row the content breaks off. Read once:
        every sniffer, the blank-file check and the readers ask.
        """
        if self._sample is None:
            self._sample = self._read_sample()
        return self._sample

    def _read_sample(self) -> bytes:
        try:
            with self.open() as fh:
                return fh.read(HEAD_BYTES)
        except STREAM_ERRORS:
            if not self.is_gzip:
                raise
        with self.path.open("rb") as fh:  # the gzip module gives nothing of a cut stream
            packed = fh.read(HEAD_BYTES * 16)
        with suppress(zlib.error):
            return zlib.decompressobj(zlib.MAX_WBITS | 32).decompress(packed, HEAD_BYTES)
        return b""


@dataclass
class Parcel:
    """One document a reader found, its source, and the claims it makes (streamed lazily)."""

    source: Source
    sha256: str
    size: int
    raw: Callable[[], Iterable[bytes]]
    format: str
    origin: str
    claims: Iterable[Claim] = ()
    title: str | None = None
    published: dt.date | None = None
    language: str | None = None
    media_type: str | None = None
    text: str | None = None
    #: ``(first claim id, document id) -> batches of SQLite rows`` built without ``Claim``
    #: objects (large datasets; see :mod:`rescuewatch.ingest.chunks`), the same rows that
    #: ``claims`` gives, whose originals are stored as values under ``original_keys``.
    row_batches: Callable[[int, int], Generator[Any, None, None]] | None = None
    original_keys: tuple[str, ...] | None = None
    #: ``(first claim id, document id, (i, n)) -> the i-th of n shares of row_batches``, read
    #: from the input opened anew (so that worker processes each read with their own file).
    shared_batches: Callable[[int, int, Share], Generator[Any, None, None]] | None = None

    @classmethod
    def of_bytes(cls, data: bytes, **kwargs: Any) -> Parcel:
        """A parcel whose raw content is an in-memory item (a message, a fetched page)."""
        return cls(
            sha256=hashlib.sha256(data).hexdigest(), size=len(data), raw=lambda: [data], **kwargs
        )


@dataclass
class ReadContext:
    """Options of one ingest and a record of the rows a reader skipped."""

    skip_bad_rows: bool = False
    published: dt.date | None = None
    lang: str | None = None
    encoding: str | None = None
    #: "dmy" or "mdy": the day/month order of slashed dates, when the user says it
    date_order: str | None = None
    on_rows: Callable[[int], None] | None = None
    skipped: list[dict[str, Any]] = field(default_factory=list)

    def bad_row(self, error: InputError) -> None:
        """Raise ``error``, or record it and go on when bad rows are to be skipped."""
        if not self.skip_bad_rows:
            if error.hint is None and error.row is not None:
                error.hint = ("correct it, or pass --skip-bad-rows to import the other rows "
                              "and record this one")
            raise error
        self.skipped.append(
            {
                "origin": error.path or "",
                "row": None if error.row is None else str(error.row),
                "field": error.field,
                "reason": error.message,
            }
        )


class Reader(ABC):
    """One input format. Subclasses register themselves by their ``name``."""

    name: ClassVar[str]
    #: One-line description for ``--help`` and the docs.
    description: ClassVar[str] = ""

    @abstractmethod
    def sniff(self, item: InputFile) -> int:
        """How sure this reader is that it can read ``item``: 0 (no) to 100 (certain)."""

    @abstractmethod
    def read(self, item: InputFile, ctx: ReadContext) -> Iterator[Parcel]:
        """The parcels of ``item``. Raise :class:`InputError` naming row and column."""


_READERS: dict[str, type[Reader]] = {}


def register(cls: type[Reader]) -> type[Reader]:
    """Class decorator adding a reader to the registry under ``cls.name``."""
    _READERS[cls.name] = cls
    return cls


def readers() -> dict[str, type[Reader]]:
    """Every known reader, built-in and from the ``rescuewatch.readers`` entry point group."""
    _load_builtin()
    return dict(_READERS)


@cache
def _load_builtin() -> None:
    """Import the built-in readers and load the plugins, once a process: scanning the
    installed distributions for entry points takes several milliseconds, paid again for
    every input of a folder otherwise."""
    import importlib

    from rescuewatch.plugins import entry_points_of

    for module in BUILTIN_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:  # a reader still being written is not fatal
            if exc.name != module:
                raise
    for ep in entry_points_of("rescuewatch.readers"):
        register(ep.load())


#: Modules that define the built-in readers (each registers itself on import).
BUILTIN_MODULES: tuple[str, ...] = (
    "rescuewatch.ingest.acled",
    "rescuewatch.ingest.ucdp",
    "rescuewatch.ingest.insecurity_insight",
    "rescuewatch.ingest.who_ssa",
    "rescuewatch.ingest.native",
    "rescuewatch.ingest.text",
    "rescuewatch.ingest.html",
    "rescuewatch.ingest.telegram",
)


def choose_reader(item: InputFile, fmt: str = "auto") -> Reader:
    """The reader for ``item``: the one named by ``fmt``, else the most confident sniffer."""
    known = readers()
    _refuse_blank(item)
    if fmt != "auto":
        if fmt not in known:
            raise InputError(
                f"unknown format {fmt!r}", path=item.origin, hint=f"choose from {', '.join(sorted(known))}"
            )
        return known[fmt]()
    scored = sorted(((cls().sniff(item), name) for name, cls in known.items()), reverse=True)
    if not scored or scored[0][0] <= 0:
        kind = next((k for magic, k in DOCUMENT_MAGIC if item.sample().startswith(magic)),
                    _DOCUMENT_SUFFIXES.get(item.content_suffix))
        if kind:
            raise InputError(f"{kind}, which rescuewatch does not read", path=item.origin,
                             hint="save its text as a .txt file, or the page as .html")
        wide = _wide_without_bom(item.sample())
        if wide:
            raise InputError(f"not in any known format: it looks like {wide.upper()} text without "
                             "a byte-order mark", path=item.origin,
                             hint=f"pass --encoding {wide} and the --format: text, html or a dataset's")
        raise InputError(
            "not in any known format",
            path=item.origin,
            hint=f"pass --format, one of {', '.join(sorted(known))}; of rescuewatch's own "
                 "exports, csv and jsonl are read back, the others are not",
        )
    return known[scored[0][1]]()


#: Documents an analyst may drop among the reports: the error names them, not only "no
#: known format". (A workbook is a dataset's, read by its reader before this.)
DOCUMENT_MAGIC = ((b"%PDF-", "a PDF document"), (b"{\\rtf", "an RTF document"))
_DOCUMENT_SUFFIXES = {".docx": "a Word document", ".doc": "a Word document",
                      ".odt": "an OpenDocument text", ".pages": "a Pages document"}


def _wide_without_bom(sample: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when ``sample`` reads as such text saved without a
    byte-order mark (as some Windows programs write it): the high bytes of its characters are
    a few values (0 for Latin letters, spaces and digits, 4 for Cyrillic) and the low ones
    seldom 0, and it decodes to printable text. Detection finds no format in it (its letters
    hold NUL bytes), and the usual hint, to pass --format, did not say why."""
    head = sample[:4096]
    head = head[: len(head) - len(head) % 2]
    if len(head) < 8 or wide_bom(head):
        return None
    for codec, high, low in (("utf-16-le", head[1::2], head[0::2]),
                             ("utf-16-be", head[0::2], head[1::2])):
        if high.count(0) >= 0.1 * len(high) and len(set(high)) <= 8 and low.count(0) < 0.05 * len(low):
            try:
                text = head.decode(codec)
            except UnicodeDecodeError:
                continue
            if "\x00" not in text and sum(c.isprintable() or c.isspace() for c in text) >= 0.95 * len(text):
                return codec
    return None


def _text_of(sample: bytes) -> str | bytes:
    """``sample`` without its byte-order mark, decoded when the mark is UTF-16's or UTF-32's
    (whose white space holds NUL bytes)."""
    wide = wide_bom(sample)
    if wide:
        try:
            return sample.decode(wide).removeprefix("\ufeff")
        except UnicodeError:
            return sample
    return sample.removeprefix(codecs.BOM_UTF8)


def wide_bom(data: bytes) -> str | None:
    """``utf-16`` or ``utf-32`` when ``data`` starts with that encoding's byte-order mark."""
    return next((codec for bom, codec in WIDE_BOMS if data.startswith(bom)), None)


#: the byte-order marks of UTF-32 first: its little-endian one starts like UTF-16's
WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
              (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _refuse_blank(item: InputFile) -> None:
    """An empty file, or one of white space only (a byte-order mark aside), holds nothing
    to read, whatever format is asked for."""
    if item.size == 0:
        raise InputError("empty file", path=item.origin, hint="the file holds no data")
    sample = item.sample()
    if len(sample) < HEAD_BYTES and not _text_of(sample).strip():
        if item.is_gzip:
            raise InputError("empty or damaged gzip file", path=item.origin,
                             hint="gzip -t tells which; compress the data again")
        raise InputError("empty file (only white space)", path=item.origin,
                         hint="the file holds no data")
