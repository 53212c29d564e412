"""Space-time clustering: the Knox test and the near-repeat matrix.

Two events are *close* when they are near each other both in space and in time. If attacks
cluster (a strike is followed by another strike nearby within days, as in repeat strikes on
responders), more pairs are close in both senses than chance would give. Chance is modelled by
permuting the event times over the event locations (Mantel 1967): the space pattern and the
time pattern are each kept exactly, only their association is broken.

Closure of bands
----------------
Distances are Euclidean in metres on projected coordinates; time gaps are ``|t_i - t_j|`` in
days, computed in double precision. A band with edges ``(lo, hi)`` holds the pairs with
``lo < gap <= hi``, except the *first* band, which is closed at both ends: ``lo <= gap <= hi``.
So the Knox thresholds ``delta`` and ``tau`` mean ``distance <= delta`` and ``gap <= tau``,
the definition of :class:`pointpats.spacetime.Knox` (which builds on
``scipy.spatial.KDTree.query_ball_tree``, closed at ``r``), and a first band ``[0, 0]`` is the
"same location" / "same day" row of Ratcliffe's calculator. Distances are compared as squares,
``dx**2 + dy**2 <= hi**2``, as SciPy's k-d tree does.

Algorithm
---------
Spatially close pairs (distance <= the largest space edge) are found once with
:meth:`scipy.spatial.cKDTree.query_pairs`. Each permutation touches only those pairs: it
gathers the permuted times of both ends, takes the gap and compares it with the time edges.
Permutations run in batches laid out event-major, so that one gather fetches a batch's times
for an event at once; batches run on a thread pool (NumPy releases the GIL). Counts over *all*
pairs close in time do not depend on the permutation (they depend only on the multiset of
times), so they are computed once from the sorted times; the cells of the table that are far
in space follow from them by subtraction. Memory grows with ``n`` plus the number of close pairs.

References
----------
Knox, E. G. (1964). The detection of space-time interactions. *Journal of the Royal
Statistical Society, Series C*, 13(1), 25-30.
Mantel, N. (1967). The detection of disease clustering and a generalized regression approach.
*Cancer Research*, 27(2), 209-220.
Johnson, S. D., & Bowers, K. J. (2004). The burglary as clue to the future: the beginnings of
prospective hot-spotting. *European Journal of Criminology*, 1(2), 237-255.
Ratcliffe, J. H. (2009). *Near Repeat Calculator* (version 1.3). Temple University and the
National Institute of Justice.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree
from scipy.stats import poisson

from rescuewatch.errors import InputError

__all__ = ["Knox", "NearRepeat", "band_index", "as_generator", "RngLike"]

RngLike = np.random.Generator | np.random.SeedSequence | int | None
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_PAIR_CHUNK = 4096  # pairs per kernel step: the step's buffers stay in the CPU cache
_FLUSH_EVERY = 255  # uint8 accumulators take at most 255 increments before overflowing
_BATCH_BYTES = 512 * 2**20  # permutation buffers per worker
_MAX_BATCH = 64
_MAX_DAYS_INT16 = 32000  # whole-day codes in int16: their gaps stay within int16


def as_generator(rng: RngLike) -> np.random.Generator:
    """Return a NumPy ``Generator`` for ``rng``; never touches the global random state.

    Parameters
    ----------
    rng : numpy.random.Generator, numpy.random.SeedSequence, int or None
        A generator (used as is), a seed sequence or integer seed (a new generator), or
        ``None`` (fresh entropy from the operating system: not reproducible).
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, np.random.SeedSequence | int | np.integer):
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be a numpy Generator, SeedSequence, int or None, not {rng!r}")


def band_index(values: npt.ArrayLike, edges: npt.ArrayLike) -> IntArray:
    """Band of each value: ``k`` when ``edges[k] < v <= edges[k+1]`` (first band closed).

    Parameters
    ----------
    values : array_like
        Gaps (distances or time differences), non-negative.
    edges : array_like
        Non-decreasing band edges, as validated by the classes of this module.

    Returns
    -------
    numpy.ndarray
        Band index per value; ``-1`` below the first edge and ``len(edges) - 1`` above the last.
    """
    v = np.asarray(values, dtype=np.float64)
    e = np.asarray(edges, dtype=np.float64)
    idx = np.searchsorted(e, v, side="left") - 1
    idx[v == e[0]] = 0
    return idx.astype(np.int64)


