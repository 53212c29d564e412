"""The bulk ingest paths give the same store as the portable one.

SQLite takes claims as driver-level tuples (``store.claims.sqlite_batches`` / ``insert_batch``)
and large dataset files are parsed in forked workers (``ingest.pipeline._Workers``);
PostgreSQL takes the SQLAlchemy Core path (``add_claims_portable``). These tests check that the
rows stored are identical whichever path wrote them, that ``Claim.original`` reads back as it
went in, and that errors and skipped rows from the worker behave as without it (one line naming
row and column, store unchanged).
"""

from __future__ import annotations

import datetime as dt
import gc
import gzip
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rescuewatch.errors import InputError
from rescuewatch.ingest import pipeline
from rescuewatch.ingest.base import InputFile, ReadContext
from rescuewatch.model import Claim, DateSpan, Evidence, Perpetrator, Place, Source, Victim
from rescuewatch.store import Store
from rescuewatch.store import claims as sc
from rescuewatch.store.writeback import THREAD_NAME
from tests.conftest import store_file_bytes

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ingest"
TABLES = ("claims", "claim_victims", "evidence", "documents", "skipped_rows")


def dump(db_url: str, tables: tuple[str, ...] = TABLES) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of ``tables`` as SQLite holds it (types included), volatile columns aside."""
    con = sqlite3.connect(db_url.removeprefix("sqlite:///"))
    try:
        out = {}
        for table in tables:
            cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})")
                    if r[1] not in ("captured_at", "run_id")]
            names = ", ".join(f'"{c}"' for c in cols)
            rows = con.execute(f"SELECT {names} FROM {table} ORDER BY 1")
            out[table] = [tuple((type(v).__name__, v) for v in row) for row in rows]
        return out
    finally:
        con.close()


def sample_claims() -> list[Claim]:
    """Claims using every column type: dates, booleans, floats, victims, evidence, originals."""
    return [
        Claim(
            date=DateSpan(dt.date(2024, 2, 8), dt.date(2024, 2, 9), "day"),
            place=Place("Kharkiv", "Kharkiv", "UA", "Kharkivska", 49.99, 36.23, 706483, "city"),
            victims=[Victim("rescuer", killed=1, injured=2), Victim("rescuer", injured=1,
                                                                      harm="trapped"),
                     Victim("ambulance", affected=1, harm="damaged")],
            killed=3, weapon="drone", repeat_strike=True,
            perpetrator=Perpetrator("forces of one side", "party-a"), confidence=0.75,
            evidence=[Evidence(0, 5, "Crews", "victims"), Evidence(10, 20, "second strike")],
            row_ref="r1", extractor="test", extractor_version="1", reported_certainty="probable",
            event_type="strike", description="a drone struck rescuers", time_of_day="14:05",
            original={"id": "r1", "notes": 'a "quoted" note, 100% \\ odd\u2028', "Дата": "8.2"},
        ),
        Claim(date=DateSpan(dt.date(2023, 5, 1), dt.date(2023, 5, 1), "month"),
              place=Place(country="RU", lat=-0.5, lon=0.0, precision="censored"),
              is_aggregate=True, repeat_strike=False, killed=0, original=None),
        Claim(original={"n": 3, "f": 1.5, "missing": None, "nested": {"k": [1, 2]}}),
        Claim(original={}),
    ]


def two_stores(tmp_path: Path) -> Iterator[tuple[str, Store]]:
    for name in ("fast", "portable"):
        url = f"sqlite:///{tmp_path / name}.db"
        yield url, Store.open(url)


def add_document(store: Store, conn: Any) -> int:
    data = b"bulk test"
    sha = hashlib.sha256(data).hexdigest()
    source_id = store.source_id(conn, Source("bulk-test", "Bulk test"))
    store.put_blob(conn, sha, [data])
    return store.add_document(conn, {"sha256": sha, "source_id": source_id, "origin": "mem",
                                     "format": "test", "size": len(data)})


def test_sqlite_fast_path_stores_what_the_portable_path_stores(tmp_path: Path) -> None:
    dumps = []
    for url, store in two_stores(tmp_path):
        with store.transaction() as conn:
            doc = add_document(store, conn)
            write = sc.add_claims if "fast" in url else sc.add_claims_portable
            assert write(conn, doc, sample_claims()) == 4
            assert write(conn, doc, sample_claims()[:1]) == 1  # ids continue after the first call
        dumps.append(dump(url))
        back = [c for c, _ in sc.iter_claims(store)]
        for old, new in zip(sample_claims() + sample_claims()[:1], back, strict=True):
            assert new.original == old.original
            assert (new.date, new.place, new.evidence) == (old.date, old.place, old.evidence)
            assert new.killed == (old.totals()[0] if old.victims else old.killed)
        store.dispose()
    assert dumps[0] == dumps[1]
    assert len(dumps[0]["claims"]) == 5 and len(dumps[0]["evidence"]) == 4


def test_claim_values_follow_the_claims_columns() -> None:
    claim = sample_claims()[0]
    encode = sc.OriginalEncoder()
    row = sc.claim_row(claim, 7, 3, encode)
    values = dict(zip(sc.CLAIM_COLUMNS, sc.claim_values(claim, 7, 3, encode), strict=True))
    assert set(values) == set(row)
    for name, value in row.items():
        expected = value.isoformat() if isinstance(value, dt.date) else (
            int(value) if isinstance(value, bool) else value)
        assert values[name] == expected, name


@pytest.mark.parametrize("original", [
    {"a": "x", "b": ""},
    {"%s": "%d", "q\"uote": "back\\slash", "tab\t": "new\nline", "ü": "Київ \u2028 \ud800"},
    {"n": 1, "x": "y"},  # a number: json.dumps itself
    {1: "int key"},
    {},
    None,
])
def test_original_encoder_is_compact_json(original: dict[Any, Any] | None) -> None:
    encode = sc.OriginalEncoder()
    for _ in range(2):  # the second call uses the cached template
        text = encode(original)
        if original is None:
            assert text is None
            continue
        assert text == json.dumps(original, ensure_ascii=False, separators=(",", ":"),
                                  default=str)
        assert json.loads(text) == json.loads(json.dumps(original, default=str))


@pytest.mark.parametrize("row", [
    ["a", "b", "c"], [""], ["", ""], ['a","b', "c"], ['"', '""'], ["back\\slash", "x"],
    ["tab\t", "new\nline"], ["\x00", "\x1f", "\x7f"], ["Київ", "\u2028", "\xa0", "\ud800"],
])
def test_original_arrays_are_compact_json(row: list[str]) -> None:
    (text,) = sc.original_arrays([row])
    assert text == json.dumps(row, ensure_ascii=False, separators=(",", ":"))


def test_original_arrays_of_mixed_rows_in_any_order() -> None:
    kinds = [["a", "b"], ['say "x"', "c"], ["tab\t", '"q"'], ["back\\slash", '"'],
             ['a"\x00b', "c"], ["\x00", ""], [], ["Київ", '"Київ"'], ["\U0001f691", "\x7f"]]
    rows = [row for first in kinds for second in kinds for row in (first, second)]
    # a lone surrogate (which orjson refuses) in one row of a chunk
    for order in (rows, rows[::-1], [*rows, ["\ud800", "x"], *rows]):
        assert sc.original_arrays(order) == [
            json.dumps(row, ensure_ascii=False, separators=(",", ":")) for row in order]


def test_original_encoder_follows_changing_keys() -> None:
    encode = sc.OriginalEncoder()
    rows = [{"a": "1", "b": "2"}, {"b": "2", "a": "1"}, {"a": "1"}, {"a": "1", "b": "2"}]
    assert [json.loads(encode(r) or "") for r in rows] == rows
    assert [list(json.loads(encode(r) or "")) for r in rows] == [list(r) for r in rows]


# --- the worker process ------------------------------------------------------------------------


def through_workers(monkeypatch: pytest.MonkeyPatch, batch: int) -> list[int]:
    """Send every dataset, however small, to worker processes in chunks of ``batch`` rows;
    the list that gets the number of workers of each input that used them."""
    if not pipeline.can_fork():
        pytest.skip("no fork here (or other threads are running)")
    used: list[int] = []
    real = pipeline._Workers

    def counting(sources: list[Any], ctx: ReadContext) -> Any:
        used.append(len(sources))
        return real(sources, ctx)

    monkeypatch.setattr(pipeline, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(pipeline, "_Workers", counting)
    monkeypatch.setattr(sc, "BATCH", batch)
    return used


@pytest.fixture
def counted_worker(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every dataset through one worker, in several batches even for a small fixture."""
    monkeypatch.setenv(pipeline.WORKER_ENV, "1")
    return through_workers(monkeypatch, 7)


