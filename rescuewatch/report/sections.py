"""The report's sections, computed from tidy tables into plain values for the template.

Each function takes DataFrames (the incidents of :func:`rescuewatch.analyse.events.load_events`
and the outputs of the analyses) and returns dicts of strings and numbers. None of them reads
the store and none formats markup: the template escapes everything it prints.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from rescuewatch.analyse.events import VAGUE_POINTS
from rescuewatch.model import CERTAINTY_GRADES, VICTIM_CATEGORIES, WEAPONS
from rescuewatch.report.charts import heat_colour, stacked_bars

__all__ = [
    "ReportOptions", "summary", "map_payload", "monthly_charts", "near_repeat",
    "repeat_candidates", "table", "perpetrator_text", "coverage_view",
]

# Places this coarse say nothing about distances of a few kilometres.


@dataclass
class ReportOptions:
    """Settings of the report's analyses.

    Attributes
    ----------
    permutations : int
        Monte Carlo permutations of the near-repeat test (999 by default; see the benchmark).
    space_bands : sequence of float
        Distance band edges in metres; the first band ``[0, 0]`` is "same place".
    time_bands : sequence of float
        Time-gap band edges in days; the first band ``[0, 0]`` is "same day".
    near_repeat_scope : str
        ``"all"`` (every incident with a usable place and day, context events included) or
        ``"protected"`` (only incidents where protected people or objects were hit).
    max_candidates : int
        Repeat-strike candidates listed in full (all are counted).
    max_coverage_rows : int
        Incidents shown in the coverage matrix (all are used for the rates).
    """

    permutations: int = 999
    space_bands: Sequence[float] = (0, 0, 500, 1000, 2000, 5000)
    time_bands: Sequence[float] = (0, 0, 1, 3, 7, 14, 28)
    near_repeat_scope: str = "all"
    max_candidates: int = 500
    max_coverage_rows: int = 200
    extra: dict[str, Any] = field(default_factory=dict)


def _dates(col: pd.Series) -> pd.Series:
    return pd.to_datetime(col, errors="coerce")


def _split(value: Any) -> list[str]:
    """Categories or weapons held as a list, a tuple or a comma-joined string."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, str):
        return [v for v in value.split(",") if v]
    return [str(v) for v in value if v]


def _num(value: Any) -> float | None:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _sum(events: pd.DataFrame, column: str) -> int:
    if column not in events:
        return 0
    return int(pd.to_numeric(events[column], errors="coerce").fillna(0).sum())


def summary(events: pd.DataFrame, counts: dict[str, int]) -> dict[str, Any]:
    """Headline figures: incidents, protected ones, casualty ranges, date span, grades."""
    dates = _dates(events["date_start"]) if "date_start" in events else pd.Series([], dtype="M8[ns]")
    protected = events[events["protected"].fillna(False).astype(bool)] if "protected" in events else events
    grades = events["certainty"].fillna("not assessed").value_counts() if "certainty" in events else {}
    return {
        "incidents": len(events),
        "protected": len(protected),
        "context": len(events) - len(protected),
        "killed_min": _sum(protected, "killed_min"),
        "killed_max": _sum(protected, "killed_max"),
        "injured_min": _sum(protected, "injured_min"),
        "injured_max": _sum(protected, "injured_max"),
        "first": None if dates.dropna().empty else dates.min().date().isoformat(),
        "last": None if dates.dropna().empty else dates.max().date().isoformat(),
        "countries": int(events["country"].nunique()) if "country" in events else 0,
        "with_coordinates": int((events["lat"].notna() & events["lon"].notna()).sum())
        if "lat" in events else 0,
        "by_certainty": [(g, int(grades.get(g, 0))) for g in (*CERTAINTY_GRADES, "not assessed")],
        **counts,
    }


