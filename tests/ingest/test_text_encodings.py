"""Reports in UTF-16 without a byte-order mark: detection finds no format in them (their
letters hold NUL bytes), and the error said only "pass --format"; it now names the encoding
to pass, and with it the report reads."""

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
