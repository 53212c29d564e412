"""Bad input through the dataset readers: a one-line error naming file, row and column, a
non-zero exit, and a store left byte for byte as it was; odd encodings load correctly; and
``--skip-bad-rows`` imports the rest while recording every skipped row with its reason."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Invoker, store_file_bytes

HERE = Path(__file__).resolve().parent.parent / "fixtures" / "ingest"
ACLED = HERE / "acled_current.csv"


def snapshot(db_url: str) -> tuple[str, str]:
    """SHA-256 of the database file (after folding the WAL into it) and of a full SQL dump."""
    data = store_file_bytes(db_url)
    con = sqlite3.connect(db_url.removeprefix("sqlite:///"))
    try:
        dump = "\n".join(con.iterdump())
    finally:
        con.close()
    return hashlib.sha256(data).hexdigest(), hashlib.sha256(dump.encode()).hexdigest()


@pytest.fixture
def filled(rw: Invoker, db_url: str) -> Invoker:
    """A store that already holds one dataset, so that a failed run has something to spoil."""
    assert rw("ingest", str(HERE / "who_ssa_export.csv")).exit_code == 0
    return rw


def refused(rw: Invoker, db_url: str, *args: str) -> str:
    """Run ``ingest *args``; check it fails with one line and leaves the store as it was."""
    before = snapshot(db_url)
    result = rw("ingest", *args)
    assert result.exit_code != 0, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert snapshot(db_url) == before
    return lines[0]


def refused_in_a_process(db_url: str, *args: str) -> str:
    """As :func:`refused`, in a process of its own (for an input that could abort it)."""
    before = snapshot(db_url)
    run = subprocess.run([sys.executable, "-m", "rescuewatch", "ingest", "--db", db_url, *args],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert snapshot(db_url) == before
    return lines[0]


def acled_with(tmp_path: Path, row: int, column: str, value: str, name: str = "bad.csv") -> Path:
    """The ACLED fixture with one cell replaced (``row`` counts the header as row 1)."""
    return fixture_with(tmp_path, ACLED.name, row, {column: value}, name)


def fixture_with(tmp_path: Path, fixture: str, row: int, changes: dict[str, str],
                 name: str | None = None) -> Path:
    """CSV fixture ``fixture`` with cells of one row replaced (``row`` counts from 1 at the
    top; each column is looked up in the first row naming it), saved as ``name``."""
    import csv

    with (HERE / fixture).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    for column, value in changes.items():
        header = next(r for r in rows if column in r)
        rows[row - 1][header.index(column)] = value
    path = tmp_path / (name or fixture)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return path


@pytest.mark.parametrize("fmt", ["auto", "acled", "who-ssa"])
def test_empty_file(filled: Invoker, db_url: str, tmp_path: Path, fmt: str) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    line = refused(filled, db_url, "--format", fmt, str(empty))
    assert "empty.csv" in line and "empty" in line


@pytest.mark.parametrize("fmt", ["auto", "text", "html", "telegram", "acled"])
@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n", b"\xef\xbb\xbf\n"], ids=["empty", "blank", "bom"])
def test_an_empty_or_blank_file_is_refused_whatever_the_format(
        filled: Invoker, db_url: str, tmp_path: Path, fmt: str, content: bytes) -> None:
    path = tmp_path / "nothing.txt"
    path.write_bytes(content)
    line = refused(filled, db_url, "--format", fmt, str(path))
    assert line.startswith(f"Error: {path}: empty file")


def test_an_empty_gzip_file_is_refused(filled: Invoker, db_url: str, tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "nothing.csv.gz"
    path.write_bytes(gzip.compress(b""))
    line = refused(filled, db_url, str(path))
    assert "nothing.csv.gz: empty or damaged gzip file" in line


def test_an_empty_folder_is_refused(filled: Invoker, db_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "README.md").write_text("notes about the data\n", encoding="utf-8")
    line = refused(filled, db_url, str(folder))
    assert "inbox: the folder holds no files to read" in line


def test_header_only_file(filled: Invoker, db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text(ACLED.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    line = refused(filled, db_url, str(path))
    assert "header.csv, row 2" in line and "no data rows after the header" in line


def test_a_ged_file_of_a_header_and_its_hxl_row_only(filled: Invoker, db_url: str,
                                                     tmp_path: Path, shared_data: Path) -> None:
    source = shared_data / "ucdp_ged_hdx_ukraine_2014-2021_conflict_data_ukr.csv"
    path = tmp_path / "hdx.csv"
    path.write_text("\n".join(source.read_text(encoding="utf-8").splitlines()[:2]) + "\n",
                    encoding="utf-8")
    line = refused(filled, db_url, str(path))
    assert "no data rows after the header and its HXL hashtag row" in line


def test_truncated_inside_a_quoted_cell(filled: Invoker, db_url: str, tmp_path: Path) -> None:
    data = ACLED.read_bytes()
    cut = tmp_path / "cut.csv"
    cut.write_bytes(data[: data.rindex(b"Shelling hit a market") + 10])
    line = refused(filled, db_url, "--format", "acled", str(cut))
    assert "cut.csv, row 13" in line and "truncated" in line


def test_truncated_between_cells(filled: Invoker, db_url: str, tmp_path: Path) -> None:
    data = ACLED.read_bytes()
    cut = tmp_path / "cut.csv"
    cut.write_bytes(data[: data.rindex(b",Invented source")])
    line = refused(filled, db_url, str(cut))
    assert "cut.csv, row 13, column 'source'" in line and "truncated" in line


def test_a_dos_end_of_file_mark_is_not_a_truncated_row(filled: Invoker, tmp_path: Path) -> None:
    """Old Windows tools end a file with Ctrl-Z; read as a last row of one cell, it made the
    whole file look truncated. The stored bytes keep it."""
    marked = tmp_path / "marked.csv"
    marked.write_bytes(ACLED.read_bytes() + b"\x1a")
    result = filled("ingest", "--json", str(marked))
    assert result.exit_code == 0, result.output
    done = json.loads(result.output)["inputs"][0]
    assert done["format"] == "acled" and done["claims"] == 12
    assert done["sha256"] == hashlib.sha256(marked.read_bytes()).hexdigest()
    # inside the text it is a character like any other, and a cut there is still found
    cut = tmp_path / "cut.csv"
    cut.write_bytes(ACLED.read_bytes() + b"\x1a,2024-01-01\n")
    assert "row 14" in filled("ingest", str(cut)).output


@pytest.mark.parametrize("fmt", ["acled", "auto"])
def test_truncated_gzip(filled: Invoker, db_url: str, tmp_path: Path, fmt: str) -> None:
    import gzip

    data = gzip.compress(ACLED.read_bytes() * 20)
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(data[: len(data) // 2])
    line = refused(filled, db_url, "--format", fmt, str(cut))
    # recognised from what precedes the cut, even when the cut falls in the sniffed head
    assert "cut.csv.gz, row" in line and "truncated" in line


def test_impossible_date(filled: Invoker, db_url: str, tmp_path: Path) -> None:
    path = acled_with(tmp_path, 4, "event_date", "2023-02-30")
    line = refused(filled, db_url, str(path))
    assert "bad.csv, row 4, column 'event_date'" in line and "impossible date" in line


def test_latitude_999(filled: Invoker, db_url: str, tmp_path: Path) -> None:
    path = acled_with(tmp_path, 7, "latitude", "999")
    line = refused(filled, db_url, str(path))
    assert "bad.csv, row 7, column 'latitude'" in line and "999" in line


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """A workbook of ``sheets`` (name -> rows, the first sheet the active one) at ``path``."""
    from openpyxl import Workbook

    wb = Workbook()
    for i, (name, rows) in enumerate(sheets.items()):
        sheet = wb.active if i == 0 else wb.create_sheet(name)
        sheet.title = name
        for row in rows:
            sheet.append(row)
    wb.save(path)
    return path


#: The columns of the health-care workbooks below (see :func:`_health_care_rows`)
HEALTH_CARE = ["Date", "Country ISO", "Latitude", "Longitude", "Health Workers Killed",
               "SiND Event ID"]


def test_latitude_999_in_a_workbook(filled: Invoker, db_url: str, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "ii.xlsx", {"Sheet": [
        HEALTH_CARE,
        ["#date", "#country+code", "#geo+lat", "#geo+lon", "#affected+killed", "#event+id"],
        ["2024-01-02", "UKR", 50.1, 30.2, 1, 1],
        ["2024-01-03", "RUS", 999, 30.2, 1, 2]]})
    line = refused(filled, db_url, str(path))
    assert "ii.xlsx, row 4, column 'Latitude'" in line


def test_a_negative_count_in_a_workbook_is_shown_as_the_sheet_shows_it(
        filled: Invoker, db_url: str, tmp_path: Path) -> None:
    path = _workbook(tmp_path / "ii.xlsx", {"Sheet": [
        ["Date", "Country ISO", "Health Workers Killed", "SiND Event ID"],
        ["2024-01-02", "UKR", 1, 1],
        ["2024-01-03", "RUS", -2, 2]]})  # calamine reads it as -2.0
    line = refused(filled, db_url, str(path))
    assert "row 3, column 'Health Workers Killed': not a count: -2 is negative" in line
    result = filled("ingest", "--encoding", "cp1251", "--skip-bad-rows", str(path))
    assert result.exit_code == 0
    assert ("rescuewatch: warning: " + str(path) + ": --encoding cp1251 is not used"
            in result.output)


def _health_care_rows(first: int, n: int) -> list[list[object]]:
    return [[f"2024-01-{day:02d}", "PSE", 31.5, 34.4, 1, day] for day in range(first, first + n)]


def test_rows_going_on_in_another_sheet_are_refused_not_dropped(
    filled: Invoker, db_url: str, tmp_path: Path
) -> None:
    """A dataset with a sheet a year: only the longest sheet was read, the others' rows
    were dropped without a word."""
    path = _workbook(tmp_path / "years.xlsx", {
        "2024": [HEALTH_CARE, *_health_care_rows(1, 3)],
        "2023": [HEALTH_CARE, *_health_care_rows(10, 5)]})
    line = refused(filled, db_url, str(path))
    assert line == (f"Error: {path}: sheets '2023' and '2024' both hold rows under the same "
                    "header; rescuewatch reads one data sheet a workbook (save each sheet as a "
                    "CSV file (or move the rows into one sheet) and ingest those)")


def test_rows_going_on_under_a_changed_header_are_refused_too(
    filled: Invoker, db_url: str, tmp_path: Path
) -> None:
    """A sheet a year whose header changed a little (a column added, the others moved): the
    other sheet's rows were dropped without a word, as the headers were not the same."""
    moved = [[*HEALTH_CARE[4:], *HEALTH_CARE[:4], "Health Worker Profession"],
             *([*row[4:], *row[:4], "note"] for row in _health_care_rows(10, 3))]
    path = _workbook(tmp_path / "years.xlsx", {
        "2024": [HEALTH_CARE, *_health_care_rows(1, 5)], "2023": moved})
    line = refused(filled, db_url, str(path))
    assert line.startswith(f"Error: {path}: sheets '2024' and '2023' both hold rows under "
                           "headers with 6 columns in common; rescuewatch reads one data sheet")


