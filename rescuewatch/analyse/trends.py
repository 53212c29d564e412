"""Monthly counts of incidents and casualties, by victim category, weapon, area, party or grade.

An incident with several values of the key (two victim categories, two weapons, two alleged
perpetrators) counts once under *each* of them, so the rows of one month may add up to more
than the month's incidents; the ``key == "all"`` rows of :func:`monthly_totals` give the
plain totals. Casualties are ranges over the sources (``killed_min`` .. ``killed_max``); a
missing count adds nothing to either end, so ``killed_min`` is a floor of what sources say.
Events dated less precisely than a month (a year) are left out and counted in the attribute
``frame.attrs["undated"]``.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

__all__ = ["BY", "monthly_counts", "monthly_totals"]

By = Literal["category", "weapon", "country", "admin1", "perpetrator", "certainty"]
BY: tuple[str, ...] = ("category", "weapon", "country", "admin1", "perpetrator", "certainty")

#: Column of the events table behind each key, whether it is a comma-joined list, and the
#: label of a missing value (never dropped, so totals stay whole).
_SOURCE: dict[str, tuple[str, bool, str]] = {
    "category": ("categories", True, "context (no protected victims)"),
    "weapon": ("weapon", True, "unknown"),
    "country": ("country", False, "unknown"),
    "admin1": ("admin1", False, "unknown"),
    "perpetrator": ("perpetrators", True, "not alleged"),
    "certainty": ("certainty", False, "ungraded"),
}
_COUNTS = ("killed_min", "killed_max", "injured_min", "injured_max")
COLUMNS = ("month", "key", "incidents", *_COUNTS)


def _dated(events: pd.DataFrame) -> pd.DataFrame:
    ok = events["date_start"].notna() & events["date_precision"].isin(("day", "week", "month"))
    out = events[ok].copy()
    out["month"] = out["date_start"].dt.to_period("M").astype(str)
    out.attrs["undated"] = int((~ok).sum())
    return out


def monthly_counts(events: pd.DataFrame, by: By | str = "category", *,
                   complete: bool = True) -> pd.DataFrame:
    """Incidents and casualties per month and per value of ``by``.

    Parameters
    ----------
    events : pandas.DataFrame
        From :func:`rescuewatch.analyse.events.load_events` (filter there: area, dates, ...).
    by : {"category", "weapon", "country", "admin1", "perpetrator", "certainty"}
        What to break the counts down by. ``perpetrator`` is the party alleged by a source.
    complete : bool, default True
        Add zero rows for months without events of a key between the first and last month,
        so that charts show gaps as zeros instead of joining across them.

    Returns
    -------
    pandas.DataFrame
        Columns ``month`` (``"YYYY-MM"``), ``key``, ``incidents``, ``killed_min``,
        ``killed_max``, ``injured_min``, ``injured_max``, sorted by month then key.
        ``attrs["undated"]`` counts events left out for lack of a month.

    Raises
    ------
    ValueError
        For an unknown ``by``.
    """
    if by not in _SOURCE:
        raise ValueError(f"cannot count by {by!r}: use one of {', '.join(BY)}")
    column, is_list, missing = _SOURCE[by]
    dated = _dated(events)
    keys = dated[column].astype("string").fillna("").str.strip()
    if is_list:
        lists = keys.str.split(",").map(lambda xs: sorted({x.strip() for x in xs if x.strip()}))
        keys = lists.map(lambda xs: xs or [missing]).explode()
    else:
        keys = keys.where(keys != "", missing)
    keys = _one_spelling(keys.astype(str))
    table = dated.loc[keys.index, ["month", *_COUNTS]].assign(key=keys.to_numpy())
    counts = table.groupby(["month", "key"], sort=True).agg(
        incidents=("month", "size"),
        **{name: (name, lambda s: int(s.sum(skipna=True))) for name in _COUNTS},
    ).reset_index()
    if complete and not counts.empty:
        counts = _complete(counts)
    counts = counts.astype({"incidents": "int64", **dict.fromkeys(_COUNTS, "int64")})
    counts.attrs["undated"] = dated.attrs["undated"]
    return counts.loc[:, list(COLUMNS)].reset_index(drop=True)


def _one_spelling(keys: pd.Series) -> pd.Series:
    """Keys that differ only in case as one, under its most frequent spelling: datasets write
    "Unidentified Armed Actor" in one release and "Unidentified armed actor" in another."""
    if keys.empty:
        return keys
    folded = keys.str.casefold()
    spelling = keys.groupby(folded.to_numpy()).agg(
        lambda s: min(s.value_counts().items(), key=lambda kv: (-kv[1], kv[0]))[0])
    return folded.map(spelling)


def monthly_totals(events: pd.DataFrame, *, complete: bool = True) -> pd.DataFrame:
    """Incidents and casualties per month, each incident counted once (``key == "all"``)."""
    dated = _dated(events)
    counts = dated.groupby("month", sort=True).agg(
        incidents=("month", "size"),
        **{name: (name, lambda s: int(s.sum(skipna=True))) for name in _COUNTS},
    ).reset_index()
    counts.insert(1, "key", "all")
    if complete and not counts.empty:
        counts = _complete(counts)
    counts = counts.astype({"incidents": "int64", **dict.fromkeys(_COUNTS, "int64")})
    counts.attrs["undated"] = dated.attrs["undated"]
    return counts.loc[:, list(COLUMNS)].reset_index(drop=True)


def _complete(counts: pd.DataFrame) -> pd.DataFrame:
    months = pd.period_range(counts["month"].min(), counts["month"].max(), freq="M").astype(str)
    index = pd.MultiIndex.from_product([months, sorted(counts["key"].unique())],
                                       names=["month", "key"])
    return counts.set_index(["month", "key"]).reindex(index, fill_value=0).reset_index()
