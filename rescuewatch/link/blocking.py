"""Candidate pairs of claims by space-time blocking, one time slab at a time.

Two claims are candidates when their date spans (widened to their precision) overlap or are one
day apart, and when

- both carry a point: they lie within the sum of their distance tolerances;
- one is placed only at an admin1 region: the other lies in the same admin1;
- one is placed only at a country (or its place was withheld): the other is in the same country.

Claims from the same document are never candidates: a document (a dataset file, an article)
describes distinct events in distinct rows; so are a publisher's dataset rows with different
row ids, in whichever of its files (see ``Features.document``). Claims spanning more than :data:`MAX_SPAN_DAYS`
(a year-precision claim, say) are too vague to link and stay on their own.

Slabs bound memory on millions of claims. A slab owns the claims starting in its days
``[first, last)`` and finds every pair whose later-starting claim it owns; the other claim
started at most ``MAX_SPAN_DAYS + GAP_DAYS`` days earlier, so looking back that far finds it.
Each pair thus comes from exactly one slab, and the union over slabs is the all-at-once set.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from rescuewatch.link.features import NO_DAY, REGION_ADMIN1, REGION_COUNTRY, Features, xyz

__all__ = ["MAX_SPAN_DAYS", "GAP_DAYS", "KM_PER_DEG", "Slab", "blockable", "candidate_pairs",
           "diagonal_km", "slab_pairs", "slabs", "xyz"]

MAX_SPAN_DAYS = 62
GAP_DAYS = 1  # reports of one event often differ by a day (night-time strikes, time zones)
FINE_KM = 10.0
#: Distance (km) put between days in the k-d tree's fourth axis: far beyond any tolerance, so
#: one tree per slab finds only same-day neighbours.
DAY_KM = 1000.0
SLAB_CLAIMS = 120_000
#: Candidate pairs one slab may hold (about 1 GB while they are found). A million generated
#: claims give about 1 million a slab; 20,000 rows at one place on one day would give 200
#: million and exhaust the memory, so such a slab is refused with an error instead.
MAX_SLAB_PAIRS = 10_000_000
INDEX = np.int32
KM_PER_DEG = 111.32


def diagonal_km(lat_min: float, lat_max: float, lon_min: float, lon_max: float) -> float:
    """Diagonal of a latitude/longitude box in km (flat-Earth: boxes span a few km at most)."""
    cos = math.cos(math.radians(0.5 * (lat_min + lat_max)))
    return KM_PER_DEG * math.hypot(lat_max - lat_min, (lon_max - lon_min) * cos)


@dataclass(frozen=True)
class Slab:
    """Claims starting in days ``[first, last)``; ``members`` also looks back far enough."""

    first: int
    last: int
    members: np.ndarray  # claim indices whose expanded days reach into the slab


def blockable(f: Features) -> np.ndarray:
    """Which claims can be linked at all (dated, not too vague, placed at least at a country)."""
    return (f.lo != NO_DAY) & ((f.hi - f.lo) <= MAX_SPAN_DAYS) & (f.region < 3)


def slabs(f: Features, size: int = SLAB_CLAIMS) -> list[Slab]:
    """Cut the blockable claims into slabs of about ``size`` claims by start day."""
    idx = np.flatnonzero(blockable(f))
    if idx.size < 2:
        return []
    idx = idx[np.argsort(f.lo[idx], kind="stable")]
    days = f.lo[idx].astype(np.int64)
    # Cut only between different start days, roughly every ``size`` claims.
    cuts = sorted({int(days[k]) for k in range(size, idx.size, size)} - {int(days[0])})
    bounds = [int(days[0]), *cuts, int(days[-1]) + 1]
    reach = f.hi[idx].astype(np.int64) + GAP_DAYS
    out = []
    for first, last in zip(bounds[:-1], bounds[1:], strict=True):
        stop = int(np.searchsorted(days, last, side="left"))
        start = int(np.searchsorted(days, first - MAX_SPAN_DAYS - GAP_DAYS, side="left"))
        window = idx[start:stop]
        members = window[reach[start:stop] >= first]
        out.append(Slab(first, last, np.sort(members)))
    return out


def candidate_pairs(f: Features, focus: np.ndarray | None = None) -> np.ndarray:
    """Unique candidate pairs ``(i, j)``, ``i < j``, as an ``(m, 2)`` array of indices.

    With ``focus`` (a boolean mask), only pairs touching at least one focused claim are kept:
    incremental linking looks only at pairs involving new claims.
    """
    parts = [slab_pairs(f, slab, focus) for slab in slabs(f)]
    parts = [p for p in parts if p.size]
    if not parts:
        return np.empty((0, 2), dtype=INDEX)
    return np.concatenate(parts)


def iter_slab_pairs(f: Features, focus: np.ndarray | None = None) -> Iterator[np.ndarray]:
    """Candidate pairs slab by slab (see :func:`candidate_pairs`)."""
    for slab in slabs(f):
        yield slab_pairs(f, slab, focus)


def slab_pairs(f: Features, slab: Slab, focus: np.ndarray | None = None) -> np.ndarray:
    """The candidate pairs a slab owns, sorted, as int32 ``(i, j)`` rows with ``i < j``."""
    members = slab.members
    if members.size < 2:
        return np.empty((0, 2), dtype=INDEX)
    # One entry per (claim, day) for the days of the claim's span (plus the gap) in the slab.
    start = np.maximum(f.lo[members].astype(np.int64), slab.first)
    lengths = f.hi[members].astype(np.int64) + GAP_DAYS - start + 1
    claim = np.repeat(members, lengths)
    offsets = np.arange(claim.size, dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths,
                                                                lengths)
    day = np.repeat(start, lengths) + offsets
    del offsets
    found = [_point_pairs(f, claim, day, slab.first), _region_pairs(f, claim, day)]
    del claim, day
    pairs = np.concatenate([p for p in found if p.size] or [np.empty((0, 2), dtype=INDEX)])
    if pairs.size == 0:
        return np.empty((0, 2), dtype=INDEX)
    a = np.minimum(pairs[:, 0], pairs[:, 1])
    b = np.maximum(pairs[:, 0], pairs[:, 1])
    del pairs
    keep = (a != b) & (f.document[a] != f.document[b])
    keep &= np.maximum(f.lo[a], f.lo[b]) >= slab.first
    if focus is not None:
        keep &= focus[a] | focus[b]
    code = a[keep].astype(np.int64) * np.int64(f.n) + b[keep]
    del a, b, keep
    code.sort()
    if code.size:
        code = code[np.r_[True, code[1:] != code[:-1]]]
    out = np.empty((code.size, 2), dtype=INDEX)
    out[:, 0] = code // f.n
    out[:, 1] = code % f.n
    return out


def _point_pairs(f: Features, claim: np.ndarray, day: np.ndarray, first: int) -> np.ndarray:
    point = f.region[claim] == 0
    claim, day = claim[point], day[point]
    if claim.size < 2:
        return np.empty((0, 2), dtype=INDEX)
    tol = f.tol_km[claim].astype(np.float64)
    coords = np.empty((claim.size, 4))
    coords[:, :3] = f.xyz[claim]
    coords[:, 3] = (day - first) * DAY_KM
    tree = cKDTree(coords)
    wide = float(tol.max())
    out = []
    reach = min(2 * wide, 2 * FINE_KM)
    _check_density(tree, coords, reach, f, claim, first)
    local = tree.query_pairs(r=reach, output_type="ndarray")
    if local.size:
        out.append(claim[local].astype(INDEX))
    del local
    if wide > FINE_KM:
        # Coarse points (tolerance over FINE_KM) reach further: ask the tree around each.
        coarse = np.flatnonzero(tol > FINE_KM)
        hits = tree.query_ball_point(coords[coarse], r=tol[coarse] + wide)
        rows = [np.column_stack((np.full(len(h), c), h)) for c, h in zip(coarse, hits, strict=True)
                if h]
        if rows:
            out.append(claim[np.concatenate(rows)].astype(INDEX))
    if not out:
        return np.empty((0, 2), dtype=INDEX)
    pairs = np.concatenate(out)
    dist = np.linalg.norm(f.xyz[pairs[:, 0]] - f.xyz[pairs[:, 1]], axis=1)
    return pairs[dist <= f.tol_km[pairs[:, 0]].astype(np.float64) + f.tol_km[pairs[:, 1]]]


def _check_density(tree: cKDTree, coords: np.ndarray, reach: float, f: Features,
                   claim: np.ndarray, first: int) -> None:
    """Refuse a slab whose claims lie so close together that their pairs would not fit in
    memory (:data:`MAX_SLAB_PAIRS`). A sample of points estimates the pairs cheaply; only a
    dense sample pays for the exact count."""
    n = len(coords)
    if n * (n - 1) // 2 <= MAX_SLAB_PAIRS:
        return
    sample = np.random.default_rng(0).choice(n, size=min(n, 2000), replace=False)
    near = tree.query_ball_point(coords[sample], r=reach, return_length=True)
    if float(np.mean(near) - 1) * n / 2 <= MAX_SLAB_PAIRS / 2:
        return
    pairs = (int(tree.count_neighbors(tree, reach)) - n) // 2
    if pairs > MAX_SLAB_PAIRS:
        from rescuewatch.errors import InputError

        day = np.datetime64(int(np.median(np.round(coords[:, 3] / DAY_KM))) + first, "D")
        raise InputError(
            f"{len(np.unique(claim)):,} claims around {day} lie so close together that "
            "linking would compare "
            f"{pairs:,} pairs (at most {MAX_SLAB_PAIRS:,})",
            hint="are there many repeated rows at one place and day? remove the repeats, "
                 "or ingest that file into a store of its own")


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
        out.append(np.column_stack((first, members[pos])).astype(INDEX))
    if not out:
        return np.empty((0, 2), dtype=INDEX)
    return np.concatenate(out)