def test_sheets_of_notes_or_other_tables_beside_the_data_are_passed_over(
    rw: Invoker, tmp_path: Path
) -> None:
    path = _workbook(tmp_path / "with_notes.xlsx", {
        "Read me": [["Health care incidents, 2024"], ["Source: a monitoring network"]],
        "Data": [HEALTH_CARE, *_health_care_rows(1, 4)],
        "Codes": [["Country ISO", "Country"], ["PSE", "Palestine"]],
        "Empty": []})
    result = rw("ingest", str(path))
    assert result.exit_code == 0, result.output
    assert "4 claim(s)" in result.output


def test_a_list_of_codes_longer_than_the_data_is_passed_over(
    rw: Invoker, tmp_path: Path
) -> None:
    """The sheet with the most rows was taken for the data: a codebook or a list of country
    codes longer than the data made the workbook "not in any known format"."""
    path = _workbook(tmp_path / "with_codes.xlsx", {
        "Codes": [["Code", "Meaning"], *([f"C{n}", f"meaning {n}"] for n in range(40))],
        "Data": [HEALTH_CARE, *_health_care_rows(1, 20)]})
    result = rw("ingest", str(path))
    assert result.exit_code == 0, result.output
    assert "insecurity-insight, 1 document(s), 20 claim(s)" in result.output


