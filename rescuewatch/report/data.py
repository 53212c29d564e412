"""What the report reads from the store: incidents, alleged perpetrators with their sources,
store counts, and the sources and datasets to credit.

Queries go through SQLAlchemy Core with bound parameters only.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import func, select

from rescuewatch.store import schema as s
from rescuewatch.store.core import Store

__all__ = ["DATASET_CREDITS", "ReportData", "dataset_credit", "load_report_data", "store_counts",
           "source_credits", "alleged_by"]

#: Credit lines of the structured datasets rescuewatch reads, keyed by ingest format. The
#: report lists the line of every format present in the store.
DATASET_CREDITS: dict[str, str] = {
    "ucdp": (
        "UCDP Georeferenced Event Dataset (GED), Uppsala Conflict Data Program, licensed "
        "CC BY 4.0. Sundberg, R. & Melander, E. (2013). Introducing the UCDP Georeferenced "
        "Event Dataset. Journal of Peace Research 50(4)."
    ),
    "insecurity-insight": (
        "Insecurity Insight and the Safeguarding Health in Conflict Coalition (SHCC), incident "
        "data on attacks on health care and aid workers, licensed CC BY-SA 4.0 (published on "
        "the Humanitarian Data Exchange)."
    ),
    "acled": (
        "Armed Conflict Location & Event Data (ACLED), acleddata.com, used under ACLED's terms "
        "of use. Raleigh, C., Linke, A., Hegre, H. & Karlsen, J. (2010). Introducing ACLED. "
        "Journal of Peace Research 47(5). Check ACLED's terms before publishing this report."
    ),
    "who-ssa": (
        "World Health Organization, Surveillance System for Attacks on Health Care (SSA)."
    ),
}


def dataset_credit(fmt: str | None) -> str | None:
    """The credit line of an ingest format (``ucdp``, ``ucdp-ged``... match ``ucdp``)."""
    if not fmt:
        return None
    for key, text in DATASET_CREDITS.items():
        if fmt == key or fmt.startswith(key + "-") or fmt.startswith(key + "_"):
            return text
    return None


@dataclass
class ReportData:
    """Everything the report shows, as tables; any analysis may be missing (``None``).

    Attributes
    ----------
    events : pandas.DataFrame
        One row per incident (:func:`rescuewatch.analyse.events.load_events`).
    counts : dict
        Store-wide counts (documents, claims, sources).
    candidates : pandas.DataFrame, optional
        Repeat-strike candidates (:class:`rescuewatch.analyse.repeat.RepeatStrikes`).
    coverage_matrix, coverage_rates : pandas.DataFrame, optional
        :class:`rescuewatch.analyse.coverage.Coverage` ``matrix_`` and ``rates_``.
    sources : list of dict
        Sources with their document and claim counts.
    datasets : list of dict
        Dataset files in the store with their credit line.
    alleged : dict
        Incident id to alleged perpetrators with the sources alleging them (store JSON).
    notes : list of str
        Sections that could not be computed, and why.
    """

    events: pd.DataFrame
    counts: dict[str, int]
    candidates: pd.DataFrame | None = None
    coverage_matrix: pd.DataFrame | None = None
    coverage_rates: pd.DataFrame | None = None
    sources: list[dict[str, Any]] | None = None
    datasets: list[dict[str, Any]] | None = None
    alleged: dict[int, str] | None = None
    notes: list[str] | None = None


def store_counts(store: Store) -> dict[str, int]:
    """Documents, claims (and aggregate claims) and sources in the store."""
    with store.engine.connect() as conn:
        def total(table: Any, *where: Any) -> int:
            return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar() or 0)

        return {
            "documents": total(s.documents),
            "claims": total(s.claims),
            "aggregate_claims": total(s.claims, s.claims.c.is_aggregate.is_(True)),
            "sources": total(s.sources),
        }


def source_credits(store: Store) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Sources that contributed documents, and the dataset files with their credit lines."""
    src, doc, clm = s.sources.c, s.documents.c, s.claims.c
    claims_per_doc = (
        select(clm.document_id, func.count().label("n")).group_by(clm.document_id).subquery()
    )
    query = (
        select(src.key, src.name, src.kind, src.affiliation, src.coverage_group,
               func.count(doc.id), func.coalesce(func.sum(claims_per_doc.c.n), 0))
        .join(s.documents, doc.source_id == src.id)
        .join(claims_per_doc, claims_per_doc.c.document_id == doc.id, isouter=True)
        .group_by(src.key, src.name, src.kind, src.affiliation, src.coverage_group)
        .order_by(src.name)
    )
    datasets_query = (
        select(doc.origin, doc.format, doc.title, doc.sha256, src.name)
        .join(s.sources, src.id == doc.source_id).order_by(doc.format, doc.origin)
    )
    with store.engine.connect() as conn:
        sources = [
            {"key": r[0], "name": r[1], "kind": r[2], "affiliation": r[3],
             "coverage_group": r[4], "documents": int(r[5]), "claims": int(r[6])}
            for r in conn.execute(query)
        ]
        datasets = []
        for origin, fmt, title, sha, name in conn.execute(datasets_query):
            credit = dataset_credit(fmt)
            if credit:
                datasets.append({"origin": origin, "format": fmt, "title": title,
                                 "sha256": sha, "source": name, "credit": credit})
    return sources, datasets


def alleged_by(store: Store) -> dict[int, str]:
    """Each incident's alleged perpetrators as stored by linking (JSON naming the sources)."""
    i = s.incidents.c
    with store.engine.connect() as conn:
        return {int(r[0]): r[1] for r in conn.execute(
            select(i.id, i.perpetrators).where(i.perpetrators.is_not(None)))}


def load_report_data(store: Store, timings: dict[str, float] | None = None) -> ReportData:
    """Read the store and run the analyses the report shows.

    An analysis that is not installed leaves its section empty with a note. ``timings``, when
    given, receives the seconds of each step (``events``, ``repeat_strikes_fit``,
    ``coverage_fit``, ``credits``).
    """
    from rescuewatch.analyse.events import load_events

    spent = timings if timings is not None else {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        spent[name] = round(now - clock, 3)
        clock = now

    events = load_events(store)
    notes: list[str] = []
    data = ReportData(events=events, counts=store_counts(store), notes=notes)
    lap("events")
    data.sources, data.datasets = source_credits(store)
    data.alleged = alleged_by(store)
    lap("credits")
    data.candidates = _candidates(store, events, notes)
    lap("repeat_strikes_fit")
    data.coverage_matrix, data.coverage_rates = _coverage(store, notes)
    lap("coverage_fit")
    return data


def _candidates(store: Store, events: pd.DataFrame, notes: list[str]) -> pd.DataFrame | None:
    try:
        from rescuewatch.analyse.repeat import RepeatStrikes
    except ImportError:
        notes.append("Repeat-strike detection is not available in this installation.")
        return None
    return RepeatStrikes().fit(events, store=store).candidates_


def _coverage(store: Store, notes: list[str]) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    try:
        from rescuewatch.analyse.coverage import Coverage
    except ImportError:
        notes.append("Coverage analysis is not available in this installation.")
        return None, None
    cov = Coverage().fit(store)
    return cov.matrix_, cov.rates_