def _check_edges(edges: npt.ArrayLike, name: str) -> FloatArray:
    e = np.asarray(edges, dtype=np.float64).ravel()
    if e.size < 2 or not np.all(np.isfinite(e)) or e[0] < 0:
        raise ValueError(f"{name}: need at least two finite, non-negative edges, got {e!r}")
    # Only the first band may be empty-width: it is the "same place / same day" band.
    if np.any(np.diff(e[1:]) <= 0) or e[1] < e[0]:
        raise ValueError(f"{name}: edges must increase (only edges[0] == edges[1] is allowed)")
    return e


def _check_points(x: npt.ArrayLike, y: npt.ArrayLike, t: npt.ArrayLike) -> tuple[
    FloatArray, FloatArray, FloatArray
]:
    arrays = [np.asarray(a, dtype=np.float64).ravel() for a in (x, y, t)]
    if len({a.size for a in arrays}) != 1:
        raise InputError(f"x, y and t differ in length: {[a.size for a in arrays]}")
    for field, a in zip(("x", "y", "t"), arrays, strict=True):
        bad = np.flatnonzero(~np.isfinite(a))
        if bad.size:
            raise InputError(
                f"{a[bad[0]]} is not a finite number", row=int(bad[0]), field=field,
                hint="drop or fix events without a location or date",
            )
    return arrays[0], arrays[1], arrays[2]


@dataclass
class _Pairs:
    """Spatially close pairs, relabelled so that pairs near in memory are near in space."""

    i: npt.NDArray[np.int32]
    j: npt.NDArray[np.int32]
    slots: list[tuple[int, int]]  # pair ranges per space slot: bands, then "below first edge"
    order: IntArray  # event relabelling: new label k is old event order[k]


def _space_pairs(x: FloatArray, y: FloatArray, edges: FloatArray) -> _Pairs:
    n = x.size
    n_slots = edges.size  # edges.size - 1 bands plus one "below the first edge" slot
    if n < 2:
        empty = np.empty(0, np.int32)
        return _Pairs(empty, empty, [(0, 0)] * n_slots, np.arange(n))
    tree = cKDTree(np.column_stack([x, y]), leafsize=16)
    order = np.asarray(tree.indices, dtype=np.int64)
    new_label = np.empty(n, np.int64)
    new_label[order] = np.arange(n)
    raw = tree.query_pairs(r=float(edges[-1]), output_type="ndarray")
    del tree
    step = 2**22
    parts = [_slot_pairs(raw[s : s + step], x, y, new_label, edges) for s in range(0, len(raw), step)]
    del raw
    i = np.concatenate([p[0] for p in parts] or [np.empty(0, np.int32)])
    j = np.concatenate([p[1] for p in parts] or [np.empty(0, np.int32)])
    slot = np.concatenate([p[2] for p in parts] or [np.empty(0, np.uint16)])
    del parts
    if n_slots > 2 or edges[0] > 0:  # more than one slot can be populated: group pairs by slot
        by_slot = np.argsort(slot, kind="stable")
        i, j, slot = i[by_slot], j[by_slot], slot[by_slot]
        del by_slot
    bounds = np.searchsorted(slot, np.arange(n_slots + 1))
    return _Pairs(i, j, [(int(bounds[k]), int(bounds[k + 1])) for k in range(n_slots)], order)


