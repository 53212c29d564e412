"""Text normalisation shared by the gazetteer index and the matcher.

Both place names and report text pass through :func:`normalize` so that an exact
Aho-Corasick match on the normalised strings means a loose match on the originals:
case-folded, ``ё`` → ``е``, every apostrophe variant → ``'``, every hyphen, dash and
white-space character → one space, and Latin letters stripped of diacritics
(``Ḩalab`` → ``halab``). Cyrillic ``й``, ``ї`` and ``є`` keep their identity.

:func:`normalize` also returns, when the normalised text is not the same length as the
original, the offset of the original character behind each normalised one, so matches
can be reported in original-text offsets.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

#: Characters treated as apostrophes (Ukrainian ʼ, typographic ’, ASCII ', Arabic ʿayn marks...).
APOSTROPHES = "'’ʼ‘`´′ʹʻʿʾ"
#: Characters treated as hyphens or dashes; they normalise to a space like white space.
DASHES = "-‐‑‒–—―−"
_LATIN_SPECIAL = {"ø": "o", "ł": "l", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i", "ħ": "h"}


@lru_cache(maxsize=8192)
def fold_char(ch: str) -> str:
    """Normalise one character (the result may be empty or longer than one character).

    Parameters
    ----------
    ch : str
        A single character.

    Returns
    -------
    str
        The normalised form.
    """
    if ch in APOSTROPHES:
        return "'"
    if ch in DASHES or ch.isspace():
        return " "
    out = []
    for c in ch.casefold():
        if c == "ё":
            out.append("е")
        elif c < "\u0080" or "\u0400" <= c <= "\u04ff":
            out.append(c)
        elif c in _LATIN_SPECIAL:
            out.append(_LATIN_SPECIAL[c])
        else:
            out.append(_strip_latin_mark(c))
    return "".join(out)


def _strip_latin_mark(c: str) -> str:
    decomposed = unicodedata.normalize("NFD", c)
    base = decomposed[0]
    if base.isascii() and base.isalpha():
        return base
    if unicodedata.combining(c):
        return ""
    return c


class _FoldTable(dict[int, str]):
    """A ``str.translate`` table filled on demand from :func:`fold_char`: one C-level pass
    over the text instead of a Python call per character."""

    def __missing__(self, code: int) -> str:
        piece = fold_char(chr(code))
        self[code] = piece
        return piece


_FOLD_TABLE = _FoldTable()


def normalize(text: str) -> tuple[str, list[int] | None]:
    """Normalise text for matching, with an offset map when lengths differ.

    Parameters
    ----------
    text : str
        Original text.

    Returns
    -------
    tuple of (str, list of int or None)
        The normalised text and, if it is not one character per original character, the
        original offset of every normalised character (plus one final entry for the end).
    """
    norm = text.translate(_FOLD_TABLE)
    if len(norm) == len(text):
        return norm, None
    pieces = [_FOLD_TABLE[ord(ch)] for ch in text]
    offsets: list[int] = []
    for i, piece in enumerate(pieces):
        offsets.extend([i] * len(piece))
    offsets.append(len(text))
    return norm, offsets


def normalize_name(name: str) -> str:
    """Normalise a place name into an index key (single spaces, no edge spaces).

    Parameters
    ----------
    name : str
        A place name as written.

    Returns
    -------
    str
        The key.
    """
    return " ".join(normalize(name)[0].split())


def script_of(text: str) -> str:
    """The script of the first letter: ``"latin"``, ``"cyrillic"`` or ``"other"``.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    str
        Script label.
    """
    for ch in text:
        if ch.isalpha():
            if "\u0400" <= ch <= "\u04ff":
                return "cyrillic"
            if ch.isascii() or unicodedata.name(ch, "").startswith("LATIN"):
                return "latin"
            return "other"
    return "other"


def is_word_char(ch: str) -> bool:
    """Whether a normalised character continues a word (letters and digits)."""
    return ch.isalnum()
