"""Damaged inputs that a fuzzing pass over the real datasets and the fixtures found to break
the contract (a one-line error naming file, row and column, a non-zero exit, the store as it
was, no traceback); each is built here from a small fixture."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from rescuewatch.ingest.cell_dates import parse_date
from tests.conftest import Invoker
from tests.ingest.test_bad_input import HERE, acled_with, refused, snapshot


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "1/1/1800"])
def test_a_date_no_analysis_can_hold_is_a_bad_value(filled: Invoker, db_url: str,
                                                    tmp_path: Path, value: str) -> None:
    # 0001-01-01 and 9999-12-31 were stored; `run` then stopped in the report with pandas'
    # OutOfBoundsDatetime traceback, and every later report of the store did too
    path = acled_with(tmp_path, 4, "event_date", value)
    line = refused(filled, db_url, str(path))
    assert "bad.csv, row 4, column 'event_date'" in line and "outside 1900-2099" in line
    result = filled("ingest", "--skip-bad-rows", "--json", str(path))
    assert result.exit_code == 0 and json.loads(result.output)["skipped_rows"] == 1


def test_run_refuses_such_a_date_before_its_report(rw: Invoker, tmp_path: Path) -> None:
    path = acled_with(tmp_path, 2, "event_date", "9999-12-31")
    result = rw("run", "--report", str(tmp_path / "report.html"), str(path))
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        line for line in result.output.strip().splitlines() if "row 2, column 'event_date'" in line]


@pytest.mark.parametrize(("last", "code"), [("2099-12-31", 0), ("2199-12-31", 2)])
def test_a_store_spanning_the_whole_range_gets_its_report(rw: Invoker, tmp_path: Path,
                                                         last: str, code: int) -> None:
    # 1900 to 2199 were allowed at first: the report's map, counting nanoseconds from the
    # first event, overflowed on 300 years with a traceback
    path = acled_with(tmp_path, 2, "event_date", "1900-01-01")
    path.write_text(path.read_text(encoding="utf-8").replace("2023-06-14", last),
                    encoding="utf-8")
    result = rw("run", "--report", str(tmp_path / "report.html"), str(path))
    assert result.exit_code == code, result.output


def test_the_days_a_claim_may_fall_on() -> None:
    assert parse_date("1900-01-01") == dt.date(1900, 1, 1)
    assert parse_date("2099-12-31") == dt.date(2099, 12, 31)
    for cell in ("1899-12-31", "2100-01-01", dt.datetime(9999, 12, 31), 1.0, "0001-01-01"):
        with pytest.raises(ValueError, match="outside 1900-2099"):
            parse_date(cell)


def test_an_export_record_with_such_a_date_is_named(filled: Invoker, db_url: str,
                                                    tmp_path: Path) -> None:
    assert filled("ingest", str(HERE / "acled_current.csv")).exit_code == 0
    exported = filled("export", "--format", "jsonl").output.splitlines()
    record = json.loads(exported[0])
    record["date_start"] = record["date_end"] = "0001-01-01"
    path = tmp_path / "claims.jsonl"
    path.write_text("\n".join([json.dumps(record), *exported[1:]]) + "\n", encoding="utf-8")
    line = refused(filled, db_url, str(path))
    assert "claims.jsonl, row 1, column 'date_start'" in line and "outside 1900-2099" in line


@pytest.mark.parametrize("command", ["ingest", "run", "extract"])
def test_a_publication_day_out_of_range_is_a_bad_option(filled: Invoker, db_url: str,
                                                        tmp_path: Path, command: str) -> None:
    text = tmp_path / "post.txt"
    text.write_text("Yesterday a drone struck an ambulance in Kharkiv.\n", encoding="utf-8")
    before = snapshot(db_url)
    result = filled(command, "--published", "0001-01-01", str(text))
    assert result.exit_code == 2 and "'--published': date 0001-01-01 outside 1900-2099" in result.output
    assert snapshot(db_url) == before


@pytest.mark.parametrize("damage", ["cut", "trailing"])
@pytest.mark.parametrize(("export", "fmt"), [("csv", "auto"), ("jsonl", "auto"),
                                             ("txt", "text"), ("txt", "html"), ("txt", "telegram")])
def test_a_damaged_gzip_of_an_export_or_a_text_is_one_line(
        filled: Invoker, db_url: str, tmp_path: Path, export: str, fmt: str, damage: str) -> None:
    # a cut stream ended as click's bare "Aborted!" (EOFError, exit 1); bytes after the
    # stream as gzip.BadGzipFile's traceback: the table readers said so, these did not
    import gzip

    assert filled("ingest", str(HERE / "acled_current.csv")).exit_code == 0
    if export == "txt":
        data = (HERE / "acled_current.csv").read_bytes().replace(b",", b" ")
    else:
        header, _, rows = filled("export", "--format", export).output.encode().partition(b"\n")
        data = header + b"\n" + rows * 4 if export == "csv" else (header + b"\n" + rows) * 4
    packed = gzip.compress(data)
    path = tmp_path / f"claims.{export}.gz"
    path.write_bytes(packed[: len(packed) * 2 // 3] if damage == "cut" else packed + b"garbage")
    line = refused(filled, db_url, "--format", fmt, str(path))
    assert f"claims.{export}.gz" in line and "cannot read" in line and "truncated or damaged" in line
    if export != "txt":
        assert ", row " in line


def _workbook(path: Path, value: object = 1, number_format: str | None = None) -> Path:
    """A small Insecurity Insight workbook; ``value`` in the killed column of its last row."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Incidents"
    ws.append(["Date", "Country ISO", "Latitude", "Longitude", "Health Workers Killed",
               "SiND Event ID"])
    ws.append(["2024-01-02", "UKR", 50.1, 30.2, 1, 1])
    ws.append(["2024-01-03", "RUS", 50.2, 30.3, value, 2])
    if number_format:
        ws["E3"].number_format = number_format
    wb.save(path)
    return path


