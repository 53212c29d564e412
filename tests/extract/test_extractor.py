"""The rule-based extractor on real-language passages (written for these tests)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rescuewatch.model import Claim
from tests.extract.conftest import victims

Extract = Callable[..., list[Claim]]


def test_counts_only_protected_people(extract: Extract) -> None:
    claims = extract("An airstrike hit an ambulance in Idlib on Monday, killing two medics and a patient "
                     "and injuring four civilians.", "2019-05-08", "en")
    assert len(claims) == 1
    got = victims(claims[0])
    assert got["medic"] == (2, None) and got["patient"] == (1, None)
    assert "ambulance" in got and claims[0].killed == 3 and claims[0].injured is None
    assert claims[0].weapon == "airstrike"


@pytest.mark.parametrize("form", ["Двое медиков ранены", "Ранены двое медиков", "Медикам причинены ранения: двое ранены"])
def test_russian_case_forms(extract: Extract, form: str) -> None:
    claims = extract(f"Вчера в Горловке обстреляли машину скорой помощи. {form}.", "2024-03-07", "ru")
    assert claims and claims[0].place.name == "Horlivka"
    assert victims(claims[0]).get("medic", (None, None))[1] in (2, None)


@pytest.mark.parametrize(
    ("text", "lang", "category"),
    [("Під час обстрілу Херсона поранено трьох рятувальників.", "uk", "rescuer"),
     ("У Херсоні дрон атакував швидку, поранено трьох медиків.", "uk", "medic"),
     ("В Донецке обстрел: ранены трое спасателей.", "ru", "rescuer"),
     ("Three firefighters were injured by shelling in Kharkiv yesterday.", "en", "firefighter")],
)
def test_victim_words_in_each_language(extract: Extract, text: str, lang: str, category: str) -> None:
    claims = extract(text, "2024-03-07", lang)
    assert victims(claims[0])[category] == (None, 3)


def test_zero_means_nobody_hurt(extract: Extract) -> None:
    claims = extract("Этой ночью дрон атаковал машину скорой помощи в Курске. Медики не пострадали.",
                     "2024-03-07", "ru")
    assert victims(claims[0])["medic"] == (0, 0)


def test_orphan_count_and_lower_bound(extract: Extract) -> None:
    claims = extract("A rescuer was killed and three others were injured in Kharkiv on Monday "
                     "when a missile struck.", "2024-03-07", "en")
    assert victims(claims[0])["rescuer"] == (1, 3)


def test_repeat_strike_cues(extract: Extract) -> None:
    for text, lang in [
        ("When rescuers arrived in Sumy on Monday, a second missile struck, injuring two of them.", "en"),
        ("Вчера в Белгороде был нанесен повторный удар: ранены двое спасателей.", "ru"),
        ("Учора по Харкову ударили повторно, коли прибули рятувальники; поранено двох рятувальників.", "uk"),
    ]:
        claims = extract(text, "2024-03-07", lang)
        assert claims and claims[0].repeat_strike is True, text


def test_several_incidents_in_one_passage(extract: Extract) -> None:
    claims = extract("On Monday, an airstrike on Marjayoun killed a paramedic. On Tuesday, a drone "
                     "strike in Tyre injured two firefighters.", "2024-10-09", "en")
    assert [(c.place.name, c.date.start.isoformat() if c.date.start else None) for c in claims] == [
        ("Marjayoun", "2024-10-07"), ("Tyre", "2024-10-08")]


@pytest.mark.parametrize(
    ("text", "lang"),
    [("By September 2022, 19 rescuers had been killed in the region.", "en"),
     ("С начала года в области погибли трое пожарных, еще 28 получили ранения.", "ru"),
     ("Від початку вторгнення загинули 91 рятувальник.", "uk")],
)
def test_aggregates_are_never_incidents(extract: Extract, text: str, lang: str) -> None:
    claims = extract(text, "2024-06-28", lang)
    assert claims and all(c.is_aggregate for c in claims)


@pytest.mark.parametrize(
    ("text", "lang"),
    [("Forty paramedics completed a tactical medicine course in Lviv on Tuesday.", "en"),
     ("В Курске прошли учения МЧС: спасатели отработали тушение пожара.", "ru"),
     ("У Полтаві стартувала кампанія вакцинації для медиків швидкої допомоги.", "uk"),
     ("Japan has donated 20 ambulances to Zaporizhzhia region.", "en")],
)
def test_negatives_give_nothing(extract: Extract, text: str, lang: str) -> None:
    assert extract(text, "2024-04-18", lang) == []


def test_no_date_in_text_gives_null_date(extract: Extract) -> None:
    claims = extract("A paramedic was injured when shelling hit an ambulance in Kherson.", None, "en")
    assert claims and claims[0].date.start is None and claims[0].date.precision is None


def test_evidence_spans_are_exact(extract: Extract) -> None:
    text = "Noise first.\n\nOn Tuesday, a drone struck an ambulance in Kherson, injuring two paramedics."
    for claim in extract(text, "2024-03-07", "en"):
        for ev in claim.evidence:
            assert text[ev.start : ev.end] == ev.text


def test_a_statistic_sentence_gives_no_empty_evidence(extract: Extract) -> None:
    # the last sentence is all statistic: it may join the claim, but as no empty span
    text = ("An ambulance crew came under artillery fire in Donetsk on Friday, killing a "
            "paramedic. Officials blamed the other side. Since the start of the year 11 medical "
            "workers have been killed in the region.")
    claims = extract(text, "2015-01-31", "en")
    assert claims
    for claim in claims:
        assert claim.evidence
        for ev in claim.evidence:
            assert ev.end > ev.start and ev.text.strip() and text[ev.start : ev.end] == ev.text


def test_the_example_reports_have_no_empty_evidence(extract: Extract) -> None:
    from tests.conftest import ROOT

    for path in sorted((ROOT / "examples").rglob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for claim in extract(text, None, None):
            assert all(ev.text.strip() for ev in claim.evidence), path.name


def test_language_is_detected(extract: Extract) -> None:
    from rescuewatch.extract.language import detect

    assert detect("Учора в Харкові поранено двох рятувальників ДСНС.") == "uk"
    assert detect("Вчера в Белгороде ранены двое спасателей МЧС.") == "ru"
    assert detect("Two rescuers were injured.") == "en"
    assert detect("12345 !!!") is None


def test_too_long_text_is_refused(extract: Extract) -> None:
    from rescuewatch.errors import InputError

    with pytest.raises(InputError, match="too long"):
        extract("a " * 1_100_000, None, "en")


def test_registry_and_plugins() -> None:
    from rescuewatch.extract.base import Extractor, extractors, get_extractor, register

    @register
    class Nothing(Extractor):
        name = "nothing-test"

        def extract(self, text, *, published=None, lang=None):  # type: ignore[no-untyped-def]
            return []

    assert "rules" in extractors() and get_extractor("nothing-test").extract("x") == []


def test_generic_quote_adds_nothing(extract: Extract) -> None:
    text = ("On Monday, shelling killed a firefighter in Belgorod, the governor said. "
            "\"Ambulances are hit almost every week,\" a researcher said.")
    claims = extract(text, "2024-07-10", "en")
    assert len(claims) == 1 and [v.category for v in claims[0].victims] == ["firefighter"]


@pytest.mark.parametrize(("text", "expected"), [
    ("A rescue team came under drone fire in Kharkiv on 3 May 2024, officials said, killing "
     "a rescuer and wounding another.", {"rescuer": (1, 1)}),
    ("An ambulance crew came under shelling in Kherson on 3 May 2024, the governor said, "
     "killing a paramedic and wounding the driver.", {"medic": (1, 1)}),
])
def test_a_crew_is_not_counted_beside_the_members_it_names(
        extract: Extract, text: str, expected: dict[str, tuple[int | None, int | None]]) -> None:
    """The harm right before "a paramedic" is the paramedic's: the crew named in an earlier
    clause is the group the paramedic belonged to, not one more person killed."""
    claims = extract(text, "2024-05-07", "en")
    assert claims and victims(claims[0]) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("2 мая 2024 года удар по машине скорой помощи в Харькове убил двух медиков.",
     ("medic", (2, None))),
    ("2 мая 2024 года в Харькове дрон ранил трех спасателей.", ("rescuer", (None, 3))),
    ("2 мая 2024 года в Харькове обстрел убил двоих пожарных.", ("firefighter", (2, None))),
])
def test_oblique_case_numbers_in_russian(extract: Extract, text: str,
                                         expected: tuple[str, tuple[int | None, int | None]]) -> None:
    """'двух', 'трех', 'двоих' share no first letters with a lexicon word, so they were never
    lemmatised and the count was lost ("убил двух медиков": killed unknown)."""
    claims = extract(text, "2024-05-07", "ru")
    category, counts = expected
    assert claims and victims(claims[0])[category] == counts


def test_extract_text_takes_the_date_and_language_as_the_readme_shows_them() -> None:
    # README: extract_text(text, published=..., lang=...). An ISO date string used to raise
    # AttributeError inside date resolution, and lang="auto" (the CLI's word) gave no claims.
    import datetime as dt

    from rescuewatch.extract import extract_text

    text = "An ambulance was hit by shelling in Kharkiv on Monday, killing two paramedics."
    as_date = extract_text(text, published=dt.date(2024, 3, 7), lang="en")
    assert as_date and as_date[0].date.start == dt.date(2024, 3, 4)
    assert extract_text(text, published="2024-03-07", lang="auto") == as_date
    assert extract_text(text, published="2024-03-07", lang="EN") == as_date
    with pytest.raises(ValueError, match="one of en, ru, uk"):
        extract_text(text, lang="english")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        extract_text(text, published="07/03/2024")
