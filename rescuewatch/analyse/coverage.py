"""Media coverage: which coverage groups of the source registry reported each incident.

A claim that "group X ignored these incidents" can be checked here with data: for every
incident, the matrix says which groups of sources (the ``coverage_group`` labels of the
source registry, editable by analysts) published at least one claim about it, and the rates
say what share of the incidents each group reported. Every group is treated alike: groups are
listed in alphabetical order and no group is a reference for another. Sources without a group
are shown under :data:`UNGROUPED`.

Coverage counts reporting, not accuracy: a group may report an incident to dispute it.
A low rate can also mean the registry lacks that group's outlets, or that they were not
collected; the rates describe the collected corpus, not the media landscape.
"""

from __future__ import annotations

import pandas as pd

from rescuewatch.analyse.events import EventFilter
from rescuewatch.store import analysis as q
from rescuewatch.store.core import Store

__all__ = ["UNGROUPED", "Coverage"]

UNGROUPED = "(no coverage group)"


class Coverage:
    """Incident-by-group coverage matrix and coverage rates per group.

    Parameters
    ----------
    claims_if_unlinked : bool, default True
        When the store holds no incident yet, let each claim stand for an incident.

    Attributes
    ----------
    matrix_ : pandas.DataFrame
        Index ``incident_id``, one boolean column per coverage group (sorted by name): whether
        a source of that group made a claim about the incident.
    rates_ : pandas.DataFrame
        Columns ``group``, ``incidents_reported``, ``share`` (of the incidents in ``matrix_``),
        ``only_group`` (incidents no other group reported) and ``sources`` (distinct sources
        of the group that reported at least one of the incidents).
    sources_ : pandas.DataFrame
        One row per (incident, source): ``incident_id, source_key, coverage_group,
        affiliation, n_claims``.

    Examples
    --------
    >>> cov = Coverage().fit(store, EventFilter(category="responders"))  # doctest: +SKIP
    >>> cov.rates_.sort_values("share")  # doctest: +SKIP
    """

    def __init__(self, *, claims_if_unlinked: bool = True) -> None:
        self.claims_if_unlinked = claims_if_unlinked

    def fit(self, store: Store, flt: EventFilter | None = None) -> Coverage:
        """Read who reported what from ``store`` (incidents matching ``flt``)."""
        by_claim = self.claims_if_unlinked and not q.has_incidents(store)
        rows = q.coverage_rows(store, (flt or EventFilter()).to_store(), by_claim=by_claim)
        return self.fit_rows(rows)

    def fit_rows(self, rows: pd.DataFrame) -> Coverage:
        """Build the tables from (incident, source) rows, as :func:`store.analysis.coverage_rows`.

        Useful in a notebook to try another grouping of the sources: relabel
        ``coverage_group`` and fit again.
        """
        rows = rows.copy()
        groups = rows["coverage_group"].astype("string").str.strip()
        rows["coverage_group"] = groups.where(groups.notna() & (groups != ""), UNGROUPED)
        rows["coverage_group"] = rows["coverage_group"].astype(str)
        self.sources_ = rows.reset_index(drop=True)
        names = sorted(rows["coverage_group"].unique())
        matrix = (
            pd.crosstab(rows["incident_id"], rows["coverage_group"]).reindex(columns=names) > 0
        )
        matrix.index.name = "incident_id"
        matrix.columns.name = None
        self.matrix_ = matrix.astype(bool)
        self.rates_ = self._rates(rows, names)
        return self

    def _rates(self, rows: pd.DataFrame, names: list[str]) -> pd.DataFrame:
        total = len(self.matrix_)
        reported = self.matrix_.sum(axis=0)
        alone = self.matrix_[self.matrix_.sum(axis=1) == 1].sum(axis=0)
        sources = rows.groupby("coverage_group")["source_key"].nunique()
        return pd.DataFrame({
            "group": names,
            "incidents_reported": [int(reported.get(g, 0)) for g in names],
            "share": [float(reported.get(g, 0)) / total if total else 0.0 for g in names],
            "only_group": [int(alone.get(g, 0)) for g in names],
            "sources": [int(sources.get(g, 0)) for g in names],
        })

    def unreported_by(self, group: str) -> pd.Index:
        """Incidents that ``group`` did not report (but some other group did)."""
        if group not in self.matrix_.columns:
            raise KeyError(f"no coverage group {group!r}; groups: {', '.join(self.matrix_.columns)}")
        return self.matrix_.index[~self.matrix_[group]]
