"""The same inputs give the same store on PostgreSQL as on SQLite, table by table and value by
value, and the commands that read a store give the same output (skipped without a server).

SQLite stores dataset rows through its own bulk path (row tuples built straight from the
cells); PostgreSQL through SQLAlchemy Core from ``Claim`` objects. A difference between the two
paths, or between what the two databases accept, shows up here as a differing dump.

Data: the first rows of UCDP GED (CC BY 4.0; Sundberg & Melander 2013, Högbladh 2019) and the
examples' samples of Insecurity Insight and SHCC data (CC BY-SA 4.0); see
../shared/data/PROVENANCE.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import itertools
import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text

from rescuewatch.store import schema as s
from tests.conftest import FIXTURES, ROOT, Invoker

pytest.importorskip("psycopg", reason="psycopg 3 is not installed (pip install '.[postgres]')")
from tests.pg import pg_bindir  # noqa: E402

pytestmark = pytest.mark.skipif(pg_bindir() is None, reason="no PostgreSQL server binaries here")

EXAMPLES = ROOT / "examples"
#: Rows taken from each large real file: more than one insert batch (2,000), still quick.
FIRST_ROWS = 2500
#: Columns holding the time something was done, which differ between any two runs.
TIMES = frozenset({"created_at", "captured_at", "started_at", "finished_at", "at", "updated_at"})

_numbers = itertools.count(1)


def new_pg(server_url: str, **settings: str) -> str:
    """The URL of a new, empty database on the test server (migrated from nothing on first
    use), with session ``settings`` such as a time zone."""
    name = f"parity{next(_numbers)}"
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    engine.dispose()
    url = server_url.replace("/rescuewatch?", f"/{name}?")
    options = " ".join(f"-c {k}={v}" for k, v in settings.items())
    return f"{url}&options={options.replace(' ', '%20')}" if options else url


def stores(tmp_path: Path, server_url: str) -> tuple[Invoker, Invoker]:
    return Invoker(f"sqlite:///{tmp_path / 'lite.db'}"), Invoker(new_pg(server_url))


def dump(url: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table in primary-key order, floats to the last bit; a timestamp
    only as naive (as stored: UTC) or not."""
    engine = create_engine(url)
    out: dict[str, list[dict[str, Any]]] = {}
    try:
        with engine.connect() as conn:
            for table in s.metadata.sorted_tables:
                order = list(table.primary_key.columns)
                rows = conn.execute(select(table).order_by(*order)).mappings()
                out[table.name] = [{k: _plain(k, v) for k, v in r.items()} for r in rows]
    finally:
        engine.dispose()
    return out


def _plain(column: str, value: Any) -> Any:
    if column in TIMES and value is not None:
        return ("naive" if value.tzinfo is None else "aware", type(value).__name__)
    if isinstance(value, float):
        return value.hex()
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def ingest_both(lite: Invoker, pg: Invoker, *args: str) -> tuple[str, str]:
    outputs = []
    for rw in (lite, pg):
        result = rw("ingest", *args)
        outputs.append(result.output.replace(rw.db_url, "<db>"))
    return outputs[0], outputs[1]


# --- the real files: the same rows in both stores ------------------------------------------------


