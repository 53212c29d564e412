"""Ingest speed and peak memory of the dataset readers into SQLite.

Measures, each in a fresh process and a fresh store (so that peak RSS is that run's own):

- the real UCDP GED Syria file (16,566 rows, ../shared/data);
- generated ACLED-layout CSVs (31 columns, invented rows, fixed seed) of 100,000, 300,000 and
  1,000,000 rows: rows per second, and peak RSS against size (flat means streaming).

Usage::

    python benchmarks/ingest/bench_ingest.py                 # everything, prints a table
    python benchmarks/ingest/bench_ingest.py --rows 200000 --profile   # where time goes

Generated files go to a temporary folder and are deleted afterwards.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from rescuewatch.export.acled import COLUMNS as ACLED_EXPORT_COLUMNS  # noqa: E402

SHARED = Path(os.environ.get("RESCUEWATCH_SHARED_DATA", ROOT.parent / "shared" / "data"))
UCDP = SHARED / "ucdp_ged191_syria_2016-01_2019-11.csv.gz"

COLUMNS = list(ACLED_EXPORT_COLUMNS)  # ACLED's current 31-column layout
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


def generate(path: Path, rows: int, seed: int = 20240208) -> None:
    """Write ``rows`` invented ACLED-layout rows to ``path`` (same seed, same bytes)."""
    rng = random.Random(seed)
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
            note = rng.choice(NOTES).format(d=day.strftime("%d %B %Y"), loc=loc, n=killed)
            out.writerow([
                f"{iso3}{i + 1}", day.isoformat(), day.year, rng.choice("1112"), disorder, etype,
                sub, actors[i % 2], "", "1", actors[(i + 1) % 2], "", "1", "11", "", iso,
                "Region", country, f"Province {rng.randrange(30)}", "", "", loc, f"{lat:.4f}",
                f"{lon:.4f}", rng.choice("1123"), "Invented source", "National", note, killed, "",
                "1700000000",
            ])


def fast_add_claims(conn: Any, document_id: int, claims: Any, *, on_batch: Any = None) -> int:
    """The change proposed for ``store.claims.add_claims`` on SQLite (see RESULTS-ingest.md):
    the same rows, handed to the driver's ``executemany`` as tuples, without SQLAlchemy's
    per-row parameter processing (dates and booleans converted here as SQLAlchemy would)."""
    from itertools import islice

    from rescuewatch.store import claims as sc
    from rescuewatch.store import schema as s

    if conn.dialect.name != "sqlite":
        return ORIGINAL_ADD_CLAIMS(conn, document_id, claims, on_batch=on_batch)

    def sql(table: Any) -> tuple[str, list[str]]:
        cols = [c.name for c in table.columns if not (table is s.evidence and c.name == "id")]
        names = ", ".join(f'"{c}"' for c in cols)
        return f"INSERT INTO {table.name} ({names}) VALUES ({', '.join('?' * len(cols))})", cols

    def value(v: Any) -> Any:
        if isinstance(v, bool):
            return int(v)
        if isinstance(v, dt.date):
            return v.isoformat()
        return v

    (c_sql, c_cols), (v_sql, v_cols), (e_sql, _) = (
        sql(s.claims), sql(s.claim_victims), sql(s.evidence))
    next_id = sc.next_claim_id(conn)
    written = 0
    iterator = iter(claims)
    while batch := list(islice(iterator, sc.BATCH)):
        rows, victims, spans = [], [], []
        for claim in batch:
            claim.id, claim.document_id = next_id, document_id
            row = sc.claim_row(claim, next_id, document_id)
            rows.append(tuple([value(row[c]) for c in c_cols]))
            victims.extend(tuple(v[c] for c in v_cols) for v in sc._victim_rows(claim, next_id))
            spans.extend((next_id, e.start, e.end, e.text, e.field) for e in claim.evidence)
            next_id += 1
        conn.exec_driver_sql(c_sql, rows)
        if victims:
            conn.exec_driver_sql(v_sql, victims)
        if spans:
            conn.exec_driver_sql(e_sql, spans)
        written += len(batch)
        if on_batch is not None:
            on_batch(len(batch))
    return written


ORIGINAL_ADD_CLAIMS: Any = None


def run_one(path: str, db: str, fmt: str, profile: bool, fast_store: bool) -> dict[str, float]:
    """Ingest ``path`` into a new SQLite store in this process; time and peak RSS."""
    global ORIGINAL_ADD_CLAIMS
    from rescuewatch.ingest import pipeline
    from rescuewatch.ingest.base import ReadContext
    from rescuewatch.ingest.pipeline import ingest
    from rescuewatch.store import Store

    if fast_store:
        ORIGINAL_ADD_CLAIMS = pipeline.add_claims
        pipeline.add_claims = fast_add_claims
    store = Store.open(f"sqlite:///{db}")
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    if profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        report = prof.runcall(ingest, store, [path], fmt=fmt, ctx=ReadContext())
        pstats.Stats(prof, stream=sys.stderr).sort_stats("tottime").print_stats(25)
    else:
        report = ingest(store, [path], fmt=fmt, ctx=ReadContext())
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    store.dispose()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    return {"rows": report.claims, "seconds": seconds, "rows_per_s": report.claims / seconds,
            "cpu_seconds": cpu, "rows_per_cpu_s": report.claims / cpu,
            "peak_rss_mb": peak_kb / 1024, "file_mb": Path(path).stat().st_size / 2**20}


def measure(path: Path, fmt: str, workdir: Path, profile: bool = False,
            fast_store: bool = False) -> dict[str, float]:
    db = workdir / f"bench-{path.stem}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    cmd = [sys.executable, __file__, "--one", str(path), "--db", str(db), "--format", fmt]
    if profile:
        cmd.append("--profile")
    if fast_store:
        cmd.append("--fast-store")
    out = subprocess.run(cmd, check=True, capture_output=not profile, text=True, cwd=ROOT)
    result = json.loads(out.stdout.strip().splitlines()[-1]) if out.stdout else {}
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--format", default="auto", help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, nargs="*", default=[100_000, 300_000, 1_000_000],
                        help="sizes of the generated ACLED files")
    parser.add_argument("--profile", action="store_true",
                        help="profile one ingest of the first size (cProfile, to stderr)")
    parser.add_argument("--fast-store", action="store_true",
                        help="also measure with the proposed driver-level claim insert")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.db, args.format, args.profile,
                                 args.fast_store)))
        return
    with tempfile.TemporaryDirectory(prefix="rw-bench-") as tmp:
        work = Path(tmp)
        if args.profile:
            path = work / f"acled_{args.rows[0]}.csv"
            generate(path, args.rows[0])
            measure(path, "acled", work, profile=True, fast_store=args.fast_store)
            return
        print("| input | store insert | rows | wall s | rows/s (wall) | CPU s | rows/CPU-s "
              "| peak RSS (MB) | file (MB) |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
        inputs: list[tuple[str, Path, str]] = []
        if UCDP.exists():
            inputs.append(("UCDP GED Syria (real, .csv.gz)", UCDP, "ucdp"))
        for n in args.rows:
            path = work / f"acled_{n}.csv"
            generate(path, n)
            inputs.append((f"ACLED layout, generated {n:,}", path, "acled"))
        for label, path, fmt in inputs:
            for fast in (False, True) if args.fast_store else (False,):
                r = measure(path, fmt, work, fast_store=fast)
                print(f"| {label} | {'proposed' if fast else 'current'} | {r['rows']:,} | "
                      f"{r['seconds']:.1f} | {r['rows_per_s']:,.0f} | {r['cpu_seconds']:.1f} | "
                      f"{r['rows_per_cpu_s']:,.0f} | {r['peak_rss_mb']:.0f} | "
                      f"{r['file_mb']:.1f} |", flush=True)


if __name__ == "__main__":
    main()
