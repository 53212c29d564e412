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

Time codes decide the cost, which is memory traffic. Whole days become exact int16 day codes.
Other times become coarse int16 codes ``floor((t - t_min) * 32000 / span)``: a code gap settles
every pair except those in a grey band of two or three codes around an edge, which a scan finds
every few kernel steps and which are then decided by the float64 gap of their exact times, the
very comparison of the plain path; a rounding bound (:func:`_coarse_codes`) makes the counts
exactly those of float64. Permutations shuffle 32-bit keys that give back both the code and the
exact time. A shuffle's draws do not depend on what is shuffled and batch sizes follow the plain
path, so for a given seed the permutations, and so the p-values, are those of plain float64.

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
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.stats import poisson

from rescuewatch.analyse._knox_engine import _Engine, as_generator, band_index
from rescuewatch.errors import InputError

__all__ = ["Knox", "NearRepeat", "band_index", "as_generator", "check_edges", "RngLike"]

RngLike = np.random.Generator | np.random.SeedSequence | int | None
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def check_edges(edges: npt.ArrayLike, name: str) -> FloatArray:
    """Band edges as an array; :class:`ValueError` unless finite, non-negative and increasing."""
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
        space = check_edges(space_bands, "space_bands")
        time = check_edges(time_bands, "time_bands")
        self.permutations = _check_permutations(permutations)
        self.n = ts.size
        self.beyond = beyond
        engine = _Engine(xs, ys, ts, space, time, self.permutations, rng, workers)
        try:
            self.observed = engine.table(engine.observed(), beyond)
            sims = engine.table(engine.permuted(), beyond)
        finally:
            engine.close()  # idle threads and early shuffles, should anything have failed
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
        ``P(X >= statistic)`` for ``X ~ Poisson(E[NST])``: the chance of at least as many
        pairs close in both, the one-sided p-value of the permutation test's kind. pointpats
        reports ``P(X > statistic)``, which leaves the observed count out and is smaller
        (2 pairs against 1.6 expected: 0.22 where the chance of 2 or more is 0.48). 1.0 when
        ``E[NST]`` is 0 (no pair can be close in both, so there is no evidence either way).
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
        # With no pair expected close in both (none close in space, or none in time) none can
        # be observed: P(X > 0) = 0 for X ~ Poisson(0) would read as overwhelming clustering.
        self.p_poisson = (float(poisson.sf(self.statistic - 1, self.expected[0, 0]))
                          if self.expected[0, 0] > 0 else 1.0)
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
