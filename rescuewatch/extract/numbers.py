"""Counts written as digits or words in English, Russian and Ukrainian, with their bounds.

"two", "a dozen", "двое", "трое", "двоє", "п'ятеро", "одного" are numbers; "over 50",
"более 50", "понад 50" are lower bounds kept as the number written, as is the lower end of a
range ("between two and four", "от трёх до пяти": see ``rules._range_low``); "several", "несколько",
"кілька" are counts that are not known (``None``).
"""

from __future__ import annotations

import re

_EN = {
    "a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "both": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
    "pair": 2, "couple": 2, "third": 1, "second": 1, "fourth": 1, "fifth": 1, "another": 1,
}
_RU = {
    "один": 1, "одна": 1, "одно": 1, "одного": 1, "одну": 1, "одной": 1, "два": 2, "две": 2,
    "двое": 2, "оба": 2, "обе": 2, "три": 3, "трое": 3, "четыре": 4, "четверо": 4, "пять": 5,
    # case forms whose first letters no lexicon word shares, so they are never lemmatised
    # ("убил двух медиков")
    "двух": 2, "двум": 2, "двумя": 2, "двоих": 2, "обоих": 2, "обеих": 2, "трех": 3, "трёх": 3,
    "трем": 3, "трём": 3, "тремя": 3, "троих": 3,
    "пятеро": 5, "шесть": 6, "шестеро": 6, "семь": 7, "семеро": 7, "восемь": 8, "восьмеро": 8,
    "девять": 9, "девятеро": 9, "десять": 10, "десятеро": 10, "одиннадцать": 11,
    "двенадцать": 12, "тринадцать": 13, "четырнадцать": 14, "пятнадцать": 15,
    "шестнадцать": 16, "семнадцать": 17, "восемнадцать": 18, "девятнадцать": 19,
    "двадцать": 20, "тридцать": 30, "сорок": 40, "пятьдесят": 50, "шестьдесят": 60,
    "семьдесят": 70, "восемьдесят": 80, "девяносто": 90, "сто": 100, "дюжина": 12,
}
_UK = {
    "один": 1, "одна": 1, "одне": 1, "одного": 1, "одну": 1, "однієї": 1, "два": 2, "дві": 2,
    "двоє": 2, "обидва": 2, "обидві": 2, "обох": 2, "три": 3, "троє": 3, "чотири": 4,
    "четверо": 4, "п'ять": 5, "п'ятеро": 5, "шість": 6, "шестеро": 6, "сім": 7, "семеро": 7,
    "вісім": 8, "восьмеро": 8, "дев'ять": 9, "дев'ятеро": 9, "десять": 10, "десятеро": 10,
    "одинадцять": 11, "дванадцять": 12, "тринадцять": 13, "чотирнадцять": 14,
    "п'ятнадцять": 15, "шістнадцять": 16, "сімнадцять": 17, "вісімнадцять": 18,
    "дев'ятнадцять": 19, "двадцять": 20, "тридцять": 30, "сорок": 40, "п'ятдесят": 50,
    "шістдесят": 60, "сімдесят": 70, "вісімдесят": 80, "дев'яносто": 90, "сто": 100,
    "дюжина": 12, "двох": 2, "двом": 2, "двійко": 2, "трьох": 3, "трьом": 3, "чотирьох": 4,
    "четверьох": 4, "п'ятьох": 5, "п'яти": 5, "шістьох": 6, "шести": 6, "сімох": 7, "семи": 7,
    "восьми": 8, "десяти": 10, "одному": 1, "обом": 2,
}
NUMBER_WORDS: dict[str, dict[str, int]] = {"en": _EN, "ru": _RU, "uk": _UK}

#: Words before a number that make it a lower bound or an approximation.
LOWER = {
    "en": ("more than", "over", "at least", "no fewer than", "no less than", "upwards of"),
    "ru": ("более", "свыше", "больше", "не менее", "не меньше", "по меньшей мере", "минимум",
           "как минимум"),
    "uk": ("понад", "більше", "більш ніж", "щонайменше", "не менше", "не менш як", "принаймні",
           "як мінімум", "мінімум"),
}
APPROX = {
    "en": ("about", "around", "approximately", "nearly", "almost", "some", "roughly", "up to"),
    "ru": ("около", "примерно", "почти", "порядка", "до"),
    "uk": ("близько", "приблизно", "майже", "майже до", "до"),
}
#: Words that say a count is not known.
VAGUE = {
    "en": {"several", "some", "few", "multiple", "many", "dozens", "scores", "hundreds", "numerous"},
    "ru": {"несколько", "ряд", "много", "десятки", "многие", "нескольких"},
    "uk": {"кілька", "декілька", "багато", "десятки", "кількох", "декількох"},
}
_DIGITS = re.compile(r"^\d{1,7}$")


def value(keys: frozenset[str], surface: str, lang: str) -> int | None:
    """The number a token writes, or ``None`` when it is not a number.

    Parameters
    ----------
    keys : frozenset of str
        The token's keys (surface and lemma).
    surface : str
        The token as written (digits may carry group separators: "1,200", "1 200").
    lang : str
        ``"en"``, ``"ru"`` or ``"uk"``.
    """
    digits = re.sub(r"[,\s.]", "", surface)
    if _DIGITS.match(digits):
        return int(digits)
    words = NUMBER_WORDS[lang]
    low = surface.lower().replace("’", "'").replace("ʼ", "'")
    if low in VAGUE[lang]:
        return None  # "dozens" is no dozen: its lemma's value would say 12
    if low in words:
        return words[low]
    for key in sorted(keys):  # sorted: set order varies with the hash seed
        if key in words:
            return words[key]
    if lang == "en" and "-" in low:  # twenty-five
        parts = low.split("-")
        if len(parts) == 2 and parts[0] in words and parts[1] in words:
            return words[parts[0]] + words[parts[1]]
    return None


def bound_before(text_before: str, lang: str) -> str | None:
    """``"lower"`` or ``"approx"`` when the words just before a number qualify it."""
    tail = text_before.lower().rstrip()[-24:]
    for phrase in LOWER[lang]:
        if tail.endswith(phrase):
            return "lower"
    for phrase in APPROX[lang]:
        if tail.endswith(phrase):
            return "approx"
    return None