def first_rows(source: Path, target: Path, n: int = FIRST_ROWS) -> Path:
    """The header (and HXL row) and the first ``n`` data rows of a CSV file, gzip kept."""
    opener: Any = gzip.open if source.suffix == ".gz" else open
    with opener(source, "rt", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        rows = list(itertools.islice(reader, 2))
        rows += itertools.islice(reader, n - 1 + any(c.startswith("#") for c in rows[1]))
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    data = buffer.getvalue().encode()
    target.write_bytes(gzip.compress(data, mtime=0) if source.suffix == ".gz" else data)
    return target


REAL_CSV = ["ucdp_ged_hdx_ukraine_2014-2021_conflict_data_ukr.csv",
            "ucdp_ged191_syria_2016-01_2019-11.csv.gz"]
SMALL_FILES = [*(EXAMPLES / "datasets").iterdir(), *sorted((FIXTURES / "ingest").glob("*.csv")),
               FIXTURES / "ingest" / "who_ssa_export.xlsx"]


@pytest.mark.parametrize("name", REAL_CSV)
def test_first_rows_of_a_real_dataset_store_the_same(
        name: str, shared_data: Path, tmp_path: Path, pg_server: str) -> None:
    path = first_rows(shared_data / name, tmp_path / name)
    lite, pg = stores(tmp_path, pg_server)
    out_lite, out_pg = ingest_both(lite, pg, str(path))
    assert out_pg == out_lite and f"{FIRST_ROWS} claim(s)" in out_pg
    assert dump(pg.db_url) == dump(lite.db_url)


@pytest.mark.parametrize("path", sorted(SMALL_FILES), ids=lambda p: p.name)
def test_small_real_and_fixture_files_store_the_same(
        path: Path, tmp_path: Path, pg_server: str) -> None:
    lite, pg = stores(tmp_path, pg_server)
    out_lite, out_pg = ingest_both(lite, pg, str(path))
    assert out_pg == out_lite
    assert dump(pg.db_url) == dump(lite.db_url)


# --- the whole job on the examples, and every command that reads the store -----------------------


@pytest.fixture(scope="module")
def examples_run(pg_server: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Invoker, Invoker]:
    """Both stores after ``rescuewatch run examples/`` (ingest, link, assess)."""
    tmp = tmp_path_factory.mktemp("examples")
    lite, pg = stores(tmp, pg_server)
    for rw in (lite, pg):
        result = rw("run", str(EXAMPLES), "--no-report", "--json")
        assert result.exit_code == 0, result.output
    return lite, pg


def test_the_examples_run_to_the_same_store(examples_run: tuple[Invoker, Invoker]) -> None:
    lite, pg = examples_run
    assert dump(pg.db_url) == dump(lite.db_url)


@pytest.mark.parametrize("args", [("stats", "--json"), ("stats",), ("verify", "--json"),
                                  ("skipped",)])
def test_reading_commands_say_the_same(examples_run: tuple[Invoker, Invoker],
                                       args: tuple[str, ...]) -> None:
    lite, pg = examples_run
    assert pg(*args).output == lite(*args).output


def _without_times(data: bytes, fmt: str) -> Any:
    """An export with the incidents' own timestamps (when linking ran) taken out."""
    if fmt == "parquet":
        import pandas as pd

        frame = pd.read_parquet(io.BytesIO(data))
        return frame.drop(columns=[c for c in TIMES if c in frame.columns]).to_json()
    textual = data.decode()
    if fmt == "jsonl":
        return [{k: v for k, v in json.loads(line).items() if k not in TIMES}
                for line in textual.splitlines()]
    if fmt in ("csv", "hxl-csv", "acled-csv"):
        rows = list(csv.reader(io.StringIO(textual)))
        keep = [i for i, name in enumerate(rows[0]) if name not in TIMES]
        return [[row[i] for i in keep if i < len(row)] for row in rows]
    value = json.loads(textual)
    for feature in value.get("features", []):
        for name in TIMES:
            feature.get("properties", {}).pop(name, None)
    return value


@pytest.mark.parametrize("level", ["claims", "incidents"])
@pytest.mark.parametrize("fmt", ["hxl-csv", "geojson", "acled-csv", "csv", "jsonl", "parquet"])
def test_every_export_is_the_same(examples_run: tuple[Invoker, Invoker], tmp_path: Path,
                                  fmt: str, level: str) -> None:
    pytest.importorskip("pyarrow") if fmt == "parquet" else None
    files = []
    for side, rw in zip(("lite", "pg"), examples_run, strict=True):
        out = tmp_path / f"{side}.{fmt}"
        result = rw("export", "--format", fmt, "--level", level, "-o", str(out))
        assert result.exit_code == 0, result.output
        files.append(out.read_bytes())
    if level == "claims":
        assert files[1] == files[0]
    assert _without_times(files[1], fmt) == _without_times(files[0], fmt)


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_native_export_reimports_the_same_either_way(
        examples_run: tuple[Invoker, Invoker], tmp_path: Path, pg_server: str, fmt: str) -> None:
    source = tmp_path / f"claims.{fmt}"
    assert examples_run[1]("export", "--format", fmt, "-o", str(source)).exit_code == 0
    lite, pg = stores(tmp_path, pg_server)
    assert ingest_both(lite, pg, str(source))[0].endswith("claim(s)\n")
    assert dump(pg.db_url) == dump(lite.db_url)
    again = [tmp_path / f"again-{side}.{fmt}" for side in ("lite", "pg")]
    for rw, out in zip((lite, pg), again, strict=True):
        assert rw("export", "--format", fmt, "-o", str(out)).exit_code == 0
    assert again[0].read_bytes() == again[1].read_bytes()


def test_verify_finds_the_same_altered_and_missing_bytes(tmp_path: Path, pg_server: str) -> None:
    lite, pg = stores(tmp_path, pg_server)
    ingest_both(lite, pg, str(EXAMPLES / "datasets"))
    outputs = []
    for rw in (lite, pg):
        engine = create_engine(rw.db_url)
        with engine.begin() as conn:
            first, _, third = conn.execute(text("SELECT sha256 FROM documents ORDER BY id")
                                           ).scalars().all()[:3]
            conn.execute(text("UPDATE blobs SET data = :d WHERE sha256 = :s"),
                         {"d": b"altered", "s": first})
            conn.execute(text("DELETE FROM blobs WHERE sha256 = :s"), {"s": third})
        engine.dispose()
        result = rw("verify", "--json")
        assert result.exit_code == 4
        outputs.append(result.output)
    report, _ = json.JSONDecoder().raw_decode(outputs[0])  # the error line follows it
    assert [p["status"] for p in report["problems"]] == ["mismatch", "missing"]
    assert outputs[1] == outputs[0]


# --- bad input, skipped rows, re-ingesting ------------------------------------------------------


def ucdp_with(shared_data: Path, tmp_path: Path, changes: dict[tuple[int, str], str],
              name: str = "bad.csv") -> Path:
    """The first UCDP Ukraine rows with some cells changed (``(data row, column): value``)."""
    path = first_rows(shared_data / REAL_CSV[0], tmp_path / name)
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    for (row, column), value in changes.items():
        rows[row + 1][rows[0].index(column)] = value  # +1: the HXL row under the header
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return path


def test_a_bad_row_after_the_first_batch_leaves_postgresql_as_it_was(
        shared_data: Path, tmp_path: Path, pg_server: str) -> None:
    lite, pg = stores(tmp_path, pg_server)
    ingest_both(lite, pg, str(EXAMPLES / "datasets"))
    before = dump(pg.db_url)
    bad = ucdp_with(shared_data, tmp_path, {(2400, "latitude"): "999"})
    truncated = tmp_path / "truncated.csv"
    truncated.write_bytes(bad.read_bytes()[: bad.stat().st_size * 9 // 10])
    for path in (bad, truncated):
        out_lite, out_pg = ingest_both(lite, pg, str(path))
        assert out_pg == out_lite and out_pg.startswith("Error: ") and out_pg.count("\n") == 1
        assert dump(pg.db_url) == before


def _timeless(text: str) -> str:
    return re.sub(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?", "<time>", text)


def test_skipped_rows_and_reingesting_are_the_same(
        shared_data: Path, tmp_path: Path, pg_server: str) -> None:
    lite, pg = stores(tmp_path, pg_server)
    bad = ucdp_with(shared_data, tmp_path, {(3, "latitude"): "999",
                                            (2300, "date_start"): "2015-02-31"})
    out_lite, out_pg = ingest_both(lite, pg, "--skip-bad-rows", str(bad))
    assert out_pg == out_lite and "2 bad row(s) skipped" in out_pg
    # the runs' start times differ, and across a minute boundary their printed minutes too
    assert _timeless(pg("skipped").output) == _timeless(lite("skipped").output)
    stored = dump(pg.db_url)
    assert stored == dump(lite.db_url)
    assert len(stored["skipped_rows"]) == 2
    assert ingest_both(lite, pg, "--skip-bad-rows", str(bad))[1].endswith("nothing to do\n")
    assert dump(pg.db_url) == stored


def test_a_count_too_large_for_postgresql_is_a_bad_row_on_both(
        shared_data: Path, tmp_path: Path, pg_server: str) -> None:
    """PostgreSQL's INTEGER stops at 2**31 - 1, where SQLite stored any count: the same
    one-line error on both, and the same skipped row with ``--skip-bad-rows``."""
    lite, pg = stores(tmp_path, pg_server)
    bad = ucdp_with(shared_data, tmp_path, {(5, "best"): str(2**31)})
    out_lite, out_pg = ingest_both(lite, pg, str(bad))
    assert out_pg == out_lite
    assert out_pg.startswith(f"Error: {bad}, row 7, column 'best'") and out_pg.count("\n") == 1
    out_pg = ingest_both(lite, pg, "--skip-bad-rows", str(bad))[1]
    assert "1 bad row(s) skipped" in out_pg
    assert dump(pg.db_url) == dump(lite.db_url)


def test_a_nul_byte_deep_in_a_text_file_is_refused_on_both(tmp_path: Path,
                                                           pg_server: str) -> None:
    report = EXAMPLES / "reports" / "illustrative_en_agency_2015-01-31.txt"
    path = tmp_path / "report.txt"
    path.write_bytes(report.read_bytes() + b"\n" * 9000 + b"a\x00b\n")
    lite, pg = stores(tmp_path, pg_server)
    out_lite, out_pg = ingest_both(lite, pg, str(path))
    assert out_pg == out_lite == f"Error: {path}: binary content, not text\n"
    assert dump(pg.db_url) == dump(lite.db_url)


# --- times -------------------------------------------------------------------------------------


def test_capture_times_are_utc_whatever_the_server_time_zone(
        tmp_path: Path, pg_server: str) -> None:
    """``captured_at`` and the run's times are naive UTC on both databases, also when the
    PostgreSQL session is in a zone far from UTC."""
    pg = Invoker(new_pg(pg_server, TimeZone="Pacific/Kiritimati"))  # UTC+14
    lite = Invoker(f"sqlite:///{tmp_path / 'lite.db'}")
    start = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    ingest_both(lite, pg, str(EXAMPLES / "reports"))
    end = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for rw in (lite, pg):
        engine = create_engine(rw.db_url)
        with engine.connect() as conn:
            times = [*conn.execute(select(s.documents.c.captured_at)).scalars(),
                     *conn.execute(select(s.ingest_runs.c.started_at)).scalars()]
        engine.dispose()
        assert times and all(start - dt.timedelta(seconds=1) <= t <= end for t in times)
