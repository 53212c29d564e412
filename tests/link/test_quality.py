"""Linking quality on generated reports of real UCDP events (a guard against regressions).

The full evaluation with its figures is benchmarks/linking/evaluate.py (RESULTS-linking.md).
"""

from __future__ import annotations

from pathlib import Path

from tests.link.factory import linking_benchmark


def test_generated_reports_link_close_to_truth(shared_data: Path, tmp_path: Path) -> None:
    evaluate = linking_benchmark(shared_data, "evaluate")
    result = evaluate.run(400, 3, str(tmp_path / "q.db"))
    assert result["pairwise_f1"] >= 0.97  # 0.980 now; 0.965 before the fitted weights
    assert result["bcubed_f1"] >= 0.98
