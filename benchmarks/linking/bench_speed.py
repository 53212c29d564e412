"""Linking speed: a full link of a large store, then attaching 1,000 new claims to it.

The store is built quickly with bulk inserts: the generated Syria corpus (benchmarks/linking/
generate.py, all day-precise UCDP events) is replicated, each copy shifted by four years, until
the wanted number of claims is reached. Linking runs in a fresh subprocess so that its peak
memory (max RSS) is measured alone.

Usage::

    python benchmarks/linking/bench_speed.py --claims 1000000 --db /tmp/bench.db
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402

from rescuewatch.store import Store  # noqa: E402
from rescuewatch.store.claims import claim_row  # noqa: E402

SHIFT_DAYS = 1461
CLAIM_COLUMNS = ("id", "document_id", "row_ref", "is_aggregate", "protected", "categories",
                 "date_start", "date_end", "date_precision", "place_text", "place_name", "country",
                 "admin1", "lat", "lon", "place_precision", "weapon", "perpetrator_party", "killed",
                 "injured", "description")


def build(path: str, n_claims: int, seed: int) -> dict[str, Any]:
    """Write a store of about ``n_claims`` claims; keep 1,000 aside as 'new' claims."""
    if os.path.exists(path):
        os.remove(path)
    store = Store.open(f"sqlite:///{path}")
    corpus = generate(None, seed)
    base = [(src, r.claim) for src, _label, reports in corpus.documents for r in reports]
    started = time.perf_counter()
    raw = store.engine.raw_connection()
    cur = raw.cursor()
    now = dt.datetime.now().isoformat(sep=" ")
    keys = sorted({src.key for src, _c in base})
    source_id = {}
    for k in keys:
        src = next(s for s, _c in base if s.key == k)
        cur.execute("INSERT INTO sources (key, name, kind, country, affiliation, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)", (k, src.name, src.kind, src.country, src.affiliation, now))
        source_id[k] = cur.lastrowid
    doc_rows, claim_rows = [], []
    claim_id = doc_id = 0
    replica = 0
    held_out: list[tuple[Any, ...]] = []
    while claim_id < n_claims + 1000:
        shift = dt.timedelta(days=SHIFT_DAYS * replica)
        for src, c in base:
            if claim_id >= n_claims + 1000:
                break
            claim_id += 1
            doc_id += 1
            sha = hashlib.sha256(f"{replica}/{claim_id}".encode()).hexdigest()
            doc_rows.append((doc_id, sha, source_id[src.key], f"bench:{doc_id}", "text", now, 100))
            row = claim_row(c, claim_id, doc_id)
            row["date_start"] = (c.date.start + shift).isoformat() if c.date.start else None
            row["date_end"] = (c.date.end + shift).isoformat() if c.date.end else None
            values = tuple(row[k] for k in CLAIM_COLUMNS)
            if claim_id > n_claims:
                held_out.append(values)
            else:
                claim_rows.append(values)
        replica += 1
    cur.executemany("INSERT INTO documents (id, sha256, source_id, origin, format, captured_at, size) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)", doc_rows)
    marks = ", ".join("?" * len(CLAIM_COLUMNS))
    sql = f"INSERT INTO claims ({', '.join(CLAIM_COLUMNS)}) VALUES ({marks})"
    cur.executemany(sql, claim_rows)
    raw.commit()
    raw.close()
    store.dispose()
    # The held-out claims are re-reports placed inside the store's time range (replica 0).
    first = held_out
    new = []
    for k, values in enumerate(first):
        row = dict(zip(CLAIM_COLUMNS, values, strict=True))
        row["id"] = n_claims + 1 + k
        row["document_id"] = 1 + k  # attached to existing documents' sources for realism
        new.append(tuple(row[c] for c in CLAIM_COLUMNS))
    Path(path + ".new.json").write_text(json.dumps(new))
    return {"claims": n_claims, "replicas": replica, "build_seconds": round(time.perf_counter() - started, 1)}


def add_new(path: str) -> None:
    import sqlite3

    rows = json.loads(Path(path + ".new.json").read_text())
    con = sqlite3.connect(path)
    # Each new claim comes in its own new document (a fresh report).
    last_doc = con.execute("SELECT MAX(id) FROM documents").fetchone()[0]
    docs, claims = [], []
    for k, values in enumerate(rows):
        doc = last_doc + 1 + k
        docs.append((doc, hashlib.sha256(f"new/{k}".encode()).hexdigest(), 1, f"new:{k}", "text",
                     "2026-01-01 00:00:00", 100))
        values[1] = doc
        claims.append(tuple(values))
    con.executemany("INSERT INTO documents (id, sha256, source_id, origin, format, captured_at, size) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)", docs)
    marks = ", ".join("?" * len(CLAIM_COLUMNS))
    con.executemany(f"INSERT INTO claims ({', '.join(CLAIM_COLUMNS)}) VALUES ({marks})", claims)
    con.commit()
    con.close()


def _pss_mb(pid: int) -> float:
    """Proportional set size of one process (shared pages split between their users), MB."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(c) for c in text.split()]


