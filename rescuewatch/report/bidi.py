"""Keep a value's bidirectional controls inside the value when it is shown in a page.

An ingested text may hold a right-to-left override (U+202E) or an isolate left open: in a page
it went on reversing everything after the value up to the end of the paragraph, counts and
labels included ("medic 12 killed" shown as "dellik 21 cidem"). The value is kept as written;
what it opened is closed after it. A closing mark with nothing open is ignored by browsers
(Unicode's bidirectional algorithm), so closing each opener once is safe whatever the value
already closes.
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup

#: LRE, RLE, LRO, RLO open an embedding or override, which PDF (U+202C) closes.
EMBEDDINGS = re.compile("[\u202a\u202b\u202d\u202e]")
#: LRI, RLI, FSI open an isolate, which PDI (U+2069) closes.
ISOLATES = re.compile("[\u2066\u2067\u2068]")


def contain_bidi(value: Any) -> Any:
    """``value`` with every bidirectional embedding, override and isolate it opens closed at
    its end; other values as they are. Fit for Jinja2's ``finalize``: the result stays text.

    Markup is left alone: it is made by the code (escaped markup, JSON for a script element),
    where a character added after it could break it (JSON.parse refuses one after the data)."""
    if not isinstance(value, str) or isinstance(value, Markup):
        return value
    # isolates first, then embeddings: an isolate's PDI also ends embeddings opened inside it
    closers = "\u2069" * len(ISOLATES.findall(value)) + "\u202c" * len(EMBEDDINGS.findall(value))
    return value + closers if closers else value
