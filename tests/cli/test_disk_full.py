"""A store whose files cannot grow (a full disk, a file size limit): one line, exit code 3,
and the store exactly as it was (each input in one transaction, ``verify`` still passes)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rescuewatch.store import Store
from tests.conftest import ROOT
from tests.disk_full import (
    leftovers,
    one_line_error,
    run_cli,
    run_limited,
    small_tmpfs,
    store_pages,
)
from tests.export.factory import build_sample_store

UCDP = "ucdp_ged191_syria_2016-01_2019-11.csv.gz"  # ~20 MB once stored: a bulk ingest
EXAMPLES = ROOT / "examples"
REPORT = EXAMPLES / "reports" / "illustrative_en_agency_2015-01-31.txt"


@pytest.fixture
def sample_db(tmp_path: Path) -> Path:
    db = tmp_path / "store.db"
    store = Store.open(f"sqlite:///{db}")
    build_sample_store(store)
    store.dispose()
    return db


def assert_store_unchanged(db: Path, before: bytes, *others: str) -> None:
    """``db`` holds the pages it held, no journal beside it, and ``verify`` passes."""
    assert leftovers(db.parent, {db.name, *others}) == []
    assert store_pages(db) == before
    verify = run_cli(["verify", "--db", str(db)], db.parent)
    assert verify.returncode == 0, verify.stderr


def assert_says_free_space(line: str, folder: Path) -> None:
    assert f"free space on the device holding {folder}" in line, line


# room for the new bytes: none of the raw file (a blob of two chunks), part of the claims,
# nearly all (the deferred date indexes, then the commit)
@pytest.mark.slow
@pytest.mark.parametrize("room", [300_000, 4_000_000, 19_000_000])
def test_a_dataset_that_does_not_fit_leaves_the_store_as_it_was(
    sample_db: Path, shared_data: Path, room: int
) -> None:
    before = store_pages(sample_db)
    result = run_limited(["ingest", "--db", str(sample_db), str(shared_data / UCDP)],
                         limit=sample_db.stat().st_size + room, cwd=sample_db.parent)
    assert result.returncode == 3, result.stderr
    line = one_line_error(result)
    assert line.startswith(f"Error: {shared_data / UCDP}: ")
    assert_says_free_space(line, sample_db.parent)
    assert_store_unchanged(sample_db, before)


def test_a_text_whose_log_cannot_grow_leaves_the_store_as_it_was(
    sample_db: Path, tmp_path: Path
) -> None:
    text = tmp_path / "report.txt"
    shutil.copy(REPORT, text)
    before = store_pages(sample_db)
    # the write-ahead log cannot hold four 16 KB pages: the commit fails
    result = run_limited(["ingest", "--db", str(sample_db), str(text)], limit=65536,
                         cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    assert_says_free_space(one_line_error(result), tmp_path)
    assert_store_unchanged(sample_db, before, text.name)


@pytest.mark.parametrize("limit", [100_000, 300_000])
def test_a_new_store_that_cannot_be_made_is_not_left_half_made(tmp_path: Path, limit: int) -> None:
    db = tmp_path / "new.db"
    result = run_limited(["ingest", "--db", str(db), str(REPORT)], limit=limit, cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    assert_says_free_space(one_line_error(result), tmp_path)
    assert leftovers(tmp_path, set()) == []  # no store was there, and none is
    again = run_cli(["ingest", "--db", str(db), str(REPORT)], tmp_path)
    assert again.returncode == 0, again.stderr


@pytest.mark.slow
def test_run_stops_at_the_input_that_does_not_fit(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    result = run_limited(["run", str(EXAMPLES), "--db", str(db)], limit=2_000_000, cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    line = one_line_error(result)
    assert "input(s) before it are in the store" in line and "after it were not read" in line
    assert_says_free_space(line, tmp_path)
    assert not (tmp_path / "report.html").exists()
    verify = run_cli(["verify", "--db", str(db)], tmp_path)
    assert verify.returncode == 0, verify.stderr
    again = run_cli(["run", str(EXAMPLES), "--db", str(db)], tmp_path)  # space freed: it ends
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "report.html").is_file()


@pytest.mark.slow
def test_a_full_disk_leaves_the_store_as_it_was(
    sample_db: Path, shared_data: Path, tmp_path: Path
) -> None:
    with small_tmpfs(tmp_path / "disk", "4m") as disk:
        db = disk / sample_db.name
        shutil.copy(sample_db, db)
        before = store_pages(db)
        result = run_cli(["ingest", "--db", str(db), str(shared_data / UCDP)], disk)
        assert result.returncode == 3, result.stderr
        line = one_line_error(result)
        assert "the disk is full" in line
        assert_says_free_space(line, disk)
        assert_store_unchanged(db, before)
