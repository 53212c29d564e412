"""Coarse int16 time codes with a float64 recheck give exactly the counts of plain float64.

Each case runs the same test twice with the same seed: once forced onto the coarse-code path
(``_MAX_RECHECK = inf``) and once onto plain float64 (``_MAX_RECHECK = -1``), and requires the
observed table and every permuted table to be equal. The inputs put many gaps exactly at,
one float64 step below and one step above the time edges, at huge offsets and below zero.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rescuewatch.analyse import _knox_engine as engine
from rescuewatch.analyse import knox


def _run(mp, fast, x, y, t, s_edges, t_edges, **kw):  # type: ignore[no-untyped-def]
    mp.setattr(engine, "_MAX_RECHECK", math.inf if fast else -1.0)
    coded = engine._time_tests(np.asarray(t, float), np.asarray(t_edges, float))
    assert (coded.recheck is not None) == fast, "the case did not take the intended path"
    return knox.NearRepeat(x, y, t, s_edges, t_edges, keep=True, beyond=True, **kw)


def _assert_same(monkeypatch, x, y, t, s_edges, t_edges, perms=30):  # type: ignore[no-untyped-def]
    fast = _run(monkeypatch, True, x, y, t, s_edges, t_edges, permutations=perms, rng=11)
    plain = _run(monkeypatch, False, x, y, t, s_edges, t_edges, permutations=perms, rng=11)
    np.testing.assert_array_equal(fast.observed, plain.observed)
    np.testing.assert_array_equal(fast.sim, plain.sim)
    np.testing.assert_array_equal(fast.p_values, plain.p_values)
    return fast


@pytest.fixture
def small_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tiny kernel steps and scan windows: many windows, short last steps, repeated grey cells."""
    monkeypatch.setattr(engine, "_PAIR_CHUNK", 64)
    monkeypatch.setattr(engine, "_SCAN_EVERY", 3)
    monkeypatch.setattr(engine, "_TRANSPOSE_BLOCK", 100)


def _points(n: int, seed: int, side: float = 300.0):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    return rng.uniform(0, side, n), rng.uniform(0, side, n), rng


def _edge_neighbours(base: np.ndarray, edges: list[float], rng: np.random.Generator) -> np.ndarray:
    """``base`` plus, per event, a partner whose float64 gap is at, just below or just above an
    edge (``nextafter`` of ``base + e``: the gap itself then rounds to either side of ``e``)."""
    e = rng.choice(np.asarray(edges, float), base.size)
    partner = base + e
    step = rng.integers(-2, 3, base.size)
    for k in (-2, -1, 1, 2):
        for _ in range(abs(k)):
            sel = step == k
            partner[sel] = np.nextafter(partner[sel], np.inf if k > 0 else -np.inf)
    return np.concatenate([base, partner])


TIME_CASES = {
    "days": lambda rng, n: rng.uniform(0, 40, n),
    "negative": lambda rng, n: rng.uniform(-60, -20, n),
    "around zero": lambda rng, n: rng.uniform(-15, 15, n),
    "offset 1e9": lambda rng, n: 1e9 + rng.uniform(0, 40, n),
    "offset 2**40, coarse grid": lambda rng, n: 2.0**40 + rng.integers(0, 40 * 4096, n) / 4096,
    "tenths": lambda rng, n: rng.integers(0, 400, n) * 0.1,
    "half days": lambda rng, n: rng.integers(0, 60, n) + 0.5,
    "huge span": lambda rng, n: rng.uniform(-1e15, 1e15, n),
}


@pytest.mark.parametrize("case", sorted(TIME_CASES))
def test_gaps_at_and_next_to_the_edges(
    monkeypatch: pytest.MonkeyPatch, small_steps: None, case: str
) -> None:
    x, y, rng = _points(150, sum(map(ord, case)))
    t_edges = [0.0, 0.0, 0.1, 1.0, 2.5, 7.0]
    t = _edge_neighbours(TIME_CASES[case](rng, 150), t_edges, rng)
    x, y = np.concatenate([x, x + rng.uniform(0, 30, x.size)]), np.concatenate([y, y])
    _assert_same(monkeypatch, x, y, t, [0, 0, 40, 120], t_edges)


@pytest.mark.parametrize("case", ["days", "offset 1e9", "tenths", "huge span"])
def test_first_edge_above_zero(
    monkeypatch: pytest.MonkeyPatch, small_steps: None, case: str
) -> None:
    x, y, rng = _points(300, 5)
    t_edges = [0.1, 1.0, 3.0]  # "gap < 0.1" is a strict test
    t = _edge_neighbours(TIME_CASES[case](rng, 150), t_edges, rng)
    _assert_same(monkeypatch, x, y, t, [10, 80, 160], t_edges)


def test_all_gaps_on_the_edge(monkeypatch: pytest.MonkeyPatch, small_steps: None) -> None:
    """Every gap is 0 or exactly tau: every code gap is grey and every cell is rechecked."""
    x, y, rng = _points(400, 8, side=100.0)
    t = np.where(rng.random(400) < 0.5, 3.7, 3.7 + 1.3)
    knox_fast = _assert_same(monkeypatch, x, y, t, [0, 60], [0, 1.3], perms=20)
    assert knox_fast.observed[0].sum() > 0


