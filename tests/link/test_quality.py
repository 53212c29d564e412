"""Linking quality on generated reports of real UCDP events (a guard against regressions).

The full evaluation with its figures is benchmarks/linking/evaluate.py (RESULTS-linking.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_generated_reports_link_close_to_truth(shared_data: Path, tmp_path: Path) -> None:
    if not (shared_data / "ucdp_ged191_syria_2016-01_2019-11.csv.gz").exists():
        pytest.skip("UCDP Syria file absent")
    sys.path.insert(0, str(ROOT / "benchmarks" / "linking"))
    try:
        import evaluate  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    result = evaluate.run(400, 3, str(tmp_path / "q.db"))
    assert result["pairwise_f1"] >= 0.97  # 0.980 now; 0.965 before the fitted weights
    assert result["bcubed_f1"] >= 0.98
