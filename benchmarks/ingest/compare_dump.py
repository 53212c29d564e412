"""Check that two versions of the code store identical claims.

Ingests the real UCDP file and a generated ACLED-layout file (both note mixes of
``bench_ingest.py``) into fresh SQLite stores, once with each code version, and compares a
digest of every row of the ``claims`` and ``claim_victims`` tables (ordered by id).

Usage::

    python benchmarks/ingest/compare_dump.py /tmp/before            # this checkout vs another
    python benchmarks/ingest/compare_dump.py /tmp/before --rows 100000
    python benchmarks/ingest/compare_dump.py . --workers 2    # 2 parsing workers vs none

Both run without parsing workers (``RESCUEWATCH_INGEST_WORKER=0``) unless ``--workers`` gives
this checkout's setting.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
TABLES = ("claims", "claim_victims")


def dump(code: str, path: str, fmt: str, db: str) -> dict[str, list[object]]:
    """Ingest ``path`` with the package under ``code``; row count and digest per table."""
    sys.path.insert(0, code)
    import sqlite3

    from rescuewatch.ingest.base import ReadContext
    from rescuewatch.ingest.pipeline import ingest
    from rescuewatch.store import Store

    store = Store.open(f"sqlite:///{db}")
    ingest(store, [path], fmt=fmt, ctx=ReadContext())
    store.dispose()
    conn = sqlite3.connect(db)
    out: dict[str, list[object]] = {}
    for table in TABLES:
        digest = hashlib.sha256()
        n = 0
        for row in conn.execute(f"SELECT * FROM {table} ORDER BY rowid"):
            digest.update(repr(row).encode("utf-8"))
            n += 1
        out[table] = [n, digest.hexdigest()]
    conn.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("other", nargs="?", help="root of the other code version")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--workers", default="0",
                        help="RESCUEWATCH_INGEST_WORKER for this checkout's runs (default 0)")
    parser.add_argument("--one", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(dump(*args.one)))
        return
    sys.path.insert(0, str(HERE))
    import bench_ingest as bench

    same = True
    with tempfile.TemporaryDirectory(prefix="rw-dump-") as tmp:
        for label, path, fmt in bench.bench_inputs([args.rows], list(bench.MIXES), Path(tmp)):
            results: list[dict[str, list[object]]] = []
            for code, workers in ((str(ROOT), args.workers), (args.other, "0")):
                db = Path(tmp) / f"dump-{len(results)}.db"
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{db}{suffix}").unlink(missing_ok=True)
                out = subprocess.run([sys.executable, __file__, "--one", code, str(path), fmt,
                                      str(db)], check=True, capture_output=True, text=True,
                                     cwd=tmp, env={"RESCUEWATCH_INGEST_WORKER": workers,
                                                   "PATH": "/usr/bin:/bin"})
                results.append(json.loads(out.stdout.strip().splitlines()[-1]))
            ok = results[0] == results[1]
            same = same and ok
            print(f"{label}: {'identical' if ok else 'DIFFERENT'} "
                  + " ".join(f"{t}={results[0][t][0]:,}" for t in TABLES), flush=True)
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
