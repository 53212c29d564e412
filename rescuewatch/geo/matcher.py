"""Find place names in text with the gazetteer's Aho-Corasick automaton.

A hit on the normalised text counts as a mention only when

* it sits on word boundaries (the characters either side are not letters or digits);
* its first letter is a capital in the original text;
* its key is not a common word, or, for keys marked as such (stoplist ``[cue]`` names and
  small places whose Russian name is an ordinary word: ``Мир``, ``Счастье``), it does not
  open a sentence and follows a place cue ("in", "near", "village of", "в", "біля", "с.").

Arabic names are also looked up in folded text (article, ʿayn marks and doubled letters
unified; see :mod:`rescuewatch.geo.variants`). Overlapping hits keep the longest ("Nova
Kakhovka" over "Kakhovka", "Maarat al-Numan" over "Numan"). A city name preceded
by "<X> district of" / "<X> район" or followed by "'s <X> district" becomes one mention with
the district kept as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .index import KEY_CUE
from .normalize import normalize
from .variants import TEXT_ARTICLES, fold_text

_CUE_WORDS = frozenset(
    [
        "in",
        "near",
        "at",
        "outside",
        "from",
        "around",
        "into",
        "to",
        "toward",
        "towards",
        "across",
        "nearby",
        "village",
        "town",
        "city",
        "settlement",
        "township",
        "hamlet",
        "suburb",
        "в",
        "во",
        "у",
        "под",
        "під",
        "біля",
        "поблизу",
        "около",
        "возле",
        "близ",
        "из",
        "изо",
        "з",
        "із",
        "со",
        "с",
        "до",
        "по",
        "над",
        "село",
        "селе",
        "села",
        "селі",
        "селом",
        "селище",
        "селищі",
        "селища",
        "поселок",
        "посёлок",
        "поселке",
        "посёлке",
        "поселка",
        "пгт",
        "смт",
        "город",
        "городе",
        "города",
        "місто",
        "місті",
        "міста",
        "хутор",
        "хуторе",
        "хуторі",
        "станица",
        "станице",
        "деревня",
        "деревне",
        "деревни",
        "м",
        "г",
        "п",
    ]
)
_SETTLEMENT_BEFORE_OF = frozenset({"village", "town", "city", "settlement", "township", "hamlet"})
_SENTENCE_END = ".!?…\n\r"
_OPENERS = " \t\"'«»“”„([—–-*•"
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_SPLIT = re.compile(r"[\s\-‐‑–—]+")

_DISTRICT_BEFORE_EN = re.compile(
    r"([A-ZА-ЯЁІЇЄҐ][\w'’-]*)\s+(?:district|raion|rayon|neighbou?rhood|borough)\s+of\s+$"
)
_DISTRICT_BEFORE_CYR = re.compile(r"([A-ZА-ЯЁІЇЄҐ][\w'’-]*)\s+((?:мікро|микро)?район\w{0,3})\s+$")
_DISTRICT_AFTER_EN = re.compile(
    r"^['’]s\s+([A-Z][\w'’-]*)\s+(district|raion|rayon|neighbou?rhood|borough)\b"
)


@dataclass(slots=True)
class Hit:
    """A raw match: original-text span, key number and district text."""

    start: int
    end: int
    key_id: int
    district: str | None = None


def scan(index: dict[str, Any], text: str) -> list[Hit]:
    """All accepted, non-overlapping hits in ``text``, in text order.

    Parameters
    ----------
    index : dict
        The gazetteer index.
    text : str
        Original text.

    Returns
    -------
    list of Hit
        Hits with spans in original-text offsets.
    """
    norm, offsets = normalize(text)
    hits = _accepted(index, index["automaton"], text, norm, offsets)
    fold_automaton = index.get("fold_automaton")
    if fold_automaton is not None and len(fold_automaton):
        folded, fold_offsets = fold_text(text, norm, offsets)
        hits += _accepted(index, fold_automaton, text, folded, fold_offsets)
    return _longest_first(hits)


def _accepted(
    index: dict[str, Any], automaton: Any, text: str, norm: str, offsets: list[int] | None
) -> list[Hit]:
    key_len, key_flags = _as_list(index["key_len"]), index["key_flags"]
    size = len(norm)
    hits: list[Hit] = []
    for end, key_id in automaton.iter(norm):
        # Most raw hits end inside a longer word: test that first. ``str.isalnum`` is
        # ``is_word_char`` inlined (this loop sees hundreds of raw hits per document).
        if end + 1 < size and norm[end + 1].isalnum():
            continue
        start = end - key_len[key_id] + 1
        if start > 0 and norm[start - 1].isalnum():
            continue
        o_start = offsets[start] if offsets else start
        o_end = offsets[end + 1] if offsets else end + 1
        if not text[o_start].isupper() or _article_then_lower(text[o_start:o_end]):
            continue
        if key_flags[key_id] & KEY_CUE and not _cued(text, o_start):
            continue
        hits.append(Hit(o_start, o_end, int(key_id)))
    return hits


_LISTS: dict[int, tuple[Any, list[int]]] = {}


def _as_list(array: Any) -> list[int]:
    """``array`` as a Python list (cached): indexing a NumPy array per hit is slow."""
    cached = _LISTS.get(id(array))
    if cached is None or cached[0] is not array:
        cached = (array, array.tolist() if hasattr(array, "tolist") else list(array))
        _LISTS[id(array)] = cached
    return cached[1]


def _article_then_lower(span: str) -> bool:
    """Whether an Arabic article in the span precedes a lower-case word ("Al said"): in
    English text that is an ordinary phrase, not a name ("Deir al-Balah")."""
    words = _SPLIT.split(span)
    return any(
        w.lower() in TEXT_ARTICLES and nxt[:1].islower()
        for w, nxt in zip(words, words[1:], strict=False)
    )


def _longest_first(hits: list[Hit]) -> list[Hit]:
    chosen: list[Hit] = []
    taken: list[tuple[int, int]] = []
    for hit in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
        if any(hit.start < e and s < hit.end for s, e in taken):
            continue
        chosen.append(hit)
        taken.append((hit.start, hit.end))
    return sorted(chosen, key=lambda h: h.start)


def sentence_initial(text: str, start: int) -> bool:
    """Whether ``start`` opens the text, a line or a sentence (quotes and dashes skipped)."""
    i = start - 1
    while i >= 0 and text[i] in _OPENERS:
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END


def _cued(text: str, start: int) -> bool:
    if sentence_initial(text, start):
        return False
    words = _WORD.findall(text[max(0, start - 40) : start].lower())
    if not words:
        return False
    if words[-1] in _CUE_WORDS:
        return True
    return words[-1] == "of" and len(words) > 1 and words[-2] in _SETTLEMENT_BEFORE_OF


def attach_district(text: str, hit: Hit) -> Hit | None:
    """The hit widened to "<X> district of <city>" (and similar), or ``None``.

    Parameters
    ----------
    text : str
        Original text.
    hit : Hit
        A hit whose candidates include a city.

    Returns
    -------
    Hit or None
        A new hit spanning district and city, with ``district`` set.
    """
    window_start = max(0, hit.start - 60)
    before = text[window_start : hit.start]
    for pattern in (_DISTRICT_BEFORE_EN, _DISTRICT_BEFORE_CYR):
        m = pattern.search(before)
        if m:
            district = before[m.start() : m.end()].strip()
            district = re.sub(r"\s+of$", "", district)
            return Hit(window_start + m.start(), hit.end, hit.key_id, " ".join(district.split()))
    m = _DISTRICT_AFTER_EN.match(text[hit.end : hit.end + 60])
    if m:
        return Hit(hit.start, hit.end + m.end(), hit.key_id, f"{m.group(1)} {m.group(2)}")
    return None


def drop_overlapping(hits: list[Hit], keep: Hit) -> list[Hit]:
    """``hits`` without those overlapping ``keep`` (``keep`` itself excluded too)."""
    return [h for h in hits if h is keep or not (h.start < keep.end and keep.start < h.end)]
