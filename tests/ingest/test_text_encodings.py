"""Reports in an encoding that is not declared: UTF-16 without a byte-order mark (detection
finds no format in it, and the error said only "pass --format"; it now names the encoding to
pass), and a web page in cp1251 without a charset (stored as replacement characters and no
claim, without a word; now refused with the --encoding hint)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Invoker
from tests.ingest.test_bad_input import filled, refused

__all__ = ["filled"]  # the fixture, used by name below

REPORT = "Вчора в Херсоні внаслідок обстрілу поранено двох фельдшерів швидкої допомоги.\n"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_mark_names_its_encoding(filled: Invoker, db_url: str, tmp_path: Path,
                                                 codec: str) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(REPORT.encode(codec))
    line = refused(filled, db_url, str(path))
    assert "report.txt" in line and f"--encoding {codec}" in line
    done = filled("ingest", "--format", "text", "--encoding", codec, str(path))
    assert done.exit_code == 0 and "1 claim(s)" in done.output, done.output


def test_binary_junk_is_not_taken_for_utf16(filled: Invoker, db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "junk.txt"
    path.write_bytes(bytes(range(256)) * 8)
    line = refused(filled, db_url, str(path))
    assert "not in any known format" in line and "UTF-16" not in line


PAGE = ("<html><head><title>Удар по скорой</title></head><body><p>Вчера в Херсоне дрон атаковал "
        "машину скорой помощи, ранены два фельдшера, сообщили в администрации.</p></body></html>")


def test_a_page_in_an_undeclared_encoding_is_refused(filled: Invoker, db_url: str,
                                                     tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(PAGE.encode("cp1251"))
    line = refused(filled, db_url, str(path))
    assert "page.html: not valid UTF-8 text" in line and "--encoding" in line
    done = filled("ingest", "--encoding", "cp1251", "--published", "2024-03-07", str(path))
    assert done.exit_code == 0 and "1 claim(s)" in done.output, done.output


def test_a_stray_byte_in_a_page_is_still_read(filled: Invoker, tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(PAGE.replace("</p>", " \u00a9</p>").encode("utf-8").replace(b"\xc2\xa9", b"\xa9"))
    done = filled("ingest", "--published", "2024-03-07", str(path))
    assert done.exit_code == 0 and "1 claim(s)" in done.output, done.output


def test_a_pdf_among_the_reports_is_named(filled: Invoker, db_url: str, tmp_path: Path) -> None:
    # refused as "not in any known format"; one whose bytes are ASCII, named .txt, was stored
    # as a report of no claims
    pdf = tmp_path / "report.txt"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj << >> endobj\nA drone hit an ambulance in Kherson.\n%%EOF\n")
    line = refused(filled, db_url, str(pdf))
    assert "report.txt: a PDF document, which rescuewatch does not read" in line


def test_a_word_document_among_the_reports_is_named(filled: Invoker, db_url: str,
                                                    tmp_path: Path) -> None:
    import zipfile

    doc = tmp_path / "report.docx"
    with zipfile.ZipFile(doc, "w") as z:
        z.writestr("word/document.xml", "<w:document>A drone hit an ambulance.</w:document>")
    line = refused(filled, db_url, str(doc))
    assert "report.docx: a Word document, which rescuewatch does not read" in line