def test_workbook_that_is_not_one(filled: Invoker, db_url: str, tmp_path: Path) -> None:
    fake = tmp_path / "fake.xlsx"
    fake.write_text("event_id_cnty,event_date\nthis is not a workbook\n", encoding="utf-8")
    line = refused(filled, db_url, "--format", "insecurity-insight", str(fake))
    assert "fake.xlsx" in line and "not a readable Excel workbook" in line
    line = refused(filled, db_url, str(fake))
    assert "fake.xlsx" in line


def test_file_in_no_known_format(filled: Invoker, db_url: str, tmp_path: Path) -> None:
    blob = tmp_path / "image.bin"
    blob.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    line = refused(filled, db_url, str(blob))
    assert "image.bin" in line
    line = refused(filled, db_url, "--format", "ucdp", str(ACLED))
    assert "acled_current.csv, row 1, column 'id'" in line and "missing column" in line


def test_unknown_format_name_and_missing_path(filled: Invoker, db_url: str,
                                              tmp_path: Path) -> None:
    before = snapshot(db_url)
    result = filled("ingest", "--format", "nosuch", str(ACLED))
    assert result.exit_code != 0 and "nosuch" in result.output
    assert snapshot(db_url) == before
    line = refused(filled, db_url, str(ACLED), str(tmp_path / "absent.csv"))
    assert "absent.csv" in line and "no such file" in line  # checked before anything is read


@pytest.mark.parametrize("command", ["ingest", "run"])
def test_an_empty_path_is_refused_not_read_as_the_working_folder(
        filled: Invoker, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        command: str) -> None:
    # `rescuewatch ingest "$FILE"` with FILE unset read every file of the working folder
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("A paramedic was injured in Kharkiv.", encoding="utf-8")
    before = snapshot(db_url)
    result = filled(command, "", *(["--no-report"] if command == "run" else []))
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == ["Error: an empty path names no file or folder (an unset shell variable "
                     "gives one; name the folder itself, such as . for this one)"]
    assert snapshot(db_url) == before


def test_cp1251_file_loads(rw: Invoker, tmp_path: Path) -> None:
    text = ACLED.read_text(encoding="utf-8").replace("Kharkiv", "Харків").replace(
        "Belgorod", "Белгород")
    path = tmp_path / "cp1251.csv"
    path.write_bytes(text.encode("cp1251"))
    result = rw("ingest", "--json", str(path))
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["claims"] == 12
    out = rw("export", "--format", "jsonl").output
    names = {json.loads(line)["place_name"] for line in out.splitlines() if line.strip()}
    assert {"Харків", "Белгород"} <= names


def test_a_damaged_byte_in_utf8_text_is_named_with_its_line(
        filled: Invoker, db_url: str, tmp_path: Path) -> None:
    lines = ACLED.read_text(encoding="utf-8").replace("Kharkiv", "Харків").splitlines(True)
    data = b"".join(line.encode() for line in lines)
    at = data.index(lines[8].encode()) + 10  # on line 9
    path = tmp_path / "stray.csv"
    path.write_bytes(data[:at] + b"\xff" + data[at:])
    line = refused(filled, db_url, str(path))
    assert "stray.csv: not valid utf-8 text on line 9 (byte 0xff)" in line
    assert "UTF-8 with a damaged byte" in line


