"""Rules added after measuring the extractor on text it had not seen (benchmarks/extraction/
heldout.jsonl): elided victim nouns, partitive counts, perpetrators after a weapon noun,
weekday forms, responders hit at an earlier strike's scene, exercise scenarios, summary leads.

Every sentence here is new (none is a held-out passage), and party rules come as mirror pairs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from rescuewatch.extract.dates import finder
from rescuewatch.model import Claim
from tests.extract.conftest import victims

Extract = Callable[..., list[Claim]]
PUB = "2024-11-20"  # a Wednesday


def one(extract: Extract, text: str, lang: str) -> Claim:
    claims = [c for c in extract(text, PUB, lang) if not c.is_aggregate]
    assert len(claims) == 1, [c.victims for c in claims]
    return claims[0]


# --- a count whose victim noun is left out ------------------------------------------------

ELIDED = [
    ("en", "Two paramedics were killed and three injured when Russian forces shelled Kherson on "
           "Monday.",
           "Two paramedics were killed and three injured when Ukrainian forces shelled Horlivka on "
           "Monday.", "medic", (2, 3)),
    ("en", "One rescuer died and two were hurt after Russian troops shelled Sumy on Monday.",
           "One rescuer died and two were hurt after Ukrainian troops shelled Belgorod on Monday.",
           "rescuer", (1, 2)),
    ("ru", "В понедельник в Херсоне под обстрел российских войск попали спасатели: двое погибли, "
           "ещё трое — ранены.",
           "В понедельник в Донецке под обстрел украинских войск попали спасатели: двое погибли, "
           "ещё трое — ранены.", "rescuer", (2, 3)),
    ("uk", "У понеділок у Херсоні під обстріл російських військ потрапили рятувальники: двоє "
           "загинули, ще троє — поранені.",
           "У понеділок у Донецьку під обстріл ЗСУ потрапили рятувальники: двоє загинули, ще троє — "
           "поранені.", "rescuer", (2, 3)),
]


@pytest.mark.parametrize(("lang", "a", "b", "category", "counts"), ELIDED)
def test_elided_victim_noun_mirror(extract: Extract, lang: str, a: str, b: str, category: str,
                                   counts: tuple[int, int]) -> None:
    ca, cb = one(extract, a, lang), one(extract, b, lang)
    assert victims(ca)[category] == counts == victims(cb)[category]
    assert (ca.weapon, ca.date, ca.repeat_strike) == (cb.weapon, cb.date, cb.repeat_strike)
    assert (ca.perpetrator.party, cb.perpetrator.party) == ("RU", "UA")


@pytest.mark.parametrize(("lang", "text"), [
    ("en", "Two paramedics were killed and three civilians injured in shelling of Kherson on Monday."),
    ("ru", "В понедельник в Херсоне при обстреле погибли двое медиков и трое мирных жителей ранены."),
    ("uk", "У понеділок у Херсоні внаслідок обстрілу загинули двоє медиків, троє цивільних поранені."),
])
def test_count_of_other_people_is_not_elided(extract: Extract, lang: str, text: str) -> None:
    assert victims(one(extract, text, lang))["medic"] == (2, None)


# --- partitive counts: "медики, трое из них ..." -------------------------------------------

@pytest.mark.parametrize(("lang", "text", "category", "counts"), [
    ("en", "On Monday an ambulance carrying four paramedics was hit by a drone in Sumy, two of them "
           "were wounded.", "medic", (None, 2)),
    ("ru", "В понедельник в Сумах дрон атаковал машину скорой помощи с четырьмя медиками, трое из "
           "них ранены.", "medic", (None, 3)),
    ("uk", "У понеділок ракета влучила в лікарню в Дніпрі: під завалами опинилися медики лікарні, "
           "двоє з них загинули, ще четверо поранені.", "health_worker", (2, 4)),
    # the head keeps a harm of its own clause: 6 hurt, 2 of them killed
    ("ru", "В понедельник при обстреле Горловки пострадали шесть медиков, двое из них погибли.",
     "medic", (2, 6)),
])
def test_partitive_counts(extract: Extract, lang: str, text: str, category: str,
                          counts: tuple[int | None, int | None]) -> None:
    assert victims(one(extract, text, lang))[category] == counts


# --- the perpetrator in the genitive after the weapon noun, for both sides alike ----------------

@pytest.mark.parametrize(("lang", "a", "b", "texts"), [
    ("ru", "Вчера удар дрона ВСУ повредил машину скорой помощи в Горловке, ранен фельдшер.",
           "Вчера удар дрона ЗС РФ повредил машину скорой помощи в Сумах, ранен фельдшер.",
     ("ВСУ", "ЗС РФ")),
    ("uk", "Вчора під обстріл ЗСУ потрапила бригада швидкої в Горлівці, поранено фельдшера.",
           "Вчора під обстріл ЗС РФ потрапила бригада швидкої в Херсоні, поранено фельдшера.",
     ("ЗСУ", "ЗС РФ")),
    ("en", "Yesterday an ambulance came under shelling by Ukrainian forces in Horlivka, injuring a "
           "paramedic.",
           "Yesterday an ambulance came under shelling by Russian forces in Kherson, injuring a "
           "paramedic.", ("Ukrainian forces", "Russian forces")),
])
def test_actor_after_weapon_noun_mirror(extract: Extract, lang: str, a: str, b: str,
                                        texts: tuple[str, str]) -> None:
    ca, cb = one(extract, a, lang), one(extract, b, lang)
    assert (ca.perpetrator.party, cb.perpetrator.party) == ("UA", "RU")
    assert (ca.perpetrator.text, cb.perpetrator.text) == texts
    assert ca.weapon == cb.weapon
    assert victims(ca) == victims(cb)


@pytest.mark.parametrize(("a", "b"), [
    ("Ukrainian paramedics were injured when Russian forces shelled Kherson yesterday.",
     "Russian paramedics were injured when Ukrainian forces shelled Horlivka yesterday."),
])
def test_victims_nationality_is_not_the_perpetrator(extract: Extract, a: str, b: str) -> None:
    assert (one(extract, a, "en").perpetrator.party, one(extract, b, "en").perpetrator.party) == ("RU", "UA")


# --- weapons ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "text", "weapon"), [
    ("ru", "Вчера в Никополе под обстрел попала бригада скорой помощи, ранен водитель.", "artillery"),
    ("uk", "Вчора в Нікополі під обстріл потрапила бригада швидкої, поранено водія.", "artillery"),
    ("en", "Yesterday a guided bomb hit a hospital in Kharkiv, injuring two nurses.", "airstrike"),
    # the weapon of the earlier strike gives way to the one that hit the responders
    ("uk", "Вчора під час ліквідації наслідків обстрілу в Херсоні дрон атакував рятувальників, "
           "поранено двох.", "drone"),
    ("ru", "Вчера во время ликвидации последствий обстрела в Херсоне дрон атаковал спасателей, "
           "ранены двое.", "drone"),
])
def test_weapon_words(extract: Extract, lang: str, text: str, weapon: str) -> None:
    assert one(extract, text, lang).weapon == weapon


def test_summary_lead_weapon_gives_way_to_each_item(extract: Extract) -> None:
    text = ("Упродовж минулої доби ворог 120 разів обстріляв громади області. У Сумах дрон атакував "
            "автомобіль швидкої допомоги, поранено фельдшера. У Білопіллі ракета влучила в лікарню, "
            "поранено медсестру.")
    claims = [c for c in extract(text, PUB, "uk") if not c.is_aggregate]
    assert [c.weapon for c in claims] == ["drone", "missile"]


def test_single_incident_keeps_its_first_weapon(extract: Extract) -> None:
    text = ("Вчора російська ракета влучила в лікарню в Дніпрі. Внаслідок обстрілу поранено трьох "
            "медпрацівників.")
    assert one(extract, text, "uk").weapon == "missile"


# --- weekday forms ----------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "phrase", "day"), [
    ("uk", "минулої п'ятниці", "2024-11-15"),
    ("uk", "Минулої п’ятниці", "2024-11-15"),
    ("uk", "минулого вівторка", "2024-11-19"),
    ("uk", "у минулу неділю", "2024-11-17"),
    ("ru", "в прошлую пятницу", "2024-11-15"),
    ("ru", "в минувший вторник", "2024-11-19"),
    ("ru", "в прошлое воскресенье", "2024-11-17"),
    ("en", "last Friday", "2024-11-15"),
])
def test_weekday_with_last(lang: str, phrase: str, day: str) -> None:
    hits = finder(lang).find(phrase, 0, len(phrase), dt.date.fromisoformat(PUB))
    assert hits and hits[0].span is not None and str(hits[0].span.start) == day


# --- responders hit at the scene of an earlier strike --------------------------------------------

@pytest.mark.parametrize(("lang", "text"), [
    ("ru", "Вчера в Горловке спасатели МЧС прибыли на место предыдущего удара, и дрон ВСУ атаковал "
           "их, ранены двое."),
    ("ru", "Вчера в Херсоне спасатели ГСЧС прибыли на место предыдущего удара, и российский дрон "
           "атаковал их, ранены двое."),
    ("uk", "Вчора в Харкові під час ліквідації наслідків удару рятувальники потрапили під обстріл, "
           "двох поранено."),
    ("en", "Yesterday in Kherson, two rescuers were injured at the site of an earlier strike when a "
           "drone attacked them."),
])
def test_repeat_strike_at_earlier_scene(extract: Extract, lang: str, text: str) -> None:
    assert one(extract, text, lang).repeat_strike is True


# --- an exercise scenario is no attack ------------------------------------------------------------

@pytest.mark.parametrize(("lang", "text"), [
    ("ru", "В Донецке прошли учения МЧС: спасатели и медики отработали помощь пострадавшим после "
           "условного обстрела школы."),
    ("uk", "У Харкові відбулися навчання ДСНС: рятувальники та медики відпрацювали допомогу "
           "постраждалим після умовного обстрілу школи."),
    ("en", "Rescuers and paramedics in Odesa rehearsed helping the injured after a simulated "
           "drone strike on a school during an exercise."),
])
def test_simulated_strike_gives_no_claim(extract: Extract, lang: str, text: str) -> None:
    assert [c for c in extract(text, PUB, lang) if not c.is_aggregate] == []


# --- a bare "crew member" joins the people the segment names ---------------------------------------

def test_crew_member_after_named_medics(extract: Extract) -> None:
    text = ("Two paramedics were killed on Monday when a drone hit their ambulance in Kherson. A third "
            "crew member was injured.")
    assert victims(one(extract, text, "en"))["medic"] == (2, 1)


def test_fire_station_is_not_a_firefighter(extract: Extract) -> None:
    text = "Вчора в Харкові внаслідок удару по пожежному депо постраждали троє вогнеборців."
    assert victims(one(extract, text, "uk"))["firefighter"] == (None, 3)


def test_staff_word_before_a_victim_noun_is_one_person(extract: Extract) -> None:
    text = "A volunteer paramedic was killed yesterday when a drone hit his ambulance in Kherson."
    assert victims(one(extract, text, "en"))["medic"] == (1, None)


def test_staff_beside_other_people_stay_unresolved(extract: Extract) -> None:
    text = "A doctor and two staff members were killed yesterday in the shelling of Sumy."
    assert victims(one(extract, text, "en")) == {"health_worker": (1, None)}
