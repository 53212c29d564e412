"""Spelling variants generated at build time: Russian ↔ Ukrainian Cyrillic, and folded
Latin spellings of Arabic names.

Cross-script Cyrillic
---------------------
GeoNames often has only the Russian name of a place in Russia and only the Ukrainian name
of a place in Ukraine. Reports in the other language spell the name their own way
(``Рыльск`` / ``Рильськ``, ``Шебекино`` / ``Шебекине``, ``Іршанськ`` / ``Иршанск``).
:func:`cross_variants` writes a name the other way by rule, both directions alike: a few
letter correspondences (``ы``/``и``, ``и``/``і``, ``э``/``е``, ``є``/``е``, ``ї``/``и``,
``ґ``/``г``, hard sign/apostrophe, the apostrophe after a lip consonant before ``я``/``ю``)
and the usual suffix pairs (``-ск``/``-ськ``,
``-ский``/``-ський``, ``-ское``/``-ське``, ``-ово``/``-ове``, ``-ино``/``-іне``...). The
case forms then come from :mod:`rescuewatch.geo.inflect` as for any name. The rules
over-generate a little; a spelling nobody writes costs memory and never matches.

Folded Latin (Arabic names)
---------------------------
Arabic names reach English text with or without the article, with any of its assimilated
forms (``al-``, ``el-``, ``an-``, ``ash-``...), with or without the ʿayn/hamza marks and
with or without doubled letters: ``Ma'arrat an-Nu'man``, ``Maarat al-Numan``. Both the
index keys of such names and the text pass through :func:`fold_key` / :func:`fold_text`,
which unify the article to ``al``, drop apostrophes, collapse doubled letters and drop a
final ``h`` after ``a``/``e`` (``Raqqah``/``Raqqa``), so the spellings meet. In text, ``al``/``el`` count as the article anywhere, the other forms only
when joined by a hyphen (``an-Nu'man``), as "an", "as", "at" are also English words.
"""

from __future__ import annotations

import re

from .translit import guess_cyrillic_language

# --- Russian ↔ Ukrainian ------------------------------------------------------------------

_RU_UK_ENDINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ский", ("ський",)),
    ("цкий", ("цький",)),
    ("ской", ("ський",)),
    ("цкой", ("цький",)),
    ("ская", ("ська",)),
    ("цкая", ("цька",)),
    ("ское", ("ське",)),
    ("цкое", ("цьке",)),
    ("ск", ("ськ",)),
    ("цк", ("цьк",)),
    ("ый", ("ий",)),
    ("ой", ("ий",)),
    ("ая", ("а",)),
    ("яя", ("я",)),
    ("ое", ("е",)),
    ("ее", ("є",)),
    ("ово", ("ове",)),
    ("ево", ("еве",)),
    ("ино", ("іне", "ине")),
    ("ыно", ("ине",)),
)
_UK_RU_ENDINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ський", ("ский",)),
    ("цький", ("цкий",)),
    ("ська", ("ская",)),
    ("цька", ("цкая",)),
    ("ське", ("ское",)),
    ("цьке", ("цкое",)),
    ("ськ", ("ск",)),
    ("цьк", ("цк",)),
    ("ій", ("ий",)),
    ("ове", ("ово", "овое")),
    ("еве", ("ево", "евое")),
    ("єве", ("ево",)),
    ("іне", ("ино",)),
    ("ине", ("ино",)),
    ("не", ("ное",)),
)
_VOWELS = frozenset("аеёиоуыэюяіїє")
#: Consonants after which Russian writes и, not ы (so Ukrainian и stays и).
_RU_I_AFTER = frozenset("гкхжчшщц")
#: At most this many variants per name and direction (bounds the index).
MAX_VARIANTS = 4


def ru_to_uk(name: str) -> set[str]:
    """Ukrainian spellings of a Russian Cyrillic name (lower-case; may include the name).

    Two letter treatments are tried: every ``и`` → ``і`` (with ``е`` → ``є`` after vowels
    and word-initially), and ``и`` kept; ``ы`` → ``и``, ``э`` → ``е``, ``ё`` → ``ьо``/``о``,
    ``ъ`` → apostrophe in both.

    Examples
    --------
    >>> sorted(ru_to_uk("Рыльск"))
    ['рильськ']
    >>> "шебекіне" in ru_to_uk("Шебекино")
    True
    """
    out: set[str] = set()
    for soft in (True, False):
        words = [_ru_uk_word(w, soft) for w in name.lower().split(" ")]
        for combo in _combos(words):
            out.add(" ".join(combo))
    # Ukrainian writes an apostrophe where a lip consonant meets "я"/"ю" (Пятихатки →
    # П'ятихатки, Вязьма → В'язьма); Russian does not
    return out | {_LABIAL_SOFT.sub(r"\1'\2", v) for v in out}


