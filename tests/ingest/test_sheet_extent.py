"""A workbook whose sheets span more cells than any dataset is refused before calamine loads
it: calamine allocates a sheet's whole rectangle, and a failed allocation aborts the process.

The workbooks are written here, part by part, so that each way of placing a cell far away
(a reference, a dimension, cells and rows without references, unusual XML) is tried; the
extent bound is checked against what calamine itself makes of small random sheets.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rescuewatch.errors import InputError
from rescuewatch.ingest import sheet_extent
from rescuewatch.ingest.base import InputFile
from rescuewatch.ingest.sheet_extent import check_workbook, part_extent
from tests.conftest import Invoker
from tests.ingest.test_bad_input import refused, refused_in_a_process

pytestmark = pytest.mark.usefixtures("fresh_verdicts")

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ingest"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEADER = ("<row r=\"1\">" + "".join(
    f'<c r="{col}1" t="inlineStr"><is><t>{name}</t></is></c>'
    for col, name in zip("ABCDEF", ("Date", "Country ISO", "Latitude", "Longitude",
                                    "Health Workers Killed", "SiND Event ID"), strict=True))
          + "</row><row r=\"2\">" + "".join(
    f'<c r="{col}2"><v>{value}</v></c>'
    for col, value in zip("ABCDEF", ("45293", "0", "50.1", "30.2", "1", "1"), strict=True))
          + "</row>")


def workbook(path: Path, rows: str, before: str = "", namespaces: str = "",
             extra: dict[str, bytes] | None = None) -> Path:
    """A one-sheet workbook (sheet "Data") whose ``<sheetData>`` holds ``rows``."""
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"{namespaces}>'
             f"{before}<sheetData>{rows}</sheetData></worksheet>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
                   'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/></Types>')
        z.writestr("_rels/.rels", f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
                   f'Type="{OFFICE}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{OFFICE}"><sheets>'
                   '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{RELS}">'
                   f'<Relationship Id="rId1" Type="{OFFICE}/worksheet" '
                   'Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


def calamine_cells(path: Path) -> int:
    """How many cells calamine allocates for the sheet of ``path`` (its whole rectangle)."""
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    return sheet.height * sheet.width


@pytest.mark.parametrize("fmt", ["auto", "insecurity-insight"])
def test_a_cell_at_xfd1048576_is_one_line_and_no_abort(
        filled: Invoker, db_url: str, tmp_path: Path, fmt: str) -> None:
    # the file of the report; a process of its own, as calamine would abort the test run
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Date", "Country ISO", "Latitude", "Longitude", "Health Workers Killed",
               "SiND Event ID"])
    ws.append(["2024-01-02", "UKR", 50.1, 30.2, 1, 1])
    ws["XFD1048576"] = "x"
    path = tmp_path / "far.xlsx"
    wb.save(path)
    line = refused_in_a_process(db_url, "--format", fmt, str(path))
    assert line.startswith(f"Error: {path}: sheet 'Sheet' spans 1,048,576 rows × "
                           "16,384 columns (17,179,869,184 cells), more than any dataset")


#: each a way to put a cell at row 200 of column ZZ (702): 140,400 cells
FAR = {
    "reference": HEADER + '<row r="200"><c r="ZZ200"><v>1</v></c></row>',
    "lower case": HEADER + '<row r="200"><c r="zz200"><v>1</v></c></row>',
    "not first": HEADER + '<row r="200"><c t="n" s="0" r="ZZ200"><v>1</v></c></row>',
    "single quotes": HEADER + "<row r='200'><c r='ZZ200'><v>1</v></c></row>",
    "blanks around =": HEADER + '<row r = "200"><c r = "ZZ200"><v>1</v></c></row>',
    "tab and newline": HEADER + '<row\tr="200"><c\nr="ZZ200"><v>1</v></c></row>',
    "prefixed": HEADER + '<x:row r="200"><x:c r="ZZ200"><x:v>1</x:v></x:c></x:row>',
    "in an earlier row": HEADER.replace('<c r="F2">', '<c r="ZZ200"><v>1</v></c><c r="F2">'),
    "leading zeros": HEADER + '<row r="200"><c r="ZZ000200"><v>1</v></c></row>',
    "rows without references": HEADER + "<row><c><v>1</v></c></row>" * 198
    + "<row>" + "<c><v>1</v></c>" * 702 + "</row>",
    "cells after a reference": HEADER + '<row r="200"><c r="ZY200"><v>1</v></c>'
    "<c><v>1</v></c></row>",
}


@pytest.mark.parametrize("chunk", [1 << 20, 7])
@pytest.mark.parametrize("how", sorted(FAR))
def test_a_far_cell_is_found_however_it_is_written(
        filled: Invoker, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        how: str, chunk: int) -> None:
    monkeypatch.setattr(sheet_extent, "MAX_SHEET_CELLS", 100_000)
    monkeypatch.setattr(sheet_extent, "CHUNK", chunk)
    namespaces = f' xmlns:x="{MAIN}"' if how == "prefixed" else ""
    path = workbook(tmp_path / "far.xlsx", FAR[how], namespaces=namespaces)
    assert calamine_cells(path) >= 140_400  # what the guard keeps calamine from
    line = refused(filled, db_url, str(path))
    assert line.startswith(f"Error: {path}: sheet 'Data' spans ")
    assert "more than any dataset (100,000 at most)" in line


def test_a_dimension_past_the_limit_is_refused(filled: Invoker, db_url: str, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheet_extent, "MAX_SHEET_CELLS", 100_000)
    path = workbook(tmp_path / "wide.xlsx", HEADER, before='<dimension ref="A1:ZZ200"/>')
    line = refused(filled, db_url, str(path))
    assert "sheet 'Data' spans 200 rows × 702 columns (140,400 cells)" in line


def test_a_workbook_within_the_limit_is_read(rw: Invoker, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheet_extent, "MAX_SHEET_CELLS", 100_000)
    path = workbook(tmp_path / "small.xlsx", HEADER + '<row r="3"><c r="F3"><v>2</v></c></row>',
                    before='<dimension ref="A1:F3"/>')
    result = rw("ingest", "--format", "insecurity-insight", "--skip-bad-rows", str(path))
    assert result.exit_code == 0, result.output


def test_a_zip_bomb_is_refused_before_it_is_unpacked(
        filled: Invoker, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheet_extent, "MAX_WORKBOOK_BYTES", 1 << 20)
    path = workbook(tmp_path / "bomb.xlsx", HEADER, extra={"xl/media/x.bin": bytes(2 << 20)})
    line = refused(filled, db_url, str(path))
    assert "bomb.xlsx: the workbook unpacks to 2," in line and "zip bomb" in line


def test_a_sheet_of_too_much_xml_is_refused(filled: Invoker, db_url: str, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheet_extent, "MAX_PART_BYTES", 10_000)
    path = workbook(tmp_path / "long.xlsx", HEADER * 20)
    line = refused(filled, db_url, str(path))
    assert "long.xlsx: sheet 'Data' unpacks to " in line


def test_text_without_tags_is_refused(filled: Invoker, db_url: str, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheet_extent, "MAX_TEXT_RUN", 1000)
    monkeypatch.setattr(sheet_extent, "CHUNK", 100)
    path = workbook(tmp_path / "text.xlsx",
                    HEADER + '<row r="3"><c r="A3" t="inlineStr"><is><t>' + "a" * 5000
                    + "</t></is></c></row>")
    line = refused(filled, db_url, str(path))
    assert "not a readable Excel workbook (sheet 'Data': 1,0" in line


@pytest.mark.parametrize("name", ["who_ssa_export.xlsx"])
def test_a_real_workbook_gets_the_extent_calamine_gives(name: str) -> None:
    path = FIXTURES / name
    with zipfile.ZipFile(path) as z, z.open("xl/worksheets/sheet1.xml") as stream:
        extent = part_extent(stream)
    assert extent.height * extent.width == calamine_cells(path)
    check_workbook(InputFile.from_path(path))


def test_an_xls_or_no_zip_at_all_is_left_to_calamine(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("not a zip\n", encoding="utf-8")
    check_workbook(InputFile.from_path(path))


# --- the bound against calamine on random sheets ----------------------------------------------

_cell = st.tuples(
    st.one_of(st.none(), st.tuples(st.integers(1, 60), st.integers(1, 40))),  # reference
    st.sampled_from(['r="{}"', "r='{}'", 'r = "{}"', 't="n" r="{}"']),
    st.booleans(),  # a value (calamine leaves an empty cell out)
)
_row = st.tuples(st.one_of(st.none(), st.integers(1, 60)), st.lists(_cell, max_size=8))


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet_rows(rows: list[tuple[int | None, list[tuple[tuple[int, int] | None, str, bool]]]],
                prefix: str) -> str:
    out = []
    for number, cells in rows:
        body = []
        for ref, style, valued in cells:
            attrs = "" if ref is None else " " + style.format(f"{_column_letters(ref[1])}{ref[0]}")
            value = f"<{prefix}v>1</{prefix}v>" if valued else ""
            body.append(f"<{prefix}c{attrs}>{value}</{prefix}c>")
        attrs = "" if number is None else f' r="{number}"'
        out.append(f"<{prefix}row{attrs}>{''.join(body)}</{prefix}row>")
    return "".join(out)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_row, max_size=12), prefixed=st.booleans(),
       chunk=st.sampled_from([5, 64, 1 << 20]))
def test_the_bound_is_never_below_what_calamine_allocates(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        rows: list[tuple[int | None, list[tuple[tuple[int, int] | None, str, bool]]]],
        prefixed: bool, chunk: int) -> None:
    path = workbook(tmp_path / "random.xlsx", _sheet_rows(rows, "x:" if prefixed else ""),
                    namespaces=f' xmlns:x="{MAIN}"')
    monkeypatch.setattr(sheet_extent, "CHUNK", chunk)
    with zipfile.ZipFile(path) as z, z.open("xl/worksheets/sheet1.xml") as stream:
        extent = part_extent(stream)
    try:
        cells = calamine_cells(path)
    except Exception:  # noqa: BLE001 - a sheet calamine refuses allocates nothing
        return
    assert extent.height * extent.width >= cells


def test_a_refusal_is_kept_for_the_next_look(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheet_extent, "MAX_SHEET_CELLS", 100_000)
    item = InputFile.from_path(workbook(tmp_path / "far.xlsx", FAR["reference"]))
    for _ in range(2):
        with pytest.raises(InputError, match="spans 200 rows"):
            check_workbook(item)