def perpetrator_text(value: Any) -> str:
    """Alleged perpetrators as plain text, each with the sources that allege it.

    Accepts the store's JSON (a list of ``{party, text, alleged_by}``) or the decoded list;
    any other text is returned unchanged.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    items = value
    if isinstance(value, str):
        try:
            items = json.loads(value)
        except ValueError:
            return value
    if not isinstance(items, list):
        return str(items)
    out = []
    for item in items:
        if not isinstance(item, dict):
            out.append(str(item))
            continue
        who = item.get("party") or item.get("text") or "unnamed party"
        by = item.get("alleged_by") or []
        by_text = ", ".join(by) if isinstance(by, list) else str(by)
        out.append(f"{who}, alleged by {by_text or 'an unnamed source'}")
    return "; ".join(out)


def map_payload(events: pd.DataFrame, alleged: dict[int, str] | None = None) -> dict[str, Any]:
    """Incidents with coordinates as compact columns (the report's map reads them).

    Strings repeated across incidents (places, alleged perpetrators) are stored once in a
    list and referenced by index, so 100,000 incidents stay a few megabytes. ``alleged`` maps
    incident ids to the store's perpetrator JSON, which names the alleging sources.
    """
    has = events["lat"].notna() & events["lon"].notna()
    ev = events.loc[has]
    n = len(ev)
    dates = _dates(ev["date_start"]) if "date_start" in ev else pd.Series([pd.NaT] * n)
    epoch = dates.min() if dates.notna().any() else pd.Timestamp("1970-01-01")
    day = ((dates - epoch).dt.days).fillna(-1).astype(np.int64)
    bit = {c: 1 << k for k, c in enumerate(VICTIM_CATEGORIES)}
    cats = [sum(bit.get(c, 0) for c in _split(v)) for v in ev.get("categories", [None] * n)]
    grade = {g: k for k, g in enumerate(CERTAINTY_GRADES)}
    places, place_idx = _codes([_place_label(r) for r in _rows(ev, ("place_name", "admin1", "country"))])
    perps, perp_idx = _codes(_alleged(ev, alleged or {}))
    weapons, weapon_idx = _codes([", ".join(_split(v)) for v in ev.get("weapon", [None] * n)])
    return {
        "epoch": epoch.date().isoformat(),
        "categories": list(VICTIM_CATEGORIES),
        "grades": list(CERTAINTY_GRADES),
        "places": places, "perpetrators": perps, "weapons": weapons,
        "id": [int(v) for v in ev["incident_id"]],
        "lat": np.round(ev["lat"].astype(float).to_numpy(), 4).tolist(),
        "lon": np.round(ev["lon"].astype(float).to_numpy(), 4).tolist(),
        "day": day.tolist(),
        "cat": cats,
        "grade": [grade.get(g, -1) for g in ev.get("certainty", [None] * n)],
        "killed": _ints(ev, "killed_max"),
        "injured": _ints(ev, "injured_max"),
        "place": place_idx, "perp": perp_idx, "weapon": weapon_idx,
    }


def _alleged(ev: pd.DataFrame, alleged: dict[int, str]) -> list[str]:
    """Alleged perpetrators per incident with the sources alleging them; where the store has
    no such record (unlinked claims), the parties named, said to be alleged by the source."""
    plain = ev["perpetrators"] if "perpetrators" in ev else pd.Series([None] * len(ev))
    out = []
    for incident_id, parties in zip(ev["incident_id"], plain, strict=True):
        record = alleged.get(int(incident_id))
        if record:
            out.append(perpetrator_text(record))
        elif isinstance(parties, str) and parties:
            out.append("; ".join(f"{p}, alleged by the reporting source" for p in parties.split(",")))
        else:
            out.append("")
    return out


def _rows(ev: pd.DataFrame, columns: Sequence[str]) -> list[tuple[Any, ...]]:
    cols = [ev[c] if c in ev else pd.Series([None] * len(ev), index=ev.index) for c in columns]
    return list(zip(*cols, strict=True))


def _place_label(row: tuple[Any, ...]) -> str:
    parts = [str(v) for v in row if isinstance(v, str) and v]
    return ", ".join(dict.fromkeys(parts))


def _codes(values: list[str]) -> tuple[list[str], list[int]]:
    """Distinct values in first-seen order, and each value's index among them."""
    table: dict[str, int] = {}
    index = [table.setdefault(v, len(table)) for v in values]
    return list(table), index


def _ints(ev: pd.DataFrame, column: str) -> list[int]:
    if column not in ev:
        return [-1] * len(ev)
    return pd.to_numeric(ev[column], errors="coerce").fillna(-1).astype(np.int64).tolist()


MAX_SERIES = 10  # colours in the palette

CHARTS: tuple[tuple[str, str, Sequence[str], str], ...] = (
    ("Incidents per month by victim category", "category", VICTIM_CATEGORIES, "incidents"),
    ("People killed per month in incidents by victim category hit (lowest count reported)",
     "category", VICTIM_CATEGORIES, "killed_min"),
    ("Incidents per month by weapon", "weapon", WEAPONS, "incidents"),
    ("Incidents per month by certainty grade", "certainty", CERTAINTY_GRADES, "incidents"),
    ("Incidents per month by alleged perpetrator (as alleged by at least one source)",
     "perpetrator", (), "incidents"),
)


def monthly_charts(events: pd.DataFrame) -> list[dict[str, Any]]:
    """Stacked monthly bar charts with their data tables, from
    :func:`rescuewatch.analyse.trends.monthly_counts`."""
    from rescuewatch.analyse.trends import monthly_counts

    if events.empty:
        return []
    charts = []
    cache: dict[str, pd.DataFrame] = {}
    for title, by, order, value in CHARTS:
        counts = cache.get(by)
        if counts is None:
            counts = cache[by] = monthly_counts(events, by)
        if counts.empty:
            continue
        wide = counts.pivot_table(index="month", columns="key", values=value, aggfunc="sum",
                                  fill_value=0, observed=True)
        keys = [k for k in order if k in wide.columns] + sorted(set(wide.columns) - set(order))
        keys = [k for k in keys if wide[k].sum() > 0]
        if not keys:
            continue
        labels = [str(m) for m in wide.index]
        series = _top_series(wide, keys)
        unit = "incidents" if value == "incidents" else "killed (at least)"
        rows = [(lab, *[series[k][i] for k in series]) for i, lab in enumerate(labels)]
        charts.append({"title": title, "svg": stacked_bars(labels, series, title=title, unit=unit),
                       "columns": ["month", *series], "rows": rows,
                       "undated": int(counts.attrs.get("undated", 0))})
    return charts


def _top_series(wide: pd.DataFrame, keys: list[Any], keep: int = MAX_SERIES) -> dict[str, list[int]]:
    """One series per key, in ``keys`` order; past ``keep`` keys, the smallest (by total) are
    summed into one "others" series so that every colour stays distinguishable."""
    if len(keys) > keep:
        totals = wide[keys].sum()
        kept = set(totals.sort_values(ascending=False, kind="stable").index[: keep - 1])
        rest = [k for k in keys if k not in kept]
        series = {str(k): wide[k].astype(int).tolist() for k in keys if k in kept}
        series[f"{len(rest)} others"] = wide[rest].sum(axis=1).astype(int).tolist()
        return series
    return {str(k): wide[k].astype(int).tolist() for k in keys}


def near_repeat(events: pd.DataFrame, options: ReportOptions, seed: int) -> dict[str, Any]:
    """The near-repeat matrix (Knox ratios and p-values per band) over usable incidents."""
    from rescuewatch.analyse.knox import NearRepeat
    from rescuewatch.analyse.points import project_apart

    ev = _usable_points(events, options.near_repeat_scope)
    result: dict[str, Any] = {"n": len(ev), "permutations": options.permutations, "seed": seed,
                              "scope": options.near_repeat_scope, "excluded": len(events) - len(ev)}
    if len(ev) < 10:
        result["note"] = "Fewer than 10 incidents have a day-precise date and a usable place."
        return result
    # each area around its own centre, so that events in several countries keep their
    # distances (and a pair across a border counts as any other)
    x, y = project_apart(ev["lat"].to_numpy(float), ev["lon"].to_numpy(float),
                         max(options.space_bands))
    t = (_dates(ev["date_start"]) - _dates(ev["date_start"]).min()).dt.days.to_numpy(np.float64)
    nr = NearRepeat(x, y, t, list(options.space_bands), list(options.time_bands),
                    permutations=options.permutations, rng=seed)
    result["space_labels"] = _band_labels(nr.space_bands, "m", "same place")
    result["time_labels"] = _band_labels(nr.time_bands, "days", "same day")
    rows = []
    for i in range(nr.observed.shape[0]):
        cells = []
        for j in range(nr.observed.shape[1]):
            ratio = float(nr.knox_ratio[i, j])
            p = float(nr.p_values[i, j])
            cells.append({
                "observed": int(nr.observed[i, j]),
                "expected": None if math.isnan(nr.expected[i, j]) else round(float(nr.expected[i, j]), 1),
                "ratio": None if not math.isfinite(ratio) else round(ratio, 2),
                "p": round(p, 3),
                "colour": heat_colour(None if math.isnan(ratio) else ratio,
                                      p if options.permutations else None),
            })
        rows.append(cells)
    result["rows"] = rows
    return result


def _usable_points(events: pd.DataFrame, scope: str) -> pd.DataFrame:
    keep = events["lat"].notna() & events["lon"].notna() & _dates(events["date_start"]).notna()
    if "date_precision" in events:
        keep &= events["date_precision"].isna() | (events["date_precision"] == "day")
    if "place_precision" in events:
        keep &= ~events["place_precision"].isin(VAGUE_POINTS)
    if scope == "protected" and "protected" in events:
        keep &= events["protected"].fillna(False).astype(bool)
    return events.loc[keep]


def _band_labels(edges: np.ndarray, unit: str, first_zero: str) -> list[str]:
    out = []
    for k in range(edges.size - 1):
        lo, hi = float(edges[k]), float(edges[k + 1])
        if k == 0 and lo == hi:
            out.append(f"{first_zero} (0 {unit})" if unit == "m" else first_zero)
        elif math.isinf(hi):
            out.append(f"more than {lo:g} {unit}")
        elif unit == "days" and lo == int(lo) and hi == int(hi):
            first = int(lo) + (0 if k == 0 else 1)
            out.append(f"{first} day" if first == hi == 1 else
                       f"{first}-{int(hi)} {unit}" if first != hi else f"{int(hi)} {unit}")
        else:
            out.append(f"{lo:,.0f}-{hi:,.0f} {unit}")
    return out


def repeat_candidates(candidates: pd.DataFrame, events: pd.DataFrame,
                      limit: int) -> dict[str, Any]:
    """Repeat-strike candidates with the place and date of both strikes, best first."""
    n = len(candidates)
    cand = candidates
    if "confidence" in cand and pd.api.types.is_numeric_dtype(cand["confidence"]):
        cand = cand.sort_values("confidence", ascending=False, kind="stable")
    cand = cand.head(limit)
    lookup = events.set_index("incident_id") if "incident_id" in events else pd.DataFrame()
    rows = []
    for rec in cand.to_dict(orient="records"):
        rows.append({
            "incident": _describe(lookup, rec.get("incident_id")),
            "earlier": _describe(lookup, rec.get("earlier_id")),
            "gap": _gap(rec.get("gap"), rec.get("gap_unit")),
            "distance": _cell(rec.get("distance_m"), "m"),
            "basis": _cell(rec.get("basis")),
            "confidence": _cell(rec.get("confidence")),
            "reason": _cell(rec.get("reason")),
            "evidence": _evidence(rec.get("evidence")),
        })
    by_basis: dict[str, int] = {}
    if "basis" in candidates:
        by_basis = {str(k): int(v) for k, v in candidates["basis"].value_counts().items()}
    return {"n": n, "shown": len(rows), "rows": rows, "by_basis": by_basis}


def _gap(gap: Any, unit: Any) -> str:
    value = _num(gap)
    if value is None:
        return _cell(gap)
    if isinstance(unit, str) and unit:
        return f"{value:,.0f} {unit}" if value == int(value) else f"{value:,.1f} {unit}"
    return _cell(gap)


def _describe(lookup: pd.DataFrame, incident_id: Any) -> dict[str, str]:
    if incident_id is None or pd.isna(incident_id):
        return {"id": "", "when": "", "where": "none separate in the data", "what": ""}
    if lookup.empty or incident_id not in lookup.index:
        return {"id": _cell(incident_id), "when": "", "where": "", "what": ""}
    row = lookup.loc[incident_id]
    if isinstance(row, pd.DataFrame):
        row = row.iloc[0]
    when = _cell(row.get("date_start"))
    if isinstance(row.get("time"), str) and row.get("time"):
        when = f"{when} {row['time']}"
    cats = ", ".join(_split(row.get("categories"))) or "context event"
    return {"id": _cell(incident_id), "when": when,
            "where": _place_label((row.get("place_name"), row.get("admin1"), row.get("country"))),
            "what": cats}


def _evidence(value: Any) -> list[str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, str):
        # The analysis joins its parts with "; ": one line each reads better.
        return [part for part in value.split("; ") if part]
    if isinstance(value, dict):
        return [f"{k}: {_cell(v)}" for k, v in value.items()]
    try:
        return [_cell(v) for v in value]
    except TypeError:
        return [_cell(value)]


def _cell(value: Any, unit: str = "") -> str:
    """A value as display text (the template escapes it)."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}".rstrip("0").rstrip(".")
        return f"{text} {unit}".strip()
    if isinstance(value, pd.Timedelta | np.timedelta64):
        return _duration(pd.Timedelta(value))
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat(" ", "minutes")
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_cell(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_cell(v) for v in value)
    text = str(value)
    return f"{text} {unit}".strip() if unit and isinstance(value, int | np.integer) else text


def _duration(td: pd.Timedelta) -> str:
    if pd.isna(td):
        return ""
    minutes = td.total_seconds() / 60
    if abs(minutes) < 120:
        return f"{minutes:.0f} min"
    if abs(minutes) < 2 * 1440:
        return f"{minutes / 60:.1f} h"
    return f"{minutes / 1440:.1f} days"


def table(frame: pd.DataFrame | None, limit: int | None = None) -> dict[str, Any]:
    """Any DataFrame as column names and display rows (the index becomes the first column)."""
    if frame is None or frame.empty:
        return {"columns": [], "rows": [], "n": 0}
    df = frame
    if not isinstance(df.index, pd.RangeIndex):
        df = df.reset_index()
    shown = df if limit is None else df.head(limit)
    rows = [[_table_cell(v) for v in rec] for rec in shown.itertuples(index=False, name=None)]
    return {"columns": [str(c).replace("_", " ") for c in df.columns], "rows": rows, "n": len(df)}


def _table_cell(value: Any) -> dict[str, Any]:
    """Text and, for booleans and rates in [0, 1], a shade for heat-map cells."""
    if isinstance(value, bool | np.bool_):
        return {"text": "yes" if value else "", "shade": 1.0 if value else 0.0}
    if isinstance(value, float | np.floating) and 0.0 <= float(value) <= 1.0:
        return {"text": f"{float(value):.0%}", "shade": float(value)}
    return {"text": _cell(value.item() if isinstance(value, np.generic) else value), "shade": None}


def coverage_view(matrix: pd.DataFrame | None, rates: pd.DataFrame | None,
                  limit: int) -> dict[str, Any]:
    """Coverage rates per group, the patterns of groups reporting the same incident (the whole
    matrix, summarised), and the first ``limit`` rows of the matrix itself."""
    if matrix is None or rates is None:
        return {"available": False}
    groups = [str(c) for c in matrix.columns]
    patterns: list[dict[str, Any]] = []
    if not matrix.empty:
        counted = matrix.value_counts().reset_index(name="incidents")
        for rec in counted.itertuples(index=False, name=None):
            flags, n_inc = rec[:-1], rec[-1]
            patterns.append({"flags": [bool(f) for f in flags], "incidents": int(n_inc),
                             "share": float(n_inc) / len(matrix)})
    return {"available": True, "groups": groups, "rates": table(rates),
            "patterns": patterns[:limit], "n_patterns": len(patterns),
            "matrix": table(matrix, limit), "n_incidents": len(matrix)}