_LABIAL_SOFT = re.compile(r"([бпвмф])([яю])")


def uk_to_ru(name: str) -> set[str]:
    """Russian spellings of a Ukrainian Cyrillic name (lower-case; may include the name).

    ``і``/``ї`` → ``и``, ``є`` → ``е``, ``ґ`` → ``г``, apostrophe dropped; ``и`` kept or
    written ``ы`` after hard consonants; suffixes as in :data:`_UK_RU_ENDINGS`.

    Examples
    --------
    >>> sorted(uk_to_ru("Іршанськ"))
    ['иршанск']
    """
    out: set[str] = set()
    for hard in (False, True):
        words = [_uk_ru_word(w, hard) for w in name.lower().split(" ")]
        for combo in _combos(words):
            out.add(" ".join(combo))
    return out


def _combos(words: list[list[str]]) -> list[list[str]]:
    combos: list[list[str]] = [[]]
    for options in words:
        combos = [[*c, o] for c in combos for o in options][:MAX_VARIANTS]
    return combos


def _split_ending(
    word: str, table: tuple[tuple[str, tuple[str, ...]], ...]
) -> tuple[str, tuple[str, ...]]:
    for ending, repl in table:
        if word.endswith(ending) and len(word) > len(ending) + 1:
            return word[: -len(ending)], repl
    return word, ("",)


def _ru_uk_word(word: str, soft: bool) -> list[str]:
    parts = word.split("-")
    if len(parts) > 1:  # "Троицко-Печорск": each part on its own
        return ["-".join(p) for p in _combos([_ru_uk_word(p, soft) for p in parts])]
    stem, endings = _split_ending(word, _RU_UK_ENDINGS)
    out = []
    for ending in endings:
        letters = []
        prev = ""
        for ch in stem:
            letters.append(_ru_uk_letter(ch, prev, soft))
            prev = ch
        if soft and ending.startswith("е") and stem and stem[-1] in _VOWELS:
            ending = "є" + ending[1:]  # Енакиево → Єнакієве
        out.append("".join(letters) + ending)
    return out


def _ru_uk_letter(ch: str, prev: str, soft: bool) -> str:
    after_vowel = not prev or prev in _VOWELS or prev in "ьъ"
    if ch == "ы":
        return "и"
    if ch == "и":
        return "і" if soft else "и"
    if ch == "э":
        return "е"
    if ch == "е" and soft and after_vowel:
        return "є"
    if ch == "ё":
        if after_vowel:
            return "йо"
        return "о" if prev in "жчшщ" else "ьо"
    if ch == "ъ":
        return "'"
    return ch


def _uk_ru_word(word: str, hard: bool) -> list[str]:
    parts = word.split("-")
    if len(parts) > 1:
        return ["-".join(p) for p in _combos([_uk_ru_word(p, hard) for p in parts])]
    stem, endings = _split_ending(word, _UK_RU_ENDINGS)
    if not endings[0] and stem.endswith("ий") and len(stem) > 3:
        stem, endings = stem[:-2], ("ий",) if stem[-3] in _RU_I_AFTER else ("ый", "ий")
    letters = []
    prev = ""
    for ch in stem:
        letters.append(_uk_ru_letter(ch, prev, hard))
        prev = ch
    return ["".join(letters) + e for e in endings]


def _uk_ru_letter(ch: str, prev: str, hard: bool) -> str:
    if ch in "іï":
        return "и"
    if ch == "ї":
        return "и" if prev and prev not in _VOWELS else "йи"
    if ch == "є":
        return "е"
    if ch == "ґ":
        return "г"
    if ch in "'’ʼ":
        return ""
    if ch == "и" and hard and prev and prev not in _VOWELS and prev not in _RU_I_AFTER:
        return "ы"
    return ch


