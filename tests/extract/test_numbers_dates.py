"""Numbers, bounds and dates in English, Russian and Ukrainian."""

from __future__ import annotations

import datetime as dt

import pytest

from rescuewatch.extract.dates import finder, published_header
from rescuewatch.extract.numbers import bound_before, value
from rescuewatch.extract.tokens import analyse

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
