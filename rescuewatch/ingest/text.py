"""Reader ``text``: plain-text and Markdown reports, one document per file.

A first line "Published: YYYY-MM-DD" (also "Опубликовано:", "Опубліковано:", "Date:") gives
the publication date; otherwise a dateline opening the story ("Kharkiv, 14 March 2024 —",
"Херсон, 3 января 2024 года.") does, and failing both ``--published``. A line "Source: <publisher>" (also
"Источник:", "Джерело:", "Publisher:") among the first lines names the publisher, matched
against the source registry by its key, web domain or alias; without it the publisher is
unknown. An e-mail message (``.eml``) is read as its subject and body, dated by its ``Date:``
header (:mod:`rescuewatch.ingest.mail`). Claims come from the default extractor.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from urllib.parse import urlsplit

from rescuewatch.errors import InputError
from rescuewatch.ingest.base import (
    DOCUMENT_MAGIC,
    STREAM_ERRORS,
    InputFile,
    Parcel,
    ReadContext,
    Reader,
    damaged_stream,
    register,
    wide_bom,
)
from rescuewatch.ingest.csv_records import DELIMITERS, cell_counts
from rescuewatch.ingest.mail import is_mail, read_mail
from rescuewatch.ingest.tables import NUL_MESSAGE
from rescuewatch.model import Claim, Source

#: Largest text file read (bytes); longer ones are refused with a one-line error.
MAX_TEXT_BYTES = 5 * 1024 * 1024
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
STRUCTURED_SUFFIXES = (".json", ".jsonl", ".ndjson", ".geojson", ".csv", ".tsv", ".xlsx", ".xls",
                       ".parquet", ".csv.gz", ".jsonl.gz", ".tsv.gz")
UNKNOWN_SOURCE = Source(key="unknown", name="Unknown publisher", kind="unknown")
_SOURCE_LINE = re.compile(
    r"^[ \t#*]*(?:source|publisher|источник|джерело)[ \t*]*:[ \t]*(\S[^\r\n]{0,199})$",
    re.IGNORECASE | re.MULTILINE,
)
_HEADER_CHARS = 1000


def looks_tabular(sample: str) -> bool:
    """Whether the first lines of a file are a table rather than prose: the first line and
    most of the others split into the same number of cells (four or more) at a comma,
    semicolon or tab. A table that no dataset reader took (an HXL export saved as ``.hxl``,
    say) is refused with an error instead of being read as a report, whose extractor would
    take the column names and counts for statements. Prose seldom has the same number of
    commas on line after line."""
    lines = [line for line in sample.splitlines()[:-1] if line.strip()][:20]
    if len(lines) < 3:
        return False
    for delimiter in DELIMITERS:
        widths = cell_counts(lines, delimiter)  # the lines are not blank: one count a line
        if not widths:
            continue
        width, rows = Counter(widths).most_common(1)[0]
        # a table's first line is its header, as wide as the rows
        if width >= 4 and widths[0] == width and rows >= 3 and 3 * rows >= 2 * len(lines):
            return True
    return False


def source_header(text: str) -> Source | None:
    """The publisher named by a "Source: ..." line near the top of ``text``, if any.

    A URL or domain gives its host as the key (``https://www.example.org/x`` → ``example.org``)
    so the registry can match it; any other name is keyed by its lower-cased words.
    """
    m = _SOURCE_LINE.search(text[:_HEADER_CHARS])
    if not m:
        return None
    name = m[1].strip().strip("*").strip()
    if not name:
        return None
    host = _host(name) if " " not in name else None
    key = host.removeprefix("www.") if host and "." in host else name_key(name)
    return Source(key=key, name=name, kind="unknown")


def name_key(name: str) -> str:
    """The source key of a publisher's name: its lower-cased words joined by hyphens."""
    return re.sub(r"[^\w]+", "-", name.lower()).strip("-")[:100] or "unknown"


def _host(name: str) -> str | None:
    """The host of a URL or domain, or ``None`` for a name that is neither ("Ukrinform[1]",
    "[Reuters]": urlsplit reads brackets as an IPv6 address and raises)."""
    try:
        return urlsplit(name if "//" in name else f"//{name}").hostname
    except ValueError:
        return None


def refuse_binary(data: bytes, origin: str, what: str = "text") -> None:
    """Raise for ``data`` holding a NUL byte: binary content (a workbook, an image), not
    ``what``."""
    if b"\x00" in data:
        raise InputError(f"binary content, not {what}", path=origin)


def wide_encoding(data: bytes, encoding: str | None) -> str | None:
    """``utf-16`` or ``utf-32`` (as ``encoding`` names it, else as the byte-order mark starting
    ``data`` shows) when the text is in one of them, whose ASCII letters hold NUL bytes;
    else ``None``."""
    if encoding:
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            return None
        return encoding if name.startswith(("utf-16", "utf-32")) else None
    return wide_bom(data)


def decode(data: bytes, origin: str, encoding: str | None) -> str:
    """Text of ``data``: refuse binary content, explain a wrong encoding.

    A NUL byte anywhere is refused, not only near the start: SQLite would keep it in the
    document's text, PostgreSQL cannot store it at all. In UTF-16 or UTF-32 (given, or shown
    by a byte-order mark: Windows Notepad's "Unicode") it is a NUL character of the text.
    """
    wide = wide_encoding(data, encoding)
    if not wide:
        refuse_binary(data, origin)
    try:
        text = data.decode(wide or encoding or "utf-8-sig")
    except (UnicodeError, LookupError) as exc:  # UnicodeError: idna, punycode, UTF-16 ...
        raise InputError(
            f"not valid {encoding or 'UTF-8'} text ({exc.__class__.__name__})",
            path=origin,
            hint="pass --encoding, e.g. --encoding cp1251",
        ) from exc
    if wide:
        text = text.removeprefix("\ufeff")
        refuse_binary(text.encode("utf-8"), origin)
    return text


def read_limited(item: InputFile, limit: int) -> bytes:
    """All bytes of ``item`` when it is no larger than ``limit``."""
    if item.size > limit:
        raise InputError(
            f"larger than {limit // 2**20} MB ({item.size:,} bytes)", path=item.origin,
            hint="split the document",
        )
    try:
        with item.open() as fh:
            data = fh.read(limit + 1)
    except STREAM_ERRORS as exc:
        raise damaged_stream(item, exc) from exc
    if len(data) > limit:
        raise InputError(f"larger than {limit // 2**20} MB once decompressed", path=item.origin)
    return data


def extract_claims(text: str, published: dt.date | None, lang: str | None) -> Iterator[Claim]:
    """Claims of ``text`` by the default extractor (imported only when needed)."""
    from rescuewatch.extract.base import get_extractor

    yield from get_extractor().extract(text, published=published, lang=lang)


def text_parcel(
    data: bytes, text: str, *, origin: str, fmt: str, ctx: ReadContext,
    title: str | None = None, published: dt.date | None = None, source: Source = UNKNOWN_SOURCE,
    media_type: str = "text/plain",
) -> Parcel:
    """A parcel for one text document with its language and lazily extracted claims."""
    from rescuewatch.extract.base import check_text
    from rescuewatch.extract.dates import dateline, published_header
    from rescuewatch.extract.language import LANGS, detect

    check_text(text, origin)
    for what, value in (("text", text), ("title", title)):
        if value and "\x00" in value:
            # from bytes that held none (JSON's \u0000): SQLite kept it, PostgreSQL refused it
            # with a traceback
            raise InputError(f"the document's {what} {NUL_MESSAGE}", path=origin,
                             hint="remove the character from the file")
    header, _ = published_header(text)
    lang = ctx.lang or detect(text)
    # a dateline ("Kharkiv, 14 March 2024 — ...") is the date the document carries, before
    # --published, which is for documents that carry none
    filed = dateline(text, lang)[0] if not (published or header) and lang in LANGS else None
    published = published or header or filed or ctx.published
    if source is UNKNOWN_SOURCE:
        source = source_header(text) or UNKNOWN_SOURCE
    return Parcel.of_bytes(
        data,
        source=source,
        format=fmt,
        origin=origin,
        claims=extract_claims(text, published, lang),
        title=title,
        published=published,
        language=lang,
        media_type=media_type,
        text=text,
    )


def _is_header(line: str) -> bool:
    head = line.strip("# *").lower()
    return head.startswith(("published", "опубл", "date", "source", "publisher", "источник",
                            "джерело"))


@register
class TextReader(Reader):
    name = "text"
    description = "Plain-text or Markdown report (.txt, .md); 'Published: YYYY-MM-DD' first line."

    def sniff(self, item: InputFile) -> int:
        head = item.sample()  # of a gzip file, what it unpacks to
        wide = wide_encoding(head, None)
        if wide:  # a byte-order mark: the text as UTF-8, for the tests below
            head = codecs.getincrementaldecoder(wide)().decode(head[:8192]).encode("utf-8")
        if b"\x00" in head[:4096] or head.startswith(tuple(m for m, _ in DOCUMENT_MAGIC)):
            return 0  # a PDF named .txt is no report text, even when its bytes are ASCII
        if is_mail(head, item.content_suffix):
            return 95  # before the HTML reader: a message's HTML body is no page of its own
        if item.content_suffix in TEXT_SUFFIXES:
            return 80
        if item.content_suffix in STRUCTURED_SUFFIXES or head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{":
            # structured data: its own reader, or an error, never prose (read as text, a
            # GeoJSON export's keys such as "killed_firefighter": 1 became invented claims)
            return 0
        try:
            # not final: the cut at 4096 bytes may fall inside a letter (half of Cyrillic text)
            sample = codecs.getincrementaldecoder("utf-8")().decode(head[:4096], final=False)
        except UnicodeDecodeError:
            return 0
        return 0 if looks_tabular(sample) else 10

    def read(self, item: InputFile, ctx: ReadContext) -> Iterator[Parcel]:
        data = read_limited(item, MAX_TEXT_BYTES)
        if is_mail(data, item.content_suffix):
            refuse_binary(data, item.origin)
            mail = read_mail(data, item.origin)
            yield text_parcel(data, mail.text, origin=item.origin, fmt=self.name, ctx=ctx,
                              title=mail.subject, published=mail.sent, media_type="message/rfc822")
            return
        text = decode(data, item.origin, ctx.encoding)
        title = next((line.strip("# ").strip() for line in text.splitlines()
                      if line.strip() and not _is_header(line)), None)
        media = "text/markdown" if item.suffix in (".md", ".markdown") else "text/plain"
        yield text_parcel(data, text, origin=item.origin, fmt=self.name, ctx=ctx,
                          title=title[:300] if title else None, media_type=media)
