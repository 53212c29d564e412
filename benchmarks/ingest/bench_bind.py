"""What inserting claim rows costs in SQLite, by driver: where the ingest's main process goes.

Ingests the UCDP GED Syria file (16,566 rows) serially into a temporary store, then copies its
``claims`` rows into a fresh table of the same schema several ways, each in one transaction and
timed in CPU seconds:

- ``executemany`` of Python's ``sqlite3`` module binding what the ingest binds: the columns
  that hold a value in some row and differ between rows (the ingest leaves out columns that are
  null in a whole batch and writes constants into the statement, ``store.claims.insert_batch``);
- the same binding all 32 columns, nulls and constants included (how this script measured
  until the fourteenth round): Python 3.11's ``sqlite3`` binds a ``None`` some ten times as
  slowly as an integer, since it looks for an adapter for every value that is not an int,
  float, str or bytearray;
- ``executemany`` of APSW, another binding of SQLite, when it is installed (``pip install
  apsw``; it is not a dependency of rescuewatch);
- ``INSERT INTO ... SELECT`` from the attached store: SQLite alone, no binding at all (the floor).

Usage::

    python benchmarks/ingest/bench_bind.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
UCDP = ROOT.parent / "shared" / "data" / "ucdp_ged191_syria_2016-01_2019-11.csv.gz"


def _source_store(folder: Path) -> Path:
    sys.path.insert(0, str(ROOT))
    from rescuewatch.ingest.base import ReadContext
    from rescuewatch.ingest.pipeline import ingest
    from rescuewatch.store import Store

    path = folder / "source.db"
    store = Store.open(f"sqlite:///{path}")
    ingest(store, [str(UCDP)], fmt="auto", ctx=ReadContext())
    store.dispose()
    return path


def _fresh(folder: Path, schema: str, n: int) -> Path:
    path = folder / f"copy{n}.db"
    con = sqlite3.connect(path)
    con.execute(schema)
    con.close()
    return path


def _as_ingest_binds(names: list[str], rows: list[Any]) -> tuple[str, list[tuple[Any, ...]]]:
    """The INSERT and row tuples of what the ingest binds: no column null in every row, and
    a column with one value in every row written into the statement as a literal."""
    columns = list(zip(*rows, strict=True))
    kept = [i for i, values in enumerate(columns) if any(v is not None for v in values)]
    literal = {i: columns[i][0] for i in kept
               if len(set(columns[i])) == 1 and type(columns[i][0]) in (int, str)}
    bound = [i for i in kept if i not in literal]
    values = ", ".join(_sql_literal(literal[i]) if i in literal else "?" for i in kept)
    sql = f"INSERT INTO claims ({', '.join(names[i] for i in kept)}) VALUES ({values})"
    return sql, [tuple(row[i] for i in bound) for row in rows]


def _sql_literal(value: int | str) -> str:
    return str(value) if type(value) is int else "'" + str(value).replace("'", "''") + "'"


def _timed(con: Any, insert: Callable[[Any], object]) -> float:
    """CPU seconds of ``insert`` on ``con`` in one transaction, the commit included."""
    cpu = time.process_time()
    con.execute("BEGIN")
    insert(con)
    con.execute("COMMIT")
    return time.process_time() - cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = _source_store(folder)
        con = sqlite3.connect(source)
        schema = con.execute("SELECT sql FROM sqlite_master WHERE name = 'claims'").fetchone()[0]
        schema = re.sub(r",\s*FOREIGN KEY.*?\)\s*(?=,|\)\s*$)", "", schema, flags=re.S)
        rows = con.execute("SELECT * FROM claims").fetchall()
        names = [row[1] for row in con.execute("PRAGMA table_info(claims)")]
        con.close()
        sql = f"INSERT INTO claims VALUES ({', '.join('?' * len(rows[0]))})"
        bound_sql, bound_rows = _as_ingest_binds(names, rows)
        times: dict[str, list[float]] = {"sqlite3 executemany": [],
                                         "sqlite3 executemany, every column": [],
                                         "INSERT ... SELECT": []}
        try:
            import apsw
        except ImportError:
            apsw = None
        else:
            times["apsw executemany"] = []
        for n in range(args.repeat):
            con = sqlite3.connect(_fresh(folder, schema, 4 * n), isolation_level=None)
            times["sqlite3 executemany"].append(
                _timed(con, lambda c: c.executemany(bound_sql, bound_rows)))
            con.close()
            con = sqlite3.connect(_fresh(folder, schema, 4 * n + 3), isolation_level=None)
            times["sqlite3 executemany, every column"].append(
                _timed(con, lambda c: c.executemany(sql, rows)))
            con.close()
            con = sqlite3.connect(_fresh(folder, schema, 4 * n + 1), isolation_level=None)
            con.execute("ATTACH ? AS source", (str(source),))
            times["INSERT ... SELECT"].append(_timed(
                con, lambda c: c.execute("INSERT INTO main.claims SELECT * FROM source.claims")))
            con.close()
            if apsw is not None:
                acon = apsw.Connection(str(_fresh(folder, schema, 4 * n + 2)))
                times["apsw executemany"].append(_timed(acon, lambda c: c.executemany(sql, rows)))
                acon.close()
    base = statistics.median(times["sqlite3 executemany"])
    print(f"{len(rows):,} claim rows of {len(rows[0])} columns, {len(bound_rows[0])} bound as the "
          f"ingest binds them; SQLite {sqlite3.sqlite_version}"
          + (f", APSW's SQLite {apsw.sqlite_lib_version()}" if apsw is not None else ""))
    print("| insert | CPU s (median) | runs | against sqlite3 |\n|---|---:|---|---:|")
    for name, values in times.items():
        med = statistics.median(values)
        print(f"| {name} | {med:.3f} | {' / '.join(f'{v:.3f}' for v in values)} | "
              f"{base / med:.1f}x |")


if __name__ == "__main__":
    main()
