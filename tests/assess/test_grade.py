"""Certainty rules (docs/certainty.md) and the source registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from rescuewatch.assess.grade import assess
from rescuewatch.assess.registry import Registry, default_entries, read_file
from rescuewatch.errors import InputError
from rescuewatch.extract.lexicon import TABLES
from rescuewatch.extract.pipeline import GENERIC_PARTIES


def c(key: str, aff: str, kind: str = "news_agency", party: str | None = None,
      reported: str | None = None) -> dict:
    return {"source_key": key, "source_name": key, "source_kind": kind,
            "source_affiliation": aff, "perpetrator_party": party, "reported_certainty": reported}


def test_independent_sources_raise_the_grade() -> None:
    assert assess([c("a", "independent")]).grade == "possible"
    assert assess([c("a", "independent"), c("b", "independent")]).grade == "probable"
    assert assess([c(k, "independent") for k in "abc"]).grade == "confirmed"


def test_one_partys_sources_count_once_and_do_not_corroborate() -> None:
    result = assess([c("x1", "XA", "military", party="XB"), c("x2", "XA", "state_media", party="XB"),
                     c("x3", "XA", "emergency_service", party="XB")])
    assert result.grade == "possible"
    assert "3 source(s) affiliated with XA" in result.rationale
    assert "not corroboration" in result.rationale


def test_unknown_sources_are_weak_and_said_so() -> None:
    result = assess([c("t.me/somechannel", "unknown", "channel")])
    assert result.grade == "rumour"
    assert "weak independent source" in result.rationale
    assert assess([c("u1", "unknown"), c("u2", "unknown")]).grade == "possible"


def test_dataset_grade_is_respected_never_lowered() -> None:
    result = assess([c("who-ssa", "independent", "dataset", reported="confirmed")])
    assert result.grade == "confirmed"
    assert "who-ssa gives confirmed" in result.rationale


def test_same_rules_for_every_party() -> None:
    a = assess([c("s1", "AA", party="BB"), c("s2", "BB", party="AA"), c("i", "independent")])
    b = assess([c("s1", "BB", party="AA"), c("s2", "AA", party="BB"), c("i", "independent")])
    assert a.grade == b.grade == "probable"
    assert a.score == b.score


def test_default_registry_covers_every_side() -> None:
    entries = default_entries()
    affiliations = {e.affiliation for e in entries}
    assert {"UA", "RU", "IL", "PS", "SY-GOV", "SY-OPP", "SD-SAF", "SD-RSF", "MM-MIL", "MM-PDF",
            "independent"} <= affiliations
    # every side's code is one the extractor alleges, so a source and the party a text names
    # match (the resistance's government was MM-NUG, a code no text ever alleged, where the
    # military's outlet had MM-MIL)
    alleged = {k.split(":")[1] for table in TABLES.values() for k in table.values()
               if k.startswith("party:")} | {c for by in GENERIC_PARTIES.values() for c in by.values()}
    assert {a for a in affiliations if a not in ("independent", "unknown")} <= alleged
    kinds_by_party = {(e.affiliation, e.kind) for e in entries}
    for party in ("UA", "RU"):
        assert {(party, "state_media"), (party, "emergency_service")} <= kinds_by_party
    registry = Registry(entries)
    found = registry.find("https://en.tass.ru/world/123")
    assert found is not None and found.key == "tass.ru"
    assert registry.find("www.dsns.gov.ua").key == "dsns.gov.ua"  # type: ignore[union-attr]
    assert registry.find("unheard-of.example") is None


@pytest.mark.parametrize(("side_a", "side_b"), [
    (("idf.il", "mdais.org"), ("moh.gov.ps", "palestinercs.org")),
    (("mil.gov.ua", "dsns.gov.ua"), ("mil.ru", "mchs.gov.ru")),
    (("gov.il", "kan.org.il"), ("ps-civil-defence-gaza", "wafa.ps")),
])
def test_default_registry_gives_mirrored_sides_the_same_grade(
        side_a: tuple[str, str], side_b: tuple[str, str]) -> None:
    """Each side's official sources (army or ministry, emergency service or state media) are one
    voice: neither side corroborates itself. The Gaza ministry of health once had a code of its
    own (PS-HAMAS) beside the Red Crescent's (PS), and its reports graded a step above Israel's."""
    by_key = {e.key: e for e in default_entries()}
    grades = []
    for side in (side_a, side_b):
        claims = [c(k, by_key[k].affiliation, by_key[k].kind) for k in side]
        claims.append(c("reuters.com", by_key["reuters.com"].affiliation))
        found = assess(claims)
        grades.append((found.grade, found.score))
    assert grades[0] == grades[1] == ("possible", 1.0)


def test_bad_registry_row_names_file_row_and_field(tmp_path: Path) -> None:
    path = tmp_path / "reg.csv"
    path.write_text("key,name,kind,country,affiliation\nok,OK,ngo,CH,independent\n"
                    "bad,Bad,ngo,CH,Party of X\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_file(path)
    assert "row 3" in str(err.value) and "affiliation" in str(err.value)


def test_dataset_readers_describe_their_source_as_the_registry_does() -> None:
    """A dataset's source is created by its reader at ingest; it must say what the registry
    says (the coverage analysis read no group for any dataset row before)."""
    from rescuewatch.ingest.base import readers

    by_key = {e.key: e for e in default_entries()}
    for name in ("acled", "ucdp", "insecurity-insight", "who-ssa"):
        source = readers()[name].source  # type: ignore[attr-defined]
        entry = by_key[source.key]
        assert (source.kind, source.country, source.affiliation, source.coverage_group) == (
            entry.kind, entry.country, entry.affiliation, entry.coverage_group), name