def ingest_into(url: str, paths: list[Path], ctx: ReadContext | None = None) -> Any:
    store = Store.open(url)
    try:
        return pipeline.ingest(store, [str(p) for p in paths], ctx=ctx or ReadContext())
    finally:
        store.dispose()


DATASETS = [FIXTURES / n for n in ("acled_current.csv", "acled_legacy.csv", "who_ssa_export.csv",
                                   "insecurity_insight_health_hxl2.csv", "who_ssa_export.xlsx")]


def test_worker_and_serial_pipelines_store_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counted_worker: list[int]
) -> None:
    worker_url = f"sqlite:///{tmp_path / 'worker.db'}"
    report = ingest_into(worker_url, DATASETS)
    assert len(counted_worker) == len(DATASETS)
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_BYTES", 1 << 62)
    serial_url = f"sqlite:///{tmp_path / 'serial.db'}"
    again = ingest_into(serial_url, DATASETS)
    assert len(counted_worker) == len(DATASETS)
    assert report.to_json() == again.to_json()
    assert dump(worker_url) == dump(serial_url)
    ids = [row[0][1] for row in dump(worker_url)["claims"]]
    assert ids == list(range(1, report.claims + 1))  # in file order, no gaps


def test_worker_can_be_switched_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counted_worker: list[int]
) -> None:
    monkeypatch.setenv(pipeline.WORKER_ENV, "0")
    ingest_into(f"sqlite:///{tmp_path / 'store.db'}", [FIXTURES / "acled_current.csv"])
    assert counted_worker == []
    monkeypatch.delenv(pipeline.WORKER_ENV)  # on unless switched off: two where two cores
    ingest_into(f"sqlite:///{tmp_path / 'store.db'}", [FIXTURES / "acled_legacy.csv"])
    assert counted_worker == [pipeline.WORKERS if (os.cpu_count() or 1) >= 2 else 1]


