"""The fallback reading of a web page, when trafilatura cannot be imported or finds no main
text: every visible text of the page, without scripts, styles or navigation.

Kept apart from :mod:`rescuewatch.ingest.html` so that choosing a reader for a dataset file,
which imports every reader module, does not import :mod:`html.parser`.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser


class _Visible(HTMLParser):
    """Visible text, title and a publication date from ``<meta>`` (the fallback parser)."""

    SKIP = {"script", "style", "noscript", "template", "nav", "header", "footer", "aside", "svg"}
    BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "article", "section", "tr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self.date: str | None = None
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag == "meta":
            a = dict(attrs)
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if key in ("article:published_time", "date", "pubdate", "datepublished", "dc.date") and a.get("content"):
                self.date = self.date or a["content"]
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skip:
            self._skip -= 1
        elif tag == "title":
            self._in_title = False
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skip:
            self.parts.append(data)


def plain_text(html: str) -> tuple[str, str | None, str | None]:
    """The visible text of a page, its title and its ``<meta>`` publication date."""
    parser = _Visible()
    parser.feed(html)
    text = re.sub(r"[ \t]+", " ", "".join(parser.parts))
    text = re.sub(r"\s*\n\s*", "\n\n", text).strip()
    return text, parser.title.strip() or None, parser.date