def _slot_pairs(
    raw: npt.NDArray[np.intp], x: FloatArray, y: FloatArray, new_label: IntArray, edges: FloatArray
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32], npt.NDArray[np.uint16]]:
    a, b = raw[:, 0], raw[:, 1]
    i, j = new_label[a].astype(np.int32), new_label[b].astype(np.int32)
    if edges.size == 2 and edges[0] == 0:  # one band holding every pair the tree returned
        return i, j, np.zeros(a.size, np.uint16)
    dx, dy = x[a] - x[b], y[a] - y[b]
    slot = band_index(dx * dx + dy * dy, edges * edges)
    # The tree decides the outer edge (as pointpats does); squares decide the inner ones.
    slot = np.minimum(slot, edges.size - 2)
    slot[slot < 0] = edges.size - 1
    return i, j, slot.astype(np.uint16)


@dataclass
class _Test:
    """One cumulative test ``op(gap, threshold)`` on time codes; it counts the pairs it passes."""

    op: np.ufunc
    threshold: np.generic


def _cumulative_tests(edges: FloatArray) -> list[tuple[str, float]]:
    """Tests whose cumulative counts give every band: ``gap < e0`` (if e0 > 0), ``gap <= e_k``."""
    tests = [("lt", float(edges[0]))] if edges[0] > 0 else []
    return tests + [("le", float(e)) for e in edges[1:]]


def _time_tests(t: FloatArray, edges: FloatArray) -> tuple[npt.NDArray[Any], list[_Test]]:
    """Time codes and the tests to run on their gaps, exact either way.

    Memory traffic is the cost of the permutations, so when every time is a whole day within
    an 87-year span (the usual case for dated incidents) the codes are int16 days from the
    first event, a quarter of the traffic of float64; otherwise they are the float64 times.
    """
    ops = {"le": np.less_equal, "lt": np.less}
    tests = _cumulative_tests(edges)
    rel = t - t.min() if t.size else t.copy()
    if (rel.size == 0 or rel.max() <= _MAX_DAYS_INT16) and bool(np.all(rel == np.round(rel))):
        # Integer gaps: "gap <= e" is "gap <= floor(e)" and "gap < e" is "gap <= ceil(e) - 1".
        thr = [math.floor(e) if op == "le" else math.ceil(e) - 1 for op, e in tests]
        out = [
            _Test(np.less_equal, np.int16(min(v, _MAX_DAYS_INT16)))
            for (op, e), v in zip(tests, thr, strict=True)
        ]
        return rel.astype(np.int16), out
    # Raw times, not t - t.min(): the shift would change the rounding of the gaps.
    return t.copy(), [_Test(ops[op], np.float64(e)) for op, e in tests]


def _pairs_within(ts: FloatArray, e: float, strict: bool) -> int:
    """Unordered pairs of the sorted times ``ts`` with ``fl(t_j - t_i) <= e`` (``<`` if strict)."""
    n = ts.size
    if n < 2:
        return 0
    idx = np.arange(n)
    k = np.searchsorted(ts, ts + e, side="left" if strict else "right")
    k = np.clip(k, idx + 1, n)

    def inside(kk: IntArray) -> npt.NDArray[np.bool_]:
        gap = ts[np.minimum(kk, n - 1)] - ts
        return gap < e if strict else gap <= e

    # ts + e is rounded, so the first index past the gap can be off by a few: walk it exactly.
    while True:
        up = (k < n) & inside(k)
        if not up.any():
            break
        k[up] += 1
    while True:
        down = (k > idx + 1) & ~inside(k - 1)
        if not down.any():
            break
        k[down] -= 1
    return int(np.sum(k - idx - 1))


def _all_pair_cumulative(t: FloatArray, edges: FloatArray) -> IntArray:
    ts = np.sort(t)
    return np.array(
        [_pairs_within(ts, e, op == "lt") for op, e in _cumulative_tests(edges)], dtype=np.int64
    )


