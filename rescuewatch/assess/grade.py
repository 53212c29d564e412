"""Certainty grades on WHO SSA's ladder, by the rules written in docs/certainty.md.

The grade rests on how many *independent* voices report the incident:

- each source with affiliation ``independent`` counts 1;
- each source with affiliation ``unknown`` counts 1/2 (a weak independent source);
- sources affiliated with a party count as that party's single voice, however many there
  are, and a party's voice alone never corroborates anything: it is context;
- when two or more different parties' voices report the same incident, their agreement that it
  happened counts 1 (it says nothing about who did it).

The count maps to a grade: >= 3 confirmed, >= 2 probable, >= 1 possible (also when only one
party's voice reports it), else rumour. A grade an imported dataset gives its own row (WHO SSA's
certainty level) is respected: the incident never grades below it. The same rules apply to
every party; nothing depends on which party is which.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rescuewatch.assess.registry import is_party
from rescuewatch.model import CERTAINTY_GRADES

THRESHOLDS: tuple[tuple[float, str], ...] = ((3.0, "confirmed"), (2.0, "probable"), (1.0, "possible"))
UNKNOWN_WEIGHT = 0.5
AGREEMENT_WEIGHT = 1.0


@dataclass
class Voice:
    """One source reporting an incident and what it alleged."""

    key: str
    name: str
    kind: str
    affiliation: str
    alleged: set[str] = field(default_factory=set)
    reported: set[str] = field(default_factory=set)


@dataclass
class Assessment:
    grade: str
    rationale: str
    score: float


def voices(claims: Iterable[Mapping[str, Any]]) -> list[Voice]:
    """The distinct sources of an incident's claims, sorted by key."""
    found: dict[str, Voice] = {}
    for c in claims:
        key = str(c["source_key"])
        v = found.setdefault(key, Voice(key, str(c.get("source_name") or key),
                                        str(c.get("source_kind") or "unknown"),
                                        str(c.get("source_affiliation") or "unknown")))
        if c.get("perpetrator_party"):
            v.alleged.add(str(c["perpetrator_party"]))
        if c.get("reported_certainty"):
            v.reported.add(str(c["reported_certainty"]))
    return [found[k] for k in sorted(found)]


def _rank(grade: str) -> int:
    return CERTAINTY_GRADES.index(grade)


def assess(claims: Iterable[Mapping[str, Any]]) -> Assessment:
    """Grade one incident from its claims (with their sources) and explain the grade."""
    vs = voices(claims)
    independent = [v for v in vs if v.affiliation == "independent"]
    unknown = [v for v in vs if not is_party(v.affiliation) and v.affiliation != "independent"]
    parties: dict[str, list[Voice]] = {}
    for v in vs:
        if is_party(v.affiliation):
            parties.setdefault(v.affiliation, []).append(v)
    score = len(independent) + UNKNOWN_WEIGHT * len(unknown)
    agreement = len(parties) >= 2
    if agreement:
        score += AGREEMENT_WEIGHT
    grade = "rumour"
    for floor, name in THRESHOLDS:
        if score >= floor:
            grade = name
            break
    if grade == "rumour" and parties:
        grade = "possible"
    rule_grade = grade
    reported = sorted({g for v in vs for g in v.reported}, key=_rank)
    if reported and _rank(reported[-1]) > _rank(grade):
        grade = reported[-1]

    lines = [f"Grade {grade}: {score:g} independent voice(s) by the rules in docs/certainty.md."]
    for v in independent:
        lines.append(f"- {_who(v)}: independent {v.kind}, counted 1{_alleges(v)}.")
    for v in unknown:
        lines.append(f"- {_who(v)}: affiliation unknown (not in the source registry or not "
                     f"described), counted 1/2 as a weak independent source{_alleges(v)}.")
    for party in sorted(parties):
        members = parties[party]
        names = "; ".join(f"{_who(v)} ({v.kind}{_alleges(v)})" for v in members)
        lines.append(f"- party {party}: {len(members)} source(s) affiliated with {party} "
                     f"({names}) count as one interested voice, context, not corroboration.")
    if agreement:
        lines.append(f"- sources of {len(parties)} different parties ({', '.join(sorted(parties))}) "
                     "report the incident: their agreement that it happened counts 1, "
                     "not their attributions.")
    if rule_grade == "possible" and score < 1.0 and parties:
        lines.append("- only interested or weak voices: graded possible, not corroborated.")
    if reported:
        by = ", ".join(f"{_who(v)} gives {'/'.join(sorted(v.reported, key=_rank))}"
                       for v in vs if v.reported)
        kept = "respected: the incident is not graded below it" if grade != rule_grade else \
            f"the rules give {rule_grade}, no lower"
        lines.append(f"- dataset grade: {by}; {kept}.")
    return Assessment(grade, "\n".join(lines), score)


def _who(v: Voice) -> str:
    return v.name if v.name == v.key else f"{v.name} [{v.key}]"


def _alleges(v: Voice) -> str:
    if not v.alleged:
        return ""
    return "; alleges perpetrator " + ", ".join(sorted(v.alleged))
