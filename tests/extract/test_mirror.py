"""Neutrality: a passage and its mirror (parties and places swapped) give mirror-image claims."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rescuewatch.model import Claim
from tests.extract.conftest import contract

Extract = Callable[..., list[Claim]]

PAIRS = [
    ("en", "On Tuesday, a Russian drone struck an ambulance in Sumy, killing a paramedic and injuring "
           "two rescuers. When firefighters arrived, a second drone hit the site.",
           "On Tuesday, a Ukrainian drone struck an ambulance in Kursk, killing a paramedic and injuring "
           "two rescuers. When firefighters arrived, a second drone hit the site.", ("RU", "UA")),
    ("ru", "Вчера в Херсоне российская артиллерия обстреляла больницу. Погибли двое медиков, трое "
           "пациентов ранены.",
           "Вчера в Донецке украинская артиллерия обстреляла больницу. Погибли двое медиков, трое "
           "пациентов ранены.", ("RU", "UA")),
    ("uk", "У ніч на 5 березня окупанти атакували дронами Херсон: поранено двох рятувальників ДСНС.",
           "У ніч на 5 березня ЗСУ атакували дронами Донецьк: поранено двох рятувальників МНС.", ("RU", "UA")),
]
SAME = ("is_aggregate", "date", "victims", "killed", "injured", "weapon", "repeat_strike")


@pytest.mark.parametrize(("lang", "a", "b", "parties"), PAIRS)
def test_mirror_pairs(extract: Extract, lang: str, a: str, b: str, parties: tuple[str, str]) -> None:
    ca = [contract(c) for c in extract(a, "2024-03-07", lang)]
    cb = [contract(c) for c in extract(b, "2024-03-07", lang)]
    assert ca and len(ca) == len(cb)
    for x, y in zip(ca, cb, strict=True):
        assert {k: x[k] for k in SAME} == {k: y[k] for k in SAME}
        assert (x["perpetrator_alleged"]["party"], y["perpetrator_alleged"]["party"]) == parties
        assert x["place"]["geonameid"] != y["place"]["geonameid"]


def test_enemy_words_name_no_party(extract: Extract) -> None:
    for text, lang in [("Вчера противник обстрелял скорую в Белгороде, ранен фельдшер.", "ru"),
                       ("Учора ворог обстріляв швидку в Харкові, поранено фельдшера.", "uk")]:
        claims = extract(text, "2024-03-07", lang)
        assert claims and claims[0].perpetrator.party is None and claims[0].perpetrator.text


@pytest.mark.parametrize(("lang", "text", "party"), [
    ("en", "On Tuesday occupying forces struck an ambulance in Khan Younis, killing two paramedics.", None),
    ("en", "On Tuesday occupiers shelled a hospital in Kharkiv, killing two health workers.", "RU"),
    ("en", "On Tuesday nationalists opened fire on an ambulance in Belgrade, injuring two paramedics.", None),
    ("en", "On Tuesday nationalists shelled a hospital in Donetsk, killing two health workers.", "UA"),
    ("en", "On Tuesday a coalition airstrike hit an ambulance near Mosul, killing two paramedics.", None),
    ("en", "On Tuesday a coalition airstrike hit an ambulance in Saada, killing two paramedics.", "SA-COAL"),
    ("en", "On Tuesday government forces shelled a hospital in El Fasher, killing two health workers.", "SD-SAF"),
    ("ru", "Вчера оккупанты обстреляли больницу в Газе, погибли двое медиков.", None),
])
def test_one_wars_epithet_names_no_party_in_another(extract: Extract, lang: str, text: str,
                                                     party: str | None) -> None:
    """"Occupiers", "nationalists", "coalition": each side's word in one conflict, not a name."""
    claims = extract(text, "2024-03-07", lang)
    assert claims and claims[0].perpetrator.text and claims[0].perpetrator.party == party


@pytest.mark.parametrize(("lang", "text", "party"), [
    ("en", "On Tuesday occupying forces, the Israeli army, shelled an ambulance in Khan Younis, "
           "killing two paramedics.", "IL"),
    ("en", "On Tuesday occupiers, Russian troops, shelled a hospital in Kharkiv, "
           "killing two health workers.", "RU"),
])
def test_another_wars_epithet_does_not_hide_the_party_named_beside_it(
        extract: Extract, lang: str, text: str, party: str) -> None:
    """An epithet that names no party here is passed over like "the enemy" is, for the party
    the same sentence names (it was taken first, and the claim named none)."""
    claims = extract(text, "2024-03-07", lang)
    assert claims and claims[0].perpetrator.party == party
