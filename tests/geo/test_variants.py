"""Generated spellings: Russian ↔ Ukrainian Cyrillic and folded Arabic Latin names."""

from __future__ import annotations

import pytest

from rescuewatch.geo import Gazetteer
from rescuewatch.geo.normalize import normalize
from rescuewatch.geo.variants import (
    MAX_VARIANTS,
    cross_variants,
    fold_key,
    fold_text,
    ru_to_uk,
    uk_to_ru,
)


def resolved(gaz: Gazetteer, text: str) -> list[tuple[str, str | None, str | None]]:
    return [(r.mention.text, r.place.name, r.place.country) for r in gaz.geocode(text)]


# --- rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ru", "uk"),
    [
        ("Рыльск", "рильськ"),
        ("Шебекино", "шебекіне"),
        ("Енакиево", "єнакієве"),
        ("Красное", "красне"),
        ("Курская область", "курська область"),
        ("Подъячево", "под'ячеве"),
        ("Пятихатки", "п'ятихатки"),  # the apostrophe after a lip consonant before я/ю
        ("Вязьма", "в'язьма"),
    ],
)
def test_ru_to_uk(ru: str, uk: str) -> None:
    assert uk in ru_to_uk(ru)


@pytest.mark.parametrize(
    ("uk", "ru"),
    [
        ("Іршанськ", "иршанск"),
        ("Маневичі", "маневичи"),
        ("Докучаєвське", "докучаевское"),
        ("Єнакієве", "енакиево"),
        ("Зайцеве", "зайцево"),
        ("Мирний", "мирный"),
        ("Ґалаґани", "галагани"),
        ("Слов'янськ", "словянск"),
    ],
)
def test_uk_to_ru(uk: str, ru: str) -> None:
    assert ru in uk_to_ru(uk)


def test_cross_variants_skip_a_language_the_place_already_has() -> None:
    # "Горлівка" is Ukrainian, so no Ukrainian spelling is made from "Горловка"; the
    # Russian-looking spelling of "Горлівка" is still added (no name is surely Russian).
    assert cross_variants(["Горловка", "Горлівка"]) == [("горливка", "Горлівка")]
    assert cross_variants(["Рыльск"]) == [("рильськ", "Рыльск")]
    assert cross_variants(["Шостка"]) == []  # the same in both languages


def test_cross_variants_are_bounded() -> None:
    name = "Верхние Ириклинские Вишневые Сады"
    assert len(cross_variants([name])) <= 2 * MAX_VARIANTS


@pytest.mark.parametrize(
    ("key", "folded"),
    [
        ("ma'arrat an nu'man", "marat al numan"),
        ("maarat al numan", "marat al numan"),
        ("al qamishli", "qamishli"),
        ("deir ez zor", "deir al zor"),
        ("ar raqqah", "raqa"),
    ],
)
def test_fold_key(key: str, folded: str) -> None:
    assert folded in fold_key(key)


def test_fold_text_keeps_offsets() -> None:
    text = "Medics in Ma‘arrat an-Nu‘man; as we saw, at dawn."
    norm, offsets = normalize(text)
    folded, pos = fold_text(text, norm, offsets)
    assert folded.startswith("medics in marat al numan; as we saw, at dawn")
    assert len(pos) == len(folded) + 1
    start = folded.index("marat")
    assert text[pos[start] : pos[start + len("marat al numan")]] == "Ma‘arrat an-Nu‘man"


# --- mirror pairs: a report in one language about a town named only in the other -----------


@pytest.mark.parametrize(
    ("text", "name", "country"),
    [
        # Ukrainian text, towns in Russia that GeoNames names only in Russian
        ("Удар у Рильську.", "Ryl’sk", "RU"),
        ("Рильськ постраждав від обстрілу.", "Ryl’sk", "RU"),
        ("Вибухи у Шебекіному.", "Shebekino", "RU"),
        ("Обстріл Шебекиного.", "Shebekino", "RU"),
        # Russian text, towns in Ukraine that GeoNames names only in Ukrainian
        ("Обстрел в Иршанске.", "Irshansk", "UA"),
        ("Иршанск пострадал от обстрела.", "Irshansk", "UA"),
        ("Взрывы в Маневичах.", "Manevychi", "UA"),
        ("Медики из Маневичей.", "Manevychi", "UA"),
        # and the native spellings still work
        ("Удар по Рыльску.", "Ryl’sk", "RU"),
        ("Обстріл Іршанська.", "Irshansk", "UA"),
    ],
)
def test_cross_language_mirror_pairs(gaz: Gazetteer, text: str, name: str, country: str) -> None:
    found = resolved(gaz, text)
    assert len(found) == 1, found
    assert found[0][1:] == (name, country)


def test_lookup_by_other_language_spelling(gaz: Gazetteer) -> None:
    assert [e.name for e in gaz.lookup("Рильськ")] == ["Ryl’sk"]
    assert [e.name for e in gaz.lookup("Иршанск")] == ["Irshansk"]


# --- Arabic article, ʿayn marks and doubled letters ------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Strike in Qamishli.",
        "Strike in Al-Qamishli.",
        "Strike in al-Qamishli.",
        "Strike in Kamishli.",
    ],
)
def test_qamishli_with_and_without_article(gaz: Gazetteer, text: str) -> None:
    found = resolved(gaz, text)
    assert [(n, c) for _, n, c in found] == [("Al Qāmishlī", "SY")]


@pytest.mark.parametrize(
    "text",
    [
        "Strike in Maarat al-Numan.",
        "Strike in Ma'arrat an-Nu'man.",
        "Strike in Ma‘arrat an-Nu‘man.",
        "Strike in Maarat an-Numan.",
        "Strike in Maarrat al-Nu'man.",
    ],
)
def test_maarat_al_numan_wins_over_inner_numan(gaz: Gazetteer, text: str) -> None:
    found = resolved(gaz, text)
    assert len(found) == 1, found
    assert found[0][0].startswith("Ma")
    assert found[0][2] == "SY"


def test_raqqa_and_deir_ez_zor_spellings(gaz: Gazetteer) -> None:
    found = resolved(gaz, "Rescuers in Ar-Raqqa, Raqqah and Deir al-Zor.")
    assert [(n, c) for _, n, c in found] == [
        ("Ar Raqqah", "SY"),
        ("Ar Raqqah", "SY"),
        ("Deir ez-Zor", "SY"),
    ]
    assert found[0][0] == "Ar-Raqqa"


# --- common words stay words ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Кругом поле, лес и река.",
        "Мирное население пострадало.",
        "Мирні жителі постраждали.",
        "Красиве місто, зелені сади.",
        "Новое здание больницы.",
        "Рятувальники прибули на місце.",
        "Спасатели прибыли на место.",
        "An ambulance was hit as medics arrived at dawn.",
        "As the convoy moved, an aid worker was shot at the checkpoint.",
        "All medics were evacuated.",
        "Al said the hospital was full.",
    ],
)
def test_common_words_are_not_places(gaz: Gazetteer, text: str) -> None:
    assert resolved(gaz, text) == []