def test_a_legacy_byte_far_into_the_file_is_named_with_its_line(
        filled: Invoker, db_url: str, tmp_path: Path) -> None:
    header, *rows = ACLED.read_text(encoding="utf-8").splitlines(True)
    ascii_rows = [r for r in rows if r.isascii()]
    body = [ascii_rows[i % len(ascii_rows)] for i in range(2000)]  # far past the sniffed head
    body[1500] = body[1500].replace("Invented source", "Джерело")
    path = tmp_path / "late.csv"
    path.write_bytes(header.encode() + "".join(body).encode("cp1251"))
    line = refused(filled, db_url, str(path))
    assert "late.csv: not valid utf-8 text on line 1502" in line
    # the first lines were plain ASCII: not "UTF-8 with a damaged byte", but a code page
    assert ("(line 1502 reads as cp1251: if the file is in that code page, pass --encoding "
            "cp1251; if it is UTF-8, repair the damaged byte)") in line
    again = filled("ingest", "--encoding", "cp1251", str(path))
    assert again.exit_code == 0, again.output


def test_the_wrong_encoding_given_is_named(filled: Invoker, db_url: str, tmp_path: Path) -> None:
    text = ACLED.read_text(encoding="utf-8").replace("Kharkiv", "Ирпінь")  # И is D0 98 in UTF-8
    path = tmp_path / "utf8.csv"
    path.write_bytes(text.encode())
    line = refused(filled, db_url, "--encoding", "cp1251", str(path))
    assert "not valid cp1251 text on line 2 (byte 0x98)" in line and "check --encoding" in line


def test_bom_file_loads(rw: Invoker, tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + ACLED.read_bytes())
    result = rw("ingest", "--json", str(path))
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["claims"] == 12 and report["inputs"][0]["format"] == "acled"
    out = rw("export", "--format", "jsonl").output
    refs = {json.loads(line)["row_ref"] for line in out.splitlines() if line.strip()}
    assert "UKR900001" in refs


@pytest.mark.parametrize("delimiter", [";", "\t"], ids=["semicolon", "tab"])
def test_a_semicolon_or_tab_separated_file_loads(rw: Invoker, tmp_path: Path,
                                                  delimiter: str) -> None:
    import csv

    with ACLED.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    path = tmp_path / "separated.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=delimiter, lineterminator="\n").writerows(rows)
    result = rw("ingest", "--json", str(path))
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["inputs"][0]["format"] == "acled"
    rw("ingest", str(ACLED))
    claims = [json.loads(line) for line in rw("export", "--format", "jsonl").output.splitlines()]
    keep = ("row_ref", "date_start", "lat", "lon", "killed", "categories", "original")
    separated, commas = ([{k: c.get(k) for k in keep} for c in claims
                          if c["document_origin"] == str(origin)] for origin in (path, ACLED))
    assert separated == commas and len(commas) == 12


def test_a_file_saved_in_a_comma_decimal_locale_loads(rw: Invoker, tmp_path: Path) -> None:
    """As a spreadsheet in a German, Russian or Ukrainian locale saves CSV: semicolons,
    decimal commas and dotted dates, day first (``09.05.2020``). The dates were refused as
    "not a date", so such a file could not be read at all."""
    import csv

    with ACLED.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    date, lat, lon = (header.index(c) for c in ("event_date", "latitude", "longitude"))
    for row in rows[1:]:
        day = dt.date.fromisoformat(row[date])
        row[date] = f"{day.day:02d}.{day.month:02d}.{day.year}"
        row[lat], row[lon] = row[lat].replace(".", ","), row[lon].replace(".", ",")
    path = tmp_path / "locale.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";", lineterminator="\r\n").writerows(rows)
    result = rw("ingest", "--json", str(path))
    assert result.exit_code == 0, result.output
    rw("ingest", str(ACLED))
    claims = [json.loads(line) for line in rw("export", "--format", "jsonl").output.splitlines()]
    keep = ("row_ref", "date_start", "date_end", "date_precision", "lat", "lon", "killed")
    local, plain = ([{k: c.get(k) for k in keep} for c in claims
                     if c["document_origin"] == str(origin)] for origin in (path, ACLED))
    assert local == plain and len(plain) == 12


def test_a_comma_file_of_few_columns_and_many_semicolons_stays_a_comma_file() -> None:
    from rescuewatch.ingest.csv_records import detect_delimiter

    text = ("id,notes\n1,\"shelling; two hit; ambulance; clinic\"\n"
            "2,\"a; b; c; d; e\"\n3,plain\n")
    assert detect_delimiter(text) == ","
    assert detect_delimiter(text.replace(",", ";").replace('"a; b', '"a, b')) == ";"
    assert detect_delimiter("a\tb\tc\n1\t2\t3\n4\t5\t6\n") == "\t"
    assert detect_delimiter("single column\nx\ny\n") == ","
    assert detect_delimiter("a,b\n1,2,3\n") == ","  # ragged: the comma, whose error names the row


