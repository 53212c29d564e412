"""A store whose files cannot grow (a full disk, a file size limit): one line, exit code 3,
and the store exactly as it was (each input in one transaction, ``verify`` still passes)."""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from rescuewatch.store import Store
from tests.conftest import ROOT, Invoker
from tests.disk_full import (
    assert_says_free_space,
    leftovers,
    one_line_error,
    run_cli,
    run_filling_at,
    run_limited,
    small_tmpfs,
    store_pages,
)
from tests.export.factory import build_sample_store
from tests.pg import pg_bindir, temporary_postgres

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


# room for a little of the new pages, a fifth of them, nearly all (the deferred date indexes
# or the commit then fail); the raw file's two blob chunks are written in the same transaction
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


#: A 1.5 MB text, kept as two blob chunks: the page cache spills to the write-ahead log
#: while the second is inserted.
LONG_TEXT = "".join(f"Lorem ipsum dolor sit amet {i}, consectetur adipiscing elit.\n"
                    for i in range(24_000))


# the log cannot hold four 16 KB pages: the commit fails; or it fails with half the raw
# copy inserted, whose first chunk must not stay
@pytest.mark.parametrize(("text", "limit"), [
    pytest.param(REPORT.read_text(), 65_536, id="commit"),
    pytest.param(LONG_TEXT, 600_000, id="raw-copy", marks=pytest.mark.slow),
])
def test_a_text_whose_log_cannot_grow_leaves_the_store_as_it_was(
    sample_db: Path, tmp_path: Path, text: str, limit: int
) -> None:
    path = tmp_path / "report.txt"
    path.write_text(text)
    before = store_pages(sample_db)
    result = run_limited(["ingest", "--db", str(sample_db), str(path)], limit=limit,
                         cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    assert_says_free_space(one_line_error(result), tmp_path)
    assert_store_unchanged(sample_db, before, path.name)


@pytest.mark.parametrize("limit", [100_000, 300_000])
def test_a_new_store_that_cannot_be_made_is_not_left_half_made(tmp_path: Path, limit: int) -> None:
    db = tmp_path / "new.db"
    result = run_limited(["ingest", "--db", str(db), str(REPORT)], limit=limit, cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    assert_says_free_space(one_line_error(result), tmp_path)
    assert leftovers(tmp_path, set()) == []  # no store was there, and none is
    again = run_cli(["ingest", "--db", str(db), str(REPORT)], tmp_path)
    assert again.returncode == 0, again.stderr



def test_a_new_store_made_through_a_link_removes_what_it_made_not_the_link(
    tmp_path: Path
) -> None:
    (tmp_path / "big").mkdir()
    link = tmp_path / "new.db"  # where the store is wanted, pointing at the disk it goes to
    link.symlink_to(tmp_path / "big" / "store.db")
    result = run_limited(["ingest", "--db", str(link), str(REPORT)], limit=100_000, cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    assert link.is_symlink()  # the user's, there before the command
    assert leftovers(tmp_path / "big", set()) == []

def test_a_new_store_another_process_is_making_is_kept(tmp_path: Path) -> None:
    from rescuewatch.store.core import _remove_unmade

    path = tmp_path / "new.db"
    other = sqlite3.connect(path, isolation_level=None)  # migrating, not committed yet
    other.execute("PRAGMA journal_mode=WAL")
    other.execute("BEGIN IMMEDIATE")
    other.execute("CREATE TABLE sources (id INTEGER)")
    _remove_unmade(path)
    assert path.exists()
    other.execute("ROLLBACK")
    other.close()
    _remove_unmade(path)  # no tables, nobody writing: what a failed open leaves
    assert leftovers(tmp_path, set()) == []



def _sqlite_io_error(code: int, name: str) -> sqlite3.OperationalError:
    exc = sqlite3.OperationalError("disk I/O error")
    exc.sqlite_errorcode, exc.sqlite_errorname = code, name  # as the driver sets them
    return exc


# writing or syncing: a full disk or a size limit can be why; reading, locking (a network
# file system without locks), memory: no room is missing
@pytest.mark.parametrize(("code", "name", "no_room"), [
    (778, "SQLITE_IOERR_WRITE", True),
    (1034, "SQLITE_IOERR_FSYNC", True),
    (266, "SQLITE_IOERR_READ", False),
    (3850, "SQLITE_IOERR_LOCK", False),
    (3082, "SQLITE_IOERR_NOMEM", False),
])
def test_an_io_error_says_to_free_space_only_when_room_can_be_why(
    tmp_path: Path, code: int, name: str, no_room: bool
) -> None:
    from rescuewatch.store.core import store_error

    exc = sqlite3.OperationalError("disk I/O error")
    exc.sqlite_errorcode, exc.sqlite_errorname = code, name  # as the driver sets them
    error = store_error(exc, str(tmp_path / "store.db"))
    assert error is not None and error.exit_code == 3
    if no_room:
        assert_says_free_space(str(error), tmp_path)
    else:
        assert "full" not in str(error) and "free space" not in str(error), error
        assert name in str(error)
        assert f"check the device and file system holding {tmp_path}" in str(error)

# the disk fills at the third input (two before it stay stored), or when assessing starts
@pytest.mark.slow
@pytest.mark.parametrize(("target", "call", "says"), [
    ("rescuewatch.ingest.pipeline:_ingest_input", 3,
     "input(s) before it are in the store and the"),
    ("rescuewatch.assess.pipeline:assess_store", 1,
     "the run stopped at assess; ingest, link had finished, and stay stored"),
])
def test_run_stops_where_the_disk_is_full(
    tmp_path: Path, target: str, call: int, says: str
) -> None:
    db = tmp_path / "store.db"
    result = run_filling_at(target, call, ["run", str(EXAMPLES), "--db", str(db)], cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    line = one_line_error(result)
    assert says in line
    assert_says_free_space(line, tmp_path)
    assert not (tmp_path / "report.html").exists()
    verify = run_cli(["verify", "--db", str(db)], tmp_path)
    assert verify.returncode == 0, verify.stderr
    again = run_cli(["run", str(EXAMPLES), "--db", str(db)], tmp_path)  # space freed: it ends
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "report.html").is_file()


@pytest.mark.slow
def test_run_whose_report_does_not_fit_says_so_by_its_option(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    with small_tmpfs(tmp_path / "disk", "1m") as disk:
        report = disk / "report.html"
        result = run_cli(["run", str(EXAMPLES), "--db", str(db), "--report", str(report)],
                         tmp_path)
        assert result.returncode == 1, result.stderr
        line = one_line_error(result)
        assert line.startswith(f"Error: {report}: cannot write the file: No space left on device")
        assert "give --report a file on another device" in line
        assert "the run stopped at report; ingest, link, assess had finished" in line
        assert leftovers(disk, set()) == []


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


@pytest.mark.parametrize("unbuffered", ["", "1"])  # PYTHONUNBUFFERED: stdout is the raw file
@pytest.mark.parametrize("limit", [100, 20_000])  # all in the buffer at exit; written as it goes
def test_standard_output_that_does_not_fit_is_one_line(
    tmp_path: Path, limit: int, unbuffered: str
) -> None:
    text = tmp_path / "reports.txt"  # claims of some 100 KB in JSON
    text.write_text("\n\n".join([REPORT.read_text()] * 100))
    with (tmp_path / "claims.jsonl").open("wb") as stdout:
        result = run_limited(["extract", str(text), "--format", "jsonl"], limit=limit, cwd=tmp_path,
                             stdout=stdout, env={"PYTHONUNBUFFERED": unbuffered})
    assert result.returncode == 1  # not 120, Python's code for a failed flush at exit
    assert one_line_error(result).startswith("Error: cannot write ")
    assert "File too large (free space on the device it goes to" in result.stderr


class _BigBody(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        body = b"An ambulance was hit.\n" * 20_000
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_a_page_whose_copy_does_not_fit_is_one_line(sample_db: Path, tmp_path: Path) -> None:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _BigBody)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/page.txt"
    before = store_pages(sample_db)
    try:
        result = run_limited(["ingest", "--db", str(sample_db), url], limit=100_000,
                             cwd=tmp_path, env={"TMPDIR": str(tmp_path)})
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert result.returncode == 1, result.stderr
    line = one_line_error(result)
    assert line.startswith(f"Error: {url}: cannot keep the fetched copy: File too large")
    assert_says_free_space(line, tmp_path)
    assert_store_unchanged(sample_db, before)


@pytest.mark.slow
@pytest.mark.skipif(pg_bindir() is None, reason="no PostgreSQL server binaries here")
def test_a_full_disk_on_the_postgresql_server_is_one_line(shared_data: Path, tmp_path: Path) -> None:
    psycopg = pytest.importorskip("psycopg")
    outside = Path(tempfile.mkdtemp(prefix="rw-pgdisk-"))  # pytest's folders are root's alone
    outside.chmod(0o755)
    try:
        with small_tmpfs(outside / "disk", "3m") as disk, temporary_postgres() as url:
            shutil.chown(disk, "postgres")
            # a database whose tables live on the small disk (the server's log stays on its own)
            with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"),
                                 autocommit=True) as admin:
                admin.execute(f"CREATE TABLESPACE small LOCATION '{disk}'")
                admin.execute("CREATE DATABASE tight TABLESPACE small")
            tight = url.replace("/rescuewatch?", "/tight?")
            result = run_cli(["ingest", "--db", tight, str(shared_data / UCDP)], tmp_path)
            assert result.returncode == 3, result.stderr
            line = one_line_error(result)
            assert "the database server's disk is full (could not extend file" in line
            assert "free space on the server's disk" in line
            verify = run_cli(["verify", "--db", tight, "--json"], tmp_path)
            assert verify.returncode == 0 and json.loads(verify.stdout)["checked"] == 0
    finally:
        shutil.rmtree(outside, ignore_errors=True)


@pytest.mark.slow
def test_a_dataset_whose_pages_the_disk_did_not_take_is_not_committed(
    sample_db: Path, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kernel reports pages it could not write back (a disk full only then, or failing)
    once per open file: swallowed by the early flushes, SQLite's fsync would then succeed."""

    def fdatasync(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "fdatasync", fdatasync)
    before = store_pages(sample_db)
    result = Invoker(f"sqlite:///{sample_db}")("ingest", str(shared_data / UCDP))
    assert result.exit_code == 3, result.output
    assert result.output.startswith(f"Error: {shared_data / UCDP}: cannot write {sample_db}: ")
    assert "(writing it out: Input/output error)" in result.output
    assert_store_unchanged(sample_db, before)
