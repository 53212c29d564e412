"""Benchmark of the pattern analyses: repeat-strike detection speed and planted-structure rates.

Run from the repository root::

    /work/venv/bin/python benchmarks/analysis/bench_analysis.py [--quick]

Prints a markdown fragment (the content of RESULTS-analysis.md). Data are synthetic
(:mod:`rescuewatch.analyse.synthetic`): uniform events over 100 km x 100 km and a year, with
known double taps, facility hits and space-time clusters planted in them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import platform
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from rescuewatch.analyse.coverage import Coverage  # noqa: E402
from rescuewatch.analyse.events import load_events  # noqa: E402
from rescuewatch.analyse.knox import Knox  # noqa: E402
from rescuewatch.analyse.repeat import RepeatStrikes  # noqa: E402
from rescuewatch.analyse.synthetic import (  # noqa: E402
    background,
    plant_clusters,
    plant_double_taps,
    plant_facility_hits,
)
from rescuewatch.analyse.trends import monthly_counts  # noqa: E402


def _pairs(frame: pd.DataFrame) -> set[tuple[int, int]]:
    return {(int(a), int(b)) for a, b in zip(frame["incident_id"], frame["earlier_id"],
                                             strict=True) if not pd.isna(b)}


def speed(n: int, repeats: int = 3) -> tuple[float, int, int]:
    events, _truth = plant_double_taps(background(n, rng=1), 500, rng=2)
    best = float("inf")
    rs = RepeatStrikes()
    for _ in range(repeats):
        start = time.perf_counter()
        rs = RepeatStrikes().fit(events)
        best = min(best, time.perf_counter() - start)
    return best, len(events), len(rs.candidates_)


def double_tap_rates(seeds: range, n: int, k: int) -> dict[str, float]:
    found = planted = false = high = 0
    for seed in seeds:
        events, truth = plant_double_taps(background(n, rng=seed), k, rng=seed + 1000)
        cand = RepeatStrikes().fit(events).candidates_
        top = _pairs(cand[cand["confidence"] == "high"])
        want = _pairs(truth)
        found += len(want & top)
        planted += len(want)
        false += len(top - want)
        high += len(top)
    return {"recall": found / planted, "false_share": false / max(high, 1), "high": high,
            "planted": planted}


def degraded_rates(seeds: range, n: int, k: int) -> dict[str, float]:
    found = planted = cands = 0
    for seed in seeds:
        events, truth = plant_double_taps(background(n, rng=seed), k, rng=seed + 1000)
        events["time"] = pd.NaT
        events["time_last"] = pd.NaT
        events["place_precision"] = "city"
        cand = RepeatStrikes().fit(events).candidates_
        found += len(_pairs(truth) & _pairs(cand))
        planted += len(truth)
        cands += len(cand)
    return {"recall": found / planted, "candidates_per_planted": cands / planted}


def facility_rates(seeds: range, n: int, k: int) -> dict[str, float]:
    found = planted = false = total = 0
    for seed in seeds:
        base = background(n, rng=seed, responder_share=0.0)
        events, truth = plant_facility_hits(base, k, rng=seed + 1000)
        cand = RepeatStrikes().fit(events).candidates_
        fac = _pairs(cand[(cand["basis"] == "facility receiving the wounded")
                          & (cand["confidence"] == "medium")])
        found += len(_pairs(truth) & fac)
        planted += len(truth)
        false += len(fac - _pairs(truth))
        total += len(fac)
    return {"recall": found / planted, "false_share": false / max(total, 1)}


def knox_rates(replicates: int) -> dict[str, float]:
    detected = null_hits = 0
    for seed in range(replicates):
        x, y, t = plant_clusters(2000, 20, 4, rng=seed)
        detected += Knox(x, y, t, 200.0, 2.0, permutations=999, rng=seed).p_value <= 0.05
        x, y, t = plant_clusters(2000, 0, 0, rng=seed + 10_000)
        null_hits += Knox(x, y, t, 200.0, 2.0, permutations=999, rng=seed).p_value <= 0.05
    return {"power": detected / replicates, "null_rejections": null_hits / replicates}


def store_speed(n: int) -> dict[str, float]:
    """Load events, trends and coverage from a SQLite store of ``n`` unlinked claims."""
    from rescuewatch.model import Claim, DateSpan, Place, Source, Victim
    from rescuewatch.store import Store
    from rescuewatch.store.claims import add_claims

    gen = np.random.default_rng(3)
    tmp = tempfile.mkdtemp()
    store = Store.open(f"sqlite:///{tmp}/bench.db")
    days = gen.integers(0, 365, n)
    lat, lon = 10 + gen.uniform(-0.45, 0.45, n), 20 + gen.uniform(-0.45, 0.45, n)
    claims = [
        Claim(date=DateSpan(dt.date(2024, 1, 1) + dt.timedelta(days=int(d)), None, "day"),
              place=Place(name=f"P{i % 500}", country="XX", lat=float(a), lon=float(o),
                          precision="exact"),
              victims=[Victim("medic", killed=1)] if i % 5 == 0 else [], killed=1,
              time_of_day=f"{i % 24:02d}:{i % 60:02d}")
        for i, (d, a, o) in enumerate(zip(days, lat, lon, strict=True))
    ]
    raw = b"bench"
    sha = hashlib.sha256(raw).hexdigest()
    with store.transaction() as conn:
        source_id = store.source_id(conn, Source("bench", "Bench", coverage_group="g"))
        store.put_blob(conn, sha, [raw])
        doc = store.add_document(conn, {"sha256": sha, "source_id": source_id,
                                        "origin": "bench", "format": "text", "size": 5})
        add_claims(conn, doc, claims)
    out: dict[str, float] = {}
    start = time.perf_counter()
    events = load_events(store)
    out["load_events"] = time.perf_counter() - start
    start = time.perf_counter()
    RepeatStrikes().fit(events)
    out["repeat_strikes"] = time.perf_counter() - start
    start = time.perf_counter()
    monthly_counts(events, "category")
    out["trends"] = time.perf_counter() - start
    start = time.perf_counter()
    Coverage().fit(store)
    out["coverage"] = time.perf_counter() - start
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer replicates")
    args = parser.parse_args()
    seeds = range(3) if args.quick else range(10)
    print(f"## Analysis benchmarks ({dt.date.today().isoformat()})\n")
    print(f"Machine: 2-core AMD EPYC, Python {platform.python_version()}, "
          f"SQLite {sqlite3.sqlite_version}, NumPy {np.__version__}, pandas {pd.__version__}.")
    print("Command: `/work/venv/bin/python benchmarks/analysis/bench_analysis.py"
          f"{' --quick' if args.quick else ''}`\n")
    print("### Repeat-strike detection speed (`RepeatStrikes().fit`, best of 3)\n")
    print("| events | seconds | candidates |\n|---:|---:|---:|")
    for n in (10_000, 100_000, 1_000_000):
        secs, size, cands = speed(n)
        print(f"| {size:,} | {secs:.2f} | {cands:,} |")
    print("\n### Store round trip (SQLite, 100,000 unlinked claims, one per incident)\n")
    timings = store_speed(100_000)
    print("| step | seconds |\n|---|---:|")
    for name, secs in timings.items():
        print(f"| {name} | {secs:.2f} |")
    print("\n### Planted structure\n")
    dt_rates = double_tap_rates(seeds, 20_000, 200)
    print(f"- Double taps (times to the minute, exact places; 200 planted among 20,000 "
          f"events per replicate, {len(seeds)} replicates, {dt_rates['planted']:,} in all): "
          "recall "
          f"{dt_rates['recall']:.1%}, share of high-confidence candidates not planted "
          f"{dt_rates['false_share']:.2%}.")
    deg = degraded_rates(seeds, 2_000, 50)
    print(f"- Same double taps with times removed and places only town-precise (2,000 "
          f"events): recall {deg['recall']:.1%} as low/medium candidates, "
          f"{deg['candidates_per_planted']:.1f} candidates per planted pair (leads to check).")
    fac = facility_rates(seeds, 3_000, 40)
    print(f"- Facility hit within 10 h and 4 km after a strike with casualties (3,000 events): "
          f"recall {fac['recall']:.1%}, share of medium facility candidates not planted "
          f"{fac['false_share']:.2%}.")
    reps = 20 if args.quick else 100
    kr = knox_rates(reps)
    print(f"- Knox (200 m, 2 days, 999 permutations; 2,000 uniform events over 20 km x 20 km x "
          f"1 year): with 20 planted clusters of 4 detected at p <= 0.05 in "
          f"{kr['power']:.0%} of {reps} replicates; without clusters rejected in "
          f"{kr['null_rejections']:.0%} (nominal 5%).")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nPeak resident memory of the whole run: {peak:.0f} MB.")


if __name__ == "__main__":
    main()