class _Kernel:
    """Counts, per permutation, space slot and test, the close pairs whose gap passes the test."""

    def __init__(self, pairs: _Pairs, tests: list[_Test]) -> None:
        self.pairs, self.tests = pairs, tests

    def run(self, times: npt.NDArray[Any]) -> IntArray:
        """Cumulative counts ``(permutation, slot, test)``; ``times[e, p]`` is e's time in p."""
        width = times.shape[1]
        out = np.zeros((width, len(self.pairs.slots), len(self.tests)), np.int64)
        gap = np.empty((_PAIR_CHUNK, width), times.dtype)
        other = np.empty_like(gap)
        hit = np.empty((_PAIR_CHUNK, width), np.bool_)
        acc = np.zeros((len(self.tests), _PAIR_CHUNK, width), np.uint8)
        for s, (lo, hi) in enumerate(self.pairs.slots):
            for step, c in enumerate(range(lo, hi, _PAIR_CHUNK)):
                m = min(_PAIR_CHUNK, hi - c)
                # mode="clip" skips NumPy's bounds-checked buffering; indices are valid already.
                np.take(times, self.pairs.i[c : c + m], axis=0, out=gap[:m], mode="clip")
                np.take(times, self.pairs.j[c : c + m], axis=0, out=other[:m], mode="clip")
                np.subtract(gap[:m], other[:m], out=gap[:m])
                np.abs(gap[:m], out=gap[:m])
                for k, test in enumerate(self.tests):
                    test.op(gap[:m], test.threshold, out=hit[:m])
                    np.add(acc[k, :m], hit[:m], out=acc[k, :m])
                if (step + 1) % _FLUSH_EVERY == 0:
                    _flush(acc, out[:, s, :])
            _flush(acc, out[:, s, :])
        return out


def _flush(acc: npt.NDArray[np.uint8], into: IntArray) -> None:
    into += acc.sum(axis=1, dtype=np.int64).T
    acc[...] = 0