def test_skip_bad_rows_records_each_reason(rw: Invoker, db_url: str, tmp_path: Path) -> None:
    path = acled_with(tmp_path, 4, "event_date", "2023-02-30")
    import csv

    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    rows[6][rows[0].index("latitude")] = "999"
    rows[8][rows[0].index("fatalities")] = "several"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    result = rw("ingest", "--skip-bad-rows", "--json", str(path))
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["claims"] == 9 and report["skipped_rows"] == 3
    con = sqlite3.connect(db_url.removeprefix("sqlite:///"))
    try:
        skipped = con.execute("SELECT origin, row, field, reason FROM skipped_rows "
                              "ORDER BY CAST(row AS INTEGER)").fetchall()
    finally:
        con.close()
    assert [(r[1], r[2]) for r in skipped] == [("4", "event_date"), ("7", "latitude"),
                                                ("9", "fatalities")]
    assert all(r[0] == str(path) for r in skipped)
    assert "impossible date" in skipped[0][3] and "999" in skipped[1][3]
    # and the user sees them, newest run first, in file order
    listed = rw("skipped")
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert len(lines) == 3 and all(line.startswith("run 1 (") for line in lines)
    assert [line.split(": ", 1)[1].split(":")[0] for line in lines] == [
        f"{path}, row 4, column 'event_date'", f"{path}, row 7, column 'latitude'",
        f"{path}, row 9, column 'fatalities'"]
    as_json = json.loads(rw("skipped", "--json", "--run", "1").output)
    assert [(r["row"], r["field"], r["format"]) for r in as_json] == [
        ("4", "event_date", "acled"), ("7", "latitude", "acled"), ("9", "fatalities", "acled")]
    assert rw("ingest", str(HERE / "who_ssa_export.csv")).exit_code == 0  # run 2, clean
    assert rw("skipped", "--run", "2").output.strip() == "no skipped rows in run 2"
    missing = rw("skipped", "--run", "99")
    assert missing.exit_code == 2 and "no ingest run 99" in missing.output
    first = rw("skipped", "--limit", "2")
    assert len(first.stdout.splitlines()) == 2 and "pass --limit for more" in first.stderr


def test_a_bad_row_says_how_to_skip_it(filled: Invoker, db_url: str, tmp_path: Path) -> None:
    line = refused(filled, db_url, str(acled_with(tmp_path, 4, "event_date", "2023-02-30")))
    assert "row 4, column 'event_date'" in line and "--skip-bad-rows" in line


def test_a_bad_file_in_a_folder_says_what_was_stored(rw: Invoker, db_url: str,
                                                     tmp_path: Path) -> None:
    folder = tmp_path / "inputs"
    folder.mkdir()
    (folder / "a_good.csv").write_bytes((HERE / "who_ssa_export.csv").read_bytes())
    acled_with(tmp_path, 4, "latitude", "999", name="inputs/b_bad.csv")
    (folder / "c_good.csv").write_bytes((HERE / "acled_api.csv").read_bytes())
    result = rw("ingest", str(folder))
    assert result.exit_code == 2
    line = result.output.strip()
    assert "b_bad.csv, row 4, column 'latitude'" in line and "\n" not in line
    assert "the 1 input(s) before it are in the store and the 1 after it were not read" in line
    stats = json.loads(rw("stats", "--json").output)
    assert stats["documents"] == 1 and set(stats["by_format"]) == {"who-ssa"}


def test_a_semicolon_file_with_a_cell_of_two_lines_among_its_first_rows() -> None:
    from rescuewatch.ingest.csv_records import detect_delimiter

    rows = ["id;date;notes"] + [f"{i};2024-01-0{i % 9 + 1};note {i}" for i in range(18)]
    rows.insert(19, '19;2024-01-02;"a note, on two lines;')  # the 20th line ends in the cell
    rows.insert(20, 'the second line"')
    rows += [f"{i};2024-01-03;more" for i in range(20, 30)]
    assert detect_delimiter("\n".join(rows) + "\n") == ";"


def test_a_file_cut_inside_a_character_names_its_last_line(filled: Invoker, db_url: str,
                                                           tmp_path: Path) -> None:
    path = tmp_path / "cut.csv"
    path.write_bytes(ACLED.read_bytes() + b"caf\xc3")
    line = refused(filled, db_url, str(path))
    assert "cut.csv: not valid utf-8 text on line 14 (byte 0xc3)" in line


def test_skipping_rows_of_a_semicolon_file_leaves_out_its_blank_rows(tmp_path: Path) -> None:
    from rescuewatch.ingest.base import InputFile
    from rescuewatch.ingest.csv_records import CsvRecords
    from rescuewatch.ingest.tables import is_data_row

    path = tmp_path / "semi.csv"
    path.write_text("a;b;c\n1;2;3\n;;\n4;5;6\n#x;#y;#z\n7;8;9\n", encoding="utf-8")
    records = CsvRecords(InputFile.from_path(path), "utf-8", delimiter=";")
    rows = records.rows()
    assert next(rows) == (1, ["a", "b", "c"])  # the header
    assert records.skip(10, lambda cells: is_data_row(cells, [])) == 3