def test_default_chunks_many_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Default step sizes with several windows per slot (tens of thousands of close pairs)."""
    x, y, rng = _points(4000, 3, side=600.0)
    t = _edge_neighbours(rng.uniform(-200, 200, 2000), [0.5, 2.0], rng)
    _assert_same(monkeypatch, x, y, t, [0, 25, 50], [0, 0.5, 2.0], perms=12)


def test_batches_as_for_float64_times(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batch sizes fix the random stream: coarse codes must batch as float64 times do."""
    x, y, rng = _points(400, 2)
    t = rng.uniform(0, 30, 400)
    monkeypatch.setattr(engine, "_BATCH_BYTES", 400 * 16 * 5)  # 5 float64 permutations a batch
    fast = _assert_same(monkeypatch, x, y, t, [0, 50], [0, 1.0], perms=23)
    assert fast.sim.shape[0] == 23
    # Narrow batches run in groups of up to _MAX_BATCH; one at a time gives the same stream.
    monkeypatch.setattr(engine, "_MAX_BATCH", 5)
    alone = knox.NearRepeat(x, y, t, [0, 50], [0, 1.0], permutations=23, rng=11, keep=True)
    np.testing.assert_array_equal(alone.sim, fast.sim[:, :1, :1])


def test_knox_matches_plain_path(monkeypatch: pytest.MonkeyPatch, small_steps: None) -> None:
    x, y, rng = _points(500, 21)
    t = _edge_neighbours(1e6 + rng.uniform(0, 30, 250), [1.0], rng)
    monkeypatch.setattr(engine, "_EARLY_SHUFFLE_N", 0)  # first batches shuffled before the pairs
    results = []
    for share in (math.inf, -1.0):
        monkeypatch.setattr(engine, "_MAX_RECHECK", share)
        results.append(knox.Knox(x, y, t, 50.0, 1.0, permutations=99, rng=4, keep=True, workers=2))
    fast, plain = results
    assert fast.statistic == plain.statistic
    np.testing.assert_array_equal(fast.sim, plain.sim)
    assert fast.p_value == plain.p_value


def test_default_picks_coarse_codes_for_real_times() -> None:
    rng = np.random.default_rng(0)
    coded = engine._time_tests(rng.uniform(0, 365, 10_000), np.array([0.0, 1.0]))
    assert coded.codes.dtype == np.int16 and coded.recheck is not None
    # Whole days (relative to the first event) keep their exact int16 day codes.
    assert engine._time_tests(np.arange(50.0), np.array([0.0, 1.0])).recheck is None
    assert engine._time_tests(np.full(5, 0.25), np.array([0.0, 1.0])).recheck is None


def test_many_grey_gaps_fall_back_to_float64() -> None:
    t = np.tile([0.0, 0.5, 1.0], 300)  # 2 of 9 gaps are exactly 1: all grey
    assert engine._time_tests(t, np.array([0.0, 1.0])).codes.dtype == np.float64
    # Keys number events within a code in 16 bits: more events on one code stay float64.
    t = np.append(np.zeros(2**16 + 1), 1.5)
    assert engine._time_tests(t, np.array([0.0, 0.25])).codes.dtype == np.float64


def test_keys_give_back_codes_and_exact_times() -> None:
    rng = np.random.default_rng(3)
    t = np.concatenate([rng.uniform(-3, 9, 500), np.full(20, 2.0)])
    coded = engine._time_tests(t, np.array([0.0, 1.0]))
    assert coded.keys is not None and coded.recheck is not None
    np.testing.assert_array_equal(coded.keys >> 16, coded.codes)
    assert np.unique(coded.keys).size == t.size
    found = coded.recheck.exact_times(coded.keys)
    np.testing.assert_array_equal(found, t)


_times = st.floats(min_value=-1e200, max_value=1e200, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(
    base=st.lists(_times, min_size=2, max_size=12),
    edges=st.lists(st.floats(min_value=0, max_value=1e6), min_size=1, max_size=3),
    scale=st.sampled_from([1e-9, 1e-3, 1.0, 1e3]),
)
def test_sure_and_maybe_bounds_hold(base: list[float], edges: list[float], scale: float) -> None:
    """``d <= sure`` implies ``fl(|ti - tj|) < e`` and ``d > maybe`` implies ``> e``."""
    t = np.asarray(base, float)
    t = np.concatenate([t, t + scale, np.nextafter(t + scale, np.inf), t - scale])
    t = t[np.isfinite(t)]
    coarse = engine._coarse_codes(t, [*edges, scale])
    if coarse is None:
        return
    codes, sure, maybe = coarse
    i, j = np.triu_indices(t.size, 1)
    gap = np.abs(t[i] - t[j])
    d = np.abs(codes[i].astype(np.int64) - codes[j])
    for e, lo, hi in zip([*edges, scale], sure, maybe, strict=True):
        assert np.all(gap[d <= lo] < e)
        assert np.all(gap[d > hi] > e)
