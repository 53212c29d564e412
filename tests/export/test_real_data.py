"""Round trips of real claims: UCDP GED rows read by the ``ucdp`` reader, exported, re-ingested."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rescuewatch.export import write_export
from rescuewatch.ingest.pipeline import ingest
from rescuewatch.store import Store
from tests.export.factory import comparable, stored_claims

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "export" / "ucdp_ged191_syria_sample.csv"


def _round_trip(source: Path, store: Store, tmp_path: Path, fmt: str) -> int:
    first = ingest(store, [str(source)], fmt="ucdp")
    assert first.claims > 0
    out = tmp_path / f"ucdp.{fmt}"
    assert write_export(store, fmt, str(out)) == first.claims
    second = Store.open(f"sqlite:///{tmp_path / 'second.db'}")
    try:
        assert ingest(second, [str(out)]).claims == first.claims
        before, after = stored_claims(store), stored_claims(second)
        assert [comparable(c) for c, _ in after] == [comparable(c) for c, _ in before]
        for (old, extra), (new, _) in zip(before, after, strict=True):
            assert new.original is not None and new.original["original"] == old.original
            assert new.original["document_sha256"] == extra["document_sha256"]
    finally:
        second.dispose()
    return first.claims


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_ucdp_sample_round_trip(store: Store, tmp_path: Path, fmt: str) -> None:
    pytest.importorskip("rescuewatch.ingest.ucdp", reason="the UCDP reader is not built yet")
    assert _round_trip(SAMPLE, store, tmp_path, fmt) == 120


def test_ucdp_sample_exports_in_every_format(store: Store, tmp_path: Path) -> None:
    pytest.importorskip("rescuewatch.ingest.ucdp", reason="the UCDP reader is not built yet")
    claims = ingest(store, [str(SAMPLE)], fmt="ucdp").claims
    geo = tmp_path / "u.geojson"
    assert write_export(store, "geojson", str(geo)) == claims
    features = json.loads(geo.read_text(encoding="utf-8"))["features"]
    # Syria lies east of 35°E and north of 32°N: a swapped pair would fail this
    lon, lat = features[0]["geometry"]["coordinates"]
    assert 35 < lon < 43 and 32 < lat < 38
    for fmt in ("hxl-csv", "acled-csv", "parquet"):
        assert write_export(store, fmt, str(tmp_path / f"u.{fmt}")) == claims


@pytest.mark.slow
def test_ucdp_syria_full_round_trip(shared_data: Path, store: Store, tmp_path: Path) -> None:
    pytest.importorskip("rescuewatch.ingest.ucdp", reason="the UCDP reader is not built yet")
    source = shared_data / "ucdp_ged191_syria_2016-01_2019-11.csv.gz"
    assert _round_trip(source, store, tmp_path, "csv") == 16566


def _claims_from_sample() -> list:
    """UCDP rows as claims built in the test (independent of the ``ucdp`` reader)."""
    import csv
    import datetime as dt

    from rescuewatch.model import Claim, DateSpan, Perpetrator, Place

    precision = {"1": "day", "2": "week", "3": "month", "4": "year", "5": "year"}
    out = []
    with SAMPLE.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            start, end = dt.date.fromisoformat(row["date_start"]), dt.date.fromisoformat(row["date_end"])
            out.append(Claim(
                date=DateSpan(start, end, precision.get(row["date_prec"])),
                place=Place(text=row["where_coordinates"], name=row["where_coordinates"],
                            country="SY", admin1=row["adm_1"] or None,
                            lat=float(row["latitude"]), lon=float(row["longitude"])),
                killed=int(row["best"]), perpetrator=Perpetrator(row["side_a"] or None, None),
                description=row["source_headline"] or None, event_type=row["type_of_violence"],
                row_ref=row["id"], original=dict(row),
            ))
    return out


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_ucdp_rows_as_claims_round_trip(store: Store, tmp_path: Path, fmt: str) -> None:
    from rescuewatch.model import Source
    from tests.export.factory import add_document

    claims = _claims_from_sample()
    add_document(store, Source("ucdp", "UCDP", kind="dataset"), claims, "ged", fmt="ucdp")
    out = tmp_path / f"ged.{fmt}"
    assert write_export(store, fmt, str(out)) == 120
    second = Store.open(f"sqlite:///{tmp_path / 'second.db'}")
    try:
        assert ingest(second, [str(out)]).claims == 120
        before, after = stored_claims(store), stored_claims(second)
        assert [comparable(c) for c, _ in after] == [comparable(c) for c, _ in before]
        assert [c.original["original"] for c, _ in after] == [c.original for c, _ in before]
    finally:
        second.dispose()


def test_ucdp_incidents_in_acled_columns_keep_their_event_type(store: Store,
                                                               tmp_path: Path) -> None:
    """Incidents of UCDP rows: fighting between armed parties is a battle, as each claim's
    ACLED row says, and a context event's casualties are not called protected victims. Every
    weapon-less incident was 'Violence against civilians' before."""
    import csv

    from rescuewatch.link.pipeline import link_store

    ingest(store, [str(SAMPLE)], fmt="ucdp")
    link_store(store)
    claims_out, incidents_out = tmp_path / "claims.csv", tmp_path / "incidents.csv"
    write_export(store, "acled-csv", str(claims_out))
    write_export(store, "acled-csv", str(incidents_out), level="incidents")
    with claims_out.open(encoding="utf-8") as fh:
        claim_types = {(r["event_type"], r["sub_event_type"]) for r in csv.DictReader(fh)}
    with incidents_out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {(r["event_type"], r["sub_event_type"]) for r in rows} <= claim_types
    assert any(r["event_type"] == "Battles" for r in rows)
    assert not any("Protected victims" in (r["notes"] or "") for r in rows if not r["tags"])