def cross_variants(names: list[str]) -> list[tuple[str, str]]:
    """Other-language spellings of a place's Cyrillic names, with their source name.

    A direction is skipped when the place already has a name in the target language
    (recognised by the letters only one alphabet has): those names are indexed as they are.

    Parameters
    ----------
    names : list of str
        The place's Cyrillic names as written.

    Returns
    -------
    list of (str, str)
        ``(variant, source name)`` pairs, variants lower-case and different from every
        given name.
    """
    langs = [guess_cyrillic_language(n) for n in names]
    have = {n.lower().replace("ё", "е") for n in names}
    out: dict[str, str] = {}
    for name, lang in zip(names, langs, strict=True):
        if lang != "uk" and "uk" not in langs:
            for v in sorted(ru_to_uk(name))[:MAX_VARIANTS]:
                out.setdefault(v, name)
        if lang != "ru" and "ru" not in langs:
            for v in sorted(uk_to_ru(name))[:MAX_VARIANTS]:
                out.setdefault(v, name)
    return [(v, src) for v, src in out.items() if v.replace("ё", "е") not in have]


# --- Arabic article and folded Latin -----------------------------------------------------

#: Article forms recognised in index names (names are names: all forms count).
ARTICLES = frozenset(
    [
        "al",
        "el",
        "il",
        "ul",
        "an",
        "ad",
        "ar",
        "as",
        "ash",
        "at",
        "ath",
        "az",
        "adh",
        "ed",
        "en",
        "er",
        "es",
        "esh",
        "et",
        "ez",
    ]
)
#: Article forms recognised in running text without a hyphen.
TEXT_ARTICLES = frozenset({"al", "el"})
_DOUBLE = re.compile(r"([a-z])(?:'?\1)+")
_ARTICLE_RE = "|".join(sorted(ARTICLES, key=lambda a: (-len(a), a)))
_TA_MARBUTA = re.compile(r"(?<=[a-z][ae])h(?![^\W_])")
_TEXT_FOLD = re.compile(
    rf"([a-z])(?:'?\1)+|'|(?<=[a-z][ae])h(?![^\W_])|(?<![^\W_])({_ARTICLE_RE})(?= )"
)


def fold_key(key: str) -> set[str]:
    """Folded forms of a normalised Latin name: article unified to ``al`` (and dropped at
    the start), apostrophes dropped, doubled letters single, word-final ``ah``/``eh``
    without the ``h``.

    Examples
    --------
    >>> sorted(fold_key("ma'arrat an nu'man"))
    ['marat al numan']
    >>> sorted(fold_key("al qamishli"))
    ['al qamishli', 'qamishli']
    """
    words = key.split(" ")
    words = ["al" if w in ARTICLES and i < len(words) - 1 else w for i, w in enumerate(words)]
    folded = _DOUBLE.sub(r"\1", " ".join(words)).replace("'", "")
    folded = _TA_MARBUTA.sub("", folded)
    out = {folded}
    if folded.startswith("al "):
        out.add(folded[3:])
    return out


def fold_text(text: str, norm: str, offsets: list[int] | None) -> tuple[str, list[int]]:
    """Fold normalised text like :func:`fold_key`, with the original offset of each folded
    character (plus one for the end).

    Parameters
    ----------
    text : str
        The original text (to see whether an article was joined by a hyphen).
    norm : str
        ``normalize(text)[0]``.
    offsets : list of int or None
        ``normalize(text)[1]``.

    Returns
    -------
    tuple of (str, list of int)
        Folded text and offsets into ``text``.
    """
    pieces: list[str] = []
    pos: list[int] = []
    last = 0
    for m in _TEXT_FOLD.finditer(norm):
        start, end = m.span()
        repl = _fold_repl(m, text, offsets)
        if repl is None:
            continue
        pieces.append(norm[last:start])
        pos.extend(range(last, start))
        pieces.append(repl)
        pos.extend(min(start + k, end - 1) for k in range(len(repl)))
        last = end
    pieces.append(norm[last:])
    pos.extend(range(last, len(norm) + 1))
    if offsets is not None:
        pos = [offsets[p] for p in pos]
    return "".join(pieces), pos


def _fold_repl(m: re.Match[str], text: str, offsets: list[int] | None) -> str | None:
    if m.group(0) in ("'", "h"):
        return ""
    if m.group(1):
        return m.group(1)
    word = m.group(2)
    if word in TEXT_ARTICLES:
        return "al" if word != "al" else None
    if word not in ARTICLES:
        return None
    after = offsets[m.end()] if offsets else m.end()
    return "al" if after < len(text) and text[after] in "-‐‑" else None
