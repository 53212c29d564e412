"""Language identification for English, Russian and Ukrainian report text.

Letters that only one of the two Cyrillic languages uses decide most texts at once; lingua
(restricted to the three languages, loaded lazily) settles the rest.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

LANGS: tuple[str, ...] = ("en", "ru", "uk")
_CYR = re.compile(r"[а-яёіїєґ]", re.IGNORECASE)
_LAT = re.compile(r"[a-z]", re.IGNORECASE)
_UK_ONLY = re.compile(r"[іїєґ]", re.IGNORECASE)
_RU_ONLY = re.compile(r"[ыэъё]", re.IGNORECASE)
SAMPLE_CHARS = 4000


def detect(text: str) -> str | None:
    """``"en"``, ``"ru"`` or ``"uk"``, or ``None`` for text with no letters of these scripts.

    Parameters
    ----------
    text : str
        Any text; only its first few thousand characters are read.
    """
    sample = text[:SAMPLE_CHARS]
    cyr, lat = len(_CYR.findall(sample)), len(_LAT.findall(sample))
    if cyr == 0 and lat == 0:
        return None
    if lat > cyr:
        return "en"
    uk, ru = len(_UK_ONLY.findall(sample)), len(_RU_ONLY.findall(sample))
    # Each language-specific letter is common enough that a clear majority decides.
    if uk >= 2 and uk > 3 * ru:
        return "uk"
    if ru >= 2 and ru > 3 * uk:
        return "ru"
    return _lingua(sample)


def clear_language(text: str) -> str | None:
    """The language ``text`` is plainly written in, as far as a look at its letters tells:
    ``"en"`` for text mostly in Latin letters; ``"ru"`` or ``"uk"`` for Cyrillic text that
    holds several letters of one of them and none of the other's, else ``"cyrillic"``;
    ``None`` for text of too few letters or of both scripts. What a given language can be
    checked against without a statistical guess."""
    sample = text[:SAMPLE_CHARS]
    cyr, lat = len(_CYR.findall(sample)), len(_LAT.findall(sample))
    if cyr + lat < 20:
        return None
    if lat >= 4 * cyr:
        return "en"
    if cyr < 4 * lat:
        return None
    uk, ru = len(_UK_ONLY.findall(sample)), len(_RU_ONLY.findall(sample))
    if uk >= 3 and ru == 0:
        return "uk"
    if ru >= 3 and uk == 0:
        return "ru"
    return "cyrillic"


def _lingua(sample: str) -> str | None:
    detector = _detector()
    found = detector.detect_language_of(sample)
    if found is None:
        return None
    return {"ENGLISH": "en", "RUSSIAN": "ru", "UKRAINIAN": "uk"}.get(found.name)


@lru_cache(maxsize=1)
def _detector() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(
        Language.ENGLISH, Language.RUSSIAN, Language.UKRAINIAN
    ).build()
