"""Sentences, tokens and lemmas, with exact character offsets into the document text.

Russian and Ukrainian words are reduced to lemmas with pymorphy3 so that every case form of
a word ("медики", "медиков", "медикам") meets the same lexicon entry. Only words that could
meet an entry (their first letters are those of some entry) are analysed, which keeps long
documents fast; analyses are cached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# A word: letters/digits, with inner apostrophes, hyphens and digit group separators.
_WORD = re.compile(r"\d+(?:[.,\s]\d{3})*(?![\d])|[^\W\d_]+(?:['’ʼ\-][^\W\d_]+)*|\d+[^\W\d_]*", re.UNICODE)
# Sentence end: . ! ? … followed by space and an upper-case letter, digit or quote; a blank line;
# or a line break before a capital, a bullet or an emoji (list items, channel posts).
_SENT_END = re.compile(r"(?<=[.!?…])[\"»”)]?\s+(?=[\"«“(]?[A-ZА-ЯЁІЇЄҐ0-9])|\n\s*\n|\n(?=[A-ZА-ЯЁІЇЄҐ«\"])|\n(?=[^\w\s])")
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|No|vs|etc|e\.g|i\.e|"
    r"г|гг|ул|обл|р|рр|вул|им|ім|т\.е|т\.д|т\.к|с|пгт|смт|пос|д|м)\.)$|\b[A-ZА-Я]\.$",
    re.IGNORECASE,
)
APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'"})


@dataclass(slots=True)
class Token:
    """One word: offsets, surface form, lexicon keys (surface and lemma) and plural flag."""

    start: int
    end: int
    text: str
    keys: frozenset[str]
    plural: bool = False
    number: int | None = None


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of ``text``, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _SENT_END.finditer(text):
        if _ABBREV.search(text[max(pos, m.start() - 8) : m.start()]) and "\n" not in m.group():
            continue
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.extend(_bounded_pieces(text, a, b))
    return out


#: The longest sentence read whole. Real ones are far shorter; text without sentence ends (a
#: list, a dump, a hostile document) would otherwise make one "sentence" whose rules compare
#: every mention with every other: a 47 KB line took 77 s.
MAX_SENTENCE_CHARS = 2000
_BREAK = re.compile(r"[,;:]\s|\s")


def _bounded_pieces(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """``(a, b)``, or pieces of at most :data:`MAX_SENTENCE_CHARS` cut after the last clause
    break (else space) before the limit, so that extraction stays linear in the text."""
    pieces = []
    while b - a > MAX_SENTENCE_CHARS:
        limit = a + MAX_SENTENCE_CHARS
        window = text[a + MAX_SENTENCE_CHARS // 2 : limit]
        cut = max((m.end() for m in _BREAK.finditer(window) if m.group()[0] in ",;:"),
                  default=None)
        if cut is None:
            cut = max((m.end() for m in _BREAK.finditer(window)), default=None)
        end = a + MAX_SENTENCE_CHARS // 2 + cut if cut else limit
        piece_end = end
        while piece_end > a and text[piece_end - 1].isspace():
            piece_end -= 1
        if piece_end > a:
            pieces.append((a, piece_end))
        a = end
        while a < b and text[a].isspace():
            a += 1
    if b > a:
        pieces.append((a, b))
    return pieces


def en_key(word: str) -> str:
    """English lexicon key: lower case, possessive and plural -s removed."""
    w = word.lower().translate(APOSTROPHES)
    if w.endswith("'s"):
        w = w[:-2]
    elif w.endswith("'"):
        w = w[:-1]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    return w


@lru_cache(maxsize=2)
def _morph(lang: str) -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=lang)


@lru_cache(maxsize=200_000)
def analyse(word: str, lang: str) -> tuple[str, bool]:
    """Lemma and plural flag of a Russian or Ukrainian word (lower case)."""
    parse = _morph(lang).parse(word)[0]
    return parse.normal_form.replace("ё", "е"), "plur" in parse.tag


#: "pro-X", "X-backed", "X-aligned": a side's ally is written with that side's name in one
#: word; the name is a key of the word too, whichever side it names.
_ALLIED = re.compile(r"^pro-(?P<a>[^\W\d_][\w'-]*)$|"
                     r"^(?P<b>[^\W\d_][\w'-]*?)-(?:backed|aligned|affiliated|allied|supported|"
                     r"sponsored|led)$")


@lru_cache(maxsize=100_000)
def _en_token(surf: str) -> tuple[frozenset[str], bool]:
    low = surf.lower().translate(APOSTROPHES)
    keys = {low, en_key(surf)}
    allied = _ALLIED.match(low) if "-" in low else None
    if allied:
        name = allied["a"] or allied["b"]
        keys |= {name, en_key(name)}
    return frozenset(keys), low.endswith("s") and not low.endswith(("ss", "'s"))


@lru_cache(maxsize=200_000)
def cyr_key(word: str) -> str:
    return word.lower().translate(APOSTROPHES).replace("ё", "е")


def tokenize(text: str, start: int, end: int, lang: str, prefixes: frozenset[str]) -> list[Token]:
    """The tokens of ``text[start:end]``; offsets index ``text``."""
    # one loop per language, with the lookups bound outside it: this runs for every word
    out: list[Token] = []
    append = out.append
    words = _WORD.finditer(text, start, end)
    if lang == "en":
        en_token = _en_token
        for m in words:
            surf = m.group()
            keys, plural = en_token(surf)
            append(Token(m.start(), m.end(), surf, keys, plural))
        return out
    cyr_token = _cyr_token
    for m in words:
        surf = m.group()
        keys, plural = cyr_token(surf, lang, prefixes)
        append(Token(m.start(), m.end(), surf, keys, plural))
    return out


@lru_cache(maxsize=200_000)
def _cyr_token(surf: str, lang: str, prefixes: frozenset[str]) -> tuple[frozenset[str], bool]:
    low = cyr_key(surf)
    if low[:3] in prefixes and not low[0].isdigit():
        lemma, plural = analyse(low, lang)
        return frozenset({low, lemma}), plural
    return frozenset({low}), False


def lexicon_keys(phrase_word: str, lang: str) -> frozenset[str]:
    """Keys of one lexicon word, made the same way as a text token's."""
    if phrase_word.startswith("="):  # this exact form only, never its lemma
        return frozenset({cyr_key(phrase_word[1:])})
    if lang == "en":
        return frozenset({phrase_word.lower(), en_key(phrase_word)})
    low = cyr_key(phrase_word)
    if low[0].isalpha() and re.match(r"[а-яіїєґ]", low):
        return frozenset({low, analyse(low, lang)[0]})
    return frozenset({low})
