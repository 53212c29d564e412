"""Protected categories and weapons of a whole column of notes, matched by RE2 in one go.

:func:`~rescuewatch.ingest.victims.categories_in_text` and
:func:`~rescuewatch.ingest.victims.weapon_from_text` read one text at a time in Python; on a
million-row ACLED file that was over half of the reader's time. Here a chunk's notes go to
pyarrow's ``match_substring_regex`` (RE2, in C) a pattern at a time: one pass finds the few texts
that could name a protected category, and only those are read by the per-text function (which
also sets aside phrases like "taken to hospital"); one pass per weapon pattern gives each text's
weapon kinds, combined as :func:`~rescuewatch.ingest.victims.weapon_of_kinds` does.

Only ASCII texts are matched this way: for them RE2's ``\\b`` and case-insensitive matching
agree with Python's ``re`` (both are then ASCII rules). Any other text, and a null, takes the
per-text path. ``tests/ingest/test_column_scan.py`` checks that both ways give the same answers.

The arrays go in and out through their buffers (numpy), never through ``pyarrow.array`` or
``to_numpy``: those convert Python objects, and the first conversion in a process imports
pandas (0.5-0.7 s here), which every parsing worker would pay again.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from rescuewatch.ingest import victims

#: Below this many texts the per-text functions are as quick (and pyarrow is not imported).
MIN_TEXTS = 256

#: Any category term, or a word a "said ..." phrase may end inside (after which removing the
#: phrase can reveal a term): a text matching neither names no protected category.
_MAYBE_PROTECTED = (r"\b(?:" + "|".join(t for terms in victims._TERMS.values() for t in terms)
                    + r")\b|" + victims._MIDWORD_SOURCE)
_WEAPON_KINDS = tuple(weapon for weapon, _ in victims._WEAPON_SOURCES)


def scan_notes(texts: Sequence[str | None]) -> tuple[list[list[str]], list[str | None]]:
    """For each text, ``categories_in_text(text)`` and ``weapon_from_text(text)``."""
    if len(texts) < MIN_TEXTS:
        return ([victims.categories_in_text(t) for t in texts],
                [victims.weapon_from_text(t) for t in texts])
    column = _string_array(texts)
    plain = _flags(column, None)
    maybe = (_flags(column, _MAYBE_PROTECTED) | ~plain).tolist()
    kinds = sum((_flags(column, pattern).astype("int64") << bit
                 for bit, (_, pattern) in enumerate(victims._WEAPON_SOURCES)), start=0)
    categories = [victims.categories_in_text(t) if m else [] for t, m in zip(texts, maybe, strict=True)]
    weapons = [_weapon(k) if p else victims.weapon_from_text(t)
               for t, k, p in zip(texts, kinds.tolist(), plain.tolist(), strict=True)]
    return categories, weapons


def _string_array(texts: Sequence[str | None]) -> Any:
    """An arrow string array of ``texts``, built from its buffers; a null, and a text UTF-8
    cannot encode (a lone surrogate), is null, and so takes the per-text path."""
    import numpy as np
    import pyarrow as pa

    try:
        encoded = [b"" if t is None else t.encode() for t in texts]
        valid = np.fromiter((t is not None for t in texts), dtype=bool, count=len(texts))
    except UnicodeEncodeError:
        maybe = [_utf8(t) for t in texts]
        valid = np.fromiter((e is not None for e in maybe), dtype=bool, count=len(texts))
        encoded = [e or b"" for e in maybe]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int32)
    np.cumsum(np.fromiter(map(len, encoded), dtype=np.int32, count=len(encoded)), out=offsets[1:])
    nulls = len(texts) - int(valid.sum())
    return pa.StringArray.from_buffers(
        len(texts), pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded)),
        pa.py_buffer(np.packbits(valid, bitorder="little")) if nulls else None, nulls)


def _utf8(text: str | None) -> bytes | None:
    try:
        return None if text is None else text.encode()
    except UnicodeEncodeError:
        return None


def _flags(column: Any, pattern: str | None) -> Any:
    """A numpy bool per text: ``pattern`` found (case-insensitive), or with ``None`` ASCII-only;
    false for nulls."""
    import numpy as np
    import pyarrow.compute as pc

    found = (pc.string_is_ascii(column) if pattern is None
             else pc.match_substring_regex(column, pattern=pattern, ignore_case=True))
    found = pc.and_kleene(found, pc.is_valid(found))  # null -> false
    bits = np.frombuffer(found.buffers()[1], dtype=np.uint8)
    return np.unpackbits(bits, count=found.offset + len(found),
                         bitorder="little")[found.offset:].astype(bool)


@cache
def _weapon(bits: int) -> str | None:
    return victims.weapon_of_kinds([k for i, k in enumerate(_WEAPON_KINDS) if bits >> i & 1])
