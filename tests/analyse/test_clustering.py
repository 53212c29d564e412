"""Knox and near-repeat on synthetic data: planted clusters are detected, chance is not."""

from __future__ import annotations

import numpy as np
from scipy import stats

from rescuewatch.analyse.knox import Knox, NearRepeat
from rescuewatch.analyse.synthetic import plant_clusters


def test_planted_clusters_always_detected() -> None:
    for seed in range(10):
        x, y, t = plant_clusters(400, 10, 4, rng=seed)
        result = Knox(x, y, t, 200.0, 2.0, permutations=199, rng=seed + 1000, workers=1)
        assert result.p_value <= 0.01, f"replicate {seed}: p = {result.p_value}"
        assert result.ratio > 2


def test_near_repeat_matrix_flags_the_planted_cell_only_rarely_others() -> None:
    hits_planted, hits_far, cells_far = 0, 0, 0
    replicates = 10
    for seed in range(replicates):
        x, y, t = plant_clusters(500, 8, 4, rng=seed)
        nr = NearRepeat(x, y, t, [0, 200, 5000, 10000], [0, 2, 60, 120], permutations=99,
                        rng=seed + 7, workers=1)
        hits_planted += int(nr.p_values[0, 0] <= 0.05)
        # Cells far from the planted scale in both space and time hold no structure.
        far = nr.p_values[1:, 1:]
        hits_far += int((far <= 0.05).sum())
        cells_far += far.size
    assert hits_planted == replicates
    assert hits_far <= max(2, 0.05 * cells_far + 2 * np.sqrt(0.05 * cells_far))


def _null_p_values(replicates: int, n: int, permutations: int) -> np.ndarray:
    out = []
    for seed in range(replicates):
        x, y, t = plant_clusters(n, 0, 0, rng=seed, area_m=5000.0, days=60.0)
        out.append(Knox(x, y, t, 300.0, 3.0, permutations=permutations, rng=10_000 + seed,
                        workers=1).p_value)
    return np.array(out)


def test_no_structure_rarely_significant() -> None:
    p = _null_p_values(60, 200, 99)
    assert (p <= 0.05).mean() <= 0.05 + 2 * np.sqrt(0.05 * 0.95 / 60) + 0.02
    assert 0.3 < p.mean() < 0.7


def test_no_structure_uniform_p_values() -> None:
    p = _null_p_values(400, 300, 199)
    # Permutation p-values are discrete on (k + 1) / 200; a KS test against U(0, 1) is exact
    # enough at this resolution.
    assert stats.kstest(p, "uniform").pvalue > 0.001
    assert abs((p <= 0.05).mean() - 0.05) < 0.035
