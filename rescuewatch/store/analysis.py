"""Read-only queries for the analyses (repeat strikes, clustering, trends, coverage).

This is the only module of the analyses that speaks SQL. Every function here reads; none
writes. Values from users (filters) arrive as bound parameters, never formatted into SQL.
Results come back as :class:`pandas.DataFrame` objects so that the analyses stay in NumPy and
pandas and never loop over rows in Python.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Select, and_, exists, func, or_, select

from rescuewatch.model import CERTAINTY_GRADES
from rescuewatch.store import schema as s
from rescuewatch.store.claims import category_condition
from rescuewatch.store.core import Store
from rescuewatch.store.incidents import standing, unlinked_date_range
from rescuewatch.store.text_match import folded_equals

__all__ = [
    "AnalysisFilter",
    "claim_events",
    "claim_evidence",
    "claim_facts",
    "coverage_rows",
    "has_incidents",
    "incident_events",
]

# Words that mark the sentence telling a repeat strike (English, Russian, Ukrainian), to show
# that sentence first among a claim's evidence. Only for display: detection uses the claim's
# ``repeat_strike`` flag set by the extractor.
_CUE = re.compile(
    r"second (?:air)?strike|repeat(?:ed)? (?:strike|attack|shelling)|double[- ]tap|"
    r"повторн|втор(?:ой|ично)|другий удар|подвійн|двойн",
    re.IGNORECASE,
)

_INCIDENT_COLUMNS = (
    "id", "date_start", "date_end", "date_precision", "lat", "lon", "place_precision", "country",
    "admin1", "place_name", "categories", "protected", "killed_min", "killed_max", "injured_min",
    "injured_max", "weapons", "perpetrators", "certainty", "n_claims", "n_sources",
    "repeat_strike",
)


@dataclass(frozen=True)
class AnalysisFilter:
    """Filter conditions in store terms (see :class:`rescuewatch.analyse.events.EventFilter`).

    ``categories`` are already expanded (aliases resolved); an event matches when it has any
    of them. ``certainties`` lists the accepted grades.
    """

    categories: tuple[str, ...] = ()
    country: str | None = None
    admin1: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    party: str | None = None
    certainties: tuple[str, ...] = ()
    protected_only: bool = False


def certainties_from(minimum: str | None) -> tuple[str, ...]:
    """The grades at or above ``minimum`` on the WHO SSA ladder (all when ``None``)."""
    if not minimum:
        return ()
    if minimum not in CERTAINTY_GRADES:
        raise ValueError(f"unknown certainty grade {minimum!r}: use one of "
                         + ", ".join(CERTAINTY_GRADES))
    return CERTAINTY_GRADES[CERTAINTY_GRADES.index(minimum):]


def _conditions(table: Any, flt: AnalysisFilter, *, claim_level: bool) -> list[Any]:
    c = table.c
    out: list[Any] = []
    if flt.categories:
        out.append(category_condition(c.categories, flt.categories))
    if flt.country:
        out.append(c.country == flt.country.upper())
    if flt.admin1:
        out.append(folded_equals(c.admin1, flt.admin1))
    if flt.since:
        out.append(c.date_start >= flt.since)
    if flt.until:
        out.append(c.date_start <= flt.until)
    if flt.protected_only:
        out.append(c.protected.is_(True))
    if flt.party:
        if claim_level:
            out.append(_alleges(c, flt.party))
        else:
            # An alias, so that the subquery never correlates with claims in the outer query.
            cl = s.claims.alias("alleging").c
            out.append(exists().where(cl.incident_id == c.id, _alleges(cl, flt.party))
                       .correlate(table))
    if flt.certainties and not claim_level:
        out.append(c.certainty.in_(flt.certainties))
    if not claim_level:
        out.append(standing(table))
    if claim_level:
        out.append(c.is_aggregate.is_(False))
    return out


_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _alleges(c: Any, party: str) -> Any:
    """A claim alleges ``party``: its party code, or where it has none the perpetrator as
    written, as the analyses show it (commas as ";", spaces trimmed). Letter case is ignored
    for the code and for the ASCII letters of the text (SQLite's upper() knows no others)."""
    key = party.replace(",", ";").strip()
    text = func.trim(func.replace(c.perpetrator_text, ",", ";"))
    return or_(
        func.upper(c.perpetrator_party) == key.upper(),
        and_(c.perpetrator_party.is_(None),
             or_(text == key, func.upper(text) == key.translate(_ASCII_UPPER))),
    )


def _where(query: Select[Any], conditions: list[Any]) -> Select[Any]:
    return query.where(and_(*conditions)) if conditions else query


def _frame(store: Store, query: Select[Any], columns: Sequence[str]) -> pd.DataFrame:
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame.from_records([tuple(r) for r in rows], columns=list(columns))


def has_incidents(store: Store) -> bool:
    """Whether the store holds any incident (claims have been linked)."""
    with store.engine.connect() as conn:
        return conn.execute(select(s.incidents.c.id).limit(1)).first() is not None


def claims_left_out(store: Store, *, linked_or_not: bool = False) -> int:
    """Claims the incident analyses leave out: those ingested since the last link (0 when
    nothing is linked yet, as the analyses then read every claim, unless ``linked_or_not``:
    then the claims in no incident, whether or not any incident exists)."""
    if not linked_or_not and not has_incidents(store):
        return 0
    with store.engine.connect() as conn:
        return unlinked_date_range(conn)[2]


def incident_events(store: Store, flt: AnalysisFilter) -> pd.DataFrame:
    """Incident rows matching ``flt``: the columns of ``incidents`` named in this module."""
    i = s.incidents
    query = _where(select(*(i.c[name] for name in _INCIDENT_COLUMNS)),
                   _conditions(i, flt, claim_level=False)).order_by(i.c.id)
    return _frame(store, query, _INCIDENT_COLUMNS)


def claim_facts(store: Store, flt: AnalysisFilter) -> pd.DataFrame:
    """Per-claim facts of the incidents matching ``flt``, for aggregation per incident.

    Columns: ``incident_id, claim_id, date_start, time_of_day, repeat_strike,
    perpetrator_party, perpetrator_text, protected``.
    """
    i, c = s.incidents, s.claims.c
    query = _where(
        select(c.incident_id, c.id, c.date_start, c.time_of_day, c.repeat_strike,
               c.perpetrator_party, c.perpetrator_text, c.protected)
        .join(i, i.c.id == c.incident_id),
        _conditions(i, flt, claim_level=False),
    ).order_by(c.incident_id, c.id)
    return _frame(store, query, ("incident_id", "claim_id", "date_start", "time_of_day",
                                 "repeat_strike", "perpetrator_party", "perpetrator_text",
                                 "protected"))


_CLAIM_COLUMNS = (
    "id", "date_start", "date_end", "date_precision", "time_of_day", "lat", "lon",
    "place_precision", "country", "admin1", "place_name", "categories", "protected", "killed",
    "injured", "weapon", "perpetrator_party", "perpetrator_text", "repeat_strike",
    "reported_certainty", "incident_id",
)


def claim_events(store: Store, flt: AnalysisFilter) -> pd.DataFrame:
    """Non-aggregate claims matching ``flt`` with the columns in ``_CLAIM_COLUMNS``."""
    c = s.claims
    query = _where(select(*(c.c[name] for name in _CLAIM_COLUMNS)),
                   _conditions(c, flt, claim_level=True)).order_by(c.c.id)
    return _frame(store, query, _CLAIM_COLUMNS)


def coverage_rows(store: Store, flt: AnalysisFilter, *, by_claim: bool = False) -> pd.DataFrame:
    """Which sources reported which incidents: one row per (incident, source).

    Columns: ``incident_id, source_key, coverage_group, affiliation, n_claims``. With
    ``by_claim`` every non-aggregate claim stands for its own incident (``incident_id`` is the
    claim id), for stores whose claims have not been linked yet.
    """
    c, d, src = s.claims.c, s.documents.c, s.sources.c
    base = s.claims.join(s.documents, d.id == c.document_id).join(s.sources, src.id == d.source_id)
    if by_claim:
        key = c.id
        conds = _conditions(s.claims, flt, claim_level=True)
    else:
        base = base.join(s.incidents, s.incidents.c.id == c.incident_id)
        key = c.incident_id
        conds = _conditions(s.incidents, flt, claim_level=False)
    query = _where(
        select(key, src.key, src.coverage_group, src.affiliation, func.count(c.id))
        .select_from(base), conds,
    ).group_by(key, src.key, src.coverage_group, src.affiliation).order_by(key, src.key)
    return _frame(store, query, ("incident_id", "source_key", "coverage_group", "affiliation",
                                 "n_claims"))


def _clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, ending in "…" when cut: a quote that stops
    mid-word without a mark reads as the source's own words."""
    if len(text) <= limit:
        return text
    return text[:max(limit - 1, 0)].rstrip() + "…"


def claim_evidence(store: Store, incident_ids: Sequence[int], *, by_claim: bool = False,
                   limit: int = 300) -> pd.DataFrame:
    """The claims of some incidents with a short text each, for reviewing candidates.

    Columns: ``incident_id, claim_id, source_key, repeat_strike, time_of_day, text``. ``text``
    is the evidence span of the repeat-strike cue where the extractor marked one, else the
    claim's first evidence span or its description, cut to ``limit`` characters (the last an
    ellipsis when cut).
    """
    c, d, src, e = s.claims.c, s.documents.c, s.sources.c, s.evidence.c
    ids = sorted({int(x) for x in incident_ids})
    key = c.id if by_claim else c.incident_id
    rows: list[tuple[Any, ...]] = []
    spans: dict[int, list[tuple[str | None, str]]] = {}
    with store.engine.connect() as conn:
        for start in range(0, len(ids), 900):
            part = ids[start:start + 900]
            rows.extend(tuple(r) for r in conn.execute(
                select(key, c.id, src.key, c.repeat_strike, c.time_of_day, c.description)
                .join(s.documents, d.id == c.document_id).join(s.sources, src.id == d.source_id)
                .where(key.in_(part)).order_by(key, c.id)))
        claim_ids = sorted({int(r[1]) for r in rows})
        for start in range(0, len(claim_ids), 900):
            part = claim_ids[start:start + 900]
            for cid, field, text in conn.execute(
                select(e.claim_id, e.field, e.text).where(e.claim_id.in_(part)).order_by(e.id)
            ):
                spans.setdefault(int(cid), []).append((field, text))
    out = []
    for inc, cid, source_key, repeat, tod, desc in rows:
        found = spans.get(int(cid), [])
        cue = [t for f, t in found if (f and "repeat" in f) or (repeat and _CUE.search(t or ""))]
        text = (cue or [t for _f, t in found[:1]] or [desc or ""])[0]
        out.append((int(inc), int(cid), source_key, repeat, tod, _clip(text or "", limit)))
    return pd.DataFrame(out, columns=["incident_id", "claim_id", "source_key", "repeat_strike",
                                      "time_of_day", "text"])
