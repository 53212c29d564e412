"""Binary workbooks (``.xlsb``) are read, and one whose sheet spans more cells than any
dataset is refused before calamine allocates it, as for ``.xlsx`` (test_sheet_extent.py).

The workbooks are written here record by record ([MS-XLSB] 2.1.4: a record is its type and
its size, each in 7-bit groups, then its body), with only what calamine needs to read one.
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rescuewatch.ingest import sheet_extent
from rescuewatch.ingest.sheet_extent import binary_part_extent
from tests.conftest import Invoker
from tests.ingest.test_bad_input import refused, refused_in_a_process
from tests.ingest.test_sheet_extent import calamine_cells

pytestmark = pytest.mark.usefixtures("fresh_verdicts")

RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
BEGIN_SHEET, END_SHEET, BEGIN_DATA, END_DATA, DIMENSION = 129, 130, 145, 146, 148
COLUMNS = ("Date", "Country ISO", "Latitude", "Longitude", "Health Workers Killed",
           "SiND Event ID")


def record(kind: int, body: bytes = b"") -> bytes:
    head = bytearray([kind] if kind < 0x80 else [(kind & 0x7F) | 0x80, kind >> 7])
    size = len(body)
    while True:
        size, low = size >> 7, size & 0x7F
        head.append(low | (0x80 if size else 0))
        if not size:
            return bytes(head) + body


def wide(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


def row(number: int) -> bytes:
    """A row header, rows counted from 0."""
    return record(0, struct.pack("<IIHBBBI", number, 0, 300, 0, 0, 0, 0))


def text(column: int, value: str) -> bytes:
    return record(6, struct.pack("<II", column, 0) + wide(value))


def number(column: int, value: float) -> bytes:
    return record(5, struct.pack("<IId", column, 0, value))


def dimension(last_row: int, last_column: int) -> bytes:
    return record(DIMENSION, struct.pack("<IIII", 0, last_row, 0, last_column))


HEADER = row(0) + b"".join(text(i, name) for i, name in enumerate(COLUMNS))
DATA = (row(1) + text(0, "2024-01-02") + text(1, "UKR") + number(2, 50.1) + number(3, 30.2)
        + number(4, 1) + number(5, 1))


def binary_workbook(path: Path, cells: bytes, dims: bytes | None = None,
                    extra: dict[str, bytes] | None = None) -> Path:
    """A one-sheet binary workbook (sheet "Data") whose sheet data holds ``cells``."""
    sheet = (record(BEGIN_SHEET) + (dimension(1, 5) if dims is None else dims)
             + record(BEGIN_DATA) + cells + record(END_DATA) + record(END_SHEET))
    book = (record(131) + record(143) + record(156, struct.pack("<II", 0, 1) + wide("rId1")
                                                + wide("Data")) + record(144) + record(132))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="bin" ContentType='
                   '"application/vnd.ms-excel.sheet.binary.macroEnabled.main"/></Types>')
        z.writestr("_rels/.rels", f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
                   f'Type="{OFFICE}/officeDocument" Target="xl/workbook.bin"/></Relationships>')
        z.writestr("xl/workbook.bin", book)
        z.writestr("xl/_rels/workbook.bin.rels", f'<Relationships xmlns="{RELS}">'
                   f'<Relationship Id="rId1" Type="{OFFICE}/worksheet" '
                   'Target="worksheets/sheet1.bin"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.bin", sheet)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


def test_a_binary_workbook_is_read(rw: Invoker, tmp_path: Path) -> None:
    # a printer's settings are no records: bytes without a "<" for longer than any XML text
    # run must not make the workbook unreadable
    path = binary_workbook(tmp_path / "ok.xlsb", HEADER + DATA, extra={
        "xl/printerSettings/printerSettings1.bin": b"\x00" * (17 << 20)})
    assert calamine_cells(path) == 12
    result = rw("ingest", "--format", "insecurity-insight", "--json", str(path))
    assert result.exit_code == 0, result.output
    assert '"claims": 1' in result.output


def test_a_far_cell_aborts_no_process(filled: Invoker, db_url: str, tmp_path: Path) -> None:
    # a process of its own, as calamine would abort the test run
    path = binary_workbook(tmp_path / "far.xlsb", HEADER + DATA + row(1_048_575)
                           + text(16_383, "x"))
    line = refused_in_a_process(db_url, str(path))
    assert line.startswith(f"Error: {path}: part 'xl/worksheets/sheet1.bin' spans "
                           "1,048,576 rows × 16,384 columns (17,179,869,184 cells)")


#: each a way to reach row 200 and column 702 (0-based 199 and 701): 140,400 cells
FAR = {
    "row and cell": (HEADER + DATA + row(199) + text(701, "x"), None),
    "cell far right, row far down": (HEADER + text(701, "x") + DATA + row(199), None),
    "dimension": (HEADER + DATA, dimension(199, 701)),
    "short cells": (HEADER + DATA + row(199) + text(600, "x")
                    + record(12, struct.pack("<I", 0)) * 101, None),
    "long record before": (HEADER + text(6, "y" * 40_000) + DATA + row(199) + text(701, "x"),
                           None),
}


@pytest.mark.parametrize("chunk", [1 << 20, 5])
@pytest.mark.parametrize("how", sorted(FAR))
def test_a_far_cell_is_found_however_it_is_placed(
        filled: Invoker, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        how: str, chunk: int) -> None:
    monkeypatch.setattr(sheet_extent, "MAX_SHEET_CELLS", 100_000)
    monkeypatch.setattr(sheet_extent, "CHUNK", chunk)
    cells, dims = FAR[how]
    path = binary_workbook(tmp_path / "far.xlsb", cells, dims)
    line = refused(filled, db_url, str(path))
    assert "spans 200 rows × 702 columns (140,400 cells)" in line


_cell = st.tuples(st.integers(0, 40), st.sampled_from(["text", "number", "short"]))
_row = st.tuples(st.one_of(st.none(), st.integers(0, 60)), st.lists(_cell, max_size=8))


def _sheet(rows: list[tuple[int | None, list[tuple[int, str]]]]) -> bytes:
    out = b""
    for number_, cells in rows:
        out += b"" if number_ is None else row(number_)
        for column, kind in cells:
            out += (text(column, "v") if kind == "text" else number(column, 1.0)
                    if kind == "number" else record(12, struct.pack("<I", 0)))
    return out


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_row, max_size=12), chunk=st.sampled_from([3, 64, 1 << 20]),
       dims=st.tuples(st.integers(0, 70), st.integers(0, 50)))
def test_the_bound_is_never_below_what_calamine_allocates(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        rows: list[tuple[int | None, list[tuple[int, str]]]], chunk: int,
        dims: tuple[int, int]) -> None:
    path = binary_workbook(tmp_path / "random.xlsb", _sheet(rows), dimension(*dims))
    monkeypatch.setattr(sheet_extent, "CHUNK", chunk)
    with zipfile.ZipFile(path) as z, z.open("xl/worksheets/sheet1.bin") as stream:
        extent = binary_part_extent(stream)
    try:
        cells = calamine_cells(path)
    except Exception:  # noqa: BLE001 - a sheet calamine refuses allocates nothing
        return
    assert extent.height * extent.width >= cells
