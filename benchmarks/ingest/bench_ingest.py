"""Ingest speed and peak memory of the dataset readers into SQLite.

Measures, each in a fresh process and a fresh store (so that peak RSS is that run's own):

- the real UCDP GED Syria file (16,566 rows, ../shared/data);
- generated ACLED-layout CSVs (31 columns, invented rows, fixed seed, two note mixes) of
  100,000 and 1,000,000 rows: rows per second, and peak RSS against size (flat means streaming).

Each input is ingested with the default pipeline (files of 8 MB or more, uncompressed, are
parsed in forked worker processes, two on two cores or more, while the main process inserts)
and, with ``--serial``, again with ``RESCUEWATCH_INGEST_WORKER=0`` (one process). CPU time is
that of the ingest process plus its workers (``getrusage``). Memory is given as the peak RSS of
the main process and of the largest worker, and as the peak of the summed PSS of all of them
(sampled every 50 ms from /proc): forked workers share pages, which RSS counts in each process
and PSS divides among them. The machine may be shared, and wall-clock figures then vary.

Usage::

    python benchmarks/ingest/bench_ingest.py                 # everything, prints a table
    python benchmarks/ingest/bench_ingest.py --serial        # also without parsing workers
    python benchmarks/ingest/bench_ingest.py --rows 200000 --profile   # where time goes
    python benchmarks/ingest/bench_ingest.py --code /path/to/other/checkout   # compare code
    python benchmarks/ingest/bench_ingest.py --no-db --rows 200000   # Python part only
    python benchmarks/ingest/bench_ingest.py --mix stress --rows 100000 --profile

Generated ACLED files come in two note mixes (``--mix``): ``realistic``, where ~3 % of rows
name protected people or objects (about what real ACLED exports of armed conflicts show), and
``stress``, where every note template is drawn alike and ~43 % do (the mix of the earlier
measurements, which works the victim matching hardest).

Before measuring, the measured package is compiled to bytecode (as ``pip install`` does), so
that no run compiles modules from source: some machines set ``PYTHONDONTWRITEBYTECODE``, and
there every run would otherwise pay it. With ``--repeat N`` each input is ingested N times
(the pipelines alternating) and the run with the median speed is shown, with the range.

Generated files go to a temporary folder and are deleted afterwards.
"""

from __future__ import annotations

import argparse
import compileall
import csv
import datetime as dt
import gc
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SHARED = Path(os.environ.get("RESCUEWATCH_SHARED_DATA", ROOT.parent / "shared" / "data"))
UCDP = SHARED / "ucdp_ged191_syria_2016-01_2019-11.csv.gz"

# (iso, country, iso3, actors as mirror pairs, (lat, lon) box)
COUNTRIES = [
    ("804", "Ukraine", "UKR", ("Military Forces of Russia (2000-)", "Military Forces of Ukraine (2019-)"),
     (46.0, 52.0, 23.0, 40.0)),
    ("643", "Russia", "RUS", ("Military Forces of Ukraine (2019-)", "Military Forces of Russia (2000-)"),
     (50.0, 56.0, 34.0, 40.0)),
    ("760", "Syria", "SYR", ("Military Forces of Syria (2000-)", "Hayat Tahrir al-Sham"),
     (32.5, 37.0, 35.8, 42.0)),
    ("729", "Sudan", "SDN", ("Military Forces of Sudan (2019-)", "Rapid Support Forces"),
     (9.0, 20.0, 22.0, 36.0)),
]
TYPES = [
    ("Political violence", "Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Political violence", "Explosions/Remote violence", "Air/drone strike"),
    ("Political violence", "Battles", "Armed clash"),
    ("Political violence", "Violence against civilians", "Attack"),
    ("Demonstrations", "Protests", "Peaceful protest"),
    ("Strategic developments", "Strategic developments", "Looting/property destruction"),
]
NOTES = [
    "On {d}, shelling hit a residential area of {loc}; {n} civilians were reported killed.",
    "On {d}, a drone struck a vehicle near {loc}. No casualties were reported.",
    "On {d}, clashes took place near {loc} between the two sides; {n} fighters were killed.",
    "On {d}, a strike hit an ambulance in {loc}; two paramedics were injured.",
    "On {d}, rescuers working at the site of an earlier strike in {loc} were hit by a second "
    "strike.",
    "On {d}, shelling damaged a hospital in {loc}; the wounded were taken to another hospital.",
    "On {d}, residents of {loc} gathered in the central square.",
]
#: Notes naming protected people or objects (indexes into NOTES), and extra everyday notes
#: used only by the ``realistic`` mix.
PROTECTED_NOTES = (3, 4, 5)
EVERYDAY_NOTES = [
    "On {d}, artillery fire hit houses in {loc}; {n} civilians were injured and a house caught "
    "fire.",
    "On {d}, unidentified gunmen shot dead a man in {loc}. The motive is unknown.",
    "On {d}, forces shelled positions near {loc}; {n} soldiers were wounded according to local "
    "sources.",
    "On {d}, a mine exploded under a car on a road near {loc}, killing {n} people.",
]
#: Note mixes: ``stress`` draws every note alike (3 of 7 name protected people, ~43 %; the mix
#: of the earlier measurements); ``realistic`` names protected people in ~3 % of rows, about
#: what real ACLED exports for armed conflicts show.
MIXES = ("realistic", "stress")
REALISTIC_PROTECTED = 0.03