class MemorySampler(threading.Thread):
    """Samples the summed PSS of this process and its workers: the memory the link really uses."""

    def __init__(self, every: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.every = every
        self.peak = 0.0
        self.done = threading.Event()

    def run(self) -> None:
        me = os.getpid()
        while not self.done.is_set():
            total = _pss_mb(me) + sum(_pss_mb(c) for c in _children(me))
            self.peak = max(self.peak, total)
            self.done.wait(self.every)


def measure(path: str, full: bool) -> dict[str, Any]:
    """Link in this process; prints wall time, stage times and peak RSS as JSON.

    Peak RSS is reported for this process and, separately, for the largest forked worker
    (linking uses two worker processes on large inputs; their pages shared with this process
    are counted in both figures, so adding them overstates the true peak). The honest total is
    the peak of the summed PSS of this process and its workers, sampled every 0.1 s.
    """
    from rescuewatch.link.pipeline import link_store

    store = Store.open(f"sqlite:///{path}")
    stages: list[tuple[str, float]] = []
    sampler = MemorySampler()
    sampler.start()
    started = time.perf_counter()
    summary = link_store(store, full=full,
                         on_stage=lambda name: stages.append((name, time.perf_counter())))
    elapsed = time.perf_counter() - started
    sampler.done.set()
    sampler.join()
    marks = [(name, t - started) for name, t in stages] + [("end", elapsed)]
    stage_seconds = {name: round(marks[k + 1][1] - t, 2) for k, (name, t) in enumerate(marks[:-1])}
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": round(elapsed, 2), "stage_seconds": stage_seconds,
            "peak_rss_mb": round(peak_mb), "worker_peak_rss_mb": round(child_mb),
            "peak_total_pss_mb": round(sampler.peak),
            "cpu_seconds": round(time.process_time(), 1), "summary": summary}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--db", default="/tmp/rescuewatch-link-bench.db")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--measure", choices=["full", "incremental"], default=None,
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.db, args.measure == "full"), default=str))
        return
    info = build(args.db, args.claims, args.seed)
    me = [sys.executable, __file__, "--db", args.db, "--measure"]
    full = json.loads(subprocess.run([*me, "full"], check=True, capture_output=True, text=True).stdout)
    add_new(args.db)
    inc = json.loads(subprocess.run([*me, "incremental"], check=True, capture_output=True, text=True).stdout)
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    print(json.dumps({"machine": {"nproc": os.cpu_count(), "cpu": cpu, "python": platform.python_version()},
                      "date": dt.date.today().isoformat(), **info, "full_link": full,
                      "attach_1000": inc}, indent=2, default=str))


if __name__ == "__main__":
    main()
