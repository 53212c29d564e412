"""Export speed and memory: N synthetic claims, every format, claims level.

Usage: python benchmarks/export/bench_export.py [N] (default 100000). Prints one line per
format with seconds, claims per second, file size and the process's peak RSS, which must stay
flat as N grows (exports stream).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import resource
import sys
import tempfile
import time
from pathlib import Path

from rescuewatch.export import write_export
from rescuewatch.ingest.pipeline import ingest
from rescuewatch.model import (
    VICTIM_CATEGORIES,
    WEAPONS,
    Claim,
    DateSpan,
    Evidence,
    Perpetrator,
    Place,
    Source,
    Victim,
)
from rescuewatch.store import Store
from rescuewatch.store.claims import add_claims


def claims(n: int):
    for i in range(n):
        yield Claim(
            date=DateSpan(dt.date(2020, 1, 1) + dt.timedelta(days=i % 1500), None, "day"),
            place=Place(text=f"place {i % 977}", name=f"Place {i % 977}", country="XA",
                        admin1=f"Region {i % 17}", lat=30 + (i % 1000) / 100, lon=35 + (i % 700) / 100,
                        precision="city"),
            victims=[Victim(VICTIM_CATEGORIES[i % 8], killed=i % 3, injured=i % 5)],
            weapon=WEAPONS[i % 8], perpetrator=Perpetrator(f"party {i % 2}", f"party_{i % 2}"),
            evidence=[Evidence(0, 40, "an evidence span of about forty letters.")],
            description="A synthetic description of an event, about a hundred characters long....",
            row_ref=str(i), original={"id": i, "note": "synthetic"},
        )


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(f"sqlite:///{tmp}/bench.db")
        raw = b"synthetic benchmark document"
        sha = hashlib.sha256(raw).hexdigest()
        with store.transaction() as conn:
            sid = store.source_id(conn, Source("bench", "Bench"))
            store.put_blob(conn, sha, [raw])
            doc = store.add_document(conn, {"sha256": sha, "source_id": sid, "origin": "bench",
                                            "format": "text", "size": len(raw)})
            add_claims(conn, doc, claims(n))
        print(f"{n} claims stored; peak RSS {rss_mb():.0f} MB")
        for fmt in ("csv", "jsonl", "hxl-csv", "geojson", "acled-csv", "parquet"):
            out = Path(tmp) / f"out.{fmt}"
            t0 = time.perf_counter()
            rows = write_export(store, fmt, str(out))
            secs = time.perf_counter() - t0
            print(f"export {fmt:<10} {rows} rows {secs:6.1f} s {rows / secs:8.0f} rows/s "
                  f"{out.stat().st_size / 2**20:7.1f} MB  peak RSS {rss_mb():.0f} MB")
        second = Store.open(f"sqlite:///{tmp}/again.db")
        t0 = time.perf_counter()
        report = ingest(second, [str(Path(tmp) / "out.csv")])
        secs = time.perf_counter() - t0
        print(f"re-ingest csv {report.claims} claims {secs:6.1f} s {report.claims / secs:8.0f} "
              f"claims/s  peak RSS {rss_mb():.0f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
