"""Transliteration conventions and Latin variants of Cyrillic names."""

from __future__ import annotations

import pytest

from rescuewatch.geo import SCHEMES, latin_variants, transliterate


@pytest.mark.parametrize(
    ("cyrillic", "scheme", "latin"),
    [
        ("Горлівка", "ua_national", "Horlivka"),
        ("Запоріжжя", "ua_national", "Zaporizhzhia"),
        ("Ясинувата", "ua_national", "Yasynuvata"),
        ("Згурівка", "ua_national", "Zghurivka"),
        ("Київ", "ua_national", "Kyiv"),
        ("Горловка", "bgn", "Gorlovka"),
        ("Запорожье", "bgn", "Zaporozh'ye"),
        ("Николаев", "bgn", "Nikolayev"),
        ("Николаев", "simple", "Nikolaev"),
        ("Киев", "simple", "Kiev"),
        ("Харьков", "simple", "Kharkov"),
        ("Харків", "scholarly", "Charkiv"),
        ("Щастя", "scholarly", "Ščastja"),
    ],
)
def test_schemes(cyrillic: str, scheme: str, latin: str) -> None:
    assert transliterate(cyrillic, scheme) == latin


def test_non_cyrillic_passes_through() -> None:
    assert transliterate("Kyiv, 2024 — Київ", "ua_national") == "Kyiv, 2024 — Kyiv"


def test_unknown_scheme() -> None:
    with pytest.raises(ValueError, match="unknown transliteration scheme"):
        transliterate("Київ", "morse")
    assert "bgn" in SCHEMES


@pytest.mark.parametrize(
    ("cyrillic", "expected"),
    [
        ("Горловка", {"Gorlovka"}),
        ("Луганск", {"Lugansk"}),
        ("Луганськ", {"Luhansk"}),
        ("Артемовск", {"Artemovsk"}),
        ("Днепропетровск", {"Dnepropetrovsk"}),
        ("Запорожье", {"Zaporozhye", "Zaporozhe"}),
        ("Одесса", {"Odessa"}),
        ("Кропивницький", {"Kropyvnytskyi", "Kropyvnytsky"}),
    ],
)
def test_latin_variants(cyrillic: str, expected: set[str]) -> None:
    assert expected <= latin_variants(cyrillic)
