"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from rescuewatch.cli import cli
from rescuewatch.store import Store

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_DATA = Path(os.environ.get("RESCUEWATCH_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real datasets in ../shared/data; tests needing them skip when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real datasets not found at {SHARED_DATA} (set RESCUEWATCH_SHARED_DATA)")
    return SHARED_DATA


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    st = Store.open(db_url)
    yield st
    st.dispose()


class Invoker:
    """Runs ``rescuewatch`` commands in-process against one store."""

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url
        self.runner = CliRunner()

    def __call__(self, *args: str, db: bool = True, input: str | None = None) -> Result:
        env = {"RESCUEWATCH_DB": self.db_url} if db else {}
        return self.runner.invoke(cli, list(args), env=env, input=input, catch_exceptions=False,
                                  prog_name="rescuewatch")


@pytest.fixture
def rw(db_url: str) -> Invoker:
    """``rw("ingest", path)`` runs a command on a fresh temporary store."""
    return Invoker(db_url)


def store_file_bytes(db_url: str) -> bytes:
    """A SQLite store's bytes with its write-ahead log folded in: when the log is folded in
    depends on when the last connection closed, which no test is about."""
    path = Path(db_url.removeprefix("sqlite:///"))
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()
    return path.read_bytes()
