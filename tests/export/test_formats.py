"""HXL CSV, GeoJSON, ACLED-style CSV and Parquet: structure, typing and safety."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import hxl
import pyarrow.parquet as pq
import pytest

from rescuewatch.export.acled import COLUMNS as ACLED_COLUMNS
from rescuewatch.export.hxl import CLAIM_TAGS
from rescuewatch.store import Store
from tests.conftest import ROOT
from tests.export.factory import build_sample_store


def export(rw, tmp_path: Path, fmt: str, *args: str) -> Path:
    out = tmp_path / f"out-{fmt}-{'-'.join(a.strip('-') for a in args)}"
    result = rw("export", "--format", fmt, "-o", str(out), *args)
    assert result.exit_code == 0, result.output
    return out


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def hxl_data(path: Path) -> hxl.model.Dataset:
    return hxl.data(str(path), hxl.InputOptions(allow_local=True))


# --- HXL ---------------------------------------------------------------------------------------


def test_hxl_tags_are_recognised_by_libhxl(rw, store: Store, tmp_path: Path) -> None:
    build_sample_store(store)
    out = export(rw, tmp_path, "hxl-csv")
    data = hxl_data(out)
    tags = [c.get_display_tag(sort_attributes=False) for c in data.columns]
    assert tags == [tag for _, tag in CLAIM_TAGS.values()]
    assert [c.header for c in data.columns] == [h for h, _ in CLAIM_TAGS.values()]
    rows = list(data)
    assert len(rows) == 5
    first = rows[0]
    assert first.get("#geo+lat") == "48.123456789"
    assert first.get("#affected+killed+medic") == "2"
    assert first.get("#affected+killed+total") == "2"
    assert first.get("#country+code+v_iso2") == "UA"
    # HDX datasets (UCDP's HDX release among them) put ISO 3166-1 alpha-3 under #country+code:
    # a tool asking for #country+code gets that column first
    assert first.get("#country+code") == first.get("#country+code+v_iso3") == "UKR"
    # protected victims or a context event, as in the incident file: the killed of a context
    # event (a battle) are not health workers, and a sum over the file must be able to tell
    assert [r.get("#meta+protected") for r in rows] == ["true", "false", "true", "true", "true"]
    assert first.get("#group+perp+alleged+name") == "forces of party A"
    assert first.get("#meta+source+code") == "outlet-a"
    # attribute matching works as HXL tools expect: every killed column, summed
    killed = sum(int(v) for r in rows for v in r.get_all("#affected+killed-total") if v)
    assert killed == 2 + 1 + 19


def test_hxl_passes_libhxl_default_schema_and_typed_columns(rw, store: Store, tmp_path: Path) -> None:
    build_sample_store(store)
    out = export(rw, tmp_path, "hxl-csv")
    errors: list[str] = []

    def collect(e: hxl.validation.HXLValidationException) -> None:
        if e.rule.severity == "error":
            errors.append(f"{e.column} {e.value!r}: {e.message}")

    valid = hxl_data(out).validate(callback=collect)
    assert errors == [] and valid
    # a schema of our own: dates are dates, counts and coordinates numbers, ids unique
    columns = ["#valid_tag", "#valid_datatype", "#valid_value+min", "#valid_value+max",
               "#valid_unique", "#valid_required", "#valid_value+list", "#valid_severity"]
    weapons = "drone|artillery|missile|airstrike|small_arms|mine_ied|other|unknown"
    problems: list[str] = []
    schema = hxl.schema(hxl.data([
        columns,
        ["#date+start", "date", "", "", "", "", "", "error"],
        ["#geo+lat", "number", "-90", "90", "", "", "", "error"],
        ["#geo+lon", "number", "-180", "180", "", "", "", "error"],
        ["#affected", "number", "0", "", "", "", "", "error"],
        ["#meta+id+claim", "", "", "", "true", "true", "", "error"],
        ["#event+weapon", "", "", "", "", "", weapons, "error"],
    ]), callback=lambda e: problems.append(f"{e.column} {e.value!r}: {e.message}"))
    assert schema.validate(hxl_data(out))
    assert problems == []
    # the same schema catches a tampered file: a latitude that is not a number
    text = out.read_bytes().decode("utf-8")
    out.write_bytes(text.replace("48.123456789", "north", 1).encode("utf-8"))
    assert not schema.validate(hxl_data(out))
    assert any("north" in p for p in problems)


@pytest.mark.parametrize("level", ["claims", "incidents"])
def test_hxl_of_the_bundled_examples_passes_libhxl_validation(
        rw, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, level: str) -> None:
    monkeypatch.chdir(tmp_path)
    assert rw("run", str(ROOT / "examples"), "--no-report").exit_code == 0
    out = export(rw, tmp_path, "hxl-csv", "--level", level)
    report = hxl.validate(hxl_data(out))
    issues = [(i["severity"], i["description"], loc["hashtag"], loc["location_value"])
              for i in report["issues"] for loc in i["locations"]]
    stats = report["stats"]
    assert (stats["error"], stats["warning"]) == (0, 0), issues
    # The one note libhxl may add is statistical, on true values (docs/exports.md): on the
    # examples, one event where 14 aid workers were arrested among events of 1 to 5.
    assert {(sev, desc) for sev, desc, _, _ in issues} <= {("info", "Possible numeric outlier")}
    assert report["is_valid"] == (not issues)


def test_hxl_text_on_one_line_is_still_defused() -> None:
    import io

    from rescuewatch.export.hxl import one_line
    from rescuewatch.export.writers import write_table

    out = io.StringIO()
    row = one_line({"text": "\t=1+1\n- second  line ", "n": -1.5, "none": None})
    write_table([row], out, ["text", "n", "none"], [])
    assert out.getvalue() == "'=1+1 - second line,-1.5,\r\n"


def test_hxl_and_acled_cells_are_defused(rw, store: Store, tmp_path: Path) -> None:
    build_sample_store(store)
    hxl_rows = read_csv(export(rw, tmp_path, "hxl-csv"))
    description = hxl_rows[1].index("#description")
    cells = [r[description] for r in hxl_rows[2:]]
    assert "'+19 aid workers killed since 2022" in cells
    assert "'-пожарные пострадали" in cells
    acled_rows = read_csv(export(rw, tmp_path, "acled-csv"))
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in acled_rows for cell in r
                   if not _is_number(cell))


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


# --- GeoJSON -----------------------------------------------------------------------------------


def test_geojson_is_lon_lat_with_null_geometry_when_unknown(rw, store: Store, tmp_path: Path) -> None:
    build_sample_store(store)
    data = json.loads(export(rw, tmp_path, "geojson").read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    features = data["features"]
    assert len(features) == 5
    first = features[0]
    assert first["geometry"] == {"type": "Point", "coordinates": [37.987654321, 48.123456789]}
    assert first["properties"]["perpetrator_alleged_party"] == "party_a"
    assert all(not isinstance(v, dict | list) for f in features for v in f["properties"].values())
    censored = [f for f in features if f["properties"]["place_precision"] == "censored"]
    assert censored and censored[0]["geometry"] is None
    assert [f["id"] for f in features] == [1, 2, 3, 4, 5]


def test_geojson_empty_store_is_valid(rw, store: Store) -> None:
    result = rw("export", "--format", "geojson")
    assert json.loads(result.output) == {"type": "FeatureCollection", "features": []}


# --- ACLED -------------------------------------------------------------------------------------


def test_acled_layout_and_mapping(rw, store: Store, tmp_path: Path) -> None:
    build_sample_store(store)
    rows = read_csv(export(rw, tmp_path, "acled-csv"))
    assert rows[0] == list(ACLED_COLUMNS) and len(rows[0]) == 31
    by_id = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    drone = by_id["RW-C1"]
    assert drone["event_date"] == "2024-03-01" and drone["year"] == "2024"
    assert drone["time_precision"] == "1"
    assert (drone["event_type"], drone["sub_event_type"]) == ("Explosions/Remote violence",
                                                              "Air/drone strike")
    assert drone["actor1"] == "forces of party A"
    assert "as alleged by Outlet A" in drone["notes"]
    assert drone["country"] == "Ukraine" and drone["iso"] == "804"
    # "near the town of Alfa": ACLED's 2, a nearby location, not the town itself (1)
    assert drone["geo_precision"] == "2" and drone["fatalities"] == "2"
    assert drone["tags"] == "ambulance; medic"
    shelling = by_id["RW-C5"]
    assert shelling["sub_event_type"] == "Shelling/artillery/missile attack"
    assert shelling["time_precision"] == "3" and shelling["country"] == "Russia"
    assert shelling["source"] == "Ministry B"
    week = by_id["RW-C2"]
    assert week["time_precision"] == "2" and week["fatalities"] == "12"
    unknown = by_id["RW-C4"]
    assert unknown["event_type"] == "Violence against civilians" and unknown["latitude"] == ""
    # ACLED's own name of the country, which tools built for ACLED filter on (not GeoNames')
    assert (unknown["country"], unknown["iso"]) == ("Palestine", "275")


@pytest.mark.parametrize(("iso2", "name", "number"), [
    ("PS", "Palestine", 275), ("CD", "Democratic Republic of Congo", 180),
    ("CG", "Republic of Congo", 178), ("SZ", "eSwatini", 748), ("UA", "Ukraine", 804),
    ("XA", "XA", None),
])
def test_acled_country_names_are_acleds(iso2: str, name: str, number: int | None) -> None:
    from rescuewatch.export.acled import country_fields
    from rescuewatch.ingest.countries import country_code

    assert country_fields(iso2) == {"iso": number, "country": name}
    if number is not None:  # and the ACLED reader knows the name without the number
        assert country_code(name) == iso2


def test_acled_leaves_out_aggregate_statements(rw, store: Store, tmp_path: Path) -> None:
    build_sample_store(store)
    out = tmp_path / "acled.csv"
    result = rw("export", "--format", "acled-csv", "-o", str(out))
    assert result.exit_code == 0, result.output
    ids = [r[0] for r in read_csv(out)[1:]]
    assert ids == ["RW-C1", "RW-C2", "RW-C4", "RW-C5"]  # RW-C3: "+19 aid workers killed since 2022"
    assert "wrote 4 claims" in result.stderr
    assert "left out 1 aggregate claim " in result.stderr
    to_stdout = rw("export", "--format", "acled-csv")
    assert "left out 1 aggregate claim " in to_stdout.stderr
    assert "left out" not in to_stdout.stdout and len(read_csv(out)) == 5
    other = rw("export", "--format", "hxl-csv", "-o", str(tmp_path / "hxl.csv"))
    assert "left out" not in other.stderr  # every other format keeps them, flagged


def test_acled_reader_reads_our_acled_csv(rw, store: Store, tmp_path: Path) -> None:
    pytest.importorskip("rescuewatch.ingest.acled", reason="the ACLED reader is not built yet")
    build_sample_store(store)
    out = export(rw, tmp_path, "acled-csv")
    second = Store.open(f"sqlite:///{tmp_path / 'acled.db'}")
    from rescuewatch.ingest.pipeline import ingest

    report = ingest(second, [str(out)], fmt="acled")
    dated = 4  # the aggregate statement has no date, which ACLED rows always have
    assert report.claims >= dated
    from rescuewatch.store.claims import iter_claims

    claims = {c.row_ref: c for c, _ in iter_claims(second)}
    drone = claims["RW-C1"]
    assert drone.date.start and drone.date.start.isoformat() == "2024-03-01"
    assert drone.place.lat == pytest.approx(48.123456789)
    assert drone.killed == 2
    # the victim categories are named in words in the notes, which the reader reads back
    # (a code such as "health_facility" is not a word of any report it reads)
    assert {ref: sorted(c.categories) for ref, c in claims.items()} == {
        "RW-C1": ["ambulance", "medic"], "RW-C2": [], "RW-C4": ["health_facility", "patient"],
        "RW-C5": ["firefighter", "rescuer"]}
    # and the weapon, which ACLED's sub-event types blur (a drone is an "Air/drone strike")
    assert {ref: c.weapon for ref, c in claims.items()} == {
        "RW-C1": "drone", "RW-C2": "airstrike", "RW-C4": None, "RW-C5": "artillery"}
    second.dispose()


# --- Parquet -----------------------------------------------------------------------------------


def test_parquet_claims_have_victims_as_list_of_structs(rw, store: Store, tmp_path: Path) -> None:
    build_sample_store(store)
    table = pq.read_table(export(rw, tmp_path, "parquet"))
    assert table.num_rows == 5
    assert str(table.schema.field("victims").type).startswith("list<element: struct<category")
    rows = table.to_pylist()
    assert sorted(v["category"] for v in rows[0]["victims"]) == ["ambulance", "medic"]
    assert rows[0]["lat"] == 48.123456789
    assert rows[0]["date_start"].isoformat() == "2024-03-01"
    assert json.loads(rows[0]["original"])["nested"] == {"k": [1, 2]}


def test_parquet_needs_a_file(rw, store: Store) -> None:
    result = rw("export", "--format", "parquet")
    assert result.exit_code == 2
    assert result.output.strip() == (
        "Error: --output is required for parquet: it is binary and not written to the "
        "terminal (pass -o FILE.parquet)")


@pytest.mark.parametrize(("fmt", "level", "message"), [
    ("xlsx", "claims", "unknown export format 'xlsx' for --format (choose from hxl-csv, "),
    ("csv", "events", "unknown level 'events' for --level (choose claims or incidents)"),
])
def test_bad_format_or_level_reads_naturally(store: Store, fmt: str, level: str,
                                             message: str) -> None:
    from rescuewatch.errors import InputError
    from rescuewatch.export import write_export

    with pytest.raises(InputError) as caught:
        write_export(store, fmt, "-", level=level)
    assert str(caught.value).startswith(message) and "column" not in str(caught.value)


# --- incidents ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["hxl-csv", "acled-csv", "csv"])
def test_incident_level_csvs(rw, store: Store, tmp_path: Path, fmt: str) -> None:
    build_sample_store(store)
    rows = read_csv(export(rw, tmp_path, fmt, "--level", "incidents"))
    body = rows[2:] if fmt == "hxl-csv" else rows[1:]
    assert len(body) == 2
    text = "\n".join(",".join(r) for r in body)
    assert "party_a" in text and "party_b" in text  # every alleged perpetrator is kept
    cells = [c for r in body for c in r]
    if fmt == "hxl-csv":
        assert "'=HYPERLINK(\"https://example.org\")" in cells
        countries = [r.get("#country+code") for r in hxl_data(tmp_path / f"out-{fmt}-level-incidents")]
        assert countries == ["UKR", "PSE"]
    elif fmt == "csv":
        assert "=HYPERLINK(\"https://example.org\")" in cells  # native: exact
    else:
        assert not any(c.startswith(("=", "+", "-", "@")) for c in cells if not _is_number(c))


def test_incident_level_json_formats(rw, store: Store, tmp_path: Path) -> None:
    build_sample_store(store)
    lines = export(rw, tmp_path, "jsonl", "--level", "incidents").read_text("utf-8").splitlines()
    first = json.loads(lines[0])
    assert first["rescuewatch_schema"] == "incidents"
    assert first["perpetrators"][1] == {"party": "party_b", "text": None,
                                        "alleged_by": ["ministry-b"]}
    assert first["sources"] == ["outlet-a"] and first["categories"] == ["ambulance", "medic"]
    geo = json.loads(export(rw, tmp_path, "geojson", "--level", "incidents").read_text("utf-8"))
    assert geo["features"][0]["geometry"]["coordinates"] == [37.987654321, 48.123456789]
    assert geo["features"][1]["geometry"] is None
    assert "party_b (alleged by ministry-b)" in geo["features"][0]["properties"]["perpetrators_alleged"]
    arrow = pq.read_table(export(rw, tmp_path, "parquet", "--level", "incidents"))
    table = arrow.to_pylist()
    assert table[0]["perpetrators"][0]["alleged_by"] == ["outlet-a"]
    assert table[0]["killed_max"] == 3
    # times are times in UTC, as the dates are dates, not texts to parse
    for name in ("created_at", "updated_at"):
        assert str(arrow.schema.field(name).type) == "timestamp[us, tz=UTC]"
    assert table[0]["created_at"] == dt.datetime.fromisoformat(first["created_at"]).replace(
        tzinfo=dt.UTC)


def test_filters_and_protected_only(rw, store: Store, tmp_path: Path) -> None:
    build_sample_store(store)
    def count(*args: str) -> int:
        return len(rw("export", "--format", "jsonl", *args).output.splitlines())

    assert count() == 5
    assert count("--protected-only") == 4
    assert count("--country", "sy") == 1
    assert count("--since", "2024-01-01") == 2
    assert count("--until", "2023-12-31") == 2
    assert count("--category", "medic") == 1
    assert count("--level", "incidents", "--category", "patient") == 1
    # several categories, and the same 'responders' the analyses take
    rows = [json.loads(line) for line in rw("export", "--format", "jsonl").output.splitlines()]

    def having(*names: str) -> int:
        return sum(1 for row in rows if set(names) & set(row["categories"] or []))

    assert count("--category", "medic,patient") == having("medic", "patient") >= 2
    assert count("--category", "responders") == having(
        "ambulance", "medic", "firefighter", "rescuer") > count("--category", "medic")
    bad = rw("export", "--format", "jsonl", "--category", "medics")
    assert bad.exit_code == 2 and "unknown victim category 'medics'" in bad.output
    # "$CATEGORY" unset: every row was exported as if no filter had been asked for
    for empty in ("", " "):
        bad = rw("export", "--format", "jsonl", "--category", empty)
        assert bad.exit_code == 2 and "an empty value names no category" in bad.output


def test_failed_export_leaves_no_file(rw, store: Store, tmp_path: Path) -> None:
    result = rw("export", "--format", "csv", "-o", str(tmp_path / "missing" / "x.csv"))
    assert result.exit_code != 0 and "does not exist" in result.output
    assert not (tmp_path / "missing").exists()
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".part"]


def test_export_file_appears_complete(rw, store: Store, tmp_path: Path) -> None:
    build_sample_store(store)
    out = tmp_path / "c.csv"
    out.write_text("previous content", encoding="utf-8")
    assert rw("export", "--format", "csv", "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("rescuewatch_schema,")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


@pytest.mark.parametrize(("event_type", "weapon", "expected"), [
    ("state-based conflict", None, ("Battles", "Armed clash")),
    ("non-state conflict", None, ("Battles", "Armed clash")),
    ("one-sided violence", None, ("Violence against civilians", "Attack")),
    ("state-based conflict", "artillery", ("Explosions/Remote violence",
                                           "Shelling/artillery/missile attack")),
    (None, None, ("Violence against civilians", "Attack")),
])
def test_acled_event_type_of_a_ucdp_claim(event_type: str | None, weapon: str | None,
                                          expected: tuple[str, str]) -> None:
    from rescuewatch.export.acled import claim_row
    from rescuewatch.model import Claim

    row = claim_row(Claim(event_type=event_type, weapon=weapon, row_ref="1", extractor="ucdp"),
                    {"source_key": "ucdp"})
    assert (row["event_type"], row["sub_event_type"]) == expected
    assert row["disorder_type"] == "Political violence"