class _Engine:
    """Observed and permuted cumulative counts over the spatially close pairs."""

    def __init__(
        self, x: FloatArray, y: FloatArray, t: FloatArray, space: FloatArray, time: FloatArray
    ) -> None:
        self.n = t.size
        self.pairs = _space_pairs(x, y, space)
        self.codes, tests = _time_tests(t[self.pairs.order], time)
        self.kernel = _Kernel(self.pairs, tests)
        self.all_time = _all_pair_cumulative(t, time)
        self.slot_sizes = np.array([hi - lo for lo, hi in self.pairs.slots], dtype=np.int64)
        self.has_lt = bool(time[0] > 0)

    def observed(self) -> IntArray:
        return self.kernel.run(self.codes[:, None])[0]

    def permuted(self, permutations: int, rng: RngLike, workers: int | None) -> IntArray:
        # Two buffers of n x batch times: the shuffled rows and their event-major transpose.
        per_column = self.n * 2 * self.codes.itemsize
        size = max(1, min(_MAX_BATCH, _BATCH_BYTES // max(1, per_column)))
        sizes = [min(size, permutations - s) for s in range(0, permutations, size)]
        # One child generator per batch: results do not depend on the number of workers.
        jobs = list(zip(sizes, as_generator(rng).spawn(len(sizes)), strict=True))
        n_workers = min(workers or os.cpu_count() or 1, len(jobs))
        if n_workers <= 1 or self.pairs.i.size * permutations < 10**6:
            results = [self._run_batch(job) for job in jobs]
        else:
            with ThreadPoolExecutor(max_workers=n_workers) as pool:
                results = list(pool.map(self._run_batch, jobs))
        if not results:
            return np.zeros((0, len(self.pairs.slots), len(self.kernel.tests)), np.int64)
        return np.concatenate(results, axis=0)

    def _run_batch(self, job: tuple[int, np.random.Generator]) -> IntArray:
        width, gen = job
        rows = np.empty((width, self.n), self.codes.dtype)
        for r in range(width):
            rows[r] = self.codes
            gen.shuffle(rows[r])
        return self.kernel.run(np.ascontiguousarray(rows.T))

    def table(self, cumulative: IntArray, beyond: bool) -> IntArray:
        """Band counts ``(..., space band, time band)`` from cumulative counts ``(..., slot, test)``.

        With ``beyond`` a last row (farther than the last space edge) and a last column (longer
        than the last time edge) are added; they follow from totals that permutations keep.
        """
        cells = _bands(cumulative, self.has_lt)
        bands = cells[..., :-1, :]  # drop the "below the first space edge" slot
        if not beyond:
            return bands
        row = _bands(self.all_time, self.has_lt) - cells.sum(axis=-2)
        col = self.slot_sizes - cumulative[..., -1]  # close in space, beyond the last time edge
        total = self.n * (self.n - 1) // 2
        corner = (total - self.all_time[-1]) - col.sum(axis=-1)
        upper = np.concatenate([bands, col[..., :-1, None]], axis=-1)
        lower = np.concatenate([row, np.asarray(corner)[..., None]], axis=-1)
        return np.concatenate([upper, lower[..., None, :]], axis=-2)


def _bands(cum: IntArray, has_lt: bool) -> IntArray:
    """Band 0 is ``le e1 - lt e0`` (or ``le e1`` when e0 == 0); band k is ``le e(k+1) - le e(k)``."""
    if has_lt:
        return np.diff(cum, axis=-1)
    return np.concatenate([cum[..., :1], np.diff(cum, axis=-1)], axis=-1)


def _p_values(observed: IntArray, sims: IntArray) -> FloatArray:
    """One-sided ``(k + 1) / (P + 1)`` with ``k`` = permutations with count >= observed."""
    k = (sims >= observed).sum(axis=0)
    return (k + 1.0) / (sims.shape[0] + 1.0)


def _ratio(observed: npt.ArrayLike, expected: npt.ArrayLike) -> FloatArray:
    obs = np.asarray(observed, dtype=np.float64)
    exp = np.asarray(expected, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        # 0/0 (no pairs either way) is undefined: NaN, not 1 and not an error.
        return np.where(exp > 0, obs / np.where(exp > 0, exp, 1.0), np.where(obs > 0, np.inf, np.nan))


def _check_permutations(permutations: int) -> int:
    if isinstance(permutations, bool) or int(permutations) != permutations or permutations < 0:
        raise ValueError(f"permutations must be a non-negative integer, got {permutations!r}")
    return int(permutations)


class NearRepeat:
    """Near-repeat matrix: Knox tests over space bands x time bands.

    For every cell (a distance band and a time band) it counts the pairs of events whose distance
    and time gap fall in the bands, and compares the count with the counts obtained after
    randomly permuting event times (Johnson & Bowers 2004; Ratcliffe 2009).

    Parameters
    ----------
    x, y : array_like
        Projected coordinates in metres (see :mod:`rescuewatch.analyse.points`).
    t : array_like
        Event times in days (floats).
    space_bands : sequence of float
        Distance band edges in metres, e.g. ``[0, 0, 100, 200, 400]`` for "same location",
        (0, 100], (100, 200], (200, 400]. Bands are ``(lo, hi]``; the first is ``[lo, hi]``.
    time_bands : sequence of float
        Time-gap band edges in days, with the same closure, e.g. ``[0, 7, 14, 21]``.
    permutations : int, default 999
        Monte Carlo permutations of event times.
    rng : numpy.random.Generator, SeedSequence, int or None
        Source of randomness; the same seed gives the same result whatever ``workers`` is.
    beyond : bool, default False
        Add a last row for pairs farther than the last space edge and a last column for gaps
        longer than the last time edge (their upper edge is ``inf``).
    workers : int, optional
        Threads for the permutations (default: all CPUs).
    keep : bool, default False
        Keep the permuted tables in ``sim``.

    Attributes
    ----------
    space_bands, time_bands : numpy.ndarray
        The edges (with ``inf`` appended when ``beyond``).
    observed : numpy.ndarray of int, shape (space bands, time bands)
        Pair counts.
    expected : numpy.ndarray of float
        Mean count over the permutations.
    knox_ratio : numpy.ndarray of float
        ``observed / expected`` (NaN where both are 0, ``inf`` where only expected is 0).
    p_values : numpy.ndarray of float
        One-sided ``(k + 1) / (permutations + 1)``, ``k`` the permutations with a count >=
        the observed one (1.0 when ``permutations == 0``).
    permutations : int
    n : int
        Number of events.
    sim : numpy.ndarray, optional
        Permuted tables, shape (permutations, space bands, time bands), when ``keep``.

    Raises
    ------
    rescuewatch.errors.InputError
        When a coordinate or time is NaN or infinite (``row`` is the event's 0-based index) or
        the arrays differ in length.
    ValueError
        When band edges are not increasing, negative or fewer than two.

    Notes
    -----
    The p-values are per cell and not corrected for the number of cells tested. Each cell's
    expected count is the mean over the permutations, so ratios carry Monte Carlo error.

    References
    ----------
    Johnson, S. D., & Bowers, K. J. (2004). The burglary as clue to the future. *European
    Journal of Criminology*, 1(2), 237-255.
    Ratcliffe, J. H. (2009). *Near Repeat Calculator* (version 1.3). Temple University.
    """

    def __init__(
        self,
        x: npt.ArrayLike,
        y: npt.ArrayLike,
        t: npt.ArrayLike,
        space_bands: Sequence[float] | npt.ArrayLike,
        time_bands: Sequence[float] | npt.ArrayLike,
        *,
        permutations: int = 999,
        rng: RngLike = None,
        beyond: bool = False,
        workers: int | None = None,
        keep: bool = False,
    ) -> None:
        xs, ys, ts = _check_points(x, y, t)
        space = _check_edges(space_bands, "space_bands")
        time = _check_edges(time_bands, "time_bands")
        self.permutations = _check_permutations(permutations)
        self.n = ts.size
        self.beyond = beyond
        engine = _Engine(xs, ys, ts, space, time)
        self.observed = engine.table(engine.observed(), beyond)
        sims = engine.table(engine.permuted(self.permutations, rng, workers), beyond)
        self.expected = sims.mean(axis=0) if self.permutations else np.full(self.observed.shape, np.nan)
        self.knox_ratio = _ratio(self.observed, self.expected)
        self.p_values = _p_values(self.observed, sims)
        self.space_bands = np.append(space, np.inf) if beyond else space
        self.time_bands = np.append(time, np.inf) if beyond else time
        if keep:
            self.sim = sims

    def to_frame(self) -> Any:
        """One row per (space band, time band), as a tidy :class:`pandas.DataFrame`.

        Columns: ``space_lo, space_hi, time_lo, time_hi, observed, expected, ratio, p_value``.
        """
        import pandas as pd

        s_lo, s_hi = self.space_bands[:-1], self.space_bands[1:]
        t_lo, t_hi = self.time_bands[:-1], self.time_bands[1:]
        si = np.repeat(np.arange(s_lo.size), t_lo.size)
        ti = np.tile(np.arange(t_lo.size), s_lo.size)
        return pd.DataFrame(
            {
                "space_lo": s_lo[si], "space_hi": s_hi[si],
                "time_lo": t_lo[ti], "time_hi": t_hi[ti],
                "observed": self.observed.ravel(), "expected": self.expected.ravel(),
                "ratio": self.knox_ratio.ravel(), "p_value": self.p_values.ravel(),
            }
        )

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: the method, its parameters and one record per cell."""
        cells = self.to_frame().replace({np.inf: None, np.nan: None}).to_dict(orient="records")
        return {
            "method": "near-repeat (Knox) matrix, permutation of event times",
            "closure": "bands are (lo, hi]; the first band is [lo, hi]",
            "n": self.n,
            "permutations": self.permutations,
            "space_bands_m": _json_edges(self.space_bands),
            "time_bands_days": _json_edges(self.time_bands),
            "cells": cells,
        }


def _json_edges(edges: FloatArray) -> list[float | None]:
    return [None if math.isinf(e) else float(e) for e in edges]


class Knox:
    """Knox test for space-time interaction, with Monte Carlo inference.

    A pair of events is close in space when their distance is ``<= delta`` and close in time
    when their gap is ``<= tau`` (the closure of :class:`pointpats.spacetime.Knox`). The
    statistic is the number of pairs close in both (Knox 1964); its null distribution comes
    from permuting event times (Mantel 1967).

    Parameters
    ----------
    x, y : array_like
        Projected coordinates in metres.
    t : array_like
        Event times in days.
    delta : float
        Distance threshold in metres (inclusive).
    tau : float
        Time threshold in days (inclusive).
    permutations : int, default 999
    rng : numpy.random.Generator, SeedSequence, int or None
    workers : int, optional
        Threads for the permutations (default: all CPUs).
    keep : bool, default False
        Keep the permuted statistics in ``sim``.

    Attributes
    ----------
    statistic : int
        Pairs close in space and time (``NST``).
    observed : numpy.ndarray, shape (2, 2)
        ``[[NST, NS - NST], [NT - NST, rest]]``: rows close / not close in space, columns close
        / not close in time, as in pointpats.
    expected : numpy.ndarray, shape (2, 2)
        Expected table under no interaction, ``E[NST] = NS * NT / (n (n - 1) / 2)``; this is
        the exact mean of the permutation distribution.
    sim_mean : float
        Mean of the permuted statistics.
    ratio : float
        Knox ratio ``statistic / sim_mean`` (Ratcliffe's definition).
    p_value : float
        One-sided permutation p-value ``(k + 1) / (permutations + 1)``.
    p_poisson : float
        ``P(X > statistic)`` for ``X ~ Poisson(E[NST])``, as pointpats reports it.
    permutations, n : int
    sim : numpy.ndarray, optional
        Permuted statistics, when ``keep``.

    References
    ----------
    Knox, E. G. (1964). The detection of space-time interactions. *Journal of the Royal
    Statistical Society, Series C*, 13(1), 25-30.
    Mantel, N. (1967). The detection of disease clustering and a generalized regression
    approach. *Cancer Research*, 27(2), 209-220.
    """

    def __init__(
        self,
        x: npt.ArrayLike,
        y: npt.ArrayLike,
        t: npt.ArrayLike,
        delta: float,
        tau: float,
        *,
        permutations: int = 999,
        rng: RngLike = None,
        workers: int | None = None,
        keep: bool = False,
    ) -> None:
        for name, value in (("delta", delta), ("tau", tau)):
            if not (math.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a finite, non-negative number, got {value!r}")
        self.delta, self.tau = float(delta), float(tau)
        nr = NearRepeat(
            x, y, t, [0.0, self.delta], [0.0, self.tau], permutations=permutations, rng=rng,
            beyond=True, workers=workers, keep=True,
        )
        self.n, self.permutations = nr.n, nr.permutations
        self.observed = nr.observed
        self.statistic = int(nr.observed[0, 0])
        sims = nr.sim[:, 0, 0]
        self.sim_mean = float(sims.mean()) if sims.size else math.nan
        self.ratio = float(_ratio(self.statistic, self.sim_mean)) if sims.size else math.nan
        self.p_value = float(_p_values(np.asarray(self.statistic), sims))
        self.expected = _expected_table(self.observed)
        self.p_poisson = float(poisson.sf(self.statistic, self.expected[0, 0]))
        if keep:
            self.sim = sims

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict of the parameters and results."""
        return {
            "method": "Knox test, permutation of event times",
            "closure": "close means distance <= delta and time gap <= tau",
            "n": self.n, "delta_m": self.delta, "tau_days": self.tau,
            "permutations": self.permutations, "statistic": self.statistic,
            "observed": self.observed.tolist(), "expected": self.expected.tolist(),
            "sim_mean": None if math.isnan(self.sim_mean) else self.sim_mean,
            "ratio": None if not math.isfinite(self.ratio) else self.ratio,
            "p_value": self.p_value, "p_poisson": self.p_poisson,
        }


def _expected_table(observed: IntArray) -> FloatArray:
    total = float(observed.sum())
    ns, nt = float(observed[0].sum()), float(observed[:, 0].sum())
    enst = ns * nt / total if total > 0 else 0.0
    return np.array([[enst, ns - enst], [nt - enst, total - ns - nt + enst]])
