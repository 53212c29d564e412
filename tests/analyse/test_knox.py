"""Knox test and near-repeat matrix: agreement with pointpats, inference, closure, edge cases."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from rescuewatch.analyse.knox import Knox, NearRepeat, as_generator, band_index
from rescuewatch.errors import InputError


def _pointpats_knox():  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        spacetime = pytest.importorskip("pointpats.spacetime", reason="pointpats is not installed")
    return spacetime.Knox


def _brute_matrix(x, y, t, s_edges, t_edges):  # type: ignore[no-untyped-def]
    """O(n^2) reference with the documented closure: (lo, hi], the first band [lo, hi]."""
    i, j = np.triu_indices(len(t), 1)
    d2 = (x[i] - x[j]) ** 2 + (y[i] - y[j]) ** 2
    gap = np.abs(t[i] - t[j])
    sb = band_index(d2, np.asarray(s_edges, float) ** 2)
    tb = band_index(gap, t_edges)
    out = np.zeros((len(s_edges) - 1, len(t_edges) - 1), np.int64)
    ok = (sb >= 0) & (sb < len(s_edges) - 1) & (tb >= 0) & (tb < len(t_edges) - 1)
    np.add.at(out, (sb[ok], tb[ok]), 1)
    return out


def _uniform(n: int, seed: int, whole_days: bool = True):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(0, 2000, n), rng.uniform(0, 2000, n)
    t = rng.uniform(0, 120, n)
    return x, y, np.floor(t) if whole_days else t


# --- agreement with pointpats -------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("whole", [True, False])
def test_statistic_and_tables_equal_pointpats(seed: int, whole: bool) -> None:
    pp_knox = _pointpats_knox()
    rng = np.random.default_rng(seed)
    n = int(rng.integers(30, 300))
    # Integer coordinates put many pairs exactly on the thresholds.
    x = rng.integers(0, 400, n).astype(float)
    y = rng.integers(0, 400, n).astype(float)
    t = rng.integers(0, 60, n).astype(float) if whole else rng.uniform(0, 60, n)
    delta, tau = float(rng.choice([20, 25, 50])), float(rng.choice([1, 3, 7]))
    ours = Knox(x, y, t, delta, tau, permutations=0)
    theirs = pp_knox(np.column_stack([x, y]), t[:, None], delta, tau, permutations=0)
    assert ours.statistic == theirs.statistic_
    np.testing.assert_array_equal(ours.observed, theirs.observed)
    np.testing.assert_allclose(ours.expected, theirs.expected, rtol=1e-12)
    # pointpats gives P(X > s); ours is P(X >= s), which adds the chance of exactly s
    chance_of_s = stats.poisson.pmf(ours.statistic, ours.expected[0, 0])
    assert ours.p_poisson == pytest.approx(theirs.p_poisson + chance_of_s, rel=1e-9, abs=1e-12)


def test_p_value_agrees_with_pointpats_within_monte_carlo_error() -> None:
    pp_knox = _pointpats_knox()
    rng = np.random.default_rng(7)
    n = 150
    x, y = rng.uniform(0, 1000, n), rng.uniform(0, 1000, n)
    t = np.floor(rng.uniform(0, 60, n))
    x[:15], y[:15], t[:15] = 500 + rng.normal(0, 20, 15), 500 + rng.normal(0, 20, 15), 30 + rng.integers(0, 3, 15)
    ours = Knox(x, y, t, 60, 3, permutations=999, rng=1)
    np.random.seed(12345)  # pointpats draws from NumPy's global state
    theirs = pp_knox(np.column_stack([x, y]), t[:, None], 60, 3, permutations=199)
    se = np.sqrt(ours.p_value * (1 - ours.p_value) * (1 / 999 + 1 / 199)) + 1 / 200
    assert abs(ours.p_value - theirs.p_sim) < 4 * se


# --- inference ----------------------------------------------------------------------------


def test_p_values_are_roughly_uniform_without_structure() -> None:
    rng = np.random.default_rng(2024)
    p = []
    for _ in range(200):
        n = 120
        x, y = rng.uniform(0, 1000, n), rng.uniform(0, 1000, n)
        t = rng.uniform(0, 100, n)
        p.append(Knox(x, y, t, 150, 10, permutations=99, rng=rng, workers=1).p_value)
    assert stats.kstest(p, "uniform").pvalue > 0.01


def test_planted_clusters_are_significant() -> None:
    rng = np.random.default_rng(3)
    x, y, t = _uniform(400, 3)
    for k in range(8):  # repeat strikes: a few events within 50 m and 2 days of a first one
        s = slice(8 * k, 8 * k + 5)
        x[s] = x[8 * k] + rng.uniform(-30, 30, 5)
        y[s] = y[8 * k] + rng.uniform(-30, 30, 5)
        t[s] = t[8 * k] + rng.integers(0, 3, 5)
    knox = Knox(x, y, t, 50, 2, rng=5)
    assert knox.p_value <= 0.01
    assert knox.ratio > 1.5
    nr = NearRepeat(x, y, t, [0, 50, 100, 200], [0, 2, 7, 14], rng=5)
    assert nr.p_values[0, 0] <= 0.01
    assert nr.knox_ratio[0, 0] > 1.5


def test_p_value_formula_and_ratio() -> None:
    x, y, t = _uniform(200, 11)
    knox = Knox(x, y, t, 150, 5, permutations=199, rng=4, keep=True)
    k = int(np.sum(knox.sim >= knox.statistic))
    assert knox.p_value == (k + 1) / 200
    assert knox.sim_mean == pytest.approx(knox.sim.mean())
    assert knox.ratio == pytest.approx(knox.statistic / knox.sim.mean())
    # E[NST] under permutation is exactly NS * NT / pairs: the Monte Carlo mean is close to it.
    sd = knox.sim.std() / np.sqrt(199)
    assert abs(knox.sim_mean - knox.expected[0, 0]) < 5 * sd + 1e-9


# --- near-repeat matrix -------------------------------------------------------------------


@pytest.mark.parametrize("whole", [True, False])
def test_near_repeat_matches_brute_force_and_cells_sum(whole: bool) -> None:
    x, y, t = _uniform(300, 5, whole)
    s_edges, t_edges = [0, 0, 100, 200, 400], [0, 0, 3, 7, 14]
    nr = NearRepeat(x, y, t, s_edges, t_edges, permutations=50, rng=1, beyond=True, keep=True)
    np.testing.assert_array_equal(nr.observed[:-1, :-1], _brute_matrix(x, y, t, s_edges, t_edges))
    total = 300 * 299 // 2
    assert nr.observed.sum() == total
    assert np.all(nr.sim.sum(axis=(1, 2)) == total)
    # Permuting times keeps every distance band's total and every time band's total.
    assert np.all(nr.sim.sum(axis=2) == nr.observed.sum(axis=1))
    assert np.all(nr.sim.sum(axis=1) == nr.observed.sum(axis=0))
    np.testing.assert_allclose(nr.expected, nr.sim.mean(axis=0))


def test_near_repeat_first_edges_above_zero() -> None:
    x, y, t = _uniform(250, 8)
    s_edges, t_edges = [50, 100, 300], [2, 5, 9]
    nr = NearRepeat(x, y, t, s_edges, t_edges, permutations=20, rng=1, beyond=True)
    np.testing.assert_array_equal(nr.observed[:-1, :-1], _brute_matrix(x, y, t, s_edges, t_edges))
    i, j = np.triu_indices(250, 1)
    d = np.hypot(x[i] - x[j], y[i] - y[j])
    gap = np.abs(t[i] - t[j])
    assert nr.observed[-1, -1] == np.sum((d > 300) & (gap > 9))
    assert nr.observed[0, -1] == np.sum((d >= 50) & (d <= 100) & (gap > 9))
    assert nr.observed[-1, 1] == np.sum((d > 300) & (gap > 5) & (gap <= 9))


@settings(max_examples=40, deadline=None)
@given(
    pts=st.lists(
        st.tuples(st.integers(0, 30), st.integers(0, 30), st.integers(0, 20)), min_size=0, max_size=40
    ),
    s_top=st.integers(1, 25),
    t_top=st.integers(1, 10),
)
def test_observed_matrix_property(pts: list[tuple[int, int, int]], s_top: int, t_top: int) -> None:
    arr = np.array(pts, dtype=float).reshape(-1, 3)
    x, y, t = arr[:, 0], arr[:, 1], arr[:, 2]
    s_edges, t_edges = [0, 0, s_top / 2, s_top], [0, t_top / 2, t_top]
    nr = NearRepeat(x, y, t, s_edges, t_edges, permutations=3, rng=0, beyond=True)
    np.testing.assert_array_equal(nr.observed[:-1, :-1], _brute_matrix(x, y, t, s_edges, t_edges))
    assert nr.observed.sum() == len(pts) * (len(pts) - 1) // 2


def test_to_frame_and_to_json() -> None:
    x, y, t = _uniform(100, 2)
    nr = NearRepeat(x, y, t, [0, 100, 200], [0, 7, 14], permutations=9, rng=1, beyond=True)
    frame = nr.to_frame()
    assert list(frame.columns) == [
        "space_lo", "space_hi", "time_lo", "time_hi", "observed", "expected", "ratio", "p_value"
    ]
    assert len(frame) == 3 * 3
    assert frame["observed"].sum() == 100 * 99 // 2
    assert frame.iloc[-1]["space_hi"] == np.inf
    doc = nr.to_json()
    assert doc["space_bands_m"][-1] is None and len(doc["cells"]) == 9
    import json

    json.dumps(doc)
    json.dumps(Knox(x, y, t, 100, 7, permutations=9, rng=1).to_json())


# --- closure at exact boundaries ------------------------------------------------------------


def test_band_index_closure() -> None:
    edges = [0, 0, 100, 200]
    assert band_index([0, 1e-9, 100, 100.0001, 200, 201], edges).tolist() == [0, 1, 1, 2, 2, 3]
    assert band_index([49.9, 50, 50.1], [50, 60]).tolist() == [-1, 0, 0]


def test_knox_thresholds_are_inclusive() -> None:
    # (0, 0) and (60, 80) are exactly 100 m apart; times exactly 7 days apart.
    x, y, t = np.array([0.0, 60.0]), np.array([0.0, 80.0]), np.array([0.0, 7.0])
    assert Knox(x, y, t, 100, 7, permutations=0).statistic == 1
    assert Knox(x, y, t, 99.999, 7, permutations=0).statistic == 0
    assert Knox(x, y, t, 100, 6.999, permutations=0).statistic == 0
    assert Knox(x, y, t + 0.25, 100, 7, permutations=0).statistic == 1  # float path, same gap


def test_band_boundaries_in_matrix() -> None:
    # Pairs at 0, exactly 100 and exactly 200 m; gaps 0, exactly 7 and exactly 14 days.
    x = np.array([0.0, 0.0, 60.0, 120.0])
    y = np.array([0.0, 0.0, 80.0, 160.0])
    for t in (np.array([0.0, 0.0, 7.0, 14.0]), np.array([0.5, 0.5, 7.5, 14.5])):
        nr = NearRepeat(x, y, t, [0, 0, 100, 200], [0, 0, 7, 14], permutations=0)
        expected = np.zeros((3, 3), int)
        expected[0, 0] = 1  # the duplicate: same place, same day
        expected[1, 1] = 3  # 100 m: (0,2), (1,2), (2,3) at gaps 7, 7, 7 -> band (0, 7]
        expected[2, 2] = 2  # 200 m: (0,3), (1,3) at gap 14 -> band (7, 14]
        np.testing.assert_array_equal(nr.observed, expected)


# --- reproducibility and edge cases ---------------------------------------------------------


def test_same_seed_same_result_any_workers() -> None:
    x, y, t = _uniform(2000, 9)
    runs = [
        NearRepeat(x, y, t, [0, 100, 200], [0, 3, 7], permutations=150, rng=42, workers=w, keep=True)
        for w in (1, 2, 1)
    ]
    for other in runs[1:]:
        np.testing.assert_array_equal(runs[0].sim, other.sim)
        np.testing.assert_array_equal(runs[0].p_values, other.p_values)
    a = Knox(x, y, t, 100, 3, permutations=99, rng=np.random.default_rng(5), keep=True)
    b = Knox(x, y, t, 100, 3, permutations=99, rng=np.random.default_rng(5), keep=True)
    np.testing.assert_array_equal(a.sim, b.sim)
    c = Knox(x, y, t, 100, 3, permutations=99, rng=6, keep=True)
    assert not np.array_equal(a.sim, c.sim)


def test_does_not_touch_global_random_state() -> None:
    np.random.seed(1)
    before = np.random.get_state()[1].copy()
    x, y, t = _uniform(100, 1)
    Knox(x, y, t, 100, 3, permutations=20, rng=None)
    np.testing.assert_array_equal(np.random.get_state()[1], before)


@pytest.mark.parametrize("n", [0, 1])
def test_fewer_than_two_events(n: int) -> None:
    knox = Knox(np.zeros(n), np.zeros(n), np.zeros(n), 10, 1, permutations=9, rng=0)
    assert knox.statistic == 0 and knox.p_value == 1.0
    assert knox.observed.sum() == 0 and np.isnan(knox.ratio)


def test_the_poisson_p_value_counts_the_observed_pairs() -> None:
    """With 2 pairs close in both and 2.0 expected, the p-value is the chance of 2 or more,
    1 - P(0) - P(1) = 0.594; P(X > 2), which pointpats reports, gave 0.323."""
    # 0-1 and 2-3 close in both; 0-2, 1-2, 1-3 in space only; 0-4, 1-4 in time only
    x = np.array([0.0, 10.0, 20.0, 30.0, 5000.0])
    y = np.zeros(5)
    t = np.array([0.0, 0.5, 10.0, 10.5, 0.2])
    knox = Knox(x, y, t, 25, 1, permutations=0)
    expected = knox.expected[0, 0]
    assert knox.statistic == 2
    assert knox.p_poisson == pytest.approx(1 - math.exp(-expected) * (1 + expected))


def test_all_times_equal_and_no_close_pairs() -> None:
    x, y, _ = _uniform(50, 4)
    same = Knox(x, y, np.full(50, 3.0), 300, 1, permutations=19, rng=0)
    assert same.p_value == 1.0 and same.ratio == pytest.approx(1.0)
    far = Knox(np.arange(50) * 1000.0, np.zeros(50), np.zeros(50), 10, 1, permutations=19, rng=0)
    assert far.statistic == 0 and far.p_value == 1.0 and np.isnan(far.ratio)
    # no pair close in space, so none expected close in both: the Poisson p was 0
    assert far.expected[0, 0] == 0 and far.p_poisson == 1.0
    assert Knox(np.arange(50) * 1000.0, np.zeros(50), np.zeros(50), 10, 1,
                permutations=0).p_poisson == 1.0
    for n in (0, 1):
        assert Knox(np.zeros(n), np.zeros(n), np.zeros(n), 10, 1).p_poisson == 1.0


def test_duplicate_points_count_as_distance_zero() -> None:
    x, y, t = np.zeros(4), np.zeros(4), np.array([0.0, 0.0, 1.0, 5.0])
    knox = Knox(x, y, t, 0, 1, permutations=0)
    assert knox.statistic == 3  # (0,1) gap 0, (0,2) and (1,2) gap 1


def test_bad_input_is_rejected() -> None:
    with pytest.raises(InputError, match="row 2.*'t'"):
        Knox([0, 1, 2], [0, 1, 2], [0, 1, np.nan], 10, 1)
    with pytest.raises(InputError):
        Knox([0, 1], [0, 1], [0], 10, 1)
    with pytest.raises(ValueError):
        NearRepeat([0, 1], [0, 1], [0, 1], [100, 50], [0, 1])
    with pytest.raises(ValueError):
        Knox([0, 1], [0, 1], [0, 1], -1, 1)
    with pytest.raises(ValueError):
        Knox([0, 1], [0, 1], [0, 1], 1, 1, permutations=-5)
    with pytest.raises(TypeError):
        as_generator("seed")  # type: ignore[arg-type]
