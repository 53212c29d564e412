"""The engine of the Knox test and near-repeat matrix: close pairs, time codes, permutations.

Split from :mod:`rescuewatch.analyse.knox`, whose docstring describes the method, the band
closure and the exact fast paths implemented here; this module has no public API.
"""

from __future__ import annotations

import math
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

RngLike = np.random.Generator | np.random.SeedSequence | int | None
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_PAIR_CHUNK = 4096  # pairs per kernel step: the step's buffers stay in the CPU cache
_FLUSH_EVERY = 255  # uint8 accumulators take at most 255 increments before overflowing
_TRANSPOSE_BLOCK = 4096  # events per block of the transposition of shuffled rows
_EARLY_SHUFFLE_N = 100_000  # events from which batches are shuffled while pairs are found
_EARLY_BATCHES = 4  # batches shuffled meanwhile (each holds its rows until its turn)
_BATCH_BYTES = 512 * 2**20  # permutation buffers per worker
_MAX_BATCH = 64
_MAX_DAYS_INT16 = 32000  # whole-day codes in int16: their gaps stay within int16
_CODE_MAX = 32000  # coarse int16 codes of real-valued times: their gaps stay within int16
_CODE_SLACK = 1e-4  # code units kept clear of an edge; rounding accounts for under 1e-10
_SCAN_EVERY = 16  # kernel steps between scans for grey gaps (near an edge) to recheck
_MAX_RECHECK = 2e-3  # above this expected share of grey pairs, plain float64 is faster


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


@dataclass
class _Recheck:
    """Coarse codes decide a gap only away from an edge; the rest is retested in float64.

    A code gap ``d`` passes test ``k`` for sure when ``d <= sure[k]`` (the kernel's test), fails
    for sure when ``d > maybe[k]``, and between the two the float64 gap of the exact times
    decides with ``tests[k]``, the comparison of the plain float64 path. Permutations shuffle
    event keys ``code * 2**16 + rank among the events of that code``: ``key >> 16`` is the code
    and the exact time of a key is ``exact[starts[key >> 16] + (key & 0xFFFF)]``, ``exact``
    sorted by key and ``starts[c]`` the position of the first event of code ``c``.
    """

    maybe: list[np.int16]
    starts: IntArray
    exact: FloatArray
    tests: list[_Test]

    def exact_times(self, keys: npt.NDArray[np.int32]) -> FloatArray:
        return self.exact[self.starts[keys >> 16] + (keys & 0xFFFF)]


@dataclass
class _TimeCodes:
    codes: npt.NDArray[Any]
    tests: list[_Test]
    recheck: _Recheck | None = None
    keys: npt.NDArray[np.int32] | None = None  # per event, with coarse codes


def _cumulative_tests(edges: FloatArray) -> list[tuple[str, float]]:
    """Tests whose cumulative counts give every band: ``gap < e0`` (if e0 > 0), ``gap <= e_k``."""
    tests = [("lt", float(edges[0]))] if edges[0] > 0 else []
    return tests + [("le", float(e)) for e in edges[1:]]


