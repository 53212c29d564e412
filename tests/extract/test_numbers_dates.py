"""Numbers, bounds and dates in English, Russian and Ukrainian."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from rescuewatch.extract.dates import finder, published_header, time_of_day
from rescuewatch.extract.numbers import bound_before, value
from rescuewatch.extract.tokens import analyse
from rescuewatch.model import Claim

P = dt.date(2024, 3, 7)  # a Thursday


@pytest.mark.parametrize(
    ("word", "lang", "expected"),
    [("two", "en", 2), ("dozen", "en", 12), ("twenty-five", "en", 25), ("1,200", "en", 1200),
     ("двое", "ru", 2), ("трое", "ru", 3), ("одного", "ru", 1), ("двоє", "uk", 2),
     ("п'ятеро", "uk", 5), ("п’ятеро", "uk", 5), ("медики", "ru", None)],
)
def test_number_words(word: str, lang: str, expected: int | None) -> None:
    keys = frozenset({word.lower()}) if lang == "en" else frozenset({word, analyse(word, lang)[0]})
    assert value(keys, word, lang) == expected


@pytest.mark.parametrize(
    ("before", "lang", "bound"),
    [("over ", "en", "lower"), ("more than ", "en", "lower"), ("более ", "ru", "lower"),
     ("понад ", "uk", "lower"), ("about ", "en", "approx"), ("killing ", "en", None)],
)
def test_bounds(before: str, lang: str, bound: str | None) -> None:
    assert bound_before(before, lang) == bound


@pytest.mark.parametrize(
    ("lang", "phrase", "start", "end", "precision"),
    [
        ("en", "on Tuesday", "2024-03-05", "2024-03-05", "day"),
        ("en", "yesterday", "2024-03-06", "2024-03-06", "day"),
        ("en", "overnight", "2024-03-06", "2024-03-07", "day"),
        ("en", "on 9 May", "2023-05-09", "2023-05-09", "day"),  # after P: the year before
        ("en", "on 2 March", "2024-03-02", "2024-03-02", "day"),
        ("en", "in May", "2023-05-01", "2023-05-31", "month"),
        ("en", "last week", "2024-02-26", "2024-03-03", "week"),
        ("ru", "позавчера", "2024-03-05", "2024-03-05", "day"),
        ("ru", "в ночь на 3 марта", "2024-03-02", "2024-03-03", "day"),
        ("ru", "19 октября 2023 года", "2023-10-19", "2023-10-19", "day"),
        ("ru", "в воскресенье", "2024-03-03", "2024-03-03", "day"),
        ("uk", "минулого тижня", "2024-02-26", "2024-03-03", "week"),
        ("uk", "у п'ятницю", "2024-03-01", "2024-03-01", "day"),
        ("uk", "минулої доби", "2024-03-06", "2024-03-07", "day"),
        ("uk", "у травні", "2023-05-01", "2023-05-31", "month"),
    ],
)
def test_dates_resolve_against_publication(lang: str, phrase: str, start: str, end: str, precision: str) -> None:
    hits = finder(lang).find(phrase, 0, len(phrase), P)
    assert len(hits) == 1
    span = hits[0].span
    assert span is not None and span.start is not None and span.end is not None
    assert (span.start.isoformat(), span.end.isoformat(), span.precision) == (start, end, precision)


def test_relative_date_without_publication_stays_unknown() -> None:
    hits = finder("en").find("yesterday", 0, 9, None)
    assert hits and hits[0].span is None  # never today's date


def test_reporting_date_is_not_the_event_date() -> None:
    text = "The group said on Friday that a hospital was hit on Wednesday."
    hits = finder("en").find(text, 0, len(text), P)
    assert [h.text for h in hits] == ["on Wednesday"]


def test_published_header() -> None:
    assert published_header("Опубліковано: 2015-02-03\n\nТекст")[0] == dt.date(2015, 2, 3)
    assert published_header("No header here")[0] is None


@pytest.mark.parametrize(("text", "expected"), [
    ("At 2:30 p.m. a drone hit an ambulance; at 15:10 it struck again.", "14:30"),
    ("The strike came at about 7 am, the second one an hour later.", "07:00"),
    ("Около 14.30 снаряд попал в здание, сообщили 14.03.2024.", "14:30"),
    ("Сьогодні о 9:05 дрон атакував швидку.", "09:05"),
    ("Shelling resumed at 23:45:10 local time.", "23:45"),
    # dates, scores, ratios, decimals and impossible times are no times of day
    ("On 14.03.2024 a shell hit the clinic.", None),
    ("The team lost 2:1; a 1:25,000 map; версия 1.25.", None),
    ("at 25:61", None),
])
def test_time_of_day(text: str, expected: str | None) -> None:
    assert time_of_day(text) == expected


def test_claims_carry_the_time_of_a_day_precise_report(extract: Callable[..., list[Claim]]) -> None:
    """The repeat-strike analysis's minutes window needs the time of text claims too."""
    timed = extract("At 14:30 on 3 May 2024 a drone hit an ambulance in Kharkiv, injuring two "
                    "paramedics. At 15:10, when rescuers arrived, a second drone struck.",
                    "2024-05-07", "en")
    assert timed and timed[0].time_of_day == "14:30" and timed[0].repeat_strike
    untimed = extract("In May 2024 a drone hit an ambulance in Kharkiv at 14:30, injuring two "
                      "paramedics.", "2024-06-07", "en")
    assert untimed and untimed[0].time_of_day is None  # no day, so the time places nothing


@pytest.mark.parametrize(("lang", "text", "injured"), [
    ("en", "On March 3 paramedics were injured by shelling in Kherson.", None),
    ("en", "On 3 May medics were injured by shelling in Kherson.", None),
    ("en", "In 2023 paramedics were injured by shelling in Kherson.", None),
    ("en", "On 3 May 5 paramedics were injured by shelling in Kherson.", 5),
    ("ru", "3 мая медики пострадали при обстреле Херсона.", None),
    ("ru", "3 мая 2 медика пострадали при обстреле Херсона.", 2),
    ("uk", "3 травня медики постраждали під час обстрілу Херсона.", None),
])
def test_a_dates_day_or_year_is_not_a_count(extract: Callable[..., list[Claim]], lang: str,
                                            text: str, injured: int | None) -> None:
    """The number of a date just before a victim word was read as its count (3 injured, or
    2023 injured)."""
    claims = extract(text, "2024-05-07", lang)
    assert claims and [(v.category, v.injured) for v in claims[0].victims] == [("medic", injured)]