@pytest.mark.parametrize("name", ["claims.geojson", "claims.data"])
def test_a_geojson_export_is_not_read_as_prose(filled: Invoker, db_url: str, tmp_path: Path,
                                               name: str) -> None:
    # read as text, the property names ("killed_firefighter": 1) became invented claims
    feature = {"type": "Feature", "id": 1, "geometry": None, "properties": {
        "date_start": "2016-04-22", "place_name": "Aleppo", "killed_medic": 1,
        "killed_firefighter": 1, "injured_rescuer": 2, "weapon": "artillery"}}
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}),
                    encoding="utf-8")
    line = refused(filled, db_url, str(path))
    assert name in line and "not in any known format" in line


@pytest.mark.parametrize("command", ["ingest", "run", "extract"])
def test_a_misspelt_encoding_is_named_before_anything_is_read(
        filled: Invoker, db_url: str, tmp_path: Path, command: str) -> None:
    report = tmp_path / "report.txt"
    report.write_text("A paramedic was injured in Kharkiv.", encoding="utf-8")
    before = snapshot(db_url)
    # an input already stored used to pass; a text one said "not valid cp125 text"
    for path in (HERE / "who_ssa_export.csv", report):
        result = filled(command, "--encoding", "cp125", str(path))
        assert result.exit_code == 2, result.output
        assert "unknown encoding 'cp125'" in result.output and "--encoding" in result.output
    assert snapshot(db_url) == before


def test_a_table_no_reader_takes_is_not_read_as_prose(filled: Invoker, db_url: str,
                                                      tmp_path: Path) -> None:
    # an HXL export saved under its own name: read as text, its column names and counts
    # ("Killed, medics", 1) were taken for statements
    exported = tmp_path / "claims.hxl"
    assert filled("export", "--format", "hxl-csv", "-o", str(exported)).exit_code == 0
    line = refused(filled, db_url, str(exported))
    assert "claims.hxl" in line and "not in any known format" in line


def test_prose_with_commas_under_an_unknown_suffix_is_still_read_as_text() -> None:
    from rescuewatch.ingest.text import looks_tabular

    prose = ("Published: 2024-03-05\nSource: Example Herald\n\n"
             "Shelling hit the district hospital, its car park, and two ambulances, witnesses said.\n"
             "Rescuers, paramedics and firefighters arrived later, the regional service reported.\n"
             "A second strike, an hour after the first, wounded a driver, a nurse and a guard.\n"
             "The service said, without giving names, that one rescuer, a volunteer, died.\n")
    assert not looks_tabular(prose)
    # a first line as wide as a header's, but few lines like it: still prose
    varied = ("Shelling hit the hospital, its car park, two ambulances, and a pharmacy.\n"
              "Rescuers arrived later, officials said.\nA second strike wounded a driver.\n"
              "One rescuer, a volunteer, died, the service said, and two medics were hurt.\n"
              "Police, firefighters and the mayor, who came at noon, closed the road.\n"
              "Nobody else was hurt.\nMore to follow.\n")
    assert not looks_tabular(varied)
    table = "a,b,c,d\n1,2,3,4\n5,6,7,8\n9,10,11,12\n"
    assert looks_tabular(table) and looks_tabular(table.replace(",", ";"))


@pytest.mark.parametrize("shift", [0, 1])
def test_cyrillic_prose_under_no_suffix_is_read_as_text_wherever_the_sample_ends(
        tmp_path: Path, shift: int) -> None:
    # the sniffed sample is cut at a fixed byte: cut inside a two-byte letter, it was not
    # UTF-8 and a Russian report saved without a suffix was 'not in any known format'
    from rescuewatch.ingest.base import InputFile, choose_reader

    line = "Вечером в Харькове под обстрел попала бригада скорой помощи.\n"
    path = tmp_path / "report"
    path.write_text("x" * shift + line * 200, encoding="utf-8")
    assert choose_reader(InputFile.from_path(path)).name == "text"


@pytest.mark.parametrize(("name", "column", "row"), [
    ("acled_current.csv", "event_id_cnty", 5),
    ("acled_api.csv", "event_id_cnty", 3),
    ("insecurity_insight_health_hxl2.csv", None, 4),
    ("who_ssa_export.csv", "Attack ID", 3),
])
def test_a_row_id_too_long_to_keep_is_a_bad_value(filled: Invoker, db_url: str, tmp_path: Path,
                                                  name: str, column: str | None,
                                                  row: int) -> None:
    # SQLite kept a 120-character row id; PostgreSQL's claims.row_ref refused it with a
    # traceback. Both now name the row and column, and --skip-bad-rows leaves the row out.
    import csv

    with (HERE / name).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    at = rows[0].index(column) if column else next(
        i for i, cell in enumerate(rows[0]) if cell.lower().endswith("event id"))
    column = rows[0][at]
    rows[row - 1][at] = "X" * 120
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    line = refused(filled, db_url, str(path))
    assert f"row {row}, column '{column}'" in line and "row id of 120 characters" in line
    result = filled("ingest", "--skip-bad-rows", "--json", str(path))
    assert result.exit_code == 0 and json.loads(result.output)["skipped_rows"] == 1


