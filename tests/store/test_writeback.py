"""Flushing the SQLite file during a bulk transaction: SQLite's own descriptors, its locks
kept, the thread gone afterwards."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from rescuewatch.errors import StoreError
from rescuewatch.store import Store
from rescuewatch.store.writeback import THREAD_NAME, early_writeback, sqlite_descriptors

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self/fd"),
                                reason="needs /proc/self/fd (Linux)")

# another process, so that it sees the locks the file system holds, not this process's books
TRY_WRITE = """
import sqlite3, sys
try:
    sqlite3.connect(sys.argv[1], timeout=0).execute("BEGIN IMMEDIATE")
except sqlite3.OperationalError as exc:
    print(exc)
    sys.exit(3)
"""


def _writers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == THREAD_NAME]


def test_descriptors_are_sqlites_own(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    store = Store.open(f"sqlite:///{db}")
    try:
        with store.transaction() as conn:
            conn.execute(text("SELECT count(*) FROM claims"))
            found = sqlite_descriptors(str(db))
            assert found
            assert {os.readlink(f"/proc/self/fd/{fd}") for fd in found} <= {
                str(db.resolve()), f"{db.resolve()}-wal"}
    finally:
        store.dispose()
    assert sqlite_descriptors(":memory:") == []
    assert sqlite_descriptors(str(tmp_path / "absent.db")) == []


def test_flushing_keeps_sqlites_locks_and_stops(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    store = Store.open(f"sqlite:///{db}")
    try:
        with store.transaction(bulk=True) as conn:
            conn.execute(text("INSERT INTO sources (key, name, kind, created_at) "
                              "VALUES ('s', 'S', 'dataset', '2026-01-01')"))
            with early_writeback(conn, every=0.01):
                assert len(_writers()) == 1
                time.sleep(0.2)  # many flushes
                other = subprocess.run([sys.executable, "-c", TRY_WRITE, str(db)],
                                       capture_output=True, text=True, timeout=60)
                assert other.returncode == 3, other.stdout + other.stderr
                assert "locked" in other.stdout
            assert _writers() == []
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM sources")).scalar() == 1
    finally:
        store.dispose()


def test_no_thread_for_a_store_in_memory() -> None:
    store = Store.open("sqlite:///:memory:")
    try:
        with store.transaction() as conn, early_writeback(conn, every=0.01):
            assert _writers() == []
    finally:
        store.dispose()


def test_the_thread_stops_when_the_block_fails(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'store.db'}")
    try:
        with pytest.raises(KeyboardInterrupt), store.transaction(bulk=True) as conn, \
                early_writeback(conn, every=0.01):
            conn.execute(text("SELECT 1"))
            raise KeyboardInterrupt
        assert _writers() == []
    finally:
        store.dispose()


def _flushes_fail(monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    """Every flush fails with ``code``: EIO is pages the disk did not take; EBADF a descriptor
    another connection closed meanwhile."""

    def fdatasync(fd: int) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "fdatasync", fdatasync)


def test_pages_the_disk_did_not_take_fail_the_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "store.db"
    store = Store.open(f"sqlite:///{db}")
    _flushes_fail(monkeypatch, errno.EIO)
    try:
        with pytest.raises(StoreError, match="Input/output error") as caught, \
                store.transaction(bulk=True) as conn:
            conn.execute(text("INSERT INTO sources (key, name, kind, created_at) "
                              "VALUES ('s', 'S', 'dataset', '2026-01-01')"))
            with early_writeback(conn, every=0.01):
                time.sleep(0.1)
        assert f"free space on the device holding {tmp_path}" in str(caught.value)
        assert _writers() == []
        assert store.count("sources") == 0  # rolled back, not committed over lost pages
    finally:
        store.dispose()


def test_a_descriptor_closed_meanwhile_is_no_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'store.db'}")
    _flushes_fail(monkeypatch, errno.EBADF)
    try:
        with store.transaction(bulk=True) as conn, early_writeback(conn, every=0.01):
            conn.execute(text("INSERT INTO sources (key, name, kind, created_at) "
                              "VALUES ('s', 'S', 'dataset', '2026-01-01')"))
            time.sleep(0.1)
        assert store.count("sources") == 1
    finally:
        store.dispose()
