"""Rules added after the fourth generalisation round (an analyst ingesting self-written news
text): "one" as a count whose noun is left out; a dateline as the publication date;
a range of counts as its lower end;
"31-го декабря" and slashed dates; numbers of several words, and "dozens";
"two days later" dated from the event before.

Every sentence here was written for these tests (none is copied from a report, none is a
passage of the labelled sets); place rules come as mirror pairs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from rescuewatch.model import Claim
from tests.extract.conftest import victims

Extract = Callable[..., list[Claim]]
PUB = "2025-03-26"  # a Wednesday


def one(extract: Extract, text: str, lang: str, published: str | None = PUB) -> Claim:
    claims = [c for c in extract(text, published, lang) if not c.is_aggregate]
    assert len(claims) == 1, [(c.place, c.victims) for c in claims]
    return claims[0]


# --- "three were killed and one injured": "one" opening its own clause is a count -----------

ELIDED_ONE = [
    ("Three aid workers were killed and one was injured when their convoy was hit near Sumy on "
     "Monday.",
     "Three aid workers were killed and one was injured when their convoy was hit near Belgorod on "
     "Monday.", "aid_worker", (3, 1)),
    ("Two paramedics were killed and one injured in Kherson on Monday.",
     "Two paramedics were killed and one injured in Donetsk on Monday.", "medic", (2, 1)),
    ("A drone hit a fire engine in Nikopol on Monday; two firefighters were hurt and one killed.",
     "A drone hit a fire engine in Horlivka on Monday; two firefighters were hurt and one killed.",
     "firefighter", (1, 2)),
]


@pytest.mark.parametrize(("first", "mirror", "cat", "counts"), ELIDED_ONE)
def test_one_opening_a_coordinated_clause_counts(extract: Extract, first: str, mirror: str,
                                                 cat: str, counts: tuple[int, int]) -> None:
    for text in (first, mirror):
        assert victims(one(extract, text, "en"))[cat] == counts


def test_one_with_its_noun_is_not_counted_twice(extract: Extract) -> None:
    c = one(extract, "Two paramedics were injured in Kherson on Monday, and one ambulance was "
                     "destroyed.", "en")
    assert victims(c)["medic"] == (None, 2)


# --- a dateline is when the story was filed: the base of its relative dates, no event date --

DATELINES = [
    ("en", "Kharkiv, 14 March 2024 — Two paramedics were hurt yesterday when a drone hit their "
           "ambulance near Zolochiv.",
           "Belgorod, 14 March 2024 — Two paramedics were hurt yesterday when a drone hit their "
           "ambulance near Shebekino.", "2024-03-13"),
    ("en", "KYIV, 2 January 2025 (Agency) - On 30 December a missile hit a hospital in Kharkiv, "
           "injuring five doctors.",
           "MOSCOW, 2 January 2025 (Agency) - On 30 December a missile hit a hospital in Belgorod, "
           "injuring five doctors.", "2024-12-30"),
    ("ru", "Херсон, 3 января 2024 года. В понедельник при обстреле больницы в Бериславе погибли "
           "два врача.",
           "Донецк, 3 января 2024 года. В понедельник при обстреле больницы в Горловке погибли "
           "два врача.", "2024-01-01"),
    ("uk", "Запоріжжя, 2 січня 2025 року. 30 грудня внаслідок удару по автомобілю швидкої "
           "допомоги в Оріхові загинув фельдшер.",
           "Донецьк, 2 січня 2025 року. 30 грудня внаслідок удару по автомобілю швидкої "
           "допомоги в Горлівці загинув фельдшер.", "2024-12-30"),
]


@pytest.mark.parametrize(("lang", "first", "mirror", "day"), DATELINES)
def test_dateline_dates_the_story_not_the_event(extract: Extract, lang: str, first: str,
                                                mirror: str, day: str) -> None:
    for text in (first, mirror):
        c = one(extract, text, lang, published=None)
        assert c.date.start is not None and c.date.start.isoformat() == day, text


def test_a_story_with_no_day_of_its_own_is_dated_by_its_dateline(extract: Extract) -> None:
    # by the day it was filed: that day or the one before
    c = one(extract, "Kharkiv, 14 March 2024 — A drone hit an ambulance near Zolochiv, killing a "
                     "paramedic.", "en", published=None)
    assert (c.date.start, c.date.end) == (dt.date(2024, 3, 13), dt.date(2024, 3, 14))


def test_a_list_of_place_and_date_lines_has_no_dateline(extract: Extract) -> None:
    # each line is an incident: its date is the event's, not a filing date to drop
    text = ("Kherson, 5 March 2025 — a drone hit an ambulance, injuring a paramedic.\n"
            "Donetsk, 6 March 2025 — shelling hit a hospital, killing a nurse.\n")
    days = [c.date.start.isoformat() for c in extract(text, None, "en") if c.date.start]
    assert days == ["2025-03-05", "2025-03-06"]


def test_a_date_opening_the_story_is_no_dateline(extract: Extract) -> None:
    text = "On Monday, 10 March 2025 — a drone hit an ambulance in Sumy, injuring two paramedics."
    assert one(extract, text, "en", published=None).date.start.isoformat() == "2025-03-10"


# --- "between two and four", "от трёх до пяти": the lower end, as "at least two" is two -----

RANGES = [
    ("en", "Between two and four rescuers were killed in Kharkiv on Monday.",
           "Between two and four rescuers were killed in Belgorod on Monday.", "rescuer", (2, None)),
    ("en", "Three to five paramedics were injured by shelling in Kherson on Monday.",
           "Three to five paramedics were injured by shelling in Donetsk on Monday.", "medic",
     (None, 3)),
    ("en", "On Monday 2-3 firefighters were hurt in Nikopol.",
           "On Monday 2-3 firefighters were hurt in Horlivka.", "firefighter", (None, 2)),
    ("ru", "В понедельник в Херсоне ранены от трёх до пяти медиков.",
           "В понедельник в Донецке ранены от трёх до пяти медиков.", "medic", (None, 3)),
    ("uk", "У понеділок у Херсоні поранено від двох до п'яти медиків.",
           "У понеділок у Донецьку поранено від двох до п'яти медиків.", "medic", (None, 2)),
]


@pytest.mark.parametrize(("lang", "first", "mirror", "cat", "counts"), RANGES)
def test_a_range_counts_its_lower_end(extract: Extract, lang: str, first: str, mirror: str,
                                      cat: str, counts: tuple[int | None, int | None]) -> None:
    for text in (first, mirror):
        assert victims(one(extract, text, lang))[cat] == counts


def test_up_to_is_no_range(extract: Extract) -> None:
    c = one(extract, "Up to five paramedics were injured in Kherson on Monday.", "en")
    assert victims(c)["medic"] == (None, 5)


# --- "31-го декабря", "31/12/2024": day forms the date finder passed over -------------------

DAY_FORMS = [
    ("ru", "31-го декабря в Херсоне дрон атаковал машину скорой помощи, ранен фельдшер.",
           "31-го декабря в Донецке дрон атаковал машину скорой помощи, ранен фельдшер.",
     "2024-12-31"),
    ("uk", "31-го грудня у Херсоні дрон атакував автомобіль швидкої допомоги, поранено фельдшера.",
           "31-го грудня у Донецьку дрон атакував автомобіль швидкої допомоги, поранено фельдшера.",
     "2024-12-31"),
    ("en", "On 31/12/2024 a drone hit an ambulance in Kherson, injuring a paramedic.",
           "On 12/31/2024 a drone hit an ambulance in Donetsk, injuring a paramedic.", "2024-12-31"),
    ("ru", "12/11/2024 в Херсоне дрон атаковал машину скорой помощи, ранен фельдшер.",
           "12/11/2024 в Донецке дрон атаковал машину скорой помощи, ранен фельдшер.", "2024-11-12"),
]


@pytest.mark.parametrize(("lang", "first", "mirror", "day"), DAY_FORMS)
def test_ordinal_and_slashed_days(extract: Extract, lang: str, first: str, mirror: str,
                                  day: str) -> None:
    for text in (first, mirror):
        c = one(extract, text, lang, published="2025-01-02")
        assert c.date.start is not None and c.date.start.isoformat() == day, text


def test_an_english_slashed_date_of_two_small_numbers_gives_no_day(extract: Extract) -> None:
    c = one(extract, "On 4/2/2024 a drone hit an ambulance in Kherson, injuring a paramedic.", "en",
            published="2024-03-01")
    assert c.date.start is None  # 4 February or 2 April: no guess


# --- "двадцять два", "twenty-two": one number of several words; "dozens" is no dozen ---------

COMPOUNDS = [
    ("uk", "Вчора в Херсоні загинули двадцять два рятувальники.",
           "Вчора в Донецьку загинули двадцять два рятувальники.", "rescuer", (22, None)),
    ("ru", "Вчера в Херсоне погибли сто двадцать два спасателя.",
           "Вчера в Донецке погибли сто двадцать два спасателя.", "rescuer", (122, None)),
    ("en", "Yesterday twenty-two paramedics were injured in Kherson.",
           "Yesterday twenty-two paramedics were injured in Donetsk.", "medic", (None, 22)),
    ("en", "Yesterday twenty five firefighters were injured in Kherson.",
           "Yesterday twenty five firefighters were injured in Donetsk.", "firefighter", (None, 25)),
    ("en", "Dozens of rescuers were injured in Kherson yesterday.",
           "Dozens of rescuers were injured in Donetsk yesterday.", "rescuer", (None, None)),
]


@pytest.mark.parametrize(("lang", "first", "mirror", "cat", "counts"), COMPOUNDS)
def test_numbers_of_several_words(extract: Extract, lang: str, first: str, mirror: str, cat: str,
                                  counts: tuple[int | None, int | None]) -> None:
    for text in (first, mirror):
        assert victims(one(extract, text, lang))[cat] == counts


def test_two_counts_side_by_side_are_not_summed(extract: Extract) -> None:
    c = one(extract, "Вчора в Херсоні загинули двоє медиків і двадцять рятувальників.", "uk")
    assert victims(c) == {"medic": (2, None), "rescuer": (20, None)}


# --- "two days later", "на следующий день": dated from the event before, a new incident ------

LATER = [
    ("en", "On Monday a drone hit an ambulance in Sumy. The next day, another drone struck a fire "
           "engine in Sumy, injuring two firefighters.",
           "On Monday a drone hit an ambulance in Belgorod. The next day, another drone struck a "
           "fire engine in Belgorod, injuring two firefighters.", ["2025-03-24", "2025-03-25"]),
    ("ru", "В понедельник дрон атаковал скорую в Сумах, ранен фельдшер. На следующий день в Сумах "
           "обстреляли спасателей, погиб спасатель.",
           "В понедельник дрон атаковал скорую в Белгороде, ранен фельдшер. На следующий день в "
           "Белгороде обстреляли спасателей, погиб спасатель.", ["2025-03-24", "2025-03-25"]),
    ("uk", "У понеділок дрон атакував швидку в Сумах, поранено фельдшера. Через два дні в Сумах "
           "обстріляли рятувальників, загинув рятувальник.",
           "У понеділок дрон атакував швидку в Бєлгороді, поранено фельдшера. Через два дні в "
           "Бєлгороді обстріляли рятувальників, загинув рятувальник.", ["2025-03-24", "2025-03-26"]),
]


@pytest.mark.parametrize(("lang", "first", "mirror", "days"), LATER)
def test_days_later_is_a_strike_of_its_own_day(extract: Extract, lang: str, first: str,
                                               mirror: str, days: list[str]) -> None:
    for text in (first, mirror):
        claims = [c for c in extract(text, PUB, lang) if not c.is_aggregate]
        assert [c.date.start.isoformat() for c in claims if c.date.start] == days, text


def test_a_death_days_later_stays_with_its_strike(extract: Extract) -> None:
    c = one(extract, "Two rescuers were wounded by shelling in Sumy on Monday. One of them died two "
                     "days later in hospital.", "en")
    assert c.date.start is not None and c.date.start.isoformat() == "2025-03-24"
