"""Skipping CSV rows unparsed lands where parsing them would.

``CsvRecords.skip`` passes over data rows by lines and quotes alone (for workers sharing a
file). After skipping any number of rows, the rows read next, their numbers and the lines
read so far must be those of a plain parse; a file with a bare quote in an unquoted cell is
the known exception, and there the position tells.
"""

from __future__ import annotations

import csv
import io
from functools import partial
from pathlib import Path

import pytest

from rescuewatch.ingest.base import InputFile
from rescuewatch.ingest.tables import is_data_row, open_table

# Invented rows, each a case the skip must get right: cells quoted or not, a doubled quote, a
# quoted line break (LF and CRLF), blank rows, a hashtag row in the middle, a first cell that
# is empty, blank, quoted or starts with "#" in a data row, and a last row without a line end.
TRICKY = (
    'id,name,notes\r\n'
    '1,plain,no quotes\r\n'
    '2,"quoted","with ""doubled"" quotes"\r\n'
    '3,multi,"first line\nsecond line"\r\n'
    '4,crlf,"one\r\ntwo\r\nthree"\r\n'
    '\r\n'
    ',,\r\n'
    '#id,#name,#notes\r\n'
    ',empty first,x\r\n'
    '" ",blank first,x\r\n'
    '"#5",hash first,"but data"\r\n'
    '"",quoted empty first,x\r\n'
    '  7,space first,x\r\n'
    '8,"a, with comma","and ""a quote"" and\nbreak"\r\n'
    '9,last,no line end'
)


def tricky_file(tmp_path: Path, text: str = TRICKY) -> Path:
    path = tmp_path / "tricky.csv"
    path.write_bytes(text.encode("utf-8"))
    return path


def parsed_rows(path: Path) -> list[tuple[int, list[str]]]:
    table = open_table(InputFile.from_path(path))
    return list(table.rows)


def test_the_tricky_file_has_the_rows_expected(tmp_path: Path) -> None:
    rows = parsed_rows(tricky_file(tmp_path))
    # blank rows (6, 7) and the hashtag row (8) are not data; the header is row 1
    assert [n for n, _ in rows] == [2, 3, 4, 5, 9, 10, 11, 12, 13, 14, 15]
    assert rows[2][1][2] == "first line\nsecond line"
    assert rows[-2][1][2] == 'and "a quote" and\nbreak'


@pytest.mark.parametrize("text", [TRICKY, TRICKY.replace("\r\n", "\n"), TRICKY + "\r\n"])
def test_after_any_skip_the_next_rows_are_those_of_a_parse(tmp_path: Path, text: str) -> None:
    path = tricky_file(tmp_path, text)
    everything = parsed_rows(path)
    for skipped in range(len(everything) + 2):
        table = open_table(InputFile.from_path(path))
        assert table.records is not None
        rows = iter(table.rows)
        passed = table.records.skip(skipped, partial(is_data_row, hashtags=table.hashtags))
        assert passed == min(skipped, len(everything))
        rest = list(rows)
        assert rest == everything[passed:], f"after skipping {skipped}"


def test_nothing_is_left_to_skip_after_the_last_row(tmp_path: Path) -> None:
    table = open_table(InputFile.from_path(tricky_file(tmp_path)))
    assert table.records is not None
    assert len(list(table.rows)) == 11
    assert table.records.skip(5, partial(is_data_row, hashtags=table.hashtags)) == 0


def test_skip_and_parse_take_turns(tmp_path: Path) -> None:
    path = tricky_file(tmp_path)
    everything = parsed_rows(path)
    table = open_table(InputFile.from_path(path))
    records = table.records
    assert records is not None
    is_data = partial(is_data_row, hashtags=table.hashtags)
    rows, read, index = iter(table.rows), [], 0
    while index < len(everything):
        read.append(next(rows))
        index += 1 + records.skip(2, is_data)
    assert read == everything[::3]


def test_the_position_counts_the_lines_a_parse_reads(tmp_path: Path) -> None:
    path = tricky_file(tmp_path)
    lines_read = []
    reader = csv.reader(io.StringIO(TRICKY, newline=""), strict=True)
    for _ in reader:
        lines_read.append(reader.line_num)
    table = open_table(InputFile.from_path(path))
    assert table.records is not None
    is_data = partial(is_data_row, hashtags=table.hashtags)
    table.records.skip(4, is_data)  # rows 2-5: records 1-5 read
    assert table.records.position == lines_read[4]
    table.records.skip(100, is_data)
    assert table.records.position == lines_read[-1]


def test_a_bare_quote_makes_the_skip_end_elsewhere(tmp_path: Path) -> None:
    # the csv module reads a quote inside an unquoted cell as a character; a skip by quotes
    # cannot, and runs on: the position is then not the parse's, which is how it is noticed
    text = 'id,notes\n1,a 5" shell\n2,plain\n3,plain\n4,"x"\n5,plain\n'
    path = tricky_file(tmp_path, text)
    everything = parsed_rows(path)
    assert everything[0][1] == ["1", 'a 5" shell'] and len(everything) == 5
    parse = open_table(InputFile.from_path(path))
    rows = iter(parse.rows)
    next(rows), next(rows)
    skip = open_table(InputFile.from_path(path))
    assert skip.records is not None and parse.records is not None
    skip.records.skip(2, partial(is_data_row, hashtags=skip.hashtags))
    assert skip.records.position != parse.records.position
