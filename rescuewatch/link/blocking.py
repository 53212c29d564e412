"""Candidate pairs of claims by space-time blocking.

Two claims are candidates when their date spans (widened to their precision) overlap or are one
day apart, and when

- both carry a point: they lie within the sum of their distance tolerances (a k-d tree per day);
- one is placed only at an admin1 region: the other lies in the same admin1;
- one is placed only at a country (or its place was withheld): the other is in the same country.

Claims from the same document are never candidates: a document (a dataset file, an article)
describes distinct events in distinct rows. Claims spanning more than :data:`MAX_SPAN_DAYS`
(a year-precision claim, say) are too vague to link and stay on their own.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from rescuewatch.link.features import NO_DAY, REGION_ADMIN1, REGION_COUNTRY, Features

MAX_SPAN_DAYS = 62
GAP_DAYS = 1  # reports of one event often differ by a day (night-time strikes, time zones)
EARTH_KM = 6371.0088
FINE_KM = 10.0


def xyz(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Points on a sphere of the Earth's radius (km): chord distance ~ great-circle distance."""
    phi = np.radians(np.nan_to_num(lat))
    lam = np.radians(np.nan_to_num(lon))
    return np.column_stack(
        (EARTH_KM * np.cos(phi) * np.cos(lam), EARTH_KM * np.cos(phi) * np.sin(lam),
         EARTH_KM * np.sin(phi))
    )


def blockable(f: Features) -> np.ndarray:
    """Which claims can be linked at all (dated, not too vague, placed at least at a country)."""
    return (f.lo != NO_DAY) & ((f.hi - f.lo) <= MAX_SPAN_DAYS) & (f.region < 3)


def candidate_pairs(f: Features, focus: np.ndarray | None = None) -> np.ndarray:
    """Unique candidate pairs ``(i, j)``, ``i < j``, as an ``(m, 2)`` array of indices.

    With ``focus`` (a boolean mask), only pairs touching at least one focused claim are kept:
    incremental linking looks only at pairs involving new claims.
    """
    ok = blockable(f)
    idx = np.flatnonzero(ok)
    if idx.size < 2:
        return np.empty((0, 2), dtype=np.int64)
    lengths = (f.hi[idx] - f.lo[idx] + 1 + GAP_DAYS).astype(np.int64)
    claim = np.repeat(idx, lengths)
    offsets = np.arange(claim.size, dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    day = f.lo[claim].astype(np.int64) + offsets
    parts = [_point_pairs(f, claim, day), _region_pairs(f, claim, day)]
    pairs = np.concatenate([p for p in parts if p.size] or [np.empty((0, 2), dtype=np.int64)])
    if pairs.size == 0:
        return np.empty((0, 2), dtype=np.int64)
    a = np.minimum(pairs[:, 0], pairs[:, 1])
    b = np.maximum(pairs[:, 0], pairs[:, 1])
    keep = (a != b) & (f.document[a] != f.document[b])
    if focus is not None:
        keep &= focus[a] | focus[b]
    code = np.unique(a[keep] * np.int64(f.n) + b[keep])
    return np.column_stack((code // f.n, code % f.n))


def _point_pairs(f: Features, claim: np.ndarray, day: np.ndarray) -> np.ndarray:
    point = f.region[claim] == 0
    claim, day = claim[point], day[point]
    if claim.size < 2:
        return np.empty((0, 2), dtype=np.int64)
    order = np.argsort(day, kind="stable")
    claim, day = claim[order], day[order]
    coords = xyz(f.lat, f.lon)
    cuts = np.flatnonzero(np.diff(day)) + 1
    starts = np.concatenate(([0], cuts))
    ends = np.concatenate((cuts, [day.size]))
    out: list[np.ndarray] = []
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        if e - s < 2:
            continue
        members = claim[s:e]
        tol = f.tol_km[members]
        tree = cKDTree(coords[members])
        wide = float(tol.max())
        local = tree.query_pairs(r=min(2 * wide, 2 * FINE_KM), output_type="ndarray")
        if local.size:
            out.append(members[local])
        if wide > FINE_KM:
            coarse = np.flatnonzero(tol > FINE_KM)
            hits = tree.query_ball_point(coords[members[coarse]], r=tol[coarse] + wide)
            rows = [np.column_stack((np.full(len(h), c), h)) for c, h in zip(coarse, hits, strict=True) if h]
            if rows:
                out.append(members[np.concatenate(rows)])
    if not out:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.concatenate(out).astype(np.int64)
    dist = np.linalg.norm(coords[pairs[:, 0]] - coords[pairs[:, 1]], axis=1)
    return pairs[dist <= f.tol_km[pairs[:, 0]] + f.tol_km[pairs[:, 1]]]


def _region_pairs(f: Features, claim: np.ndarray, day: np.ndarray) -> np.ndarray:
    out = []
    for level, code in ((REGION_ADMIN1, f.admin1), (REGION_COUNTRY, f.country)):
        probe = f.region[claim] == level
        if not probe.any():
            continue
        width = np.int64(int(code.max()) + 2)
        has = code[claim] >= 0
        keys = day[has] * width + code[claim[has]]
        members = claim[has]
        order = np.argsort(keys, kind="stable")
        keys, members = keys[order], members[order]
        probe_keys = day[probe] * width + code[claim[probe]]
        left = np.searchsorted(keys, probe_keys, side="left")
        right = np.searchsorted(keys, probe_keys, side="right")
        counts = (right - left).astype(np.int64)
        if counts.sum() == 0:
            continue
        first = np.repeat(claim[probe], counts)
        pos = np.repeat(left - (np.cumsum(counts) - counts), counts) + np.arange(counts.sum())
        out.append(np.column_stack((first, members[pos])))
    if not out:
        return np.empty((0, 2), dtype=np.int64)
    return np.concatenate(out).astype(np.int64)
