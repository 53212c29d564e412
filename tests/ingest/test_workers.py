"""Several parsing workers sharing one file's chunks store what one worker stores.

Each worker reads the whole file and builds every n-th chunk (``ingest.chunks``); the main
process takes the chunks in file order. These tests run tiny chunks through 2 and 3 workers and
compare the store with a serial ingest: same rows and ids, the same first error (file, row,
column) with the store left as it was, and one worker only when bad rows are skipped (ids then
depend on what was skipped).
"""

from __future__ import annotations

import gzip
import os
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from rescuewatch.errors import InputError, RescuewatchError
from rescuewatch.ingest import pipeline
from rescuewatch.ingest.acled import AcledReader
from rescuewatch.ingest.base import InputFile, ReadContext
from rescuewatch.ingest.chunks import ChunkMark, chunked_batches
from rescuewatch.ingest.tables import open_table
from rescuewatch.store import claims as sc
from tests.ingest.test_bulk import FIXTURES, dump, ingest_into, through_workers

ACLED = [FIXTURES / n for n in ("acled_current.csv", "acled_legacy.csv", "acled_api.csv")]


@pytest.fixture
def workers(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every dataset through the workers in chunks of 3 rows; the worker counts used."""
    return through_workers(monkeypatch, 3)


def serial(monkeypatch: pytest.MonkeyPatch, url: str, paths: list[Path],
           ctx: ReadContext | None = None) -> Any:
    with monkeypatch.context() as m:
        m.setenv(pipeline.WORKER_ENV, "0")
        return ingest_into(url, paths, ctx)


@pytest.mark.parametrize("count", [2, 3])
def test_shared_chunks_store_what_serial_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: list[int], count: int
) -> None:
    monkeypatch.setenv(pipeline.WORKER_ENV, str(count))
    shared_url = f"sqlite:///{tmp_path / 'shared.db'}"
    report = ingest_into(shared_url, ACLED)
    assert workers == [count] * len(ACLED)
    serial_url = f"sqlite:///{tmp_path / 'serial.db'}"
    assert serial(monkeypatch, serial_url, ACLED).to_json() == report.to_json()
    assert dump(shared_url) == dump(serial_url)


def with_bad_latitudes(tmp_path: Path, rows: list[int], column: str = "latitude",
                       value: str = "999") -> Path:
    """The ACLED fixture with latitude 999 (or ``column`` set to ``value``) in the given rows
    (the header is row 1)."""
    lines = (FIXTURES / "acled_current.csv").read_text(encoding="utf-8").splitlines()
    position = lines[0].split(",").index(column)  # before any quoted cell
    for row in rows:
        cells = lines[row - 1].split(",")
        cells[position] = value
        lines[row - 1] = ",".join(cells)
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_first_bad_row_in_file_order_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: list[int]
) -> None:
    # chunks of 3 from row 2: row 6 is in chunk 1 (the second worker's), row 9 in chunk 2
    # (the first worker's, which may well get there first)
    monkeypatch.setenv(pipeline.WORKER_ENV, "2")
    url = f"sqlite:///{tmp_path / 'store.db'}"
    ingest_into(url, [FIXTURES / "who_ssa_export.csv"])
    before = dump(url)
    bad = with_bad_latitudes(tmp_path, [6, 9])
    with pytest.raises(InputError) as caught:
        ingest_into(url, [bad])
    assert (caught.value.row, caught.value.field) == (6, "latitude")
    assert str(bad) in str(caught.value)
    assert dump(url) == before
    assert workers == [1, 2]  # the WHO file has no chunk builder: one worker reads it


def errors_alone_and_shared(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                            path: Path) -> tuple[InputError, InputError]:
    """The errors ingesting ``path`` gives without workers and with two."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with pytest.raises(InputError) as alone:
        serial(monkeypatch, url, [path])
    monkeypatch.setenv(pipeline.WORKER_ENV, "2")
    with pytest.raises(InputError) as shared:
        ingest_into(url, [path])
    return alone.value, shared.value


def test_a_malformed_csv_is_reported_at_the_same_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: list[int]
) -> None:
    lines = (FIXTURES / "acled_current.csv").read_text(encoding="utf-8").splitlines()
    lines[8] = lines[8].replace(",", ',"x"y,', 1)  # a quoted cell with text after its quote
    path = tmp_path / "malformed.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    alone, shared = errors_alone_and_shared(monkeypatch, tmp_path, path)
    assert str(shared) == str(alone) and shared.row == 9
    assert workers == [2]


def test_a_file_the_workers_cannot_share_is_read_again_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: list[int]
) -> None:
    # a bare quote in an unquoted cell of row 3 (the first worker's chunk): the csv module
    # keeps it as a character, but the second worker, skipping by quotes, loses its place
    monkeypatch.setenv(pipeline.WORKER_ENV, "2")
    odd = with_bad_latitudes(tmp_path, [3], column="location", value='Hill 5" north')
    url = f"sqlite:///{tmp_path / 'store.db'}"
    progress: list[int] = []
    report = ingest_into(url, [odd], ReadContext(on_rows=progress.append))
    assert workers == [2, 1]
    assert min(progress) < 0 and sum(progress) == report.claims  # first rows taken back
    serial_url = f"sqlite:///{tmp_path / 'serial.db'}"
    assert serial(monkeypatch, serial_url, [odd]).to_json() == report.to_json()
    assert dump(url) == dump(serial_url)
    assert sum(("str", 'Hill 5" north') in row for row in dump(url)["claims"]) == 1


