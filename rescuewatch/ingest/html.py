"""Reader ``html``: a saved or fetched web page, its main text extracted with trafilatura.

The title and publication date come from the page's metadata (``--published`` otherwise).
Scripts, styles and navigation never reach the text. When trafilatura cannot be imported a
plain parser keeps the visible text of the page.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from rescuewatch.errors import InputError
from rescuewatch.ingest.base import InputFile, Parcel, ReadContext, Reader, register
from rescuewatch.ingest.text import (
    decode,
    read_limited,
    refuse_binary,
    text_parcel,
    wide_encoding,
)

MAX_HTML_BYTES = 20 * 1024 * 1024
_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([\w-]+)", re.IGNORECASE)


def _declared(found: re.Match[bytes] | None) -> str | None:
    """The charset a page's meta tag names. UTF-16 or UTF-32 named there is read as UTF-8, as
    browsers do (the WHATWG prescan): a meta tag readable as ASCII bytes is no UTF-16. Taken
    at its word, it turned a UTF-8 page into a stored text of CJK-looking garbage and no claim,
    without a word."""
    if found is None:
        return None
    name = found.group(1).decode("ascii", "replace")
    wide = name.lower().replace("_", "-").startswith(("utf-16", "utf-32", "ucs-2", "unicode"))
    return None if wide else name


def _main_text(html: str) -> tuple[str, str | None, str | None]:
    from rescuewatch.ingest.html_plain import plain_text  # only for pages (its parser: ~6 ms)

    try:
        import trafilatura
    except ImportError:  # trafilatura 2 needs lxml_html_clean; keep working without it
        return plain_text(html)
    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    if doc is None:
        return plain_text(html)
    text = getattr(doc, "text", None) or ""
    return text, getattr(doc, "title", None), getattr(doc, "date", None)


def _garbled(text: str) -> bool:
    """Whether the page's text is mostly characters its bytes could not be decoded to (more
    than a few, and more than one in fifty), not a stray byte or two."""
    bad = text.count("\ufffd")
    return bad > 10 and bad * 50 > len(text)


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


@register
class HtmlReader(Reader):
    name = "html"
    description = "Web page (.html); main text by trafilatura, title and date from metadata."

    def sniff(self, item: InputFile) -> int:
        head = item.sample()[:2048].lstrip().lower()  # of a gzip file, what it unpacks to
        if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
            return 90
        return 60 if item.content_suffix in (".html", ".htm", ".xhtml") else 0

    def read(self, item: InputFile, ctx: ReadContext) -> Iterator[Parcel]:
        data = read_limited(item, MAX_HTML_BYTES)
        # before the lenient decoding below, which would store a workbook as a page
        if not wide_encoding(data, ctx.encoding):  # UTF-16's letters hold NUL bytes
            refuse_binary(data, item.origin, "an HTML page")
        encoding = ctx.encoding or _declared(_CHARSET.search(data[:4096]))
        wrong: InputError | None = None
        try:
            html = decode(data, item.origin, encoding)
        except InputError as exc:  # a stray byte in a page is common: read it leniently
            html, wrong = data.decode("utf-8", errors="replace"), exc
        text, title, date = _main_text(html)
        if wrong is not None and _garbled(text):
            # a page in another encoding, undeclared: its text was stored as question marks
            # and gave no claim, without a word
            raise wrong
        if title and text and not text.startswith(title):
            text = f"{title}\n\n{text}"
        yield text_parcel(data, text, origin=item.origin, fmt=self.name, ctx=ctx, title=title,
                          published=_date(date), media_type="text/html")
