"""Russian and Ukrainian Cyrillic → Latin transliteration in several conventions.

Schemes
-------
``bgn``
    BGN/PCGN-like (the usual English-press system for Russian names): ``е`` is ``ye`` at the
    start of a word and after vowels and signs, ``ё`` → ``yo``, soft sign → ``'``,
    Ukrainian letters as in ``ua_national``. ``Запорожье`` → ``Zaporozh'ye``.
``ua_national``
    Ukraine's official 2010 system: ``г`` → ``h``, ``ґ`` → ``g``, ``и`` → ``y``, ``і`` → ``i``,
    ``є ї й ю я`` → ``ye yi y yu ya`` word-initially and ``ie i i iu ia`` elsewhere, ``зг`` →
    ``zgh``, soft sign and apostrophe dropped. ``Запоріжжя`` → ``Zaporizhzhia``.
``simple``
    The simplified spelling common in older English texts: every ``е``/``ё`` → ``e``,
    ``й`` → ``i``, signs dropped. ``Николаев`` → ``Nikolaev``, ``Киев`` → ``Kiev``.
``scholarly``
    ISO 9 / scholarly style with diacritics: ``ж`` → ``ž``, ``х`` → ``ch``, ``ч`` → ``č``,
    ``ю`` → ``ju``. ``Харків`` → ``Charkiv``.

Non-Cyrillic characters pass through unchanged.
"""

from __future__ import annotations

SCHEMES: tuple[str, ...] = ("bgn", "ua_national", "simple", "scholarly")

_COMMON = {
    "а": "a", "б": "b", "в": "v", "д": "d", "з": "z", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f",
    "ґ": "g", "і": "i", "ў": "w",
}  # fmt: skip
_BASIC = {
    **_COMMON, "г": "g", "е": "e", "ё": "e", "ж": "zh", "и": "i", "й": "y", "х": "kh",
    "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e",
    "ю": "yu", "я": "ya", "є": "ye", "ї": "yi", "'": "",
}  # fmt: skip
_SCHOLARLY = {
    **_COMMON, "г": "g", "е": "e", "ё": "ë", "ж": "ž", "и": "i", "й": "j", "х": "ch",
    "ц": "c", "ч": "č", "ш": "š", "щ": "šč", "ъ": "ʺ", "ы": "y", "ь": "ʹ", "э": "è",
    "ю": "ju", "я": "ja", "є": "je", "ї": "ji", "'": "",
}  # fmt: skip
_UK_LETTERS = frozenset("ієїґ")
_RU_LETTERS = frozenset("ыэъё")
_VOWELS = frozenset("аеёиоуыэюяіїєaeiouy")
_SIGNS = frozenset("ъь'’ʼ")


def guess_cyrillic_language(text: str) -> str | None:
    """Guess ``"uk"`` or ``"ru"`` from letters only one of the alphabets has.

    Parameters
    ----------
    text : str
        Cyrillic text (a name or more).

    Returns
    -------
    str or None
        ``"uk"``, ``"ru"``, or ``None`` when the letters do not tell.
    """
    letters = set(text.lower())
    if letters & _UK_LETTERS:
        return "uk"
    if letters & _RU_LETTERS:
        return "ru"
    return None


def transliterate(text: str, scheme: str = "bgn", lang: str | None = None) -> str:
    """Transliterate Russian or Ukrainian Cyrillic text into Latin script.

    Parameters
    ----------
    text : str
        Text containing Cyrillic letters.
    scheme : str, default "bgn"
        One of :data:`SCHEMES`.
    lang : str, optional
        ``"ru"`` or ``"uk"``; guessed from the letters when omitted. Ukrainian ``г`` and
        ``и`` become ``h`` and ``y`` in ``bgn`` and ``ua_national``.

    Returns
    -------
    str
        The Latin text, keeping the capitalisation of each letter.

    Examples
    --------
    >>> transliterate("Горлівка", "ua_national")
    'Horlivka'
    >>> transliterate("Николаев", "simple")
    'Nikolaev'
    """
    if scheme not in SCHEMES:
        raise ValueError(f"unknown transliteration scheme {scheme!r}; use one of {SCHEMES}")
    lang = lang or guess_cyrillic_language(text) or ("uk" if scheme == "ua_national" else None)
    out: list[str] = []
    prev = ""
    for i, ch in enumerate(text):
        low = ch.lower()
        nxt = text[i + 1].lower() if i + 1 < len(text) else ""
        latin = _letter(low, prev, nxt, scheme, lang)
        if latin is None:
            out.append(ch)
        else:
            out.append(_match_case(latin, ch, nxt))
        prev = low
    return "".join(out)


def _letter(low: str, prev: str, nxt: str, scheme: str, lang: str | None) -> str | None:
    if low not in _BASIC and low not in "’ʼ":
        return None
    if scheme == "scholarly":
        return _SCHOLARLY.get(low, "")
    initial = not prev or not (prev.isalpha() or prev in _SIGNS)
    if lang == "uk" and scheme != "simple":
        if low == "г":
            return "gh" if prev == "з" else "h"
        if low == "и":
            return "y"
    if scheme == "ua_national":
        return _ua_national(low, initial)
    if scheme == "bgn":
        return _bgn(low, prev, initial)
    return _simple(low)


def _ua_national(low: str, initial: bool) -> str:
    if low in "єїйюя":
        return (
            {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}[low]
            if initial
            else {"є": "ie", "ї": "i", "й": "i", "ю": "iu", "я": "ia"}[low]
        )
    if low in "ь'’ʼъ":
        return ""
    return _BASIC[low]


def _bgn(low: str, prev: str, initial: bool) -> str:
    after_vowel = initial or prev in _VOWELS or prev in _SIGNS
    if low == "е":
        return "ye" if after_vowel else "e"
    if low == "ё":
        return "yo" if after_vowel else "ë"
    if low == "ь":
        return "'"
    if low == "ъ":
        return '"'
    if low in "’ʼ'":
        return ""
    return _BASIC[low]


def _simple(low: str) -> str:
    if low == "й":
        return "i"
    if low in "’ʼ'":
        return ""
    return _BASIC[low]


def _match_case(latin: str, original: str, nxt: str) -> str:
    if not original.isupper() or not latin:
        return latin
    if len(latin) == 1 or (nxt and nxt.isupper()):
        return latin.upper()
    return latin[0].upper() + latin[1:]


def latin_variants(name: str) -> set[str]:
    """Latin spellings of a Cyrillic name under every scheme that English texts use.

    Besides ``bgn``, ``ua_national`` and ``simple`` it adds spellings without apostrophes
    and with adjectival ``-iy``/``-yi``/``-yy`` shortened to ``-y`` (``Kropyvnytskyi`` →
    ``Kropyvnytsky``), and ``ë`` written ``e``.

    Parameters
    ----------
    name : str
        A Cyrillic place name.

    Returns
    -------
    set of str
        Distinct Latin spellings.
    """
    lang = guess_cyrillic_language(name)
    langs = [lang] if lang else ["ru", "uk"]
    out: set[str] = set()
    for lg in langs:
        for scheme in ("bgn", "ua_national", "simple"):
            out.add(transliterate(name, scheme, lg))
    for variant in list(out):
        plain = variant.replace("'", "").replace('"', "").replace("ë", "e").replace("Ë", "E")
        out.add(plain)
        for ending in ("iy", "yi", "yy", "ii", "ij"):
            if plain.endswith(ending):
                out.add(plain[: -len(ending)] + "y")
    return out
