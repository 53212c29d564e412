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
from collections.abc import Mapping
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


def incident_rows(
    f: Features,
    labels: np.ndarray,
    members: np.ndarray,
    source_keys: Mapping[int, str],
) -> list[tuple[np.ndarray, dict[str, Any]]]:
    """One incident row per cluster among ``members`` (claim indices), with its members.

    Returns ``(member_indices, row)`` pairs in the order of each cluster's first claim rank;
    ``row`` has every derived incident column but ``id``.
    """
    if members.size == 0:
        return []
    lab = labels[members]
    order = members[np.lexsort((f.canon[members], f.place_rank[members], lab))]
    lab = labels[order]
    starts = np.flatnonzero(np.r_[True, lab[1:] != lab[:-1]])
    ends = np.r_[starts[1:], order.size]

    date_rank = f.date_rank[order].astype(np.int64)
    best_rank = np.minimum.reduceat(date_rank, starts)
    finest = date_rank == np.repeat(best_rank, ends - starts)
    lo = np.where(finest, f.lo[order].astype(np.int64), np.iinfo(np.int64).max)
    hi = np.where(finest, f.hi[order].astype(np.int64), np.iinfo(np.int64).min)
    date_lo = np.minimum.reduceat(lo, starts)
    date_hi = np.maximum.reduceat(hi, starts)
    sizes = ends - starts
    cats = np.bitwise_or.reduceat(f.cats[order], starts)
    weapon_bits = np.where(f.weapon[order] >= 0, 1 << np.maximum(f.weapon[order], 0), 0)
    weapons = np.bitwise_or.reduceat(weapon_bits.astype(np.int64), starts)
    protected = np.maximum.reduceat(f.protected[order].astype(np.int8), starts)
    killed = _range(f.killed[order], starts)
    injured = _range(f.injured[order], starts)
    repeat = np.maximum.reduceat(f.repeat[order], starts)
    repeat_known = np.maximum.reduceat((f.repeat[order] >= 0).astype(np.int8), starts)
    rep = order[starts]  # finest place, then lowest order-independent rank
    country = f.country[rep].copy()
    fallback = np.maximum.reduceat(f.country[order], starts)
    country[country < 0] = fallback[country < 0]
    n_sources = _distinct_per_group(np.repeat(np.arange(starts.size), sizes), f.source[order])
    has_perp = np.maximum.reduceat(
        ((f.party[order] >= 0) | np.array([bool(x) for x in f.perp_text[order]], dtype=bool))
        .astype(np.int8), starts)
    lat, lon = f.lat[rep], f.lon[rep]
    columns = {
        "date_start": [None if r == NO_DATE_RANK else _day(d) for r, d in zip(best_rank.tolist(), date_lo.tolist(), strict=True)],
        "date_end": [None if r == NO_DATE_RANK else _day(d) for r, d in zip(best_rank.tolist(), date_hi.tolist(), strict=True)],
        "date_precision": [_DATE_NAMES.get(r) for r in best_rank.tolist()],
        "place_name": f.place_raw[rep].tolist(),
        "country": [f.countries[c] if c >= 0 else None for c in country.tolist()],
        "admin1": f.admin1_raw[rep].tolist(),
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
        "n_claims": sizes.tolist(),
        "n_sources": n_sources.tolist(),
    }
    names = list(columns)
    out: list[tuple[np.ndarray, dict[str, Any]]] = []
    for g, values in enumerate(zip(*columns.values(), strict=True)):
        idx = order[starts[g] : ends[g]]
        row = dict(zip(names, values, strict=True))
        row["perpetrators"] = _perpetrators(f, idx, source_keys) if has_perp[g] else None
        out.append((idx, row))
    return out


def _distinct_per_group(group: np.ndarray, values: np.ndarray) -> np.ndarray:
    """How many distinct ``values`` each group (0..k-1, sorted) holds."""
    if group.size == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort((values, group))
    g, v = group[order], values[order]
    new = np.r_[True, (g[1:] != g[:-1]) | (v[1:] != v[:-1])]
    return np.bincount(g[new], minlength=int(group.max()) + 1)


def _range(values: np.ndarray, starts: np.ndarray) -> tuple[list[int | None], list[int | None]]:
    low = np.fmin.reduceat(values, starts)
    high = np.fmax.reduceat(values, starts)
    return ([None if np.isnan(v) else int(v) for v in low],
            [None if np.isnan(v) else int(v) for v in high])


def _perpetrators(f: Features, idx: np.ndarray, source_keys: Mapping[int, str]) -> str | None:
    """Every alleged perpetrator with the sources alleging it, as JSON (``None`` if none)."""
    alleged: dict[tuple[str | None, str | None], set[str]] = {}
    for i in idx.tolist():
        code = int(f.party[i])
        party = f.parties[code] if code >= 0 else None
        text = f.perp_text[i]
        if party is None and not text:
            continue
        key = (party, None if party else str(text).strip())
        source = source_keys.get(int(f.source[i]), str(int(f.source[i])))
        alleged.setdefault(key, set()).add(source)
    if not alleged:
        return None
    items = [
        {"party": party, "text": text, "alleged_by": sorted(sources)}
        for (party, text), sources in sorted(alleged.items(), key=lambda kv: (kv[0][0] or "", kv[0][1] or ""))
    ]
    return json.dumps(items, ensure_ascii=False, sort_keys=True)