def test_a_ucdp_row_id_too_long_to_keep_is_a_bad_value(filled: Invoker, db_url: str,
                                                       tmp_path: Path, shared_data: Path) -> None:
    import csv
    import gzip

    with gzip.open(shared_data / "ucdp_ged191_syria_2016-01_2019-11.csv.gz", "rt",
                   encoding="utf-8", newline="") as fh:
        rows = [row for _, row in zip(range(40), csv.reader(fh), strict=False)]
    rows[9][rows[0].index("id")] = "7" * 120
    path = tmp_path / "ged.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    line = refused(filled, db_url, str(path))
    assert "row 10, column 'id'" in line and "row id of 120 characters" in line
@pytest.mark.parametrize("fmt", ["auto", "acled"])
def test_a_header_of_too_many_columns_is_refused_before_its_names_are_read(
        filled: Invoker, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        fmt: str) -> None:
    from rescuewatch.ingest import tables

    monkeypatch.setattr(tables, "MAX_COLUMNS", 40)  # stands for a 100 MB header line
    header = ACLED.read_text(encoding="utf-8").splitlines()[0]
    wide = tmp_path / "wide.csv"
    wide.write_text(header + ",x" * 10 + "\n" + ACLED.read_text(encoding="utf-8").splitlines()[1]
                    + "\n", encoding="utf-8")
    line = refused(filled, db_url, "--format", fmt, str(wide))
    if fmt == "acled":
        assert "wide.csv, row 1: 41 columns, more than any dataset has (40)" in line


def _without(source: Path, column: str, path: Path) -> Path:
    """``source`` (a CSV file) with ``column`` taken out of every row."""
    import csv

    with source.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    at = rows[0].index(column)
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([r[:at] + r[at + 1:] for r in rows])
    return path


UCDP_EXAMPLE = (Path(__file__).resolve().parents[2] / "examples" / "datasets"
                / "ucdp_ged191_syria_aleppo_2016-04-20_2016-05-05.csv")


@pytest.mark.parametrize(("source", "column", "says"), [
    (ACLED, "event_date", "is this an ACLED export?"),
    (ACLED, "event_id_cnty", "is this an ACLED export?"),
    (UCDP_EXAMPLE, "best", "is this a UCDP GED file?"),
])
def test_a_dataset_missing_a_column_it_needs_names_it(filled: Invoker, db_url: str,
                                                      tmp_path: Path, source: Path, column: str,
                                                      says: str) -> None:
    # detection asked for that column too, so the file was "not in any known format"
    path = _without(source, column, tmp_path / "cut.csv")
    line = refused(filled, db_url, str(path))
    assert line == f"Error: {path}, row 1, column '{column}': missing column ({says})"


def test_a_ged_file_without_a_column_it_can_do_without_is_read(filled: Invoker,
                                                               tmp_path: Path) -> None:
    path = _without(UCDP_EXAMPLE, "side_b", tmp_path / "no_side_b.csv")
    result = filled("ingest", str(path))
    assert result.exit_code == 0 and "ucdp, 1 document(s), 73 claim(s)" in result.output