def acled_with_bad_row(tmp_path: Path, row: int) -> Path:
    lines = (FIXTURES / "acled_current.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[row].split(",")
    cells[header.index("latitude")] = "999"
    lines[row] = ",".join(cells)
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_worker_error_names_row_and_column_and_leaves_the_store(
    tmp_path: Path, counted_worker: list[int]
) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    ingest_into(url, [FIXTURES / "who_ssa_export.csv"])
    before, before_bytes = dump(url), store_file_bytes(url)
    bad = acled_with_bad_row(tmp_path, 12)  # after the first batches were written
    with pytest.raises(InputError) as caught:
        ingest_into(url, [bad])
    assert caught.value.row == 13 and caught.value.field == "latitude"  # header is row 1
    assert str(bad) in str(caught.value)
    assert dump(url) == before
    assert len(counted_worker) == 2
    # byte for byte, but for SQLite's change counter, moved by the journal switches (README)
    after_bytes = store_file_bytes(url)
    assert len(after_bytes) == len(before_bytes)
    changed = {i for i, (a, b) in enumerate(zip(before_bytes, after_bytes, strict=True)) if a != b}
    assert changed and changed <= {*range(24, 28), *range(92, 96)}
    counter = int.from_bytes(before_bytes[24:28], "big")
    assert int.from_bytes(after_bytes[24:28], "big") == counter + 2


def test_worker_records_skipped_rows(tmp_path: Path, counted_worker: list[int]) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    bad = acled_with_bad_row(tmp_path, 12)
    report = ingest_into(url, [bad], ReadContext(skip_bad_rows=True))
    assert report.inputs[0].skipped_rows == 1
    skipped = dump(url)["skipped_rows"]
    assert [(r[2][1], r[3][1]) for r in skipped] == [("13", "latitude")]
    assert counted_worker == [1]


def test_a_gzip_file_is_sized_by_its_content(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (FIXTURES / "acled_current.csv").read_bytes()
    packed = tmp_path / "acled.csv.gz"
    header, rows = text.split(b"\n", 1)
    packed.write_bytes(gzip.compress(header + b"\n" + rows * 3))  # repeats compress well
    item = InputFile.from_path(packed)
    assert item.size < len(text) and item.content_size == len(header) + 1 + 3 * len(rows)
    plain = InputFile.from_path(FIXTURES / "acled_current.csv")
    assert plain.content_size == plain.size == len(text)
    # the worker and the bulk transaction follow the content's size, not the file's
    used: list[int] = []
    real = pipeline._Workers
    monkeypatch.setattr(pipeline, "_Workers", lambda *a: used.append(1) or real(*a))
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_BYTES", item.size + 1)
    monkeypatch.setenv(pipeline.WORKER_ENV, "1")
    if not pipeline.can_fork():
        pytest.skip("no fork here (or other threads are running)")
    store = Store.open(f"sqlite:///{tmp_path / 'store.db'}")
    report = pipeline.ingest(store, [str(packed)])
    assert used == [1]
    assert report.claims == 3 * pipeline.ingest(store, [str(FIXTURES / "acled_current.csv")]).claims
    store.dispose()


def test_bulk_settings_are_restored(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'store.db'}")
    thresholds = gc.get_threshold()
    with store.transaction() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        cache = raw.execute("PRAGMA cache_size").fetchone()
        with pipeline._bulk_settings(conn, 0):
            assert raw.execute("PRAGMA cache_size").fetchone() == (-pipeline.BULK_CACHE_KIB,)
            assert writeback_threads() == 0  # not a dataset file: nothing to flush early
            assert claims_indexes(raw) >= set(sc.DEFERRED_INDEXES)
        assert raw.execute("PRAGMA cache_size").fetchone() == cache
    assert gc.get_threshold() == thresholds
    store.dispose()


def writeback_threads() -> int:
    return sum(t.name == THREAD_NAME for t in threading.enumerate())


def claims_indexes(raw: Any) -> set[str]:
    return {name for (name,) in raw.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'claims'")}


def test_date_indexes_are_built_after_a_bulk_insert_into_a_small_store(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'store.db'}")
    with store.transaction(bulk=True) as conn:
        raw = conn.connection.driver_connection
        before = claims_indexes(raw)
        assert raw.execute("PRAGMA foreign_keys").fetchone() == (0,)  # off for a bulk insert
        settings = raw.execute("PRAGMA threads").fetchone(), raw.execute("PRAGMA cache_size").fetchone()
        with pipeline._bulk_settings(conn, 1000):
            assert claims_indexes(raw) == before - set(sc.DEFERRED_INDEXES)
            # every insert appends: a small page cache, so that pages go to the file early
            assert raw.execute("PRAGMA cache_size").fetchone() == (-pipeline.APPEND_CACHE_KIB,)
            assert writeback_threads() == (1 if os.path.isdir("/proc/self/fd") else 0)
        assert writeback_threads() == 0
        assert claims_indexes(raw) == before
        assert (raw.execute("PRAGMA threads").fetchone(),
                raw.execute("PRAGMA cache_size").fetchone()) == settings
    # an error inside: not built again, but the transaction's rollback restores them
    with pytest.raises(ZeroDivisionError), store.transaction(bulk=True) as conn, \
            pipeline._bulk_settings(conn, 1000):
        1 / 0  # noqa: B018
    with store.transaction() as conn:
        raw = conn.connection.driver_connection
        assert claims_indexes(raw) == before
        assert raw.execute("PRAGMA foreign_keys").fetchone() == (1,)
    store.dispose()


def test_deferred_indexes_are_sorted_on_several_threads_and_settings_restored(
        tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'store.db'}")
    with store.transaction() as conn:
        raw = conn.connection.driver_connection
        raw.execute("PRAGMA threads=0")
        raw.execute("PRAGMA cache_size=-1000")
        with pytest.raises(ZeroDivisionError), sc._parallel_sort(raw):
            assert raw.execute("PRAGMA threads").fetchone() == (min(4, os.cpu_count() or 1),)
            assert raw.execute("PRAGMA cache_size").fetchone() == (-sc.SORT_CACHE_KIB,)
            1 / 0  # noqa: B018
        assert raw.execute("PRAGMA threads").fetchone() == (0,)
        assert raw.execute("PRAGMA cache_size").fetchone() == (-1000,)
    store.dispose()
    # indexes sorted that way are sound and answer in date order
    store = Store.open(f"sqlite:///{tmp_path / 'bulk.db'}")
    pipeline.ingest(store, [str(FIXTURES / "acled_current.csv")])
    with store.transaction() as conn:
        raw = conn.connection.driver_connection
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        by_index = raw.execute("SELECT id FROM claims INDEXED BY ix_claims_date_start "
                               "WHERE date_start IS NOT NULL ORDER BY date_start, id").fetchall()
        by_table = raw.execute("SELECT id FROM claims NOT INDEXED "
                               "WHERE date_start IS NOT NULL ORDER BY date_start, id").fetchall()
        assert by_index == by_table and by_index
    store.dispose()


def test_date_indexes_are_kept_up_when_the_store_is_larger_than_the_file(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'store.db'}")
    pipeline.ingest(store, [str(FIXTURES / "acled_current.csv")])
    with store.transaction() as conn:
        raw = conn.connection.driver_connection
        before = claims_indexes(raw)
        existing = raw.execute("SELECT count(*) FROM claims").fetchone()[0]
        with pipeline._bulk_settings(conn, existing - 1):
            assert claims_indexes(raw) == before
            # inserts land all over the date indexes: the cache keeps them in memory
            assert raw.execute("PRAGMA cache_size").fetchone() == (-pipeline.BULK_CACHE_KIB,)
    store.dispose()


# --- originals stored as value arrays ------------------------------------------------------------


def reader_originals(path: Path) -> list[dict[str, Any]]:
    """The originals the reader builds for ``path``, before any store is involved."""
    return [c.original for _, parcel in pipeline.iter_parcels([str(path)])
            for c in parcel.claims if c.original is not None]


@pytest.mark.parametrize("name", ["acled_current.csv", "who_ssa_export.xlsx",
                                  "insecurity_insight_kika_hxl_first_last.csv"])
def test_dataset_originals_are_stored_once_keyed_and_read_back(tmp_path: Path, name: str) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    ingest_into(url, [FIXTURES / name])
    con = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        (keys,) = con.execute("SELECT original_keys FROM documents").fetchone()
        stored = [r[0] for r in con.execute("SELECT original FROM claims ORDER BY id")]
    finally:
        con.close()
    expected = reader_originals(FIXTURES / name)
    assert json.loads(keys) == list(expected[0])
    assert all(text.startswith("[") for text in stored)  # values only, the keys are on the document
    store = Store.open(url)
    assert [c.original for c, _ in sc.iter_claims(store)] == expected
    store.dispose()


def test_decode_original() -> None:
    assert sc.decode_original('{"a":1}', None) == {"a": 1}
    assert sc.decode_original('["x",null]', ("a", "b")) == {"a": "x", "b": None}
    assert sc.decode_original(None, ("a",)) is None
    with pytest.raises(sc.StoreError):
        sc.decode_original('["x"]', ("a", "b"))


def test_downgrade_turns_value_arrays_back_into_objects(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config

    url = f"sqlite:///{tmp_path / 'store.db'}"
    ingest_into(url, [FIXTURES / "acled_current.csv"])
    store = Store.open(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(sc.__file__).parent / "migrations"))
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
    store.dispose()
    con = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        stored = [json.loads(r[0]) for r in con.execute("SELECT original FROM claims ORDER BY id")]
    finally:
        con.close()
    assert stored == reader_originals(FIXTURES / "acled_current.csv")


# --- PostgreSQL: the portable path stores the same claims ----------------------------------------


def test_postgresql_and_sqlite_read_back_the_same_claims(tmp_path: Path) -> None:
    pytest.importorskip("psycopg", reason="psycopg 3 is not installed")
    from tests.pg import pg_bindir, temporary_postgres

    if pg_bindir() is None:
        pytest.skip("no PostgreSQL server binaries here")
    paths = [FIXTURES / "acled_current.csv", FIXTURES / "who_ssa_export.xlsx"]
    read: list[list[tuple[Claim, dict[str, Any]]]] = []
    with temporary_postgres() as pg_url:
        for url in (pg_url, f"sqlite:///{tmp_path / 'store.db'}"):
            store = Store.open(url)
            pipeline.ingest(store, [str(p) for p in paths])
            read.append(list(sc.iter_claims(store)))
            store.dispose()
    pg, lite = read
    assert [c for c, _ in pg] == [c for c, _ in lite]
    assert [c.original for c, _ in lite] == [o for p in paths for o in reader_originals(p)]


# --- interrupting an ingest that uses the worker ---------------------------------------------------


def big_acled(tmp_path: Path, min_bytes: int) -> Path:
    """The ACLED fixture's rows repeated under new event ids until the file has ``min_bytes``."""
    lines = (FIXTURES / "acled_current.csv").read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    id_col = header.split(",").index("event_id_cnty")
    assert id_col == 0  # the id is the first cell, so it can be replaced without parsing quotes
    path = tmp_path / "big_acled.csv"
    size, n = 0, 0
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(header + "\n")
        while size < min_bytes:
            for row in rows:
                n += 1
                line = f"BIG{n}," + row.split(",", 1)[1] + "\n"
                size += out.write(line)
    return path


@pytest.mark.slow
@pytest.mark.parametrize(("how", "workers"), [
    (signal.SIGINT, "1"), (signal.SIGKILL, "1"), (signal.SIGINT, "2"), (signal.SIGKILL, "2")])
def test_interrupting_a_worker_ingest_leaves_the_store_unchanged(
        tmp_path: Path, how: int, workers: str) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    ingest_into(url, [FIXTURES / "who_ssa_export.csv"])
    before = dump(url)
    big = big_acled(tmp_path, pipeline.PARALLEL_MIN_BYTES + (40 << 20))
    env = {**os.environ, pipeline.WORKER_ENV: workers}
    proc = subprocess.Popen(
        [sys.executable, "-m", "rescuewatch", "ingest", "--db", url, str(big)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )
    db, wal = tmp_path / "store.db", tmp_path / "store.db-wal"
    at_start = db.stat().st_size
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        # past the raw file's copy in the blobs: claims are being written (to the log, or with
        # the rollback journal a bulk ingest uses, to the database file itself)
        written = max(wal.stat().st_size if wal.exists() else 0, db.stat().st_size - at_start)
        if written > big.stat().st_size + 10_000_000:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the ingest finished before it could be interrupted"
    children = _children(proc.pid)
    assert len(children) == int(workers), "the workers were not started"
    proc.send_signal(how)
    proc.wait(timeout=60)
    assert proc.returncode != 0
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_alive(pid) for pid in children):
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in children), "the worker outlived the ingest"
    assert dump(url) == before


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    if not path.exists():
        pytest.skip("no /proc here")
    return [int(p) for p in path.read_text().split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has exited (its parent, the killed ingest, cannot reap it)


def test_constant_columns_are_stored_as_bound_values(tmp_path: Path) -> None:
    """Constants written into the INSERT statement store what binding them stores."""
    store = Store.open(f"sqlite:///{tmp_path / 'store.db'}")
    long_text = "x" * 150
    columns = ("id", "document_id", "row_ref", "extractor", "extractor_version", "place_text",
               "description", "lat", "killed")
    with store.transaction() as conn:
        document = add_document(store, conn)
        constant: sc.RowBatch = (
            ([1, 2], (document,), ["a", "b"], ("O'Brien; DROP TABLE claims; --",), ("1.0",),
             (long_text,), (None,), (12.5,), [0, 3]), [], [], columns)
        bound: sc.RowBatch = ([(3, document, "a", "O'Brien; DROP TABLE claims; --", "1.0",
                                long_text, None, 12.5, 0),
                               (4, document, "b", "O'Brien; DROP TABLE claims; --", "1.0",
                                long_text, None, 12.5, 3)], [], [], columns)
        assert sc.insert_batch(conn, constant) == 2
        assert sc.insert_batch(conn, bound) == 2
        raw = conn.connection.driver_connection
        stored = raw.execute(f"SELECT {', '.join(columns[1:])}, typeof(document_id), "
                             "typeof(extractor) FROM claims ORDER BY id").fetchall()
    assert stored[0] == stored[2] and stored[1] == stored[3]
    assert stored[0][2] == "O'Brien; DROP TABLE claims; --" and stored[0][-2:] == ("integer", "text")
    store.dispose()


def test_a_cut_gzip_file_is_not_sized_by_its_last_four_bytes(tmp_path: Path) -> None:
    # the trailer of a cut stream is whatever four bytes come last: here about 4 GB
    packed = gzip.compress((FIXTURES / "acled_current.csv").read_bytes() * 20)
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(packed[: len(packed) // 2] + b"\xff\xff\xff\xf0")
    item = InputFile.from_path(cut)
    assert item.content_size == item.size * 1032
