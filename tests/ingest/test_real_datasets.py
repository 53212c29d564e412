"""The readers on the real datasets in ../shared/data, checked value by value against the source
as pandas and openpyxl read it (counts, row ids, dates, coordinates, precisions, casualties).

Data: UCDP GED (CC BY 4.0, Sundberg & Melander 2013; Högbladh 2019), Insecurity Insight and
SHCC (CC BY-SA 4.0); see ../shared/data/PROVENANCE.md.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from rescuewatch.ingest.insecurity_insight import geo_precision
from rescuewatch.ingest.pipeline import ingest
from rescuewatch.ingest.ucdp import DATE_PRECISION, PLACE_PRECISION
from rescuewatch.store import Store
from rescuewatch.store import schema as s
from rescuewatch.store.claims import iter_claims

pd = pytest.importorskip("pandas")


def stored(store: Store) -> list[dict[str, Any]]:
    """Every claim row, in file order."""
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(s.claims).order_by(s.claims.c.id)).mappings()]


def victims(store: Store, category: str) -> dict[int, dict[str, Any]]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(s.claim_victims).where(s.claim_victims.c.category == category))
        return {r["claim_id"]: dict(r) for r in rows.mappings()}


def _same_float(a: float | None, b: Any) -> bool:
    if b is None or (isinstance(b, float) and math.isnan(b)) or b == "":
        return a is None
    return a is not None and abs(a - float(b)) < 1e-9


def _check_ucdp(store: Store, frame: Any, country: str) -> None:
    rows = stored(store)
    assert len(rows) == len(frame)
    assert [r["row_ref"] for r in rows] == [str(int(float(x))) for x in frame["id"]]
    assert [r["date_start"].isoformat() for r in rows] == [d[:10] for d in frame["date_start"]]
    assert [r["date_end"].isoformat() for r in rows] == [d[:10] for d in frame["date_end"]]
    assert [r["date_precision"] for r in rows] == [DATE_PRECISION[p] for p in frame["date_prec"]]
    assert [r["place_precision"] for r in rows] == [
        PLACE_PRECISION.get(p) for p in frame["where_prec"]]
    assert all(_same_float(r["lat"], v) for r, v in zip(rows, frame["latitude"], strict=True))
    assert all(_same_float(r["lon"], v) for r, v in zip(rows, frame["longitude"], strict=True))
    assert [r["killed"] for r in rows] == [int(b) for b in frame["best"]]
    assert {r["country"] for r in rows} == {country}
    assert not any(r["protected"] for r in rows)
    first = next(iter_claims(store))[0].original  # the original, rebuilt from stored values
    assert first is not None and list(first) == list(frame.columns)
    assert (first["low"], first["high"]) == (frame["low"].iloc[0], frame["high"].iloc[0])


def test_ucdp_syria_all_rows(shared_data: Path, store: Store) -> None:
    path = shared_data / "ucdp_ged191_syria_2016-01_2019-11.csv.gz"
    report = ingest(store, [str(path)])
    assert report.inputs[0].format == "ucdp" and report.claims == 16566
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert len(frame.columns) == 41
    _check_ucdp(store, frame, "SY")


def test_ucdp_ukraine_hdx_with_hashtag_row(shared_data: Path, store: Store) -> None:
    path = shared_data / "ucdp_ged_hdx_ukraine_2014-2021_conflict_data_ukr.csv"
    report = ingest(store, [str(path)])
    assert report.inputs[0].format == "ucdp" and report.claims == 2989
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, skiprows=[1])
    assert len(frame.columns) == 50
    _check_ucdp(store, frame, "UA")
    # GED names both sides of a dyadic event: both are recorded, in the dataset's order
    rows = stored(store)
    two_sided = frame["type_of_violence"] != "3"
    expected = [f"{a}; {b}" if dyadic else a for a, b, dyadic in
                zip(frame["side_a"], frame["side_b"], two_sided, strict=True)]
    assert [r["perpetrator_text"] for r in rows] == expected


def _sheet(path: Path) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Header and data rows as openpyxl reads the first sheet (hashtag rows dropped)."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    rows = [r for r in wb.worksheets[0].iter_rows(values_only=True)
            if any(v not in (None, "") for v in r)]
    wb.close()
    hashtag = [all(str(v).startswith("#") for v in r if v not in (None, "")) for r in rows]
    rows = [r for r, tag in zip(rows, hashtag, strict=True) if not tag]
    return [str(c) for c in rows[0]], rows[1:]


def _day(value: Any) -> str:
    return (value.date() if isinstance(value, dt.datetime) else value).isoformat()


def _check_insecurity_insight(store: Store, path: Path, expected: int) -> tuple[
        list[str], list[tuple[Any, ...]], list[dict[str, Any]]]:
    report = ingest(store, [str(path)])
    assert report.inputs[0].format == "insecurity-insight" and report.claims == expected
    header, data = _sheet(path)
    rows = stored(store)
    assert len(rows) == len(data) == expected
    col = {name: header.index(name) for name in reversed(header)}  # first of repeated names
    assert [r["row_ref"] for r in rows] == [str(int(float(d[col["SiND Event ID"]])))
                                            for d in data]
    # the coded day starts the span, or for a month- or year-precise row lies in it
    coded = [dt.date.fromisoformat(_day(d[col["Date"]])) for d in data]
    assert all(r["date_start"] == day if r["date_precision"] not in ("month", "year")
               else r["date_start"] <= day <= r["date_end"]
               for r, day in zip(rows, coded, strict=True))
    assert all(_same_float(r["lat"], d[col["Latitude"]]) for r, d in zip(rows, data, strict=True))
    assert all(_same_float(r["lon"], d[col["Longitude"]]) for r, d in zip(rows, data, strict=True))
    assert [r["place_precision"] for r in rows] == [geo_precision(d[col["Geo Precision"]])
                                                    for d in data]
    return header, data, rows


def test_insecurity_insight_health_care_censored(shared_data: Path, store: Store) -> None:
    path = shared_data / "insecurity_insight_2016-2026_pse_attacks_on_health_care_incident_data.xlsx"
    header, data, rows = _check_insecurity_insight(store, path, 4218)
    # withheld locations stay "censored", never missing
    assert {r["place_precision"] for r in rows} == {"censored"}
    assert {r["country"] for r in rows} == {"PS"}
    killed = header.index("Health Workers Killed")
    stored_killed = sum((v["killed"] or 0) for cat in ("health_worker", "medic")
                        for v in victims(store, cat).values())
    assert stored_killed == sum(int(d[killed] or 0) for d in data)
    ems = header.index("Attacks on Emergency Medical Services")
    flagged = {r["id"] for r, d in zip(rows, data, strict=True)
               if d[ems] == "AttacksOnEmergencyMedicalServices"}
    responders = set(victims(store, "medic")) | set(victims(store, "ambulance"))
    assert flagged and flagged <= responders
    # hospital utilities hit (EnergySupplies) are harm to the facility
    utilities = header.index("Hospital Utilities Affected")
    hit = {r["id"] for r, d in zip(rows, data, strict=True) if d[utilities] == "EnergySupplies"}
    facilities = victims(store, "health_facility")
    assert hit and hit <= set(facilities)
    assert all("utilities affected: EnergySupplies" in facilities[i]["harm"] for i in hit)


def test_shcc_health_care_with_hashtag_row_two(shared_data: Path, store: Store) -> None:
    path = shared_data / "shcc_2023-2024_pse_health_care_data.xlsx"
    header, data, rows = _check_insecurity_insight(store, path, 2531)
    precisions = {r["place_precision"] for r in rows}
    assert precisions == {"near", "district", "admin1", "country"}
    destroyed = header.index("Health Transportation Destroyed")
    with_transport = sum(1 for d in data if (d[destroyed] or 0) > 0)
    assert len(victims(store, "ambulance")) >= with_transport > 0
    assert sum(r["protected"] for r in rows) > 0.5 * len(rows)
    # killed is the coded number, 0 included (a building hit, nobody killed), never dropped
    hw_killed, hw_injured = header.index("Health Workers Killed"), header.index("Health Workers Injured")
    coded = [(d[hw_killed], d[hw_injured]) for d in data]
    assert [(r["killed"], r["injured"]) for r in rows] == [
        (None if k is None else int(k), None if i is None else int(i)) for k, i in coded]
    people = set(victims(store, "health_worker")) | set(victims(store, "medic"))
    assert sum(1 for r in rows if r["killed"] == 0 and r["id"] not in people) > 1000


def test_kika_aid_workers_hashtags_first_and_last(shared_data: Path, store: Store) -> None:
    path = shared_data / "insecurity_insight_2020-2023_aid_worker_kika_incident_data.xlsx"
    header, data, rows = _check_insecurity_insight(store, path, 927)
    killed, injured = header.index("Aid Workers Killed"), header.index("Aid Workers Injured")
    aid = victims(store, "aid_worker")
    assert sum(v["killed"] or 0 for v in aid.values()) == sum(int(d[killed] or 0) for d in data)
    assert sum(v["injured"] or 0 for v in aid.values()) == sum(int(d[injured] or 0) for d in data)
    assert {r["date_precision"] for r in rows} == {"day", "week", "month", "year"}
    assert all(r["description"] for r in rows[:50])
    # a month- or year-precise row allows every day of its month or year, whichever day is
    # coded ("2021-05-15", Month: "May 2021: An LNGO aid worker was killed.")
    for r in rows:
        start, end = (dt.date.fromisoformat(str(r[k])[:10]) for k in ("date_start", "date_end"))
        if r["date_precision"] == "month":
            assert start.day == 1 and end.month == start.month
            assert (end + dt.timedelta(days=1)).day == 1
        elif r["date_precision"] == "year":
            assert (start.month, start.day) == (1, 1)
            assert (end.month, end.day, end.year) == (12, 31, start.year)
        else:
            assert end == start


def test_example_samples_load_whole(store: Store) -> None:
    """The credited samples in examples/datasets: every row loads, formats detected."""
    folder = Path(__file__).resolve().parents[2] / "examples" / "datasets"
    if not folder.is_dir():
        pytest.skip("examples/datasets is absent")
    report = ingest(store, [str(folder)])
    expected = {}
    for path in sorted(folder.iterdir()):
        if path.suffix == ".csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            hashtags = frame.iloc[0].str.startswith("#").any()
            expected[str(path)] = ("ucdp", len(frame) - int(hashtags))
        elif path.suffix == ".xlsx":
            expected[str(path)] = ("insecurity-insight", len(_sheet(path)[1]))
    assert {i.origin: (i.format, i.claims) for i in report.inputs} == expected
