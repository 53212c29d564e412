"""The extractor gives the same claims whatever Python's hash seed (no set-order dependence)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

SCRIPT = """
import json, sys
sys.path.insert(0, {bench!r})
import bench_speed
from rescuewatch.extract import extract_text
for doc in bench_speed.documents(300, 600):
    lang, text, published = doc if len(doc[0]) == 2 else (doc[1], doc[0], doc[2])
    claims = extract_text(text, published=published, lang=lang)
    print(json.dumps([c.to_contract({{}}) for c in claims], sort_keys=True, default=str))
"""


def _run(seed: str) -> str:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    code = SCRIPT.format(bench=str(ROOT / "benchmarks" / "extraction"))
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=600, check=True)
    return done.stdout


@pytest.mark.slow
def test_same_claims_under_different_hash_seeds() -> None:
    first = _run("1")
    assert first.count("\n") == 300
    for seed in ("2", "3"):
        assert _run(seed) == first, f"claims differ under PYTHONHASHSEED={seed}"