def test_a_table_sharing_a_few_column_names_is_still_no_known_format(filled: Invoker,
                                                                     db_url: str,
                                                                     tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("event_date,latitude,longitude,notes,fatalities\n2024-01-02,1,2,x,0\n",
                    encoding="utf-8")
    assert "not in any known format" in refused(filled, db_url, str(path))


@pytest.mark.parametrize(("fmt", "column"), [
    ("insecurity-insight", "Health Workers Killed"), ("ucdp", "id"), ("who-ssa", "Attack ID")])
def test_a_forced_format_that_does_not_fit_names_what_is_missing(
        filled: Invoker, db_url: str, fmt: str, column: str) -> None:
    # --format insecurity-insight took an ACLED export for a file of nobody harmed (a date was
    # all it asked for), and stored its rows as claims
    line = refused(filled, db_url, "--format", fmt, str(ACLED))
    assert f"row 1, column '{column}': missing column" in line
    assert line.endswith(f"without --format {fmt}, it reads as acled)")


def test_a_workbook_forced_as_html_is_refused(filled: Invoker, db_url: str) -> None:
    # its bytes were decoded leniently and stored as a page of no claims
    line = refused(filled, db_url, "--format", "html", str(HERE / "who_ssa_export.xlsx"))
    assert line.startswith(f"Error: {HERE / 'who_ssa_export.xlsx'}: binary content, not an HTML page")


def test_a_telegram_message_holding_a_nul_is_a_bad_row(filled: Invoker, db_url: str,
                                                      tmp_path: Path) -> None:
    # JSON's \u0000 puts a NUL in one message's text: that message is the bad row, so
    # --skip-bad-rows stores the channel's other messages (it refused the whole export)
    messages = [{"id": 7, "type": "message", "date": "2024-03-02T10:00:00",
                 "text": "Two paramedics were injured when their ambulance was shelled."},
                {"id": 8, "type": "message", "date": "2024-03-03T10:00:00",
                 "text": "A rescuer was\u0000 killed at the scene."}]
    path = tmp_path / "result.json"
    path.write_text(json.dumps({"name": "Channel", "id": 1, "messages": messages}),
                    encoding="utf-8")
    line = refused(filled, db_url, str(path))
    assert line.startswith(f"Error: {path}, row 8, column 'text': message text holds a NUL")
    result = filled("ingest", "--skip-bad-rows", "--json", str(path))
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["skipped_rows"] == 1
    con = sqlite3.connect(db_url.removeprefix("sqlite:///"))
    try:
        stored = con.execute("SELECT origin FROM documents WHERE format = 'telegram'").fetchall()
        skipped = con.execute("SELECT row, field FROM skipped_rows").fetchall()
    finally:
        con.close()
    assert stored == [(f"{path}#message=7",)]
    assert skipped == [("8", "text")]


def test_cp1251_names_far_past_a_head_of_shared_punctuation_load(
        rw: Invoker, tmp_path: Path) -> None:
    import csv
    import io

    # the first 64 KB hold only typographic apostrophes, the same byte in Windows-1251 and
    # 1252; the Cyrillic names further on were read as Windows-1252 ("Õàðê³â"), without a word
    header, *rows = ACLED.read_text(encoding="utf-8").splitlines(True)
    ascii_rows = [r.replace("first impact", "first impact’s") for r in rows if r.isascii()]
    body = []
    for i in range(2000):
        cells = next(csv.reader([ascii_rows[i % len(ascii_rows)]]))
        cells[0] = f"XXX{i:06d}"
        body.append(cells)
    body[1500][18] = body[1500][21] = "Харків"
    body[1600][18] = body[1600][21] = "Белгород"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(body)
    path = tmp_path / "late-cp1251.csv"
    path.write_bytes((header + out.getvalue()).encode("cp1251"))
    assert b"\x92" in path.read_bytes()[:4096]
    result = rw("ingest", "--json", str(path))
    assert result.exit_code == 0, result.output
    claims = [json.loads(line) for line in rw("export", "--format", "jsonl").output.splitlines()
              if line.strip()]
    texts = {c["place_text"] for c in claims}
    assert {"Харків", "Белгород"} <= texts
    assert any("impact’s" in (c["description"] or "") for c in claims)



@pytest.mark.parametrize(("column", "value"), [("time_precision", "4"), ("geo_precision", "0"),
                                               ("geo_precision", "high")])
def test_a_precision_code_the_acled_codebook_lacks_is_a_bad_value(
        filled: Invoker, db_url: str, tmp_path: Path, column: str, value: str) -> None:
    # it had become a claim of no precision, as if the cell were empty
    line = refused(filled, db_url, str(acled_with(tmp_path, 5, column, value)))
    assert f"bad.csv, row 5, column '{column}'" in line
    assert f"{value!r} is not a {column} code" in line


def test_a_precision_code_written_as_a_decimal_is_its_integer(rw: Invoker, tmp_path: Path,
                                                              db_url: str) -> None:
    # as pandas writes an integer column that has blanks ("1.0")
    path = fixture_with(tmp_path, ACLED.name, 2, {"time_precision": "2.0",
                                                   "geo_precision": "3.00"})
    assert rw("ingest", str(path)).exit_code == 0
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as con:
        first = con.execute("SELECT date_precision, place_precision FROM claims "
                            "ORDER BY id LIMIT 1").fetchone()
    assert first == ("week", "admin1")


@pytest.mark.parametrize(("name", "column", "value", "said"), [
    ("insecurity_insight_health_hxl2.csv", "Geo Precision", "(8) Elsewhere", "geo precision"),
    ("insecurity_insight_health_hxl2.csv", "Geo Precision", "roughly", "geo precision"),
    ("insecurity_insight_kika_hxl_first_last.csv", "Time Precision", "Around then",
     "date precision"),
])
def test_a_precision_insecurity_insight_does_not_use_is_a_bad_value(
        filled: Invoker, db_url: str, tmp_path: Path, name: str, column: str, value: str,
        said: str) -> None:
    # an unknown precision had been read as none (geo) or as a day-exact date (time)
    path = fixture_with(tmp_path, name, 4, {column: value})
    line = refused(filled, db_url, str(path))
    assert f"row 4, column '{column}'" in line and f"{value!r} is not a {said}" in line


def test_two_files_joined_into_one_name_the_repeated_header(
    filled: Invoker, db_url: str, tmp_path: Path
) -> None:
    """``cat a.csv b.csv``: the second header stopped the ingest as a bad value of whichever
    column was read first ("not a count: 'best'"); it is named for what it is, and
    --skip-bad-rows reads both parts."""
    lines = ACLED.read_text(encoding="utf-8").splitlines(True)
    joined = tmp_path / "joined.csv"
    joined.write_text("".join(lines + lines), encoding="utf-8")
    line = refused(filled, db_url, str(joined))
    assert line.startswith(f"Error: {joined}, row {len(lines) + 1}: the header row again, as "
                           "where two files were joined into one (correct it, or pass")
    kika = tmp_path / "kika_joined.csv"  # a header naming a column twice, HXL rows around
    rows = (HERE / "insecurity_insight_kika_hxl_first_last.csv").read_text(
        encoding="utf-8").splitlines(True)
    kika.write_text("".join(rows + rows), encoding="utf-8")
    result = filled("ingest", "--skip-bad-rows", str(kika))
    assert result.exit_code == 0, result.output
    skipped = filled("skipped").output
    assert "the header row again" in skipped and len(skipped.strip().splitlines()) == 1