def generate(path: Path, rows: int, seed: int = 20240208, mix: str = "stress") -> None:
    """Write ``rows`` invented ACLED-layout rows to ``path`` (same seed and mix, same bytes)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from rescuewatch.export.acled import COLUMNS  # ACLED's current 31-column layout

    rng = random.Random(seed)
    everyday = [n for i, n in enumerate(NOTES) if i not in PROTECTED_NOTES] + EVERYDAY_NOTES
    protected = [NOTES[i] for i in PROTECTED_NOTES]
    start = dt.date(2018, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(COLUMNS)
        for i in range(rows):
            iso, country, iso3, actors, (la0, la1, lo0, lo1) = rng.choice(COUNTRIES)
            disorder, etype, sub = rng.choice(TYPES)
            day = start + dt.timedelta(days=rng.randrange(2400))
            loc = f"Place {rng.randrange(5000)}"
            lat, lon = rng.uniform(la0, la1), rng.uniform(lo0, lo1)
            killed = rng.choice((0, 0, 0, 1, 2, 3, 5, 12))
            if mix == "stress":
                template = rng.choice(NOTES)
            elif rng.random() < REALISTIC_PROTECTED:
                template = rng.choice(protected)
            else:
                template = rng.choice(everyday)
            note = template.format(d=day.strftime("%d %B %Y"), loc=loc, n=killed)
            out.writerow([
                f"{iso3}{i + 1}", day.isoformat(), day.year, rng.choice("1112"), disorder, etype,
                sub, actors[i % 2], "", "1", actors[(i + 1) % 2], "", "1", "11", "", iso,
                "Region", country, f"Province {rng.randrange(30)}", "", "", loc, f"{lat:.4f}",
                f"{lon:.4f}", rng.choice("1123"), "Invented source", "National", note, killed, "",
                "1700000000",
            ])


def run_one(path: str, db: str, fmt: str, profile: bool) -> dict[str, float]:
    """Ingest ``path`` into a new SQLite store in this process; time, CPU and peak RSS."""
    from rescuewatch.ingest.base import ReadContext
    from rescuewatch.ingest.pipeline import ingest
    from rescuewatch.store import Store

    store = Store.open(f"sqlite:///{db}")
    cpu0, worker0 = _cpu(), _cpu(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    if profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        report = prof.runcall(ingest, store, [path], fmt=fmt, ctx=ReadContext())
        pstats.Stats(prof, stream=sys.stderr).sort_stats(os.environ.get("BENCH_SORT", "tottime")).print_stats(int(os.environ.get("BENCH_TOP", "25")))
    else:
        report = ingest(store, [path], fmt=fmt, ctx=ReadContext())
    seconds = time.perf_counter() - t0
    cpu = _cpu() - cpu0
    worker_cpu = _cpu(resource.RUSAGE_CHILDREN) - worker0
    store.dispose()
    # ru_maxrss is in kilobytes on Linux; the worker's is that of the largest child
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"rows": report.claims, "seconds": seconds, "rows_per_s": report.claims / seconds,
            "cpu_seconds": cpu, "rows_per_cpu_s": report.claims / cpu,
            "worker_cpu_seconds": worker_cpu,
            "peak_rss_mb": peak, "worker_rss_mb": child if child else 0.0,
            "file_mb": Path(path).stat().st_size / 2**20,
            "load": os.getloadavg()[0]}


def run_rows(path: str, fmt: str) -> dict[str, float]:
    """Read ``path`` and build its SQLite row tuples without a database: the Python part of
    an ingest (reader, claims, row tuples), apart from SQLite's own work."""
    from rescuewatch.ingest.base import ReadContext
    from rescuewatch.ingest.pipeline import iter_parcels
    from rescuewatch.store.claims import sqlite_batches, with_document_keys

    gc_threshold = gc.get_threshold()
    gc.set_threshold(100_000, *gc_threshold[1:])  # as during an ingest (see pipeline.py)
    cpu0 = _cpu()
    rows = 0
    for _, parcel in iter_parcels([path], fmt, ReadContext()):
        chunked = getattr(parcel, "row_batches", None)  # the chunk path (not in older code)
        if chunked is not None:
            batches = chunked(1, 1)
        else:
            keys, claims = with_document_keys(parcel.claims)
            batches = sqlite_batches(claims, 1, 1, keys)
        for batch in batches:
            rows += len(batch[0]) if isinstance(batch[0], list) else len(batch[0][0])
    cpu = _cpu() - cpu0
    gc.set_threshold(*gc_threshold)
    return {"rows": rows, "cpu_seconds": cpu, "us_per_row": cpu / rows * 1e6}


