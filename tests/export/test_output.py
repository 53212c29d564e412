"""Where an export goes: symlinks, devices and pipes, file modes, and unwritable paths."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import store_file_bytes
from tests.export.factory import build_sample_store

HEADER = "rescuewatch_schema,"


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- what is replaced, and what is written through ------------------------------------------


def test_symlink_is_followed_and_its_target_replaced(rw, store, tmp_path: Path) -> None:
    build_sample_store(store)
    real = tmp_path / "data" / "claims.csv"
    real.parent.mkdir()
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    assert rw("export", "--format", "csv", "-o", str(link)).exit_code == 0
    assert link.is_symlink() and link.resolve() == real
    assert real.read_text(encoding="utf-8").startswith(HEADER)
    assert not [p for p in real.parent.iterdir() if p.name.endswith(".part")]


def test_dangling_symlink_creates_its_target(rw, store, tmp_path: Path) -> None:
    link = tmp_path / "link.csv"
    link.symlink_to(tmp_path / "target.csv")
    assert rw("export", "--format", "csv", "-o", str(link)).exit_code == 0
    assert link.is_symlink() and (tmp_path / "target.csv").read_text("utf-8").startswith(HEADER)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_fifo_is_written_in_place(rw, store, tmp_path: Path, fmt: str) -> None:
    build_sample_store(store)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = rw("export", "--format", fmt, "-o", str(fifo))
    reader.join(timeout=10)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    expected = HEADER.encode() if fmt == "csv" else b"PAR1"
    assert received and received[0].startswith(expected)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".pipe")] == []


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_dev_stdout_on_a_pipe_is_written_through(store, db_url: str, fmt: str) -> None:
    # /dev/stdout resolves to "/proc/PID/fd/pipe:[N]", which is no path: the export stopped
    # with "No such file or directory" where `-o /dev/stdout | ...` is how Parquet reaches a pipe
    build_sample_store(store)
    done = subprocess.run(
        [sys.executable, "-m", "rescuewatch", "export", "--format", fmt, "-o", "/dev/stdout",
         "--db", db_url], capture_output=True, timeout=120)  # stdout: a pipe
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(HEADER.encode() if fmt == "csv" else b"PAR1")
    assert b"wrote " in done.stderr


@pytest.mark.parametrize("fmt", ["hxl-csv", "parquet"])
def test_dev_null_is_written_through(rw, store, fmt: str) -> None:
    build_sample_store(store)
    result = rw("export", "--format", fmt, "-o", os.devnull)
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


# --- file modes ------------------------------------------------------------------------------


def test_new_file_gets_the_usual_mode(rw, store, tmp_path: Path, umask_022: None) -> None:
    out = tmp_path / "new.csv"
    assert rw("export", "--format", "csv", "-o", str(out)).exit_code == 0
    assert _mode(out) == 0o644
    parquet = tmp_path / "new.parquet"
    assert rw("export", "--format", "parquet", "-o", str(parquet)).exit_code == 0
    assert _mode(parquet) == 0o644


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o444])
def test_replaced_file_keeps_its_mode(rw, store, tmp_path: Path, umask_022: None,
                                      mode: int) -> None:
    out = tmp_path / "old.csv"
    out.write_text("old", encoding="utf-8")
    out.chmod(mode)
    assert rw("export", "--format", "csv", "-o", str(out)).exit_code == 0
    assert _mode(out) == mode and out.read_text(encoding="utf-8").startswith(HEADER)


# --- paths that cannot be written ------------------------------------------------------------


def _fails_in_one_line(rw, output: str, *words: str) -> str:
    result = rw("export", "--format", "csv", "-o", output)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and output in lines[0]
    assert "column" not in lines[0]  # not the wording of a bad input row
    for word in words:
        assert word in lines[0]
    return lines[0]


def test_file_used_as_folder_is_one_line(rw, store, tmp_path: Path) -> None:
    (tmp_path / "report.html").write_text("<html>", encoding="utf-8")
    _fails_in_one_line(rw, str(tmp_path / "report.html" / "x.csv"), "Not a directory")


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_unwritable_special_folder_is_one_line(rw, store) -> None:
    _fails_in_one_line(rw, "/proc/x.csv", "cannot write")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root may write in any folder")
def test_folder_without_write_permission_is_one_line(rw, store, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        _fails_in_one_line(rw, str(locked / "x.csv"), "Permission denied")
    finally:
        locked.chmod(0o700)


def test_missing_folder_reads_naturally(rw, store, tmp_path: Path) -> None:
    _fails_in_one_line(rw, str(tmp_path / "missing" / "x.csv"), "does not exist")


def test_the_store_itself_is_not_overwritten(rw, store, db_url: str) -> None:
    build_sample_store(store)
    before = store_file_bytes(db_url)
    _fails_in_one_line(rw, db_url.removeprefix("sqlite:///"), "SQLite database", "another file name")
    assert store_file_bytes(db_url) == before
    assert rw("stats").exit_code == 0


#: The other commands that write a file, each with its option for it.
OTHER_WRITERS = [("report", "--out"), ("sources", "export", "-o")]


@pytest.mark.parametrize("command", OTHER_WRITERS)
def test_other_writers_do_not_overwrite_the_store(rw, store, db_url: str,
                                                  command: tuple[str, ...]) -> None:
    # `report --out` and `sources export -o` replaced the store with HTML or CSV
    build_sample_store(store)
    before = store_file_bytes(db_url)
    result = rw(*command, db_url.removeprefix("sqlite:///"))
    assert result.exit_code == 2 and "SQLite database" in result.output
    assert f"give {command[-1]} another file name" in result.output
    assert store_file_bytes(db_url) == before


@pytest.mark.parametrize("command", [("export", "--format", "csv", "-o"), *OTHER_WRITERS])
def test_every_writer_refuses_a_missing_folder_alike(rw, store, tmp_path: Path,
                                                   command: tuple[str, ...]) -> None:
    # report --out made the folder where export -o and sources export -o refused it
    build_sample_store(store)
    result = rw(*command, str(tmp_path / "missing" / "x.out"))
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"Error: {tmp_path / 'missing' / 'x.out'}: the folder {tmp_path / 'missing'} does not "
        f"exist (create it first, or give {command[-1]} a path in an existing folder)"]
    assert not (tmp_path / "missing").exists()


def test_a_failed_run_makes_no_report_folder(rw, tmp_path: Path) -> None:
    # run --report made the report's folder, then failed on its missing input
    result = rw("run", "--report", str(tmp_path / "out" / "r.html"), str(tmp_path / "nope.csv"))
    assert result.exit_code == 2
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_run_refuses_an_unwritable_report_before_ingesting(rw, db_url: str) -> None:
    # it ingested, linked and graded everything first, then named --out, an option run lacks
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "ingest" / "acled_current.csv"
    result = rw("run", "--report", "/proc/r.html", str(fixture))
    assert result.exit_code == 2
    assert result.output.strip() == ("Error: /proc/r.html: cannot write the file: No such file or "
                                     "directory (give --report a file in a folder you can write to)")
    assert not Path(db_url.removeprefix("sqlite:///")).exists()


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
@pytest.mark.parametrize("command", OTHER_WRITERS)
def test_other_writers_name_an_unwritable_path_in_one_line(rw, store,
                                                           command: tuple[str, ...]) -> None:
    # both ended in a FileNotFoundError traceback
    build_sample_store(store)
    result = rw(*command, "/proc/x.out")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"Error: /proc/x.out: cannot write the file: No such file or directory "
        f"(give {command[-1]} a file in a folder you can write to)"]



def test_permission_denied_is_one_line_even_as_root(rw, store, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from rescuewatch.export import outputs

    def refuse(target: Path) -> Path:
        raise PermissionError(13, "Permission denied", str(target.parent / ".x.part"))

    monkeypatch.setattr(outputs, "_create_beside", refuse)
    line = _fails_in_one_line(rw, str(tmp_path / "x.csv"), "Permission denied")
    assert ".part" not in line  # the user's path is named, not the temporary file's


@pytest.mark.parametrize(("value", "hint"), [("UKR", "use UA"), ("U", "ISO 3166-1 alpha-2"),
                                             ("12", "ISO 3166-1 alpha-2"), ("XYZ", "alpha-2"),
                                             ("UK", "no country's ISO 3166-1 alpha-2 code: use GB"),
                                             ("qq", "'qq' is no country's")])
@pytest.mark.parametrize("command", [("export", "--format", "csv"), ("analyse", "trends")])
def test_a_country_that_is_not_iso2_is_refused(rw, store, value: str, hint: str,
                                               command: tuple[str, ...]) -> None:
    # an ISO-3 code (ACLED's iso3, UCDP's) matched nothing: an empty export and exit code 0
    build_sample_store(store)
    result = rw(*command, "--country", value)
    assert result.exit_code == 2
    assert "--country" in result.output and hint in result.output, result.output


def test_a_country_is_read_in_either_case(rw, store) -> None:
    build_sample_store(store)
    upper, lower = (rw("export", "--format", "jsonl", "--country", c) for c in ("UA", " ua "))
    assert upper.exit_code == lower.exit_code == 0 and upper.output == lower.output != ""


@pytest.mark.parametrize("command", [("export", "--format", "csv"), ("analyse", "trends")])
def test_since_after_until_is_refused(rw, store, command: tuple[str, ...]) -> None:
    build_sample_store(store)
    result = rw(*command, "--since", "2024-02-01", "--until", "2024-01-01")
    assert result.exit_code == 2
    assert "--since" in result.output and "after --until" in result.output, result.output


def test_an_incident_export_of_a_store_never_linked_says_to_link(rw, store) -> None:
    # It wrote a header and "wrote 0 incidents", as if nothing had happened.
    from tests.export.factory import SOURCE_A, add_document, sample_claims

    add_document(store, SOURCE_A, sample_claims(), "a")
    result = rw("export", "--format", "csv", "--level", "incidents", "-o", os.devnull)
    assert result.exit_code == 0
    assert ("the store has 5 claim(s) but no incidents yet: run `rescuewatch link` (and "
            "`rescuewatch assess` to grade them) first") in result.stderr
    # claims exported, or incidents that exist: no such note
    assert "no incidents yet" not in rw("export", "--format", "csv", "-o", os.devnull).stderr
    assert rw("link").exit_code == 0
    linked = rw("export", "--format", "csv", "--level", "incidents", "-o", os.devnull)
    assert "no incidents yet" not in linked.stderr and "wrote 0" not in linked.stderr


@pytest.mark.parametrize("name", ["y" * 246 + ".csv", "ж" * 125 + ".csv"])
def test_a_long_file_name_the_system_takes_is_written(rw, store, tmp_path: Path,
                                                      name: str) -> None:
    # 250 bytes: the temporary file beside it (".NAME.TOKEN.part") passed the 255-byte limit
    # of a name, and the export stopped with "File name too long"
    build_sample_store(store)
    target = tmp_path / name
    assert len(name.encode()) <= 255
    result = rw("export", "--format", "csv", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_text("utf-8").startswith(HEADER)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