def _time_tests(t: FloatArray, edges: FloatArray) -> _TimeCodes:
    """Time codes and the tests to run on their gaps, exact in every case.

    Memory traffic is the cost of the permutations, so when every time is a whole day within
    an 87-year span (the usual case for dated incidents) the codes are int16 days from the
    first event, a quarter of the traffic of float64. Other times get coarse int16 codes with
    a float64 recheck of the few gaps near an edge (:func:`_coarse_codes`), or, when too many
    gaps would need it, stay float64.
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
        return _TimeCodes(rel.astype(np.int16), out)
    # Raw times, not t - t.min(): the shift would change the rounding of the gaps.
    exact = [_Test(ops[op], np.float64(e)) for op, e in tests]
    coarse = _coarse_codes(t, [e for _, e in tests])
    if coarse is not None:
        codes, sure, maybe = coarse
        by_code = np.argsort(codes, kind="stable")
        sc = codes[by_code].astype(np.int32)
        rank = np.arange(t.size) - np.searchsorted(sc, sc, side="left")
        if rank.max() < 2**16 and _recheck_share(sc, sure, maybe) <= _MAX_RECHECK:
            keys = np.empty(t.size, np.int32)
            keys[by_code] = sc * 2**16 + rank.astype(np.int32)
            starts = np.searchsorted(sc, np.arange(_CODE_MAX + 1)).astype(np.int64)
            recheck = _Recheck(maybe, starts, t[by_code], exact)
            return _TimeCodes(codes, [_Test(np.less_equal, k) for k in sure], recheck, keys)
    return _TimeCodes(t.copy(), exact)


def _coarse_codes(
    t: FloatArray, edges: list[float]
) -> tuple[npt.NDArray[np.int16], list[np.int16], list[np.int16]] | None:
    """Codes ``c = floor((t - t.min()) * s)`` in ``[0, 32000]`` and per edge the code gaps
    ``sure`` and ``maybe``: ``|c_i - c_j| <= sure`` implies ``fl(|t_i - t_j|) < e`` and
    ``|c_i - c_j| > maybe`` implies ``fl(|t_i - t_j|) > e``, whatever the rounding.

    Why: with ``a = t - t.min()`` exact and ``R`` the span, ``fl(a)`` and ``fl(fl(a) * s)``
    are within ``2**-52 * 32000`` code units of ``a * s``, and the float64 gap is within
    ``2**-53 * R`` of the true one, so ``|s * fl(|t_i - t_j|) - |c_i - c_j|| < 1 + 1e-10``
    (flooring loses less than one unit at each end). The slack ``_CODE_SLACK`` covers that
    and the rounding of ``s * e``. ``None`` when the span is outside ``(1e-300, 1e300)``.
    """
    lo, span = float(t.min()), float(t.max()) - float(t.min())
    if not (1e-300 < span < 1e300):
        return None
    s = _CODE_MAX / span
    codes = np.minimum(np.floor((t - lo) * s), _CODE_MAX).astype(np.int16)
    sure, maybe = [], []
    for e in edges:
        se = s * e
        if se > 2 * _CODE_MAX:  # every code gap (at most 32000) is surely within e
            sure.append(np.int16(_CODE_MAX))
            maybe.append(np.int16(_CODE_MAX))
            continue
        # Largest integer below se - 1 - slack and smallest above se + 1 + slack.
        sure.append(np.int16(min(math.ceil(se - 1 - _CODE_SLACK) - 1, _CODE_MAX)))
        maybe.append(np.int16(min(math.floor(se + 1 + _CODE_SLACK), _CODE_MAX)))
    return codes, sure, maybe


def _recheck_share(sc: npt.NDArray[np.int32], sure: list[np.int16], maybe: list[np.int16]) -> float:
    """Share of the pairs of events (sorted codes ``sc``) whose code gap is between ``sure``
    and ``maybe``, summed over the tests: the expected share of close pairs to recheck."""
    n = sc.size
    if n < 2:
        return 0.0
    idx = np.arange(n)

    def within(k: int) -> int:
        return int(np.sum(np.searchsorted(sc, sc + k, side="right") - idx - 1)) if k >= 0 else 0

    grey = sum(within(int(m)) - within(int(s)) for s, m in zip(sure, maybe, strict=True))
    return grey / (n * (n - 1) / 2)


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

    def __init__(self, pairs: _Pairs, tests: list[_Test], recheck: _Recheck | None = None) -> None:
        self.pairs, self.tests, self.recheck = pairs, tests, recheck

    def run(self, times: npt.NDArray[Any], keys: npt.NDArray[np.int32] | None = None) -> IntArray:
        """Cumulative counts ``(permutation, slot, test)``; ``times[e, p]`` is e's time in p.

        With coarse codes, ``keys[p, e]`` is the key (see :class:`_Recheck`) e has in p.
        """
        width, n_tests = times.shape[1], len(self.tests)
        maybe = self.recheck.maybe if self.recheck is not None else []
        # Counts of "d <= maybe" next to those of "d <= sure": a cell where they differ holds a
        # grey gap. A scan every few steps finds them (few steps: few pairs per cell to look at).
        every = _SCAN_EVERY if maybe else _FLUSH_EVERY
        checks = [*(t.threshold for t in self.tests), *maybe]
        ops = [t.op for t in self.tests] + [np.less_equal] * len(maybe)
        out = np.zeros((width, len(self.pairs.slots), n_tests), np.int64)
        gap = np.empty((_PAIR_CHUNK, width), times.dtype)
        other = np.empty_like(gap)
        hit = np.empty((_PAIR_CHUNK, width), np.bool_)
        hit_u8 = hit.view(np.uint8)  # uint8 + uint8 skips the cast of bool, twice as fast
        acc = np.zeros((len(checks), _PAIR_CHUNK, width), np.uint8)
        for s, (lo, hi) in enumerate(self.pairs.slots):
            unflushed = 0
            for start in range(lo, hi, _PAIR_CHUNK * every):
                stop = min(hi, start + _PAIR_CHUNK * every)
                if unflushed + every > _FLUSH_EVERY:  # uint8 counts would overflow
                    _flush(acc, out[:, s, :], n_tests)
                    unflushed = 0
                for c in range(start, stop, _PAIR_CHUNK):
                    m = min(_PAIR_CHUNK, stop - c)
                    # mode="clip" skips NumPy's bounds-checked buffering; indices are valid.
                    np.take(times, self.pairs.i[c : c + m], axis=0, out=gap[:m], mode="clip")
                    np.take(times, self.pairs.j[c : c + m], axis=0, out=other[:m], mode="clip")
                    np.subtract(gap[:m], other[:m], out=gap[:m])
                    np.abs(gap[:m], out=gap[:m])
                    for k, (op, threshold) in enumerate(zip(ops, checks, strict=True)):
                        op(gap[:m], threshold, out=hit[:m])
                        np.add(acc[k, :m], hit_u8[:m], out=acc[k, :m])
                unflushed += every
                if maybe:
                    out[:, s, :] += self._rechecked(acc, start, stop, times, keys)
            _flush(acc, out[:, s, :], n_tests)
        return out

    def _rechecked(
        self, acc: npt.NDArray[np.uint8], start: int, stop: int, times: npt.NDArray[Any],
        keys: npt.NDArray[np.int32] | None,
    ) -> IntArray:
        """Per permutation and test, the grey pairs of ``[start, stop)`` that pass in float64."""
        assert self.recheck is not None and keys is not None
        rc = self.recheck
        width, n_tests = times.shape[1], len(self.tests)
        found = np.zeros((width, n_tests), np.int64)
        steps = np.arange(0, stop - start, _PAIR_CHUNK)
        for k in range(n_tests):
            cells = _changed(acc[n_tests + k], acc[k])
            if cells.size == 0:
                continue
            pos, col = np.divmod(cells, width)
            # Pair c of a grey cell (pos, col) is start + pos + step; step runs over the window.
            c = ((start + pos)[:, None] + steps).ravel()
            col = np.repeat(col, steps.size)
            if (stop - start) % _PAIR_CHUNK:  # a short last step: its tail cells are stale
                c, col = c[c < stop], col[c < stop]
            ia = self.pairs.i[c] * np.int64(width) + col
            ib = self.pairs.j[c] * np.int64(width) + col
            flat = times.reshape(-1)
            d = np.abs(flat[ia] - flat[ib])
            grey = (d > self.tests[k].threshold) & (d <= rc.maybe[k])
            a, b, col = ia[grey] // width, ib[grey] // width, col[grey]
            g = np.abs(rc.exact_times(keys[col, a]) - rc.exact_times(keys[col, b]))
            test = rc.tests[k]
            found[:, k] = np.bincount(col[test.op(g, test.threshold)], minlength=width)
        return found


def _changed(maybe: npt.NDArray[np.uint8], sure: npt.NDArray[np.uint8]) -> IntArray:
    """Flat indices where ``maybe`` differs from ``sure``; then ``maybe`` is reset to ``sure``.

    Grey cells are rare, so the comparison runs on 8-byte words first.
    """
    flat_m, flat_s = maybe.reshape(-1), sure.reshape(-1)
    if flat_m.size % 8:
        cells = np.flatnonzero(flat_m != flat_s)
    else:
        words = np.flatnonzero(flat_m.view(np.uint64) != flat_s.view(np.uint64))
        cells = (words[:, None] * 8 + np.arange(8)).ravel()
        cells = cells[flat_m[cells] != flat_s[cells]]
    flat_m[cells] = flat_s[cells]
    return cells


def _flush(acc: npt.NDArray[np.uint8], into: IntArray, n_tests: int) -> None:
    """Add the test counts to ``into`` and zero every accumulator (grey-gap ones included)."""
    into += acc[:n_tests].sum(axis=1, dtype=np.int64).T
    acc[...] = 0


def _event_major(rows: npt.NDArray[Any], out: npt.NDArray[Any], shift: int = 0) -> None:
    """``out[e, p] = rows[p, e] >> shift``, in blocks that stay in the CPU cache."""
    block = np.empty((rows.shape[0], _TRANSPOSE_BLOCK), out.dtype)
    for e in range(0, rows.shape[1], _TRANSPOSE_BLOCK):
        part = block[:, : min(_TRANSPOSE_BLOCK, rows.shape[1] - e)]
        if shift:  # keys to int16 codes: the shifted keys fit by construction
            np.right_shift(rows[:, e : e + part.shape[1]], shift, out=part, casting="unsafe")
            out[e : e + part.shape[1]] = part.T
        else:
            out[e : e + part.shape[1]] = rows[:, e : e + part.shape[1]].T


def _batches(
    n: int, permutations: int, itemsize: int, rng: RngLike
) -> list[tuple[int, np.random.Generator]]:
    """Permutation batches (size, generator). The sizes fix the random stream, so they follow
    the times' plain codes (int16 days or float64 times: ``itemsize``), never the fast path."""
    per_column = n * 2 * itemsize
    size = max(1, min(_MAX_BATCH, _BATCH_BYTES // max(1, per_column)))
    sizes = [min(size, permutations - s) for s in range(0, permutations, size)]
    # One child generator per batch: results do not depend on the number of workers.
    return list(zip(sizes, as_generator(rng).spawn(len(sizes)), strict=True))


class _Engine:
    """Observed and permuted cumulative counts over the spatially close pairs.

    Permutation batches are fixed here, from ``permutations`` and ``rng``; when the pairs take a
    while to find, the first batches are shuffled meanwhile (the k-d tree releases the GIL).
    """

    def __init__(
        self, x: FloatArray, y: FloatArray, t: FloatArray, space: FloatArray, time: FloatArray,
        permutations: int = 0, rng: RngLike = None, workers: int | None = None,
    ) -> None:
        self.n = t.size
        coded = _time_tests(t, time)  # the path taken does not depend on the order of events
        plain_itemsize = 8 if coded.recheck is not None else coded.codes.itemsize
        self.jobs = _batches(self.n, permutations, plain_itemsize, rng)
        self.n_workers = min(workers or os.cpu_count() or 1, len(self.jobs))
        self._coarse = coded.recheck is not None
        self._local = threading.local()
        self._pool: ThreadPoolExecutor | None = None
        self._early: dict[int, Future[npt.NDArray[np.int32]]] = {}
        if self._coarse and self.n_workers > 1 and self.n >= _EARLY_SHUFFLE_N:
            self._pool = ThreadPoolExecutor(max_workers=self.n_workers)
            for k in range(min(_EARLY_BATCHES, len(self.jobs))):
                self._early[k] = self._pool.submit(self._early_shuffle, k)
        try:
            self.pairs = _space_pairs(x, y, space)
        except BaseException:
            self.close()
            raise
        order = self.pairs.order
        self.codes = coded.codes[order]
        self.keys = coded.keys[order] if coded.keys is not None else None
        self.kernel = _Kernel(self.pairs, coded.tests, coded.recheck)
        self.all_time = _all_pair_cumulative(t, time)
        self.slot_sizes = np.array([hi - lo for lo, hi in self.pairs.slots], dtype=np.int64)
        self.has_lt = bool(time[0] > 0)

    def observed(self) -> IntArray:
        keys = self.keys[None] if self.keys is not None else None
        return self.kernel.run(self.codes[:, None], keys)[0]

    def permuted(self) -> IntArray:
        """Cumulative counts of every permutation, batch after batch."""
        # Batches narrower than _MAX_BATCH run together: wider kernel steps cost less per
        # permutation, and grouping leaves each batch's draws as they are.
        per_group = -(-_MAX_BATCH // self.jobs[0][0]) if self.jobs else 1  # ceil division
        groups = [list(range(g, min(g + per_group, len(self.jobs))))
                  for g in range(0, len(self.jobs), per_group)]
        try:
            work = self.pairs.i.size * sum(size for size, _ in self.jobs)
            if self._pool is None and self.n_workers > 1 and work >= 10**6:
                self._pool = ThreadPoolExecutor(max_workers=self.n_workers)
            if self._pool is None:
                results = [self._run_group(g) for g in groups]
            else:
                results = list(self._pool.map(self._run_group, groups))
        finally:
            self.close()
        if not results:
            return np.zeros((0, len(self.pairs.slots), len(self.kernel.tests)), np.int64)
        return np.concatenate(results, axis=0)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _early_shuffle(self, k: int) -> npt.NDArray[np.int32]:
        """Batch ``k``'s shuffled event numbers, drawn before the pairs fix the labels: the
        shuffle's draws do not depend on the values, so the permutation is the same."""
        width, gen = self.jobs[k]
        rows = np.empty((width, self.n), np.int32)
        for r in range(width):
            rows[r] = np.arange(self.n, dtype=np.int32)
            gen.shuffle(rows[r])
        return rows

    def _run_group(self, group: list[int]) -> IntArray:
        """Shuffled rows of the batches in ``group`` (time codes, or keys with coarse codes;
        see :class:`_Recheck`), then their counts in one kernel run."""
        width = sum(self.jobs[k][0] for k in group)
        values = self.keys if self.keys is not None else self.codes
        # Buffers are reused by each thread: fresh ones cost a page fault every 4 KiB.
        rows = self._buffer("rows", width, values.dtype)
        r = 0
        for k in group:
            size, gen = self.jobs[k]
            early = self._early.pop(k, None)
            numbers = early.result() if early is not None else None
            for row in range(size):
                if numbers is not None:
                    np.take(values, numbers[row], out=rows[r + row])  # event numbers to keys
                else:
                    rows[r + row] = values
                    gen.shuffle(rows[r + row])
            r += size
        codes = self._buffer("codes", width, self.codes.dtype).reshape(self.n, width)
        _event_major(rows, codes, 16 if self.keys is not None else 0)
        return self.kernel.run(codes, rows if self.keys is not None else None)

    def _buffer(self, name: str, width: int, dtype: np.dtype[Any]) -> npt.NDArray[Any]:
        """This thread's ``(width, n)`` buffer ``name``, grown when needed."""
        buf = getattr(self._local, name, None)
        if buf is None or buf.size < width * self.n or buf.dtype != dtype:
            buf = np.empty(width * self.n, dtype)
            setattr(self._local, name, buf)
        return buf[: width * self.n].reshape(width, self.n)

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
