"""Each dataset reader on the small hand-made fixtures in tests/fixtures/ingest (see README)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from rescuewatch.ingest.base import InputFile, choose_reader
from rescuewatch.ingest.pipeline import ingest
from rescuewatch.model import Claim
from rescuewatch.store import Store
from rescuewatch.store.claims import iter_claims
from tests.conftest import Invoker

HERE = Path(__file__).resolve().parent.parent / "fixtures" / "ingest"


def load(store: Store, name: str, fmt: str = "auto") -> dict[str, Claim]:
    report = ingest(store, [str(HERE / name)], fmt=fmt)
    assert report.inputs[0].status == "ingested"
    claims = {c.row_ref: c for c, extra in iter_claims(store)
              if extra["document_origin"].endswith(name)}
    assert len(claims) == report.claims
    return claims  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("name", "reader"),
    [
        ("acled_current.csv", "acled"), ("acled_api.csv", "acled"),
        ("acled_legacy.csv", "acled"), ("who_ssa_export.csv", "who-ssa"),
        ("who_ssa_export.xlsx", "who-ssa"),
        ("insecurity_insight_health_hxl2.csv", "insecurity-insight"),
        ("insecurity_insight_kika_hxl_first_last.csv", "insecurity-insight"),
    ],
)
def test_formats_are_detected_from_headers(name: str, reader: str) -> None:
    assert choose_reader(InputFile.from_path(HERE / name)).name == reader


def test_acled_current_layout(store: Store) -> None:
    claims = load(store, "acled_current.csv")
    assert len(claims) == 12
    ua = claims["UKR900001"]
    assert ua.date.start == ua.date.end == dt.date(2023, 3, 10) and ua.date.precision == "day"
    assert (ua.place.country, ua.place.name, ua.place.admin1) == ("UA", "Kharkiv", "Kharkiv")
    assert (ua.place.lat, ua.place.lon, ua.place.precision) == (49.9935, 36.2304, "city")
    assert ua.categories == ["ambulance", "medic"] and ua.protected
    assert ua.weapon == "artillery"
    assert ua.perpetrator.text == "Military Forces of Russia (2000-)"
    assert ua.event_type == "Explosions/Remote violence: Shelling/artillery/missile attack"
    assert ua.original is not None and ua.original["fatalities"] == "1"
    assert list(ua.original) == next(csv.reader((HERE / "acled_current.csv").open()))
    assert claims["UKR900002"].date.precision == "week"
    assert claims["UKR900002"].weapon == "drone"  # "Air/drone strike" refined by the notes
    assert claims["SYR900006"].date.precision == "month"
    assert claims["SYR900006"].place.precision == "admin1"
    # context events: kept, with their fatalities, marked as not about protected people
    for ref in ("SYR900002", "SYR900003", "SDN900001", "SDN900002"):
        assert not claims[ref].protected
    assert claims["SYR900003"].killed == 5 and claims["SYR900003"].place.precision == "district"
    assert not claims["SYR900005"].protected  # a protest by health workers is not an attack on them
    assert claims["SYR900004"].categories == ["rescuer"]
    assert claims["SYR900004"].weapon == "small_arms"


def _mirror(claim: Claim) -> tuple[object, ...]:
    return (claim.date, claim.categories, claim.weapon, claim.killed, claim.injured,
            claim.place.precision, claim.date.precision, claim.description,
            [(v.killed, v.injured, v.affected, v.harm) for v in claim.victims])


@pytest.mark.parametrize(
    ("name", "pairs"),
    [
        ("acled_current.csv", [("UKR900001", "RUS900001"), ("UKR900002", "RUS900002")]),
        ("acled_legacy.csv", [("SYR8001", "SYR8002")]),
        ("insecurity_insight_health_hxl2.csv", [("990001", "990002")]),
        ("insecurity_insight_kika_hxl_first_last.csv", [("990101", "990102")]),
        ("who_ssa_export.csv", [("7001", "7002")]),
    ],
)
def test_mirror_rows_give_mirror_claims(store: Store, name: str,
                                        pairs: list[tuple[str, str]]) -> None:
    claims = load(store, name)
    for left, right in pairs:
        assert _mirror(claims[left]) == _mirror(claims[right])
        assert claims[left].perpetrator.text != claims[right].perpetrator.text or (
            claims[left].perpetrator.text is None)


def test_acled_api_layout(store: Store) -> None:
    claims = load(store, "acled_api.csv")
    assert len(claims) == 6
    ua = claims["UKR900001"]
    assert ua.place.country == "UA" and ua.original is not None
    assert ua.original["data_id"] == "10000001" and ua.original["iso3"] == "UKR"
    assert ua.extractor_version is not None and ua.extractor_version.endswith("/api")


def test_acled_legacy_layout_and_short_dates(store: Store) -> None:
    claims = load(store, "acled_legacy.csv")
    first = claims["SYR8001"]
    assert first.date.start == dt.date(2020, 5, 9)  # "9-May-20"
    assert claims["SYR8003"].date.start == dt.date(2016, 1, 14)
    assert claims["SYR8003"].date.precision == "week"
    assert first.categories == ["health_facility", "health_worker"]
    assert first.event_type == "Remote violence" and first.place.country == "SY"
    assert first.original is not None and first.original["ALLY_ACTOR_1"] == ""
    assert first.extractor_version is not None and first.extractor_version.endswith("/legacy")


def test_acled_xlsx_export(store: Store, tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    with (HERE / "acled_current.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh):
            wb.active.append(row)
    path = tmp_path / "acled.xlsx"
    wb.save(path)
    report = ingest(store, [str(path)])
    assert report.inputs[0].format == "acled" and report.claims == 12


@pytest.mark.parametrize("name", ["who_ssa_export.csv", "who_ssa_export.xlsx"])
def test_who_ssa_both_date_styles_certainty_and_countries(store: Store, name: str) -> None:
    claims = load(store, name)
    assert len(claims) == 6
    first = claims["7001"]
    assert first.date.start == dt.date(2024, 2, 8) and first.time_of_day == "14:30"
    assert first.reported_certainty == "confirmed"
    assert (first.place.country, first.place.precision, first.place.lat) == ("UA", "country", None)
    assert first.categories == ["ambulance", "health_worker"]
    worker = next(v for v in first.victims if v.category == "health_worker")
    assert (worker.killed, worker.injured) == (1, 3)  # only personnel were hit: totals are theirs
    assert claims["7003"].place.country == "PS"
    assert claims["7003"].reported_certainty == "probable"
    assert claims["7003"].categories == ["health_facility", "health_worker", "patient"]
    assert all(v.killed is None for v in claims["7003"].victims)  # shared totals are not split
    assert claims["7004"].reported_certainty == "possible" and claims["7004"].weapon == "other"
    detained = claims["7005"].victims[0]
    assert (detained.category, detained.affected, detained.harm) == ("health_worker", 2, "arrest")
    assert claims["7006"].weapon is None and claims["7006"].event_type == "Psychological violence"


def test_insecurity_insight_csv_with_synonyms_and_unknown_columns(store: Store) -> None:
    claims = load(store, "insecurity_insight_health_hxl2.csv")
    assert len(claims) == 5  # the hashtag row is not a data row
    ua = claims["990001"]
    assert ua.categories == ["ambulance", "medic"]  # EMS professions only: medic
    medic = next(v for v in ua.victims if v.category == "medic")
    assert (medic.killed, medic.injured) == (0, 2)
    ambulance = next(v for v in ua.victims if v.category == "ambulance")
    assert (ambulance.affected, ambulance.harm) == (1, "destroyed")
    assert ua.weapon == "drone" and ua.place.precision == "near"
    assert ua.perpetrator.text == "Armed Forces of the Russian Federation"
    assert ua.original is not None
    assert ua.original["Indicator Added In A Later Release"] == "some value"
    censored = claims["990003"]
    assert censored.place.precision == "censored" and censored.place.lat is None
    assert censored.perpetrator.text == "Government: Military"  # the name was withheld
    taken = claims["990004"]
    assert taken.categories == ["ambulance", "medic"]
    assert next(v for v in taken.victims if v.category == "ambulance").harm == "taken"
    quiet = claims["990005"]
    assert not quiet.protected and quiet.weapon is None and quiet.perpetrator.text is None
    assert quiet.place.admin1 is None and quiet.place.country == "PS"


def test_kika_csv_with_hashtags_first_and_last(store: Store) -> None:
    claims = load(store, "insecurity_insight_kika_hxl_first_last.csv")
    assert sorted(claims) == ["990101", "990102", "990103", "990104"]
    killed = claims["990101"].victims[0]
    assert (killed.category, killed.killed) == ("aid_worker", 1)
    assert claims["990103"].date.precision == "month"
    # coded 2021-03-15, "the event occurred within this month": any day of March, not only
    # the 15th to the 31st
    span = claims["990103"].date
    assert (span.start, span.end) == (dt.date(2021, 3, 1), dt.date(2021, 3, 31))
    assert claims["990103"].victims[0].harm == "arrested"
    assert claims["990104"].date.precision == "week"
    assert claims["990104"].place.precision == "country" and claims["990104"].place.lat is None
    original = claims["990101"].original
    assert original is not None and "Aid Workers Injured #2" in original


def test_ingest_cli_json_report(rw: Invoker) -> None:
    result = rw("ingest", "--json", str(HERE / "acled_current.csv"),
                str(HERE / "who_ssa_export.xlsx"))
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["claims"] == 18
    assert [i["format"] for i in data["inputs"]] == ["acled", "who-ssa"]
    again = rw("ingest", str(HERE / "acled_current.csv"))
    assert again.exit_code == 0 and "already stored" in again.output


def test_a_duplicate_says_when_its_language_option_does_not_apply(rw: Invoker,
                                                                   tmp_path: Path) -> None:
    # identical bytes are never read again: --lang on a second ingest was dropped without a word
    text = tmp_path / "a.txt"
    text.write_text("Source: Test Wire\nDate: 2024-03-05\n\nA shelling hit an ambulance in "
                    "Kherson on 4 March, killing two paramedics.\n", encoding="utf-8")
    assert rw("ingest", str(text)).exit_code == 0
    other = rw("ingest", "--lang", "uk", str(text))
    assert other.exit_code == 0
    assert other.output.strip().endswith(
        "nothing to do; it was read as en text, and identical bytes are never read again, "
        "so --lang uk does not apply")
    assert "note" not in rw("ingest", "--lang", "en", str(text)).output
    as_json = json.loads(rw("ingest", "--json", "--lang", "ru", str(text)).output)
    assert as_json["inputs"][0]["note"].endswith("--lang ru does not apply")
    ran = rw("run", "--no-report", "--lang", "ru", str(text))
    assert "(it was read as en text" in ran.output, ran.output
    # a dataset has no language of its own to differ from
    assert rw("ingest", str(HERE / "acled_current.csv")).exit_code == 0
    again = rw("ingest", "--lang", "ru", str(HERE / "acled_current.csv"))
    assert "already stored" in again.output and "does not apply" not in again.output


def test_a_workbook_with_a_merged_title_above_its_header(rw: Invoker, tmp_path: Path) -> None:
    """A sheet saved for people to read: a merged title and a source line above the column
    names. The title was taken for the header: "not in any known format", and under
    --format the date column was "missing" from row 1. Rows keep their sheet numbers."""
    openpyxl = pytest.importorskip("openpyxl")

    book = openpyxl.load_workbook(HERE / "who_ssa_export.xlsx")
    sheet = book.worksheets[0]
    sheet.insert_rows(1, 3)
    sheet["A1"] = "Attacks on health care, 2023-2024"
    sheet.merge_cells("A1:F1")
    sheet["A2"] = "Source: WHO SSA dashboard"
    path = tmp_path / "titled.xlsx"
    book.save(path)
    result = rw("ingest", "--json", str(path), str(HERE / "who_ssa_export.xlsx"))
    assert result.exit_code == 0, result.output
    claims = [json.loads(line) for line in rw("export", "--format", "jsonl").output.splitlines()]
    keep = ("row_ref", "date_start", "time_of_day", "country", "reported_certainty", "killed",
            "injured", "categories", "original")
    titled, plain = ([{k: c.get(k) for k in keep} for c in claims
                      if Path(c["document_origin"]).name == name]
                     for name in ("titled.xlsx", "who_ssa_export.xlsx"))
    assert titled == plain and len(plain) == 6
    sheet["D6"] = "Nowhere"  # row 2 of the data, sheet row 6
    sheet["E6"] = "Unheard of"
    book.save(path)
    bad = rw("ingest", str(path))
    assert bad.exit_code == 2
    assert "titled.xlsx, row 6, column 'Certainty Level': unknown certainty level" in bad.output


@pytest.mark.parametrize("labelled", ["Country", "Date"])
def test_a_totals_row_is_an_aggregate_not_an_event(rw: Invoker, tmp_path: Path,
                                                   labelled: str) -> None:
    """A spreadsheet user's "Total" row under the data (no date, no id, every count summed)
    became one more claim of an incident that never was: an aggregate, as the design keeps
    aggregate statements, never counted as an incident. With the label in the date column
    (a sheet's first column), the file was refused: "not a date"."""
    with (HERE / "insecurity_insight_health_hxl2.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    killed = header.index("Health Workers Killed")
    total = [""] * len(header)
    total[header.index(labelled)] = "Total"
    total[killed] = str(sum(int(r[killed] or 0) for r in rows[2:]))
    path = tmp_path / "with_total.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([*rows, [], total])
    result = rw("ingest", "--json", str(path))
    assert result.exit_code == 0, result.output
    claims = [json.loads(line) for line in rw("export", "--format", "jsonl").output.splitlines()]
    assert len(claims) == len(rows) - 1  # every row kept, the total too
    assert [c["is_aggregate"] for c in claims] == [False] * (len(rows) - 2) + [True]
    assert claims[-1]["killed"] == int(total[killed]) > 0
    assert claims[-1]["original"][labelled] == "Total"  # as the file has it
    assert rw("link").exit_code == 0  # the total joins no incident; every event has one
    linked = [json.loads(line) for line in rw("export", "--format", "jsonl").output.splitlines()]
    assert [c["incident_id"] is None for c in linked] == [False] * (len(rows) - 2) + [True]


def test_a_mac_workbook_counting_days_from_1904_gives_the_days_it_shows(
        rw: Invoker, tmp_path: Path) -> None:
    """Excel for Mac once counted serial dates from 1904: read from 1900, every date would be
    four years and a day early."""
    import openpyxl
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    book = openpyxl.Workbook()
    book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    sheet.append(["Date", "Country ISO", "Health Workers Killed", "SiND Event ID"])
    sheet.append([dt.datetime(2024, 1, 2), "UKR", 1, 1])
    sheet.append([dt.datetime(2023, 6, 15), "RUS", 2, 2])
    path = tmp_path / "mac.xlsx"
    book.save(path)
    assert rw("ingest", str(path)).exit_code == 0
    claims = [json.loads(line) for line in rw("export", "--format", "jsonl").output.splitlines()]
    assert [c["date_start"] for c in claims] == ["2024-01-02", "2023-06-15"]
