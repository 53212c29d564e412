"""A line longer than any dataset row is refused after reading only that much of it.

The csv module takes a whole physical line before it looks at a cell: a gzip file of a few
hundred kilobytes unpacking to a valid header and rows and then hundreds of megabytes without
a line end took memory for the whole line (6 GB for 3 GB of "a") before failing on the cell
size. Every path that reads CSV lines is tried: the parse, the skip of the workers' chunks,
and the reader of rescuewatch's own exports.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import tracemalloc
from functools import partial
from pathlib import Path

import pytest

from rescuewatch.errors import InputError
from rescuewatch.ingest import csv_records, native, pipeline
from rescuewatch.ingest.base import InputFile
from rescuewatch.ingest.csv_records import Lines, LineTooLong
from rescuewatch.ingest.tables import is_data_row, open_table
from tests.conftest import Invoker
from tests.ingest.test_bad_input import refused
from tests.ingest.test_bulk import FIXTURES, dump, ingest_into, through_workers

ACLED = FIXTURES / "acled_current.csv"
ROWS = len(ACLED.read_text(encoding="utf-8").splitlines())  # header and data rows


def endless(path: Path, head: bytes, megabytes: int) -> Path:
    """``head``, then ``megabytes`` MiB of "a" without a line end, gzipped (written a block at
    a time: each MiB packs to about a kilobyte)."""
    with gzip.open(path, "wb", compresslevel=1) as out:
        out.write(head)
        block = b"a" * (1 << 20)
        for _ in range(megabytes):
            out.write(block)
    return path


@pytest.fixture
def filled(rw: Invoker) -> Invoker:
    assert rw("ingest", str(FIXTURES / "who_ssa_export.csv")).exit_code == 0
    return rw


@pytest.mark.parametrize("workers", ["0", "2"])
def test_an_endless_line_is_one_line_naming_it(
        filled: Invoker, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        workers: str) -> None:
    monkeypatch.setattr(csv_records, "MAX_LINE", 1 << 20)
    # chunks of 3 rows: the line is parsed by one worker and skipped by the other
    used = through_workers(monkeypatch, 3) if workers != "0" else []
    monkeypatch.setenv(pipeline.WORKER_ENV, workers)
    path = endless(tmp_path / "endless.csv.gz", ACLED.read_bytes(), 32)
    before = dump(db_url)  # a bulk write moves SQLite's change counter even when it fails
    tracemalloc.start()
    try:
        result = filled("ingest", str(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.exit_code == 2
    assert dump(db_url) == before
    line, = result.output.strip().splitlines()
    assert line == (f"Error: {path}, row {ROWS + 1}: line {ROWS + 1} is longer than any dataset "
                    "row (1,048,576 characters or more without a line end) (the file is "
                    "damaged, or not a CSV file)")
    assert peak < 16 << 20  # a few times the limit at most, not the 32 MiB line
    assert used == ([] if workers == "0" else [2])


@pytest.mark.slow
def test_a_gzip_bomb_of_one_line_takes_little_memory(tmp_path: Path) -> None:
    # the real limit and a line of 256 MiB, in processes of their own to measure their memory
    path = endless(tmp_path / "bomb.csv.gz", ACLED.read_bytes(), 256)
    script = (
        "import resource, sys\n"
        "from rescuewatch.cli import main\n"
        "try:\n"
        "    main(['ingest', '--db', sys.argv[1], sys.argv[2]])\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "peak = max(resource.getrusage(who).ru_maxrss\n"
        "           for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))\n"
        "print(code, peak >> 10)\n"
    )
    def peak(workers: str, source: Path, db: str) -> tuple[str, int, str]:
        env = {**os.environ, pipeline.WORKER_ENV: workers}
        run = subprocess.run([sys.executable, "-c", script, f"sqlite:///{tmp_path / db}",
                              str(source)], capture_output=True, text=True, env=env, timeout=300)
        code, peak_mb = run.stdout.splitlines()[-1].split()  # after what the command printed
        return code, int(peak_mb), run.stderr

    for workers in ("0", "2"):
        # against the same file without its endless line, read the same way in the same
        # environment: what a process holds besides the line (imports, caches) is no matter
        _, plain_mb, _ = peak(workers, ACLED, f"plain{workers}.db")
        code, bomb_mb, stderr = peak(workers, path, f"bomb{workers}.db")
        assert code == "2", stderr
        assert "is longer than any dataset row" in stderr
        assert bomb_mb < plain_mb + 150, (workers, plain_mb, bomb_mb)  # +600 MB and more before


def test_the_skip_stops_at_an_endless_line(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_records, "MAX_LINE", 1000)
    path = tmp_path / "endless.csv"
    path.write_bytes(ACLED.read_bytes() + b"a" * 5000)
    table = open_table(InputFile.from_path(path))
    records = table.records
    assert records is not None
    with pytest.raises(InputError) as caught:
        records.skip(100, partial(is_data_row, hashtags=[]))
    assert caught.value.row == ROWS + 1
    assert f"line {ROWS + 1} is longer than any dataset row" in str(caught.value)


def test_the_workers_and_one_process_store_the_same_below_the_limit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a long line within the limit is no error (its cell is then too large for a cell)
    monkeypatch.setattr(csv_records, "MAX_LINE", 4000)
    workers = through_workers(monkeypatch, 3)
    monkeypatch.setenv(pipeline.WORKER_ENV, "2")
    text = ACLED.read_text(encoding="utf-8")
    path = tmp_path / "long.csv"
    path.write_text(text.replace("Invented source", "x" * 3000, 1), encoding="utf-8")
    shared = f"sqlite:///{tmp_path / 'shared.db'}"
    ingest_into(shared, [path])
    monkeypatch.setenv(pipeline.WORKER_ENV, "0")
    alone = f"sqlite:///{tmp_path / 'alone.db'}"
    ingest_into(alone, [path])
    assert workers == [2]
    assert dump(shared) == dump(alone)


@pytest.mark.parametrize(("text", "lines"), [
    ("a\nb\r\nc\rd", ["a\n", "b\r\n", "c\r", "d"]),
    ("x" * 9 + "\n" + "y" * 9, ["x" * 9 + "\n", "y" * 9]),
])
def test_lines_within_the_limit_are_read_as_the_stream_gives_them(text: str,
                                                                 lines: list[str]) -> None:
    stream = io.StringIO(text, newline="")
    assert list(Lines(stream, 11)) == lines
    assert lines == io.StringIO(text, newline="").readlines()


@pytest.mark.parametrize("text", ["x" * 11, "ok\n" + "x" * 10 + "\n", "ok\n" + "x" * 20])
def test_a_line_at_the_limit_is_refused(text: str) -> None:
    lines = iter(Lines(io.StringIO(text, newline=""), 11))
    with pytest.raises(LineTooLong):
        for line in lines:
            assert len(line) < 11


def test_an_export_of_an_endless_line_is_one_line(filled: Invoker, db_url: str, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from rescuewatch.export.native import CLAIM_COLUMNS

    monkeypatch.setattr(native, "MAX_CELL", 1 << 20)
    good = ",".join(['"claims"', '"1.0"'] + [""] * (len(CLAIM_COLUMNS) - 2))
    head = (",".join(CLAIM_COLUMNS) + "\r\n" + good + "\r\n").encode()
    path = endless(tmp_path / "export.csv.gz", head, 3)
    line = refused(filled, db_url, "--format", "rescuewatch", str(path))
    assert line.startswith(f"Error: {path}, row 3: line longer than 1 MB")
    jsonl = endless(tmp_path / "export.jsonl.gz", json.dumps(
        {"rescuewatch_schema": "claims", "schema_version": "1.0"}).encode() + b"\n", 3)
    line = refused(filled, db_url, "--format", "rescuewatch", str(jsonl))
    assert line.startswith(f"Error: {jsonl}, row 2: line longer than 1 MB")