def _cpu(*whose: int) -> float:
    """User + system CPU seconds of this process and of its finished children (or of
    ``whose`` only)."""
    total = 0.0
    for who in whose or (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def tree_pss_mb(pid: int) -> float:
    """Proportional set size (MB) of process ``pid`` and its descendants (Linux; else 0).

    Forked workers share the pages of their parent and of libraries with it and with each
    other: summing each one's peak RSS counts those pages again, while PSS divides each page
    among the processes that map it, so the sum is the memory the tree really holds.
    """
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            for task in Path(f"/proc/{current}/task").iterdir():
                pending.extend(int(c) for c in (task / "children").read_text().split())
        except OSError:  # gone, or not Linux
            continue
        for line in rollup.splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1]) / 1024
    return total


def measure(path: Path, fmt: str, workdir: Path, profile: bool = False, worker: bool = True,
            code: Path = ROOT) -> dict[str, float]:
    db = workdir / f"bench-{path.stem}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    cmd = [sys.executable, __file__, "--one", str(path), "--db", str(db), "--format", fmt,
           "--code", str(code)]
    if profile:
        cmd.append("--profile")
    env = {**os.environ}
    if not worker:
        env["RESCUEWATCH_INGEST_WORKER"] = "0"
    with subprocess.Popen(cmd, stdout=None if profile else subprocess.PIPE, text=True, cwd=ROOT,
                          env=env) as proc:
        peak_pss = 0.0
        while proc.poll() is None:
            peak_pss = max(peak_pss, tree_pss_mb(proc.pid))
            time.sleep(0.05)
        stdout = proc.stdout.read() if proc.stdout else ""
    if proc.returncode:
        raise SystemExit(f"the ingest of {path} failed (exit {proc.returncode})")
    result = json.loads(stdout.strip().splitlines()[-1]) if stdout else {}
    result["tree_pss_mb"] = peak_pss
    result["db_mb"] = db.stat().st_size / 2**20 if db.exists() else 0.0
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--format", default="auto", help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, nargs="*", default=[100_000, 1_000_000],
                        help="sizes of the generated ACLED files")
    parser.add_argument("--profile", action="store_true",
                        help="profile one ingest of the first size (cProfile, to stderr)")
    parser.add_argument("--serial", action="store_true",
                        help="also measure without parsing workers (RESCUEWATCH_INGEST_WORKER=0)")
    parser.add_argument("--mix", choices=MIXES, nargs="*", default=list(MIXES),
                        help="note mixes of the generated files (profile uses the first)")
    parser.add_argument("--no-db", action="store_true",
                        help="only read and build row tuples (no SQLite): CPU µs per row")
    parser.add_argument("--code", type=Path, default=ROOT,
                        help="checkout whose rescuewatch package is measured (default: this one)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="ingest each input this many times; show the median run")
    args = parser.parse_args()
    if args.one:
        sys.path.insert(0, str(args.code))
        if args.no_db:
            print(json.dumps(run_rows(args.one, args.format)))
        else:
            print(json.dumps(run_one(args.one, args.db, args.format, args.profile)))
        return
    compileall.compile_dir(args.code / "rescuewatch", quiet=1)
    if args.no_db:
        rows_only(args)
        return
    with tempfile.TemporaryDirectory(prefix="rw-bench-") as tmp:
        work = Path(tmp)
        if args.profile:
            path = work / f"acled_{args.rows[0]}.csv"
            generate(path, args.rows[0], mix=args.mix[0])
            measure(path, "acled", work, profile=True, worker=False, code=args.code)
            return
        print("| input | pipeline | rows | wall s | rows/s (wall) | rows/s, all runs "
              "| CPU s (main + workers) | rows/CPU-s | peak RSS main, largest worker (MB) "
              "| peak PSS, all processes (MB) | store (MB) | load avg |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        inputs = bench_inputs(args.rows, args.mix, work)
        pipelines = (True, False) if args.serial else (True,)
        for label, path, fmt in inputs:
            runs: dict[bool, list[dict[str, float]]] = {worker: [] for worker in pipelines}
            for _ in range(args.repeat):
                for worker in pipelines:
                    runs[worker].append(measure(path, fmt, work, worker=worker, code=args.code))
            for worker in pipelines:
                print(table_row(label, "default" if worker else "serial", runs[worker]),
                      flush=True)


def bench_inputs(rows: list[int], mixes: list[str], folder: Path) -> list[tuple[str, Path, str]]:
    """The inputs to measure (label, path, format): the UCDP file when present, and the
    generated ACLED files of each size in ``rows`` and each of ``mixes``, written into
    ``folder``."""
    inputs: list[tuple[str, Path, str]] = []
    if UCDP.exists():
        inputs.append(("UCDP GED Syria (real, .csv.gz)", UCDP, "ucdp"))
    for n in rows:
        for mix in mixes:
            path = folder / f"acled_{n}_{mix}.csv"
            generate(path, n, mix=mix)
            inputs.append((f"ACLED layout, generated {n:,}, {mix}", path, "acled"))
    return inputs


def table_row(label: str, pipeline: str, runs: list[dict[str, float]]) -> str:
    """The results table's row for the median of ``runs`` (by rows/s), with their range."""
    speeds = sorted(r["rows_per_s"] for r in runs)
    median = statistics.median_low(speeds)
    r = next(r for r in runs if r["rows_per_s"] == median)
    spread = f"{speeds[0]:,.0f}-{speeds[-1]:,.0f} ({len(runs)})" if len(runs) > 1 else "(1)"
    return (f"| {label} | {pipeline} | {r['rows']:,} | {r['seconds']:.2f} | "
            f"{r['rows_per_s']:,.0f} | {spread} | {r['cpu_seconds']:.1f} "
            f"({r['cpu_seconds'] - r['worker_cpu_seconds']:.1f} + "
            f"{r['worker_cpu_seconds']:.1f}) | {r['rows_per_cpu_s']:,.0f} | "
            f"{r['peak_rss_mb']:.0f}, {r['worker_rss_mb']:.0f} | {r['tree_pss_mb']:.0f} | "
            f"{r['db_mb']:,.0f} | {r['load']:.1f} |")


def rows_only(args: argparse.Namespace) -> None:
    """``--no-db``: CPU per row of reading and building row tuples, each input in a fresh
    process."""
    print("| input | rows | CPU s | CPU µs/row | load avg |")
    print("|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="rw-bench-") as tmp:
        for label, path, fmt in bench_inputs(args.rows, args.mix, Path(tmp)):
            cmd = [sys.executable, __file__, "--one", str(path), "--format", fmt, "--no-db",
                   "--code", str(args.code)]
            out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"| {label} | {r['rows']:,} | {r['cpu_seconds']:.1f} | {r['us_per_row']:.1f} "
                  f"| {os.getloadavg()[0]:.1f} |", flush=True)


if __name__ == "__main__":
    main()
