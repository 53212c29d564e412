"""The "Source:" and "Published:" header lines of plain-text reports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rescuewatch.ingest.base import InputFile, ReadContext
from rescuewatch.ingest.text import TextReader, source_header
from tests.conftest import Invoker


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("Source: https://www.example.org/news/1", "example.org"),
        ("source: example.net", "example.net"),
        ("**Publisher:** Example Wire Service", "example-wire-service"),
        ("Источник: городская служба", "городская-служба"),
        ("Джерело: обласна служба", "обласна-служба"),
        # brackets made urlsplit raise (an IPv6 address?) and the ingest stop with a traceback
        ("Source: Ukrinform[1]", "ukrinform-1"),
        ("Source: [Reuters]", "reuters"),
        ("Source: http://[::1", "http-1"),
    ],
)
def test_source_line_names_the_publisher(line: str, key: str) -> None:
    source = source_header(f"Published: 2024-01-02\n{line}\n\nBody text.")
    assert source is not None
    assert source.key == key


def test_no_source_line_and_source_deep_in_the_body_are_ignored() -> None:
    assert source_header("Published: 2024-01-02\n\nA paramedic was injured.") is None
    body = "x " * 600 + "\nSource: late.example.org\n"
    assert source_header(body) is None


def test_reader_uses_header_source_date_and_title(tmp_path: Path) -> None:
    path = tmp_path / "r.txt"
    path.write_text("Published: 2024-03-05\nSource: example.org\n\nAmbulance hit in town\n\n"
                    "A paramedic was injured.", encoding="utf-8")
    parcel = next(TextReader().read(InputFile.from_path(path), ReadContext()))
    assert parcel.source.key == "example.org"
    assert parcel.published == dt.date(2024, 3, 5)
    assert parcel.title == "Ambulance hit in town"


def test_bundled_reports_name_their_sources() -> None:
    reports = Path(__file__).resolve().parents[2] / "examples" / "reports"
    for path in sorted(reports.glob("*.txt")):
        parcel = next(TextReader().read(InputFile.from_path(path), ReadContext()))
        assert parcel.source.key != "unknown", path.name
        assert parcel.published is not None, path.name


def test_dateline_is_the_publication_date_before_published_option(tmp_path: Path) -> None:
    # a story filed on 2 January names "30 December": it was 2024's, not 2025's
    path = tmp_path / "r.txt"
    path.write_text("Запоріжжя, 2 січня 2025 року. 30 грудня внаслідок удару по автомобілю "
                    "швидкої допомоги в Оріхові загинув фельдшер.", encoding="utf-8")
    ctx = ReadContext(published=dt.date(2025, 3, 1))  # --published: for texts that carry none
    parcel = next(TextReader().read(InputFile.from_path(path), ctx))
    assert parcel.published == dt.date(2025, 1, 2)
    (claim,) = parcel.claims
    assert claim.date.start == dt.date(2024, 12, 30)


def test_a_text_without_publication_date_is_named(rw: Invoker, tmp_path: Path) -> None:
    # "yesterday" has no day without one: the line says so instead of an undated claim alone
    (tmp_path / "undated.txt").write_text(
        "Yesterday a drone hit an ambulance in Kherson, injuring two paramedics.", encoding="utf-8")
    (tmp_path / "dated.txt").write_text(
        "Published: 2024-03-07\n\nYesterday a drone hit an ambulance in Sumy, injuring a medic.",
        encoding="utf-8")
    out = rw("ingest", str(tmp_path)).output
    lines = {line.split(":")[0].rsplit("/", 1)[-1]: line for line in out.splitlines()}
    assert "carry no publication date" in lines["undated.txt"] and "--published" in lines["undated.txt"]
    assert "publication date" not in lines["dated.txt"]
    other = tmp_path / "other" / "undated.txt"
    other.parent.mkdir()
    other.write_text("Yesterday a drone hit an ambulance in Nikopol, injuring a paramedic.",
                     encoding="utf-8")
    again = rw("ingest", "--published", "2024-03-07", str(other))
    assert "1 claim(s)" in again.output and "publication date" not in again.output
