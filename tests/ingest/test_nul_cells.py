"""A NUL character in a CSV cell is a bad value, named by its row and column, on every path.

PostgreSQL stores no NUL in text: a NUL after the first 64 KB (where the check for binary data
looks) stopped an ingest into PostgreSQL with a traceback of the whole batch's SQL, while
SQLite kept it. Rows are built by the chunk path, the per-row path (a reader without a chunk
builder, ``--skip-bad-rows``, PostgreSQL) and the parsing workers; each must refuse it alike.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from rescuewatch.errors import InputError
from rescuewatch.ingest import pipeline
from rescuewatch.ingest.base import ReadContext
from rescuewatch.store import Store
from tests.ingest.test_bulk import FIXTURES, dump, ingest_into, through_workers

ACLED = FIXTURES / "acled_current.csv"
WHO = FIXTURES / "who_ssa_export.csv"


def padded(source: Path, tmp_path: Path, column: str, value: str, min_bytes: int = 70_000,
           id_column: int = 0) -> tuple[Path, int]:
    """``source``'s rows repeated under new ids past ``min_bytes`` (beyond the 64 KB sniffed
    for binary data), ``column`` of the last row set to ``value``; the path and that row."""
    with source.open(encoding="utf-8", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    out = [header]
    size = 0
    while size < min_bytes:
        row = list(rows[len(out) % len(rows)])
        row[id_column] = f"N{len(out)}"
        out.append(row)
        size += sum(map(len, row))
    out[-1][header.index(column)] = value
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(out)
    path = tmp_path / f"nul_{source.name}"
    path.write_text(text.getvalue(), encoding="utf-8")
    return path, len(out)


def store_with_one_file(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    ingest_into(url, [WHO])
    return url


@pytest.mark.parametrize(("column", "value"), [
    ("notes", "a\x00b"),  # a column the chunk builder reads
    ("tags", "\x00"),  # one kept only among the original values
    ("notes", "first line\nsecond \x00 line"),  # on the second line of a quoted cell
])
@pytest.mark.parametrize("workers", ["0", "2"])
def test_a_nul_past_the_sniffed_head_is_a_bad_value(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: str, column: str,
        value: str) -> None:
    used = through_workers(monkeypatch, 50) if workers != "0" else []
    monkeypatch.setenv(pipeline.WORKER_ENV, workers)
    url = store_with_one_file(tmp_path)
    before = dump(url)
    path, row = padded(ACLED, tmp_path, column, value)
    with pytest.raises(InputError) as caught:
        ingest_into(url, [path])
    assert str(caught.value).startswith(
        f"{path}, row {row}, column {column!r}: holds a NUL character")
    assert "--skip-bad-rows" in str(caught.value)
    assert dump(url) == before
    assert used == ([] if workers == "0" else [1, 2])


@pytest.mark.parametrize("workers", ["0", "2"])
def test_skipping_bad_rows_records_the_nul(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           workers: str) -> None:
    if workers != "0":
        through_workers(monkeypatch, 50)
    monkeypatch.setenv(pipeline.WORKER_ENV, workers)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    path, row = padded(ACLED, tmp_path, "notes", "a\x00b")
    report = ingest_into(url, [path], ReadContext(skip_bad_rows=True))
    assert report.claims == row - 2 and report.inputs[0].skipped_rows == 1
    stored = dump(url)
    assert not any("\x00" in str(row) for row in stored["claims"])
    (skipped,) = stored["skipped_rows"]
    assert ("str", str(row)) in skipped and ("str", "notes") in skipped


def test_a_reader_without_a_chunk_builder_refuses_it_too(tmp_path: Path) -> None:
    path, row = padded(WHO, tmp_path, "Attack Type", "Violence\x00")
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with pytest.raises(InputError, match=f"row {row}, column 'Attack Type': holds a NUL"):
        ingest_into(url, [path])


def test_a_nul_in_a_header_past_the_sniffed_head_is_refused(tmp_path: Path) -> None:
    lines = ACLED.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "wide.csv"
    path.write_text(lines[0] + ",x" + "y" * 70_000 + "\x00z\n" + lines[1] + ",\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as caught:
        ingest_into(f"sqlite:///{tmp_path / 'store.db'}", [path])
    assert str(caught.value).startswith(f"{path}, row 1: the name of column 32 holds a NUL")


def test_postgresql_refuses_it_as_sqlite_does(tmp_path: Path) -> None:
    pytest.importorskip("psycopg", reason="psycopg 3 is not installed")
    from tests.pg import pg_bindir, temporary_postgres

    if pg_bindir() is None:
        pytest.skip("no PostgreSQL server binaries here")
    path, row = padded(ACLED, tmp_path, "notes", "a\x00b")
    with temporary_postgres() as url:
        errors = []
        for where in (url, f"sqlite:///{tmp_path / 'store.db'}"):
            with pytest.raises(InputError) as caught:
                ingest_into(where, [path])
            errors.append(str(caught.value))
        assert errors[0] == errors[1]
        assert f"row {row}, column 'notes': holds a NUL" in errors[0]
        report = ingest_into(url, [path], ReadContext(skip_bad_rows=True))
        assert report.claims == row - 2
        store = Store.open(url)
        try:
            assert store.count("claims") == row - 2
        finally:
            store.dispose()


@pytest.mark.parametrize(("row", "named"), [(2, "row 2, column 'Country ISO'"),
                                            (1, "row 1: the name of column 2")])
def test_a_workbook_cell_decoded_to_a_nul_is_refused_too(tmp_path: Path, row: int,
                                                         named: str) -> None:
    # calamine decodes the escape _x0000_ of Excel's XML into a NUL character
    from tests.ingest.test_sheet_extent import HEADER, workbook

    cell = f'<c r="B{row}" t="inlineStr"><is><t>U_x0000_KR</t></is></c>'
    rows = HEADER.replace(f'<c r="B{row}"', cell + f'<c r="Z{row}"', 1)
    path = workbook(tmp_path / "nul.xlsx", rows)
    with pytest.raises(InputError) as caught:
        ingest_into(f"sqlite:///{tmp_path / 'store.db'}", [path])
    assert str(caught.value).startswith(f"{path}, {named}")
    assert "holds a NUL character" in str(caught.value)