def _rezipped(path: Path, change: Any) -> Path:
    """``path`` with each part's bytes replaced by ``change(name, data)`` (None: left out)."""
    import io
    import zipfile

    with zipfile.ZipFile(path) as src:
        parts = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts:
            if (changed := change(name, data)) is not None:
                out.writestr(name, changed)
    path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.parametrize(("damage", "message"), [
    (lambda name, data: None if "worksheets/" in name else data, "sheet 'Incidents': "),
    (lambda name, data: data[: len(data) // 2] if "worksheets/" in name else data,
     "sheet 'Incidents': XmlError"),
    (lambda name, data: b"\xff\xfe junk" if "worksheets/" in name else data,
     "sheet 'Incidents': XmlError"),
    (lambda name, data: None if name == "xl/workbook.xml" else data, "the workbook has no sheet"),
], ids=["sheet-missing", "sheet-cut", "sheet-garbage", "workbook-part-missing"])
def test_a_workbook_with_a_damaged_sheet_is_one_line(filled: Invoker, db_url: str,
                                                     tmp_path: Path, damage: Any,
                                                     message: str) -> None:
    # calamine parses a sheet when it is taken: its WorksheetNotFound and XmlError came out
    # as tracebacks while the data sheet was chosen
    path = _rezipped(_workbook(tmp_path / "ii.xlsx"), damage)
    line = refused(filled, db_url, str(path))
    assert "ii.xlsx: not a readable Excel workbook (" + message in line


@pytest.mark.parametrize("value", [b"-1e+308", b"-inf", b"-2e11"])
def test_a_date_cell_calamine_would_panic_on_is_refused_before_it_is_read(
        filled: Invoker, db_url: str, tmp_path: Path, value: bytes) -> None:
    # Rust panicked (chrono's TimeDelta out of bounds) on a far negative number formatted as
    # a date: a PanicException, no Exception, and the panic written on standard error
    path = _rezipped(_workbook(tmp_path / "ii.xlsx", 123456, "yyyy-mm-dd"),
                     lambda name, data: data.replace(b">123456<", b">" + value + b"<"))
    line = refused(filled, db_url, str(path))
    assert "sheet 'Incidents': cell E3 holds" in line and "beyond any date or count" in line


def test_a_negative_coordinate_is_no_such_value(rw: Invoker, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "ii.xlsx", 2)
    assert rw("ingest", str(path)).exit_code == 0
    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb.active["D2"] = -73.99
    wb.save(tmp_path / "west.xlsx")
    assert rw("ingest", str(tmp_path / "west.xlsx")).exit_code == 0


def test_a_duration_python_cannot_hold_names_its_row(filled: Invoker, db_url: str,
                                                     tmp_path: Path) -> None:
    # calamine's OverflowError for a number in a [h]:mm:ss cell named no row
    path = _workbook(tmp_path / "ii.xlsx", 1e12, "[h]:mm:ss")
    line = refused(filled, db_url, str(path))
    assert "ii.xlsx, row 3: cannot read the workbook" in line and "OverflowError" in line


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_stray_note_right_of_an_empty_row_is_no_event(rw: Invoker, tmp_path: Path,
                                                         kind: str) -> None:
    # it became a claim of nothing: no date, place, count or row id (and its note not kept)
    if kind == "xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(_workbook(tmp_path / "ii.xlsx"))
        wb.active.cell(40, 60, "checked by AB")
        wb.save(tmp_path / "ii.xlsx")
        path, claims = tmp_path / "ii.xlsx", 2
    else:
        lines = (HERE / "acled_current.csv").read_text(encoding="utf-8").splitlines(True)
        columns = lines[0].count(",") + 1
        path, claims = tmp_path / "acled.csv", 12
        path.write_text("".join(lines[:5] + ["," * (columns + 3) + "checked by AB\n"] + lines[5:]),
                        encoding="utf-8")
    result = rw("ingest", "--json", str(path))
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["claims"] == claims


@pytest.mark.parametrize("fmt", ["auto", "acled"])
def test_a_nul_among_the_first_rows_is_a_bad_value_of_its_row(filled: Invoker, db_url: str,
                                                              tmp_path: Path, fmt: str) -> None:
    # one NUL in the first 64 KB made the file binary: "not in any known format", or
    # "row 1: binary data" under --format, where a NUL further on named its row and column
    path = acled_with(tmp_path, 3, "notes", "shelling\x00 hit")
    line = refused(filled, db_url, "--format", fmt, str(path))
    assert "bad.csv, row 3, column 'notes': holds a NUL character" in line
    result = filled("ingest", "--skip-bad-rows", "--json", str(path))
    assert result.exit_code == 0 and json.loads(result.output)["skipped_rows"] == 1


def test_binary_data_under_a_dataset_format_is_still_binary(filled: Invoker, db_url: str,
                                                            tmp_path: Path) -> None:
    blob = tmp_path / "image.csv"
    blob.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    line = refused(filled, db_url, "--format", "acled", str(blob))
    assert "image.csv, row 1: binary data, not a CSV file" in line


@pytest.mark.parametrize(("name", "shown"), [("\x1b]52;c;QUFB\x07.csv", "\\x1b]52;c;QUFB\\x07"),
                                             ("report\u202etxt.csv", "report\\u202etxt"),
                                             ("tab\there.csv", "tab\\x09here")])
def test_an_error_shows_the_control_characters_of_a_file_name_as_escapes(
        filled: Invoker, db_url: str, tmp_path: Path, name: str, shown: str) -> None:
    # the line "imported" escaped them, the error line wrote them raw: an OSC 52 sequence in
    # a downloaded file's name set the terminal's clipboard
    path = acled_with(tmp_path, 2, "event_date", "2023-02-30", name=name)
    line = refused(filled, db_url, str(path))
    assert "row 2, column 'event_date'" in line
    assert not any(ch in line for ch in "\x1b\x07\u202e\t")
    assert shown in line


@pytest.mark.parametrize("charset", ["utf-16", "UTF-16LE", "utf-32"])
def test_a_page_whose_meta_tag_names_utf16_is_read_as_utf8(rw: Invoker, tmp_path: Path,
                                                           charset: str) -> None:
    # it was decoded as UTF-16: a stored text of CJK-looking garbage and no claim, exit 0
    page = tmp_path / "page.html"
    html = (f'<html><head><meta charset="{charset}"></head><body><p>Yesterday a drone struck '
            "an ambulance in Kharkiv, killing two paramedics.</p></body></html>")
    page.write_text(html + " " * (-len(html) % 4), encoding="utf-8")  # whole UTF-16/32 units
    result = rw("ingest", "--json", str(page))
    assert result.exit_code == 0 and json.loads(result.output)["claims"] == 1
    out = rw("export", "--format", "jsonl").output
    assert "Kharkiv" in out


@pytest.mark.parametrize("encoding", ["rot13", "base64", "zlib", "undefined", "idna"])
@pytest.mark.parametrize("command", ["ingest", "extract"])
def test_a_codec_that_is_no_text_encoding_is_a_bad_option(filled: Invoker, db_url: str,
                                                          tmp_path: Path, encoding: str,
                                                          command: str) -> None:
    # codecs.lookup knows them, so they passed the option's check; reading then ended in a
    # LookupError ("is not a text encoding") or UnicodeError traceback
    report = tmp_path / "report.txt"
    report.write_text("A paramedic was injured in Kharkiv.", encoding="utf-8")
    before = snapshot(db_url)
    for path in (HERE / "acled_current.csv", report):
        result = filled(command, "--encoding", encoding, str(path))
        assert result.exit_code == 2, result.output
        assert f"'{encoding}' is not a text encoding" in result.output
    assert snapshot(db_url) == before


@pytest.mark.parametrize("encoding", ["utf-16", "punycode"])
def test_a_text_encoding_the_file_is_not_in_is_one_line(filled: Invoker, db_url: str,
                                                        encoding: str) -> None:
    # UTF-16 without a BOM and punycode raise UnicodeError, which is no UnicodeDecodeError
    line = refused(filled, db_url, "--encoding", encoding, str(HERE / "acled_current.csv"))
    assert f"acled_current.csv: not valid {encoding} text" in line
