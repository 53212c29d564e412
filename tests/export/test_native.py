"""rescuewatch's own CSV and JSON Lines: every field out, the same claims back in."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from rescuewatch.ingest.base import InputFile, choose_reader
from rescuewatch.store import Store
from tests.export.factory import build_sample_store, comparable, stored_claims


def export_and_reingest(rw, store: Store, tmp_path: Path, fmt: str) -> tuple[Path, Store]:
    build_sample_store(store)
    out = tmp_path / f"claims.{fmt}"
    result = rw("export", "--format", fmt, "-o", str(out))
    assert result.exit_code == 0, result.output
    target = Store.open(f"sqlite:///{tmp_path / 'second.db'}")
    from rescuewatch.ingest.pipeline import ingest

    report = ingest(target, [str(out)])
    assert report.inputs[0].format == "rescuewatch"
    assert report.claims == 5
    return out, target


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_round_trip_restores_every_claim_field(rw, store: Store, tmp_path: Path, fmt: str) -> None:
    out, target = export_and_reingest(rw, store, tmp_path, fmt)
    before = stored_claims(store)
    after = stored_claims(target)
    assert [comparable(c) for c, _ in after] == [comparable(c) for c, _ in before]
    for (old, old_extra), (new, new_extra) in zip(before, after, strict=True):
        # the exported row is the new claim's original; the old original sits inside it
        assert new.original is not None
        assert new.original["original"] == old.original
        assert new.original["claim_id"] == old.id
        assert new.original["incident_id"] == old.incident_id
        assert new.original["source_key"] == old_extra["source_key"]
        assert new.original["source_affiliation"] == old_extra["source_affiliation"]
        assert new.original["document_sha256"] == old_extra["document_sha256"]
        # the export file is the new evidence; incident ids are not carried over
        assert new_extra["document_origin"] == str(out)
        assert new_extra["source_key"] == "rescuewatch-export"
        assert new.incident_id is None
    target.dispose()


def test_reingesting_the_same_export_is_a_duplicate(rw, store: Store, tmp_path: Path) -> None:
    out, target = export_and_reingest(rw, store, tmp_path, "jsonl")
    from rescuewatch.ingest.pipeline import ingest

    assert ingest(target, [str(out)]).inputs[0].status == "duplicate"
    assert target.count("claims") == 5
    target.dispose()


def test_csv_has_marker_first_and_json_columns(rw, store: Store, tmp_path: Path) -> None:
    build_sample_store(store)
    out = tmp_path / "c.csv"
    assert rw("export", "--format", "csv", "-o", str(out)).exit_code == 0
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0])[:2] == ["rescuewatch_schema", "schema_version"]
    assert {r["rescuewatch_schema"] for r in rows} == {"claims"}
    first = rows[0]
    assert json.loads(first["victims"])[0]["category"] in {"medic", "ambulance"}
    assert first["description"] == "Crew hit; =SUM(A1)"  # exact: no formula defusing here
    assert first["lat"] == "48.123456789"
    assert first["incident_id"] == "1"
    assert rows[2]["date_start"] == "" and rows[2]["is_aggregate"] == "true"


def test_sniff_is_certain_for_both_forms(rw, store: Store, tmp_path: Path) -> None:
    build_sample_store(store)
    for fmt in ("csv", "jsonl"):
        out = tmp_path / f"x.{fmt}"
        rw("export", "--format", fmt, "-o", str(out))
        item = InputFile.from_path(out)
        assert choose_reader(item).name == "rescuewatch"
        from rescuewatch.ingest.native import NativeReader

        assert NativeReader().sniff(item) == 100


@pytest.mark.parametrize(("quoting", "delimiter"), [
    (csv.QUOTE_ALL, ","),  # R's write.csv, pandas' to_csv(quoting=QUOTE_ALL)
    (csv.QUOTE_MINIMAL, ";"),  # a spreadsheet where the decimal mark is a comma
    (csv.QUOTE_MINIMAL, "\t"),
])
def test_an_export_written_again_quoted_or_with_semicolons_round_trips(
        rw, store: Store, tmp_path: Path, quoting: int, delimiter: str) -> None:
    # refused as "not in any known format", and with --format rescuewatch as "the first
    # column or key must be 'rescuewatch_schema'", which it was
    out, target = export_and_reingest(rw, store, tmp_path, "csv")
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    again = tmp_path / "again.csv"
    with again.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, quoting=quoting, delimiter=delimiter).writerows(rows)
    assert_reads_back(again, target, tmp_path)


def assert_reads_back(again: Path, target: Store, tmp_path: Path) -> None:
    """``again``, an export rewritten by another tool, is detected as rescuewatch's own format
    and gives the claims that ``target`` got from the export itself."""
    from rescuewatch.ingest.pipeline import ingest

    third = Store.open(f"sqlite:///{tmp_path / 'third.db'}")
    report = ingest(third, [str(again)])
    assert report.inputs[0].format == "rescuewatch" and report.claims == 5
    assert ([comparable(c) for c, _ in stored_claims(third)]
            == [comparable(c) for c, _ in stored_claims(target)])
    third.dispose()
    target.dispose()


def test_json_lines_with_their_keys_in_another_order_round_trip(
        rw, store: Store, tmp_path: Path) -> None:
    # `jq -S`, json.dumps(sort_keys=True): the marker is no longer the first key; the file was
    # 'not in any known format', and with --format rescuewatch 'the first column or key must
    # be rescuewatch_schema', which it held
    out, target = export_and_reingest(rw, store, tmp_path, "jsonl")
    lines = out.read_text(encoding="utf-8").splitlines()
    again = tmp_path / "sorted.jsonl"
    again.write_text("".join(json.dumps(json.loads(line), sort_keys=True, indent=None) + "\n"
                             for line in lines), encoding="utf-8")
    assert not again.read_text(encoding="utf-8").startswith('{"rescuewatch_schema"')
    assert_reads_back(again, target, tmp_path)


def test_stdout_export_matches_file(rw, store: Store, tmp_path: Path) -> None:
    build_sample_store(store)
    out = tmp_path / "c.jsonl"
    rw("export", "--format", "jsonl", "-o", str(out))
    printed = rw("export", "--format", "jsonl")
    assert printed.exit_code == 0
    assert printed.output == out.read_text(encoding="utf-8")
    assert len(printed.output.splitlines()) == 5


def test_incident_level_file_is_refused(rw, store: Store, tmp_path: Path) -> None:
    build_sample_store(store)
    out = tmp_path / "i.csv"
    assert rw("export", "--format", "csv", "--level", "incidents", "-o", str(out)).exit_code == 0
    second = tmp_path / "second.db"
    result = rw("ingest", str(out), "--db", f"sqlite:///{second}")
    assert result.exit_code != 0
    assert "incident-level" in result.output and "row 2" in result.output
    target = Store.open(f"sqlite:///{second}")
    assert target.count("documents") == 0 and target.count("claims") == 0
    target.dispose()


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ('"claims","1.0","x"', "claim_id"),
        ('"claims","1.0","","","2024-13-01"', "date_start"),
        ('"claims","9.0"', "schema_version"),
    ],
)
def test_bad_cell_names_row_and_column(rw, tmp_path: Path, line: str, field: str) -> None:
    from rescuewatch.export.native import CLAIM_COLUMNS

    path = tmp_path / "bad.csv"
    good = ",".join(['"claims"', '"1.0"'] + [""] * (len(CLAIM_COLUMNS) - 2))
    path.write_text(",".join(CLAIM_COLUMNS) + "\r\n" + good + "\r\n" + line + "\r\n", encoding="utf-8")
    result = rw("ingest", str(path))
    assert result.exit_code != 0
    assert "row 3" in result.output and repr(field) in result.output
    assert Store.open(rw.db_url).count("claims") == 0


@pytest.mark.parametrize("code", ["XK", "XA", "QZ", "AA", "ZZ", "PS", "UA", "RU"])
def test_a_real_or_user_assigned_country_code_is_kept(rw, store: Store, tmp_path: Path,
                                                        code: str) -> None:
    build_sample_store(store)
    out = tmp_path / "c.jsonl"
    rw("export", "--format", "jsonl", "-o", str(out))
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    records[0]["country"] = code
    out.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    second = f"sqlite:///{tmp_path / 'second.db'}"
    assert rw("ingest", str(out), "--db", second).exit_code == 0
    assert Store.open(second).count("claims") == len(records)


def test_bad_json_line_is_skipped_when_asked(rw, store: Store, tmp_path: Path) -> None:
    build_sample_store(store)
    out = tmp_path / "c.jsonl"
    rw("export", "--format", "jsonl", "-o", str(out))
    lines = out.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace('"weapon":"airstrike"', '"weapon":"trebuchet"')
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    second = tmp_path / "second.db"
    failed = rw("ingest", str(out), "--db", f"sqlite:///{second}")
    assert failed.exit_code != 0 and "row 2" in failed.output
    ok = rw("ingest", str(out), "--skip-bad-rows", "--json", "--db", f"sqlite:///{second}")
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["claims"] == 4


@pytest.mark.parametrize(("change", "named"), [
    (("country", "UKR"), "'country'"),
    (("country", "JJ"), "country"),  # no such country: a filter by country would never find it
    (("country", "X1"), "country"),
    (("country", "sy"), "country"),  # the store keeps upper-case codes; "SY" filters miss "sy"
    (("lat", 999.0), "lat"),
    (("lon", -180.5), "lon"),
    (("perpetrator_party", "p" * 41), "'perpetrator_party'"),
    (("killed", 2**31), "'killed'"),
    (("geonameid", 2**40), "'geonameid'"),
    (("description", "a\u0000b"), "NUL"),
    (("victims", [{"category": "medic", "killed": 2**31}]), "victims.killed"),
    (("victims", [{"category": "medic", "killed": 2**30}, {"category": "rescuer",
                                                          "killed": 2**30}]), "their sum"),
    (("victims", [{"category": "medic", "harm": "h" * 101}]), "victims.harm"),
    (("evidence", [{"start": 0, "end": 2**31, "text": "x"}]), "evidence.end"),
    (("evidence", [{"start": 0, "end": 1, "text": "x", "field": "f" * 31}]), "evidence.field"),
    (("evidence", [{"start": 5, "end": 2, "text": "x"}]), "0 <= start <= end"),
    (("evidence", [{"start": -1, "end": 2, "text": "x"}]), "0 <= start <= end"),
    (("geonameid", -5), "'geonameid'"),
    (("time_of_day", "25:99"), "time_of_day"),  # the analyses read it as 1 day, 2:39
    (("time_of_day", "7:05"), "time_of_day"),
    (("time_of_day", "noon"), "time_of_day"),
])
def test_a_value_the_store_cannot_keep_everywhere_is_a_bad_row(
    rw, store: Store, tmp_path: Path, change: tuple[str, object], named: str
) -> None:
    # SQLite kept each of these; PostgreSQL refused them with a traceback
    build_sample_store(store)
    out = tmp_path / "c.jsonl"
    rw("export", "--format", "jsonl", "-o", str(out))
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    records[1][change[0]] = change[1]
    out.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    second = f"sqlite:///{tmp_path / 'second.db'}"
    failed = rw("ingest", str(out), "--db", second)
    assert failed.exit_code == 2 and "row 2" in failed.output and named in failed.output
    ok = rw("ingest", str(out), "--skip-bad-rows", "--json", "--db", second)
    assert ok.exit_code == 0 and json.loads(ok.output)["skipped_rows"] == 1
DEEP = "[" * 100_000 + "]" * 100_000  # within the line limit, deeper than any parser recurses


@pytest.mark.parametrize("name", ["deep.jsonl", "deep.csv", "result.json"])
def test_a_value_nested_too_deeply_is_one_line_naming_its_row(rw, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if name.endswith(".jsonl"):
        path.write_text('{"rescuewatch_schema":"claims","schema_version":"1.0","original":'
                        + DEEP + "}\n", encoding="utf-8")
    elif name.endswith(".csv"):
        path.write_text('rescuewatch_schema,schema_version,victims\r\nclaims,1.0,"' + DEEP + '"\r\n',
                        encoding="utf-8")
    else:
        path.write_text('{"name": "c", "messages": ' + DEEP + "}", encoding="utf-8")
    result = rw("ingest", str(path))
    assert result.exit_code != 0
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert name in result.output and "nested too deeply" in result.output
    assert {"deep.jsonl": "row 1", "deep.csv": "row 2"}.get(name, "") in result.output


@pytest.mark.parametrize(("fmt", "change", "named"), [
    ("jsonl", '"confidence":NaN', "NaN is not a JSON number"),
    ("jsonl", '"confidence":Infinity', "Infinity is not a JSON number"),
    ("jsonl", '"confidence":7', "confidence"),
    ("jsonl", '"confidence":-0.5', "confidence"),
    ("jsonl", '"original":{"x":NaN}', "NaN"),
    ("csv", "nan", "'confidence'"),
    ("csv", "inf", "'confidence'"),
    ("csv", "1e999", "'confidence'"),
    ("jsonl", '"confidence":1e999', "not a finite number"),
])
def test_a_number_json_cannot_hold_is_a_bad_row(
    rw, store: Store, tmp_path: Path, fmt: str, change: str, named: str
) -> None:
    # PostgreSQL kept NaN and SQLite stored NULL; the GeoJSON export then stopped with a
    # traceback and JSON Lines wrote NaN, which is not JSON
    build_sample_store(store)
    out = tmp_path / f"c.{fmt}"
    rw("export", "--format", fmt, "-o", str(out))
    if fmt == "jsonl":
        records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        key = change.split(":")[0].strip('"')
        lines = [json.dumps(r, separators=(",", ":")) for r in records]
        lines[1] = lines[1].replace(json.dumps({key: records[1][key]}, separators=(",", ":"))[1:-1],
                                    change)
        assert change in lines[1]
        out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        with out.open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        rows[2][rows[0].index("confidence")] = change
        with out.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f, lineterminator="\r\n").writerows(rows)
    second = f"sqlite:///{tmp_path / 'second.db'}"
    failed = rw("ingest", str(out), "--db", second)
    row = "row 2" if fmt == "jsonl" else "row 3"
    assert failed.exit_code == 2 and row in failed.output and named in failed.output, failed.output
    ok = rw("ingest", str(out), "--skip-bad-rows", "--json", "--db", second)
    assert ok.exit_code == 0 and json.loads(ok.output)["skipped_rows"] == 1
    geojson = rw("export", "--format", "geojson", "--db", second)
    assert geojson.exit_code == 0 and len(json.loads(geojson.output)["features"]) == 4