def truncated(tmp_path: Path, how: str) -> Path:
    """The ACLED fixture cut inside a quoted cell, between cells, or gzipped and cut."""
    data = (FIXTURES / "acled_current.csv").read_bytes()
    if how == "gzip":
        header, rows = data.split(b"\n", 1)
        packed = gzip.compress(header + b"\n" + rows * 20)
        path = tmp_path / "cut.csv.gz"
        path.write_bytes(packed[: len(packed) // 2])
        return path
    end = data.rindex(b"Shelling hit a market") + 10 if how == "quoted" else \
        data.rindex(b",Invented source")
    path = tmp_path / "cut.csv"
    path.write_bytes(data[:end])
    return path


@pytest.mark.parametrize("how", ["quoted", "between cells", "gzip"])
def test_a_truncated_file_gets_the_error_it_gets_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: list[int], how: str
) -> None:
    alone, shared = errors_alone_and_shared(monkeypatch, tmp_path, truncated(tmp_path, how))
    assert "truncated" in str(alone) and str(shared) == str(alone)
    assert workers == [2]


def test_skipping_bad_rows_takes_one_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: list[int]
) -> None:
    monkeypatch.setenv(pipeline.WORKER_ENV, "2")
    bad = with_bad_latitudes(tmp_path, [6, 9])
    url = f"sqlite:///{tmp_path / 'store.db'}"
    report = ingest_into(url, [bad], ReadContext(skip_bad_rows=True))
    assert workers == [1]
    assert report.inputs[0].skipped_rows == 2
    serial_url = f"sqlite:///{tmp_path / 'serial.db'}"
    serial(monkeypatch, serial_url, [bad], ReadContext(skip_bad_rows=True))
    assert dump(url) == dump(serial_url)


def test_a_share_is_refused_while_skipping_bad_rows() -> None:
    item = InputFile.from_path(FIXTURES / "acled_current.csv")
    table = open_table(item)
    reader = AcledReader()
    build = reader.row_builder(table)
    fast = reader.chunk_builder(table, build)
    assert fast is not None
    with pytest.raises(ValueError, match="skipping bad rows"):
        next(chunked_batches(table, build, fast, ReadContext(skip_bad_rows=True), 1, 1, (0, 2)))


@pytest.mark.parametrize(("setting", "expected"), [
    ("0", 0), ("off", 0), ("1", 1), ("3", 3), ("99", pipeline.MAX_WORKERS)])
def test_worker_count_follows_the_setting(
    monkeypatch: pytest.MonkeyPatch, setting: str, expected: int
) -> None:
    monkeypatch.setenv(pipeline.WORKER_ENV, setting)
    assert pipeline.worker_count() == expected


def test_on_is_the_default_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(pipeline.WORKER_ENV, raising=False)
    default = pipeline.worker_count()
    monkeypatch.setenv(pipeline.WORKER_ENV, "on")
    assert pipeline.worker_count() == default


def test_a_setting_that_is_no_number_of_workers_is_refused_before_any_input(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # "two" was taken as unset; now the ingest stops at once, whatever the files' sizes
    from tests.conftest import Invoker

    monkeypatch.setenv(pipeline.WORKER_ENV, "two")
    rw = Invoker(f"sqlite:///{tmp_path / 's.db'}")
    result = rw("ingest", str(Path(__file__).resolve().parents[2] / "examples"))
    assert result.exit_code == 2
    assert result.output.startswith("Error: RESCUEWATCH_INGEST_WORKER='two' is not a number")
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize(("name", "rows"), [
    ("ucdp_ged191_syria_2016-01_2019-11.csv.gz", 16566),
    ("ucdp_ged_hdx_ukraine_2014-2021_conflict_data_ukr.csv", None),  # an HXL row under the header
])
def test_real_ucdp_files_through_two_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: list[int], shared_data: Path,
    name: str, rows: int | None,
) -> None:
    ucdp = shared_data / name
    monkeypatch.setattr(sc, "BATCH", 2000)
    monkeypatch.setenv(pipeline.WORKER_ENV, "2")
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    report = ingest_into(url, [ucdp])
    assert report.claims == rows or rows is None and report.claims > 2000
    assert workers == [2]
    serial_url = f"sqlite:///{tmp_path / 'serial.db'}"
    serial(monkeypatch, serial_url, [ucdp])
    assert dump(url) == dump(serial_url)


def killed_after_one(source: Callable[[], Iterable[Any]]) -> Iterator[Any]:
    """``source``'s first item, then the worker process running it killed (as by the OOM
    killer), once its writing thread had time to start sending that item."""
    for item in source():
        yield item
        if not isinstance(item, ChunkMark):
            time.sleep(0.2)
            os.kill(os.getpid(), signal.SIGKILL)


def test_a_killed_worker_is_a_one_line_error_and_leaves_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: list[int]
) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    ingest_into(url, [FIXTURES / "who_ssa_export.csv"])
    before = dump(url)
    monkeypatch.setattr(sc, "BATCH", 20_000)  # one batch larger than the pipe holds
    real = pipeline._Workers
    monkeypatch.setattr(pipeline, "_Workers", lambda sources, ctx: real(
        [lambda s=s: killed_after_one(s) for s in sources], ctx))
    big = tmp_path / "big.csv"
    lines = ACLED[0].read_text(encoding="utf-8").splitlines()
    big.write_text("\n".join([lines[0]] + [f"K{n}," + lines[1 + n % (len(lines) - 1)].split(",", 1)[1]
                                         for n in range(3000)]) + "\n", encoding="utf-8")
    with pytest.raises(RescuewatchError) as caught:
        ingest_into(url, [big])
    assert "killed by signal 9" in str(caught.value) and str(big) in str(caught.value)
    assert "\n" not in str(caught.value)
    assert dump(url) == before
