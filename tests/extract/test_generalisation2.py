"""Rules added after the second generalisation round (benchmarks/extraction/heldout2.jsonl):
bulleted updates, background sentences that recall an earlier event, superseded figures in
corrections, the date of a denial, hashtags, adjectives read as towns, vehicle crews.

Every sentence here is new (none is a held-out passage); party rules come as mirror pairs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from rescuewatch.extract.tokens import sentences
from rescuewatch.model import Claim
from tests.extract.conftest import victims

Extract = Callable[..., list[Claim]]
PUB = "2024-11-20"  # a Wednesday


def incidents(extract: Extract, text: str, lang: str) -> list[Claim]:
    return [c for c in extract(text, PUB, lang) if not c.is_aggregate]


def one(extract: Extract, text: str, lang: str) -> Claim:
    claims = incidents(extract, text, lang)
    assert len(claims) == 1, [(c.place, c.victims) for c in claims]
    return claims[0]


# --- list items and channel posts: a line break before a bullet or an emoji ends a sentence --


def test_bullets_and_emoji_lines_are_sentences() -> None:
    text = "Update:\n- a first item.\n• second item\n🔥 third item\n#tag"
    assert len(sentences(text)) == 5


BULLETS = [
    ("en", "Weekly update\n\n- On 11 November, Russian shelling damaged an ambulance in Kherson.\n"
           "- On 14 November, a Russian drone injured two paramedics in Nikopol.",
           "Weekly update\n\n- On 11 November, Ukrainian shelling damaged an ambulance in Donetsk.\n"
           "- On 14 November, a Ukrainian drone injured two paramedics in Horlivka."),
    ("ru", "Сводка за неделю\n• 11 ноября российский обстрел повредил машину скорой помощи в Херсоне.\n"
           "• 14 ноября российский дрон ранил двух фельдшеров в Никополе.",
           "Сводка за неделю\n• 11 ноября обстрел ВСУ повредил машину скорой помощи в Донецке.\n"
           "• 14 ноября дрон ВСУ ранил двух фельдшеров в Горловке."),
]


@pytest.mark.parametrize(("lang", "first", "mirror"), BULLETS)
def test_bulleted_items_are_separate_incidents(extract: Extract, lang: str, first: str,
                                               mirror: str) -> None:
    for text in (first, mirror):
        claims = incidents(extract, text, lang)
        assert [c.date.start for c in claims] == [dt.date(2024, 11, 11), dt.date(2024, 11, 14)]
        assert len({c.place.geonameid for c in claims}) == 2


# --- background: a sentence that recalls an earlier event is not news -----------------------

RECALL = [
    ("en", "In May, a shelling attack wounded a dispatcher at a substation in the city, the mayor "
           "recalled.\n\nYesterday a Russian drone hit an ambulance in Kherson, injuring a paramedic.",
           "In May, a shelling attack wounded a dispatcher at a substation in the city, the mayor "
           "recalled.\n\nYesterday a Ukrainian drone hit an ambulance in Donetsk, injuring a paramedic."),
    ("ru", "В мае при обстреле уже пострадала подстанция скорой, напомнил мэр.\n\nВчера российский "
           "дрон атаковал машину скорой помощи в Херсоне, ранен фельдшер.",
           "В мае при обстреле уже пострадала подстанция скорой, напомнил мэр.\n\nВчера дрон ВСУ "
           "атаковал машину скорой помощи в Донецке, ранен фельдшер."),
    ("uk", "У травні під час обстрілу вже постраждала підстанція швидкої, нагадав мер.\n\nУчора "
           "російський дрон атакував машину швидкої допомоги в Херсоні, поранено фельдшера.",
           "У травні під час обстрілу вже постраждала підстанція швидкої, нагадав мер.\n\nУчора дрон "
           "ЗСУ атакував машину швидкої допомоги в Донецьку, поранено фельдшера."),
]


@pytest.mark.parametrize(("lang", "first", "mirror"), RECALL)
def test_recalled_event_gives_no_claim_nor_date(extract: Extract, lang: str, first: str,
                                                mirror: str) -> None:
    parties = []
    for text in (first, mirror):
        c = one(extract, text, lang)
        assert c.date.start == dt.date(2024, 11, 19)
        assert victims(c)["medic"] == (None, 1)
        parties.append(c.perpetrator.party)
    assert parties == ["RU", "UA"]


# --- corrections: the superseded figure is no statistic and does not end the story ---------

CORRECTIONS = [
    ("en", "The death toll from Monday's strike on an ambulance in Kherson has risen to two paramedics. "
           "Earlier reports had put it at one. Officials blamed Russian forces.",
           "The death toll from Monday's strike on an ambulance in Donetsk has risen to two paramedics. "
           "Earlier reports had put it at one. Officials blamed Ukrainian forces."),
    ("ru", "В понедельник в Херсоне при ударе по машине скорой погибли двое фельдшеров. Ранее "
           "сообщалось об одном погибшем. Удар нанесли российские военные.",
           "В понедельник в Донецке при ударе по машине скорой погибли двое фельдшеров. Ранее "
           "сообщалось об одном погибшем. Удар нанесли ВСУ."),
]


@pytest.mark.parametrize(("lang", "first", "mirror"), CORRECTIONS)
def test_superseded_figure_is_dropped(extract: Extract, lang: str, first: str, mirror: str) -> None:
    parties = []
    for text in (first, mirror):
        claims = extract(text, PUB, lang)
        assert not any(c.is_aggregate for c in claims)
        c = one(extract, text, lang)
        assert victims(c)["medic"][0] == 2
        parties.append(c.perpetrator.party)
    assert parties == ["RU", "UA"]


# --- denials: the date of the denial is not the date of the event ---------------------------

DENIALS = [
    ("en", "The Russian defence ministry denied on Tuesday that its forces had struck a hospital "
           "in Sumy. Ukrainian officials said a Russian missile hit the hospital on Sunday, "
           "injuring two nurses.",
           "The Ukrainian defence ministry denied on Tuesday that its forces had struck a hospital "
           "in Belgorod. Russian officials said a Ukrainian missile hit the hospital on Sunday, "
           "injuring two nurses.", "en"),
    ("uk", "Міноборони Росії у вівторок заперечило повідомлення про удар по лікарні в Сумах. "
           "Українська сторона стверджує, що в неділю російська ракета влучила в лікарню, "
           "поранено двох медсестер.",
           "Міноборони України у вівторок заперечило повідомлення про удар по лікарні в Бєлгороді. "
           "Російська сторона стверджує, що в неділю українська ракета влучила в лікарню, "
           "поранено двох медсестер.", "uk"),
]


@pytest.mark.parametrize(("lang", "first", "mirror", "_"), DENIALS)
def test_denial_keeps_the_accusers_event(extract: Extract, lang: str, first: str, mirror: str,
                                         _: str) -> None:
    out = []
    for text in (first, mirror):
        c = one(extract, text, lang)
        assert c.date.start == dt.date(2024, 11, 17)
        assert c.weapon == "missile"
        out.append((c.place.name, c.perpetrator.party))
    assert out == [("Sumy", "RU"), ("Belgorod", "UA")]


# --- hashtags are topics; a nationality adjective before a noun is not a town ---------------

HASHTAGS = [
    ("uk", "‼️Куп'янськ\n\nСьогодні російський дрон атакував автомобіль ДСНС\nПоранено двох "
           "рятувальників\n\n#Харківщина", "Kupyansk",
           "‼️Шебекине\n\nСьогодні дрон ЗСУ атакував автомобіль МНС\nПоранено двох рятувальників"
           "\n\n#Бєлгородщина", "Shebekino"),
    ("en", "⚡️ Kupiansk\n\nA Russian drone hit a rescue truck today\n2 rescuers wounded\n\n#Kharkiv",
           "Kupyansk",
           "⚡️ Shebekino\n\nA Ukrainian drone hit a rescue truck today\n2 rescuers wounded\n\n#Belgorod",
           "Shebekino"),
]


@pytest.mark.parametrize(("lang", "first", "place1", "mirror", "place2"), HASHTAGS)
def test_hashtag_region_gives_way_to_header_town(extract: Extract, lang: str, first: str,
                                                 place1: str, mirror: str, place2: str) -> None:
    assert one(extract, first, lang).place.name == place1
    assert one(extract, mirror, lang).place.name == place2


# --- the crew of a hit ambulance, and "another" for an elided count ---------------------------

CREW = [
    ("en", "A Russian drone hit an ambulance in Kherson on Monday. A paramedic was killed and two "
           "other crew members were injured.",
           "A Ukrainian drone hit an ambulance in Donetsk on Monday. A paramedic was killed and two "
           "other crew members were injured.", "medic", (1, 2)),
    ("en", "One Russian rescuer was killed and another injured when Ukrainian artillery shelled "
           "Belgorod on Monday.",
           "One Ukrainian rescuer was killed and another injured when Russian artillery shelled "
           "Kharkiv on Monday.", "rescuer", (1, 1)),
]


@pytest.mark.parametrize(("lang", "first", "mirror", "cat", "counts"), CREW)
def test_crew_and_another(extract: Extract, lang: str, first: str, mirror: str, cat: str,
                          counts: tuple[int, int]) -> None:
    for text in (first, mirror):
        assert victims(one(extract, text, lang))[cat] == counts


@pytest.mark.parametrize("country", ["Syria", "Myanmar", "Sudan"])
def test_government_artillery_is_the_army_of_the_place(extract: Extract, country: str) -> None:
    town = {"Syria": "Idlib", "Myanmar": "Monywa", "Sudan": "Nyala"}[country]
    c = one(extract, f"A rescuer was killed on Monday when government artillery shelled {town}.",
            "en")
    assert c.perpetrator.party == {"Syria": "SY-GOV", "Myanmar": "MM-MIL", "Sudan": "SD-SAF"}[country]
