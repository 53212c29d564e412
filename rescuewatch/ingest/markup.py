"""Reading the XML of a workbook's part a chunk at a time, for the scans that bound its size
before calamine loads it (:mod:`.sheet_extent`, :mod:`.ods_extent`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

#: Text this long without a tag is no sheet (and would be held whole).
MAX_TEXT_RUN = 16 << 20


def markup_chunks(stream: IO[bytes], size: int, longest_text: int) -> Iterator[bytes]:
    """The bytes of ``stream`` in chunks of about ``size``, each ending where a tag starts
    (``<`` is escaped in text and attribute values), so that no tag is cut in two. Raises
    ``ValueError`` for a run of more than ``longest_text`` bytes without a tag, which would
    otherwise be held whole."""
    tail = b""
    while True:
        block = stream.read(size)
        data = tail + block
        if not block:
            yield data
            return
        cut = data.rfind(b"<")
        if cut <= 0:
            if len(data) > longest_text:
                raise ValueError(f"{len(data):,} bytes without a tag")
            tail = data
            continue
        yield data[:cut]
        tail = data[cut:]
