"""Benchmark: rescuewatch's Knox test against pointpats' ``Knox``.

Events are uniform over 100 km x 100 km and one year; close means within 500 m and 1 day.
Each case runs in its own subprocess so that its peak memory (``ru_maxrss``) is its own.

Usage::

    python benchmarks/knox/bench_knox.py                 # all cases, writes RESULTS-knox.md
    python benchmarks/knox/bench_knox.py --quick         # n = 10k and 50k only
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SIDE_M, DAYS, DELTA_M, TAU_DAYS = 100_000.0, 365.0, 500.0, 1.0


def events(n: int, whole_days: bool, seed: int = 20240601) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(0, SIDE_M, n), rng.uniform(0, SIDE_M, n)
    t = rng.uniform(0, DAYS, n)
    return x, y, np.floor(t) if whole_days else t


def run_case(impl: str, n: int, permutations: int, whole_days: bool) -> dict[str, Any]:
    x, y, t = events(n, whole_days)
    # Imports stay outside the timed region: scipy.stats alone takes a few tenths of a second.
    if impl == "rescuewatch":
        sys.path.insert(0, str(ROOT))
        from rescuewatch.analyse.knox import Knox

        start, cpu = time.perf_counter(), time.process_time()
        k = Knox(x, y, t, DELTA_M, TAU_DAYS, permutations=permutations, rng=1)
        stat, p = k.statistic, k.p_value
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from pointpats.spacetime import Knox as PPKnox
        np.random.seed(1)  # pointpats draws from NumPy's global state
        start, cpu = time.perf_counter(), time.process_time()
        pk = PPKnox(np.column_stack([x, y]), t[:, None], DELTA_M, TAU_DAYS, permutations=permutations)
        stat, p = pk.statistic_, pk.p_sim
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB
    return {"impl": impl, "n": n, "permutations": permutations, "whole_days": whole_days,
            "seconds": seconds, "cpu_seconds": cpu, "load_before": os.getloadavg()[0],
            "peak_bytes": peak, "statistic": int(stat), "p_value": float(p)}


def in_subprocess(impl: str, n: int, permutations: int, whole_days: bool) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--case", impl, str(n), str(permutations), str(int(whole_days))]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    print(f"  {impl:12s} n={n:>9,} P={permutations:>4} whole_days={whole_days!s:5s} "
          f"{result['seconds']:8.2f} s (CPU {result['cpu_seconds']:6.2f} s) "
          f"{int(result['peak_bytes']) / 2**30:5.2f} GiB  load {result['load_before']:.2f}", flush=True)
    return result


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def report(results: list[dict[str, Any]], command: str) -> str:
    def find(impl: str, n: int, whole: bool) -> dict[str, Any] | None:
        return next((r for r in results if r["impl"] == impl and r["n"] == n
                     and r["whole_days"] == whole), None)

    lines = [
        "## Knox test (space-time clustering)",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {os.cpu_count()} CPUs (`nproc`), {cpu_model()}, Python {platform.python_version()}, "
        f"NumPy {np.__version__}",
        f"- Command: `{command}`",
        f"- Data: n events uniform over {SIDE_M / 1000:g} km x {SIDE_M / 1000:g} km and {DAYS:g} days; "
        f"close = within {DELTA_M:g} m and {TAU_DAYS:g} day (both inclusive). 'float' times are "
        "uniform real days; 'whole days' are the same times floored to dates (the usual case for "
        "incident data, which takes the exact int16 day-code path). Real-valued times take the "
        "coarse int16 code path: gaps within a few codes of the 1-day edge are rechecked in "
        "float64, so counts, permutations and p-values equal those of plain float64.",
        "- pointpats' `Knox` is far slower per permutation, so it runs 99 permutations (its default); "
        "rescuewatch runs 999. 'per perm.' is total wall time / permutations (setup included).",
        "- Peak memory is the maximum resident set size of the case's own process. 'CPU' is the "
        "process's CPU time (all threads) over the timed region; 'load' is the 1-minute load "
        "average when the case started (the machine is shared: above about 0 before a case, "
        "other work competes for the 2 cores).",
        "",
        "| implementation | n | times | permutations | wall time (s) | CPU (s) | per perm. (ms) "
        "| peak RSS (GiB) | load | NST | p |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        per = 1000 * float(r["seconds"]) / max(1, int(r["permutations"]))
        lines.append(
            f"| {r['impl']} | {int(r['n']):,} | {'whole days' if r['whole_days'] else 'float'} | "
            f"{r['permutations']} | {float(r['seconds']):.2f} | {float(r['cpu_seconds']):.2f} | "
            f"{per:.2f} | {int(r['peak_bytes']) / 2**30:.2f} | {float(r['load_before']):.2f} | "
            f"{r['statistic']} | {float(r['p_value']):.3f} |"
        )
    lines += ["", "Speed-up of rescuewatch over pointpats (same n, same times):", ""]
    for n in sorted({int(r["n"]) for r in results if r["impl"] == "pointpats"}):
        for whole in (False, True):
            ours, theirs = find("rescuewatch", n, whole), find("pointpats", n, whole)
            if ours and theirs:
                raw = float(theirs["seconds"]) / float(ours["seconds"])
                per = (float(theirs["seconds"]) / int(theirs["permutations"])) / (
                    float(ours["seconds"]) / int(ours["permutations"]))
                same = "equal" if ours["statistic"] == theirs["statistic"] else "DIFFERENT"
                lines.append(
                    f"- n = {n:,} ({'whole days' if whole else 'float'}): {per:,.0f}x per permutation, "
                    f"{raw:,.1f}x raw wall time ({ours['permutations']} vs {theirs['permutations']} "
                    f"permutations); statistic {same}."
                )
    lines += ["", "Targets (999 permutations, 2 cores): n = 50,000 under 1 s; n = 1,000,000 under 30 s "
              "and 2.5 GiB:", ""]
    for r in results:
        if r["impl"] != "rescuewatch" or int(r["n"]) not in (50_000, 1_000_000):
            continue
        limit = 1.0 if r["n"] == 50_000 else 30.0
        ok = float(r["seconds"]) < limit and int(r["peak_bytes"]) < 2.5 * 2**30
        lines.append(f"- n = {int(r['n']):,} ({'whole days' if r['whole_days'] else 'float'}): "
                     f"{float(r['seconds']):.2f} s, {int(r['peak_bytes']) / 2**30:.2f} GiB: "
                     f"{'met' if ok else 'NOT met'}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip n = 1,000,000")
    parser.add_argument("--no-pointpats", action="store_true")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS-knox.md")
    parser.add_argument("--case", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        impl, n, perms, whole = args.case
        print(json.dumps(run_case(impl, int(n), int(perms), bool(int(whole)))))
        return
    cases = [("rescuewatch", n, 999, w) for n in (10_000, 50_000) for w in (False, True)]
    if not args.quick:
        cases += [("rescuewatch", 1_000_000, 999, w) for w in (False, True)]
    if not args.no_pointpats:
        cases += [("pointpats", n, 99, w) for n in (10_000, 50_000) for w in (False, True)]
    results = [in_subprocess(*case) for case in cases]
    command = "python " + " ".join([str(Path(__file__).relative_to(ROOT)), *sys.argv[1:]])
    args.out.write_text(report(results, command), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
