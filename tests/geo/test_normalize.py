"""Normalisation keeps offsets into the original text."""

from __future__ import annotations

from rescuewatch.geo.normalize import normalize, normalize_name


def test_apostrophes_hyphens_yo() -> None:
    assert normalize_name("Куп’янськ") == normalize_name("Купʼянськ") == "куп'янськ"
    assert normalize_name("Ivano-Frankivsk") == "ivano frankivsk"
    assert normalize_name("Артёмовск") == "артемовск"
    assert normalize_name("Rafaḩ") == "rafah"
    assert normalize_name("Йемен") == "йемен"


def test_offsets_when_length_changes() -> None:
    text = "Straße İstanbul Київ"
    norm, offsets = normalize(text)
    assert offsets is not None
    i = norm.index("київ")
    assert text[offsets[i] : offsets[i + 4]] == "Київ"


def test_identity_offsets() -> None:
    assert normalize("Харків")[1] is None
