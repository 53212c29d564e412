"""The store: migrations, WAL mode, evidence blobs, verification and transactions."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, select, text, update

from rescuewatch.errors import IntegrityError, StoreError
from rescuewatch.ingest.pipeline import ingest
from rescuewatch.model import Claim, DateSpan, Evidence, Place, Source, Victim
from rescuewatch.store import Store, resolve_url
from rescuewatch.store import schema as s
from rescuewatch.store.claims import add_claims, iter_claims, stats
from tests.conftest import Invoker

DATASET = Path(__file__).resolve().parent.parent / "fixtures" / "ingest" / "acled_current.csv"


def put_document(store: Store, data: bytes, claims: list[Claim] | None = None) -> int:
    sha = hashlib.sha256(data).hexdigest()
    with store.transaction() as conn:
        source_id = store.source_id(conn, Source("test-source", "Test source", kind="ngo"))
        store.put_blob(conn, sha, [data])
        doc_id = store.add_document(
            conn,
            {"sha256": sha, "source_id": source_id, "origin": "mem", "format": "text", "size": len(data)},
        )
        add_claims(conn, doc_id, claims or [])
    return doc_id


def test_migrations_build_the_schema_the_code_expects(store: Store) -> None:
    assert {"sources", "documents", "claims", "claim_victims", "evidence", "incidents",
            "audit_log", "blobs"} <= set(store.tables())
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), s.metadata)
    assert diff == [], f"schema.py and the migrations disagree: {diff}"


def test_sqlite_store_runs_in_wal_mode(store: Store) -> None:
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_a_new_store_has_large_pages_and_an_old_one_keeps_its_own(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    with sqlite3.connect(old) as conn:  # a store made before stores had 16 KB pages
        conn.execute("PRAGMA page_size=4096")
        # a table fixes the page size in the file; dropped, as a table that is not
        # rescuewatch's would make the file another application's
        conn.execute("CREATE TABLE kept (x)")
        conn.execute("DROP TABLE kept")
    conn.close()
    for path, size in ((tmp_path / "new.db", 16384), (old, 4096)):
        store = Store.open(f"sqlite:///{path}")
        with store.engine.connect() as conn:
            assert conn.execute(text("PRAGMA page_size")).scalar() == size
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        store.dispose()
    assert Store.open(f"sqlite:///{old}").count("claims") == 0  # migrated in place


def test_reopening_a_store_keeps_its_data(db_url: str) -> None:
    first = Store.open(db_url)
    put_document(first, b"kept")
    first.dispose()
    again = Store.open(db_url)
    assert again.count("documents") == 1


def test_bare_path_and_environment_select_the_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RESCUEWATCH_DB", raising=False)
    assert resolve_url(None) == "sqlite:///rescuewatch.db"
    assert resolve_url("data/x.db") == "sqlite:///data/x.db"
    monkeypatch.setenv("RESCUEWATCH_DB", "sqlite:////tmp/elsewhere.db")
    assert resolve_url(None) == "sqlite:////tmp/elsewhere.db"


def test_missing_store_is_an_error_when_not_creating(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store at"):
        Store.open(f"sqlite:///{tmp_path / 'absent.db'}", create=False)


def test_blob_is_kept_byte_for_byte_across_chunks(store: Store) -> None:
    data = bytes(range(256)) * 9000  # over two 1 MiB chunks
    put_document(store, data)
    sha = hashlib.sha256(data).hexdigest()
    assert store.read_blob(sha) == data
    assert store.count("blobs") == 3


def test_blob_with_wrong_hash_is_refused(store: Store) -> None:
    with pytest.raises(IntegrityError), store.transaction() as conn:
        store.put_blob(conn, "0" * 64, [b"not matching"])
    assert store.count("blobs") == 0


def test_verify_detects_corrupted_and_missing_blobs(store: Store) -> None:
    put_document(store, b"first report")
    put_document(store, b"second report")
    assert [r["status"] for r in store.verify()] == ["ok", "ok"]
    with store.transaction() as conn:
        conn.execute(update(s.blobs).where(s.blobs.c.sha256 == hashlib.sha256(b"first report").hexdigest())
                     .values(data=b"first rep0rt"))
        conn.execute(s.blobs.delete().where(s.blobs.c.sha256 == hashlib.sha256(b"second report").hexdigest()))
    assert [r["status"] for r in store.verify()] == ["mismatch", "missing"]


@pytest.mark.parametrize("stored", ["'first rep0rt'", "x'ff00' || 'x'", "42"])
def test_verify_reports_bytes_stored_as_another_type(tmp_path: Path, stored: str) -> None:
    # SQLite keeps any type in a BLOB column: text written by another tool (`||` on a blob
    # gives text) made verify stop with a UnicodeDecodeError or TypeError traceback
    store = Store.open(f"sqlite:///{tmp_path / 'v.db'}")
    put_document(store, b"first report")
    put_document(store, b"second report")
    store.dispose()
    with sqlite3.connect(tmp_path / "v.db") as raw:
        raw.execute(f"UPDATE blobs SET data = {stored} WHERE sha256 = ?",
                    (hashlib.sha256(b"first report").hexdigest(),))
    store = Store.open(f"sqlite:///{tmp_path / 'v.db'}", create=False)
    assert [r["status"] for r in store.verify()] == ["mismatch", "ok"]
    store.dispose()


def test_failed_transaction_leaves_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as conn:
        store.source_id(conn, Source("half", "Half written"))
        raise RuntimeError("boom")
    assert store.count("sources") == 0


def test_claims_round_trip_through_the_store(store: Store) -> None:
    claim = Claim(
        date=DateSpan(dt.date(2024, 3, 2), dt.date(2024, 3, 2), "day"),
        place=Place(text="у Харкові", name="Kharkiv", country="UA", lat=49.98, lon=36.25, precision="city"),
        victims=[Victim("medic", killed=2), Victim("patient", killed=1, injured=3)],
        weapon="drone",
        repeat_strike=True,
        evidence=[Evidence(0, 5, "медик", "victims")],
        original={"note": "test"},
    )
    put_document(store, b"doc", [claim])
    (back, extra), = list(iter_claims(store))
    assert back.victims == claim.victims
    assert back.totals() == (3, 3)
    assert back.place == claim.place
    assert back.date == claim.date
    assert back.evidence == claim.evidence
    assert back.original == {"note": "test"}
    assert extra["source_key"] == "test-source"
    counts = stats(store)
    # not linked yet; no claim gives the injured: unknown, not 0
    assert counts["by_category"]["medic"] == {"claims": 1, "killed": 2, "injured": None,
                                              "incidents": 0}
    assert counts["protected_claims"] == 1


def test_audit_log_is_appended(store: Store) -> None:
    with store.transaction() as conn:
        store.audit(conn, action="set-certainty", entity="incident", entity_id=7,
                    before={"certainty": "possible"}, after={"certainty": "probable"},
                    reason="second independent source", actor="analyst")
    with store.engine.connect() as conn:
        row = conn.execute(select(s.audit_log)).mappings().one()
    assert row["actor"] == "analyst" and '"probable"' in row["after"]


def test_sqlite_file_is_a_plain_sqlite_database(db_url: str) -> None:
    Store.open(db_url).dispose()
    path = db_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        assert conn.execute("select version_num from alembic_version").fetchone() is not None


def test_an_empty_file_is_not_a_store_when_not_creating(tmp_path: Path) -> None:
    zero = tmp_path / "zero.db"
    zero.write_bytes(b"")
    with pytest.raises(StoreError, match="is empty: not a rescuewatch store"):
        Store.open(f"sqlite:///{zero}", create=False)
    assert zero.read_bytes() == b""


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    other.write_bytes(b"hello\n")
    for create in (False, True):
        with pytest.raises(StoreError, match="is not a rescuewatch store.*file is not a database"):
            Store.open(f"sqlite:///{other}", create=create)
    assert other.read_bytes() == b"hello\n"


# --- a store another process holds, or one that cannot be written ------------------------------


@pytest.fixture
def held(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[sqlite3.Connection]:
    """The store held by another connection, as by a bulk ingest: an exclusive lock under a
    rollback journal, which readers wait for too; waits cut to a fifth of a second."""
    from rescuewatch.store import core

    Store.open(db_url).dispose()
    monkeypatch.setattr(core, "BUSY_TIMEOUT_MS", 200)
    other = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None)
    other.execute("PRAGMA journal_mode=DELETE")
    other.execute("BEGIN EXCLUSIVE")
    yield other
    other.execute("ROLLBACK")
    other.close()


@pytest.mark.parametrize("command", [["stats"], ["ingest", str(DATASET)]])
def test_a_busy_store_is_one_line_saying_to_wait(rw: Invoker, held: sqlite3.Connection,
                                                 command: list[str]) -> None:
    result = rw(*command)
    assert result.exit_code == 3
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert "store is busy" in result.output and "run this again" in result.output


def test_a_read_only_store_is_one_line_saying_what_to_do(db_url: str) -> None:
    path = db_url.removeprefix("sqlite:///")
    Store.open(db_url).dispose()
    store = Store(create_engine(f"sqlite:///file:{path}?mode=ro&uri=true"))  # as a read-only file
    with pytest.raises(StoreError, match="cannot be written.*readonly") as caught:
        ingest(store, [str(DATASET)])
    assert path in str(caught.value) and "writable" in str(caught.value)
    store.dispose()
