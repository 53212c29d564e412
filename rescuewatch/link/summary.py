"""Incident rows from their claims, keeping every disagreement between sources.

Nothing is averaged: casualties are ranges over the claims (min..max), every alleged
perpetrator is listed with the sources alleging it, the date is the span of the most precise
claims (so two sources a day apart give a two-day span), and the place is the most precise
claim's place, taken as stated rather than blended.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from rescuewatch.link.features import (
    DATE_RANK,
    NO_DATE_RANK,
    NO_PLACE_RANK,
    WEAPON_CODE,
    Features,
)
from rescuewatch.model import PLACE_PRECISIONS, VICTIM_CATEGORIES
from rescuewatch.store.incidents import INCIDENT_COLUMNS

EPOCH = dt.date(1970, 1, 1)
_DATE_NAMES = {v: k for k, v in DATE_RANK.items()}
_WEAPON_NAMES = {v: k for k, v in WEAPON_CODE.items()}
_WEAPON_STRINGS = [
    ",".join(sorted(_WEAPON_NAMES[i] for i in _WEAPON_NAMES if mask & (1 << i))) or None
    for mask in range(1 << len(WEAPON_CODE) + 1)
]
_CATEGORY_STRINGS = [
    ",".join(sorted(c for i, c in enumerate(VICTIM_CATEGORIES) if mask & (1 << i))) or None
    for mask in range(256)
]


def _day(value: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(value))


@dataclass
class IncidentTable:
    """Incident rows of some clusters, column by column, with each cluster's members.

    Cluster ``g`` holds claims ``order[starts[g]:ends[g]]``; ``columns`` has every derived
    incident column (a list per column, one value per cluster) but ``id``; dates are ISO
    strings (``YYYY-MM-DD``).
    """

    order: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    columns: dict[str, list[Any]]
    first_rank: np.ndarray  # lowest order-independent claim rank of each cluster

    def __len__(self) -> int:
        return int(self.starts.size)

    def members(self, g: int) -> np.ndarray:
        return self.order[self.starts[g] : self.ends[g]]

    def group_of_members(self) -> np.ndarray:
        """The cluster of each entry of ``order``."""
        return np.repeat(np.arange(len(self)), self.ends - self.starts)

    def row(self, g: int) -> dict[str, Any]:
        return {name: values[g] for name, values in self.columns.items()}

    def values(self, ids: Sequence[int], which: Sequence[int] | None = None) -> list[tuple[Any, ...]]:
        """``(id, *INCIDENT_COLUMNS)`` tuples of some clusters (all by default)."""
        cols = [self.columns[name] for name in INCIDENT_COLUMNS]
        if which is None:
            return list(zip(ids, *cols, strict=True))
        return [(ids[k], *(c[g] for c in cols)) for k, g in enumerate(which)]


def incident_rows(
    f: Features,
    labels: np.ndarray,
    members: np.ndarray,
    source_keys: Mapping[int, str],
) -> IncidentTable:
    """The incident row of every cluster among ``members`` (claim indices).

    Clusters come in the order of their labels; within a cluster, claims are ordered finest
    place first, then by order-independent rank.
    """
    if members.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return IncidentTable(empty, empty, empty, {c: [] for c in INCIDENT_COLUMNS}, empty)
    lab = labels[members]
    # among the finest places, the southernmost, then westernmost, before the document hash:
    # reports differing only in the parties' names must place their incident alike
    order = members[np.lexsort((f.canon[members], f.lon[members], f.lat[members],
                                f.place_rank[members], lab))]
    lab = labels[order]
    starts = np.flatnonzero(np.r_[True, lab[1:] != lab[:-1]])
    ends = np.r_[starts[1:], order.size]
    sizes = ends - starts

    date_rank = f.date_rank[order].astype(np.int64)
    best_rank = np.minimum.reduceat(date_rank, starts)
    finest = date_rank == np.repeat(best_rank, sizes)
    lo = np.where(finest, f.lo[order].astype(np.int64), np.iinfo(np.int64).max)
    hi = np.where(finest, f.hi[order].astype(np.int64), np.iinfo(np.int64).min)
    date_lo = np.minimum.reduceat(lo, starts)
    date_hi = np.maximum.reduceat(hi, starts)
    cats = np.bitwise_or.reduceat(f.cats[order], starts)
    weapon_bits = np.where(f.weapon[order] >= 0, 1 << np.maximum(f.weapon[order], 0), 0)
    weapons = np.bitwise_or.reduceat(weapon_bits.astype(np.int64), starts)
    protected = np.maximum.reduceat(f.protected[order].astype(np.int8), starts)
    killed = _range(f.killed[order], starts)
    injured = _range(f.injured[order], starts)
    repeat = np.maximum.reduceat(f.repeat[order], starts)
    repeat_known = np.maximum.reduceat((f.repeat[order] >= 0).astype(np.int8), starts)
    rep = order[starts]  # finest place, then southernmost, then lowest order-independent rank
    country = f.country[rep].copy()
    fallback = np.maximum.reduceat(f.country[order], starts)
    country[country < 0] = fallback[country < 0]
    group = np.repeat(np.arange(starts.size), sizes)
    n_sources = _distinct_per_group(group, f.source[order])
    lat, lon = f.lat[rep], f.lon[rep]
    dated = best_rank != NO_DATE_RANK
    columns: dict[str, list[Any]] = {
        "date_start": _iso_days(date_lo, dated),
        "date_end": _iso_days(date_hi, dated),
        "date_precision": [_DATE_NAMES.get(r) for r in best_rank.tolist()],
        "place_name": _names(f.place_raw[rep], f.place_raws),
        "country": [f.countries[c] if c >= 0 else None for c in country.tolist()],
        "admin1": _names(f.admin1_raw[rep], f.admin1_raws),
        "lat": [None if math.isnan(v) else v for v in lat.tolist()],
        "lon": [None if math.isnan(v) else v for v in lon.tolist()],
        "place_precision": [None if r == NO_PLACE_RANK else PLACE_PRECISIONS[r]
                            for r in f.place_rank[rep].tolist()],
        "categories": [_CATEGORY_STRINGS[c] for c in cats.tolist()],
        "weapons": [_WEAPON_STRINGS[w] for w in weapons.tolist()],
        "killed_min": killed[0], "killed_max": killed[1],
        "injured_min": injured[0], "injured_max": injured[1],
        "repeat_strike": [None if not k else bool(r == 1)
                          for k, r in zip(repeat_known.tolist(), repeat.tolist(), strict=True)],
        "protected": [bool(p) for p in protected.tolist()],
        "perpetrators": _perpetrators(f, order, group, starts.size, source_keys),
        "n_claims": sizes.tolist(),
        "n_sources": n_sources.tolist(),
    }
    first_rank = np.minimum.reduceat(f.canon[order].astype(np.int64), starts)
    return IncidentTable(order, starts, ends, columns, first_rank)


def _iso_days(days: np.ndarray, dated: np.ndarray) -> list[str | None]:
    """Day numbers as ISO dates (``None`` where undated), formatted in C, not per row."""
    text = np.datetime_as_string(np.where(dated, days, 0).astype("datetime64[D]"), unit="D")
    return [t if ok else None for t, ok in zip(text.tolist(), dated.tolist(), strict=True)]


def _names(codes: np.ndarray, table: list[str]) -> list[str | None]:
    return [table[c] if c >= 0 else None for c in codes.tolist()]


def _distinct_per_group(group: np.ndarray, values: np.ndarray) -> np.ndarray:
    """How many distinct ``values`` each group (0..k-1, sorted) holds."""
    if group.size == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort((values, group))
    g, v = group[order], values[order]
    new = np.r_[True, (g[1:] != g[:-1]) | (v[1:] != v[:-1])]
    return np.bincount(g[new], minlength=int(group.max()) + 1)


def _range(values: np.ndarray, starts: np.ndarray) -> tuple[list[int | None], list[int | None]]:
    # Python floats, not NumPy scalars, in the loops (NaN is the only value unequal to itself).
    low = np.fmin.reduceat(values, starts).tolist()
    high = np.fmax.reduceat(values, starts).tolist()
    return ([None if v != v else int(v) for v in low],
            [None if v != v else int(v) for v in high])


def _perpetrators(f: Features, order: np.ndarray, group: np.ndarray, n_groups: int,
                  source_keys: Mapping[int, str]) -> list[str | None]:
    """Every alleged perpetrator with the sources alleging it, as JSON, per cluster.

    A normalised party is listed as such; a perpetrator given only as text is listed by its
    text. Each item names every source alleging it: nothing is averaged or dropped.
    """
    out: list[str | None] = [None] * n_groups
    party = f.party[order].astype(np.int64)
    text = f.perp_text[order].astype(np.int64)
    has = (party >= 0) | (text >= 0)
    if not has.any():
        return out
    # One code per distinct (party, text) item and one per source, in the JSON's sort order.
    stripped = {k: t.strip() for k, t in enumerate(f.perp_texts)}
    items = sorted({(f.parties[p] if p >= 0 else None, None if p >= 0 else stripped[t])
                    for p, t in zip(party[has].tolist(), text[has].tolist(), strict=True)},
                   key=lambda it: (it[0] or "", it[1] or ""))
    item_code = {it: k for k, it in enumerate(items)}
    item_json = [json.dumps({"party": p, "text": t}, ensure_ascii=False, sort_keys=True)[1:-1]
                 for p, t in items]
    sources = f.source[order][has]
    names = {int(s): source_keys.get(int(s), str(int(s))) for s in np.unique(sources).tolist()}
    ranked = sorted(names, key=lambda s: names[s])
    source_rank = {s: k for k, s in enumerate(ranked)}
    source_json = [json.dumps(names[s], ensure_ascii=False) for s in ranked]
    item = np.array([item_code[(f.parties[p] if p >= 0 else None,
                                None if p >= 0 else stripped[t])]
                     for p, t in zip(party[has].tolist(), text[has].tolist(), strict=True)],
                    dtype=np.int64)
    src = np.array([source_rank[int(s)] for s in sources.tolist()], dtype=np.int64)
    g = group[has]
    # One int64 per (group, item, source), sorted by group, item, source (a 1-d unique is far
    # faster than a row-wise one).
    n_item, n_src = len(items), len(ranked)
    code = np.unique((g * n_item + item) * n_src + src)
    keys = np.column_stack((code // (n_item * n_src), code // n_src % n_item, code % n_src))
    current_group, current_item = -1, -1
    parts: list[str] = []
    alleged: list[str] = []

    def close_item() -> None:
        if current_item >= 0:
            parts.append('{"alleged_by": [' + ", ".join(alleged) + "], "
                         + item_json[current_item] + "}")

    for gi, it, sr in keys.tolist():
        if gi != current_group or it != current_item:
            close_item()
            alleged = []
            if gi != current_group:
                if current_group >= 0:
                    out[current_group] = "[" + ", ".join(parts) + "]"
                parts = []
                current_group = gi
            current_item = it
        alleged.append(source_json[sr])
    close_item()
    out[current_group] = "[" + ", ".join(parts) + "]"
    return out
