"""OpenDocument spreadsheets (``.ods``) are read, and one whose repeated rows and cells span
more cells than any dataset is refused before calamine allocates them.

The files are written here, with only what calamine needs to read one; the filler rows and
cells spreadsheet programs write after the data (empty, repeated to the sheet's edge) are
among them, since calamine leaves those out and they must not make a file refused.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rescuewatch.ingest import ods_extent as ods_module
from rescuewatch.ingest import sheet_extent
from rescuewatch.ingest.ods_extent import ods_extent
from tests.conftest import Invoker
from tests.ingest.test_bad_input import refused, refused_in_a_process
from tests.ingest.test_sheet_extent import calamine_cells

pytestmark = pytest.mark.usefixtures("fresh_verdicts")

OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
COLUMNS = ("Date", "Country ISO", "Latitude", "Longitude", "Health Workers Killed",
           "SiND Event ID")


def cell(value: str | None, repeat: int = 1) -> str:
    times = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    if value is None:
        return f"<table:table-cell{times}/>"
    return (f'<table:table-cell office:value-type="string"{times}>'
            f"<text:p>{value}</text:p></table:table-cell>")


def row(cells: str, repeat: int = 1) -> str:
    times = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{times}>{cells}</table:table-row>"


HEADER = row("".join(cell(name) for name in COLUMNS))
DATA = row("".join(cell(value) for value in ("2024-01-02", "UKR", "50.1", "30.2", "1", "1")))
#: what a spreadsheet program writes after the data: empty cells and rows to the sheet's edge
FILLER = row(cell(None, 16_378), repeat=1) + row(cell(None, 1024), repeat=1_048_574)


def spreadsheet(path: Path, rows: str) -> Path:
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               f'xmlns:office="{OFFICE}" xmlns:table="{TABLE}" xmlns:text="{TEXT}" '
               f'office:version="1.2"><office:body><office:spreadsheet>'
               f'<table:table table:name="Data">{rows}</table:table>'
               "</office:spreadsheet></office:body></office:document-content>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml",
                   '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                   '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                   '<manifest:file-entry manifest:full-path="/" manifest:media-type='
                   '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
                   'manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                   "</manifest:manifest>")
        z.writestr("content.xml", content)
    return path


def test_a_spreadsheet_with_filler_after_its_data_is_read(rw: Invoker, tmp_path: Path) -> None:
    path = spreadsheet(tmp_path / "ok.ods", HEADER + DATA + FILLER)
    assert calamine_cells(path) == 12
    result = rw("ingest", "--format", "insecurity-insight", "--json", str(path))
    assert result.exit_code == 0, result.output
    assert '"claims": 1' in result.output


def test_repeated_cells_abort_no_process(filled: Invoker, db_url: str, tmp_path: Path) -> None:
    # 800 bytes asking for a value in 17 billion cells; a process of its own, as calamine
    # could abort the test run
    path = spreadsheet(tmp_path / "repeated.ods",
                       HEADER + row(cell("x", 16_384), repeat=1_048_575))
    assert path.stat().st_size < 2_000
    line = refused_in_a_process(db_url, str(path))
    assert line.startswith(f"Error: {path}: part 'content.xml' spans 1,048,576 rows × "
                           "16,384 columns (17,179,869,184 cells), more than any dataset")


#: each a way to reach row 200 and column 702: 140,400 cells
FAR = {
    "repeated rows and cells": HEADER + row(cell("x", 702), repeat=199),
    "a value after empty cells": HEADER + DATA + row(cell(None, 701) + cell("x"), repeat=1)
    + row(cell(None, 3), repeat=196) + row(cell("y")),
    "covered cells": HEADER + row('<table:covered-table-cell table:number-columns-repeated'
                                  '="701"/>' + cell("x")) + row(cell(None), 197) + row(cell("y")),
}


@pytest.mark.parametrize("how", sorted(FAR))
def test_far_cells_are_found_however_they_are_written(
        filled: Invoker, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        how: str) -> None:
    monkeypatch.setattr(sheet_extent, "MAX_SHEET_CELLS", 100_000)
    path = spreadsheet(tmp_path / "far.ods", FAR[how])
    assert calamine_cells(path) >= 140_400  # what the guard keeps calamine from
    line = refused(filled, db_url, str(path))
    assert "spans 200 rows × 702 columns (140,400 cells)" in line


def test_text_without_tags_is_refused(filled: Invoker, db_url: str, tmp_path: Path) -> None:
    # the scan holds a chunk up to a tag's start; a run of text longer than any cell would
    # otherwise be held whole
    path = spreadsheet(tmp_path / "text.ods", HEADER + row(cell("x" * (17 << 20))))
    line = refused(filled, db_url, str(path))
    assert line.startswith(f"Error: {path}: not a readable Excel workbook (part 'content.xml'")
    assert "bytes without a tag" in line


_cell = st.tuples(st.one_of(st.none(), st.just("v")), st.integers(1, 30))
_row = st.tuples(st.lists(_cell, max_size=6), st.integers(1, 30))


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_row, max_size=10), chunk=st.sampled_from([7, 1 << 20]))
def test_the_bound_is_never_below_what_calamine_allocates(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        rows: list[tuple[list[tuple[str | None, int]], int]], chunk: int) -> None:
    xml = "".join(row("".join(cell(v, n) for v, n in cells), repeat) for cells, repeat in rows)
    path = spreadsheet(tmp_path / "random.ods", xml)
    monkeypatch.setattr(ods_module, "CHUNK", chunk)
    with zipfile.ZipFile(path) as z, z.open("content.xml") as stream:
        rows_, columns = ods_extent(stream)
    try:
        cells = calamine_cells(path)
    except Exception:  # noqa: BLE001 - a sheet calamine refuses allocates nothing
        return
    assert rows_ * columns >= cells
