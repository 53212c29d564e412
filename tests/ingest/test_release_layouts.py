"""Each dataset reader on the column layout of every public release an analyst may hold.

Every header here is a release's real one (where each comes from: tests/fixtures/ingest/README.md,
"Release layouts"); the rows are invented for these tests, two per file, the same event with the
two sides swapped, so that the checks also show both sides read alike. Each layout must be
detected from its header, load every row, map dates, places, precisions, counts and actors as the
reader's docs say, keep its row id and keep every column, known or not, in the originals.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from rescuewatch.ingest.base import InputFile, choose_reader
from rescuewatch.ingest.pipeline import ingest
from rescuewatch.model import Claim
from rescuewatch.store import Store
from rescuewatch.store.claims import iter_claims
from tests.conftest import Invoker

Row = dict[str, str]


def columns(names: str) -> list[str]:
    """A header written as one comma-separated line."""
    return names.split(",")


def write(path: Path, header: Sequence[str], rows: list[Row], hxl: Sequence[str] = ()) -> Path:
    """A CSV file of ``rows`` (values by column name, blank elsewhere) under ``header``."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(header)
        if hxl:
            out.writerow(hxl)
        out.writerows([row.get(name, "") for name in header] for row in rows)
    return path


def load(store: Store, path: Path, reader: str) -> dict[str, Claim]:
    """The claims of ``path`` by row id, after checking its format is told from its header."""
    assert choose_reader(InputFile.from_path(path)).name == reader
    report = ingest(store, [str(path)])
    assert report.inputs[0].format == reader
    claims = {c.row_ref or "": c for c, _ in iter_claims(store)}
    assert len(claims) == report.claims
    return claims


# --- UCDP GED -----------------------------------------------------------------------------------

#: GED 5.0 (2016): the estimates named best_est, high_est, low_est; no relid, code_status,
#: where_description, gwnoa or gwnob.
GED_50 = columns(
    "id,year,active_year,type_of_violence,conflict_dset_id,conflict_new_id,conflict_name,"
    "dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,side_b_dset_id,"
    "side_b_new_id,side_b,number_of_sources,source_article,source_office,source_date,"
    "source_headline,source_original,where_prec,where_coordinates,adm_1,adm_2,latitude,"
    "longitude,geom_wkt,priogrid_gid,country,country_id,region,event_clarity,date_prec,"
    "date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best_est,high_est,"
    "low_est")
#: GED 17.1 to 19.1: 42 columns, the estimates ordered low, best, high.
GED_42 = columns(
    "id,year,active_year,type_of_violence,conflict_new_id,conflict_name,dyad_new_id,dyad_name,"
    "side_a_new_id,gwnoa,side_a,side_b_new_id,gwnob,side_b,number_of_sources,source_article,"
    "source_office,source_date,source_headline,source_original,where_prec,where_coordinates,"
    "adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,region,"
    "event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,"
    "deaths_unknown,low,best,high")
#: GED 20.1 to 25.1 and the monthly candidate releases: 49 columns (relid, code_status, the
#: *_dset_id columns and where_description added; best, high, low; gwnoa, gwnob last).
GED_49 = columns(
    "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,"
    "conflict_name,dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,"
    "side_b_dset_id,side_b_new_id,side_b,number_of_sources,source_article,source_office,"
    "source_date,source_headline,source_original,where_prec,where_coordinates,"
    "where_description,adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,"
    "country_id,region,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,"
    "deaths_civilians,deaths_unknown,best,high,low,gwnoa,gwnob")
#: The per-country copies on HDX: the 49 columns with iso3 after country, and an HXL row.
GED_HDX = [*GED_49[:34], "iso3", *GED_49[34:]]
GED_HDX_TAGS = {"year": "#date+year", "side_a": "#group+name+first",
                "side_b": "#group+name+second", "source_article": "#meta+source",
                "source_headline": "#description", "where_coordinates": "#loc+name",
                "adm_1": "#adm1+name", "adm_2": "#adm2+name", "latitude": "#geo+lat",
                "longitude": "#geo+lon", "country": "#country+name", "iso3": "#country+code",
                "region": "#region+name", "date_start": "#date+start", "date_end": "#date+end",
                "best": "#affected+killed"}


def _ged_rows(start: str, end: str) -> list[Row]:
    common = {"year": "2021", "active_year": "1", "type_of_violence": "1",
              "code_status": "Clear", "relid": "XXX-2021-1-0001-1",
              "where_prec": "2", "date_prec": "3", "date_start": start, "date_end": end,
              "best": "4", "low": "3", "high": "9", "geom_wkt": "POINT (36.2 49.9)",
              "source_headline": "Invented headline", "number_of_sources": "2"}
    return [
        common | {"id": "990001", "side_a": "Government of Ukraine", "side_b": "Government of Russia (Soviet Union)",
                  "country": "Ukraine", "country_id": "369", "iso3": "UKR",
                  "adm_1": "Kharkiv oblast", "where_coordinates": "Kharkiv town",
                  "latitude": "49.9935", "longitude": "36.2304"},
        common | {"id": "990002", "side_a": "Government of Russia (Soviet Union)", "side_b": "Government of Ukraine",
                  "country": "Russia (Soviet Union)", "country_id": "365", "iso3": "RUS",
                  "adm_1": "Belgorod oblast", "where_coordinates": "Belgorod town",
                  "latitude": "50.5997", "longitude": "36.5983"},
        common | {"id": "990003", "type_of_violence": "3", "side_a": "Invented armed group",
                  "side_b": "Civilians", "where_prec": "6", "date_prec": "5",
                  "country": "Ukraine", "country_id": "369", "iso3": "UKR",
                  "latitude": "49.0", "longitude": "32.0", "best": "0", "low": "0",
                  "high": "0"},
    ]


@pytest.mark.parametrize(
    ("layout", "header", "start", "end"),
    [
        ("ged50", GED_50, "2021-03-01", "2021-03-07"),
        ("ged191", GED_42, "2021-03-01", "2021-03-07"),
        ("ged251", GED_49, "2021-03-01", "2021-03-07"),
        # GED 20.1 to 22.1 wrote the dates with a time of day
        ("ged201", GED_49, "2021-03-01 00:00:00.000", "2021-03-07 00:00:00.000"),
        ("hdx", GED_HDX, "2021-03-01 00:00:00.000", "2021-03-07 00:00:00.000"),
    ],
)
def test_ucdp_ged_releases(store: Store, tmp_path: Path, layout: str, header: list[str],
                           start: str, end: str) -> None:
    hxl = [GED_HDX_TAGS.get(c, "") for c in header] if layout == "hdx" else []
    rows = _ged_rows(start, end)
    if layout == "ged50":
        rows = [{f"{k}_est" if k in ("best", "low", "high") else k: v for k, v in row.items()}
                for row in rows]
    claims = load(store, write(tmp_path / f"{layout}.csv", header, rows, hxl), "ucdp")
    assert sorted(claims) == ["990001", "990002", "990003"]
    ua, ru, one_sided = claims["990001"], claims["990002"], claims["990003"]
    assert (ua.date.start, ua.date.end, ua.date.precision) == (
        dt.date(2021, 3, 1), dt.date(2021, 3, 7), "week")
    assert (ua.place.lat, ua.place.lon, ua.place.precision) == (49.9935, 36.2304, "near")
    assert (ua.place.country, ru.place.country) == ("UA", "RU")
    assert (ua.place.name, ua.place.admin1) == ("Kharkiv town", "Kharkiv oblast")
    assert ua.killed == 4 and not ua.protected and ua.event_type == "state-based conflict"
    assert ua.perpetrator.text == "Government of Ukraine; Government of Russia (Soviet Union)"
    assert ru.perpetrator.text == "Government of Russia (Soviet Union); Government of Ukraine"
    assert one_sided.perpetrator.text == "Invented armed group"  # side_a is held responsible
    assert one_sided.place.precision == "country" and one_sided.date.precision == "year"
    assert one_sided.killed == 0
    assert ua.original is not None and list(ua.original) == header
    low, high = ("low_est", "high_est") if layout == "ged50" else ("low", "high")
    assert (ua.original[low], ua.original[high]) == ("3", "9")
    assert ua.original["geom_wkt"] == "POINT (36.2 49.9)"
    if "relid" in header:
        assert ua.original["relid"] == "XXX-2021-1-0001-1"


@pytest.mark.parametrize(
    ("name", "code"),
    [("Kingdom of eSwatini (Swaziland)", "SZ"), ("Macedonia, FYR", "MK"),
     ("North Macedonia", "MK"), ("DR Congo (Zaire)", "CD"), ("Russia (Soviet Union)", "RU"),
     ("Serbia (Yugoslavia)", "RS"), ("Yemen (North Yemen)", "YE"), ("Ivory Coast", "CI"),
     ("Cambodia (Kampuchea)", "KH"), ("Myanmar (Burma)", "MM"), ("Bosnia-Herzegovina", "BA"),
     ("Zimbabwe (Rhodesia)", "ZW"), ("Vietnam (North Vietnam)", "VN"), ("Laos", "LA")],
)
def test_ucdp_country_names(name: str, code: str) -> None:
    """GED names countries as the Gleditsch-Ward list does, with no ISO code but in the HDX
    copies: each name gives its country."""
    from rescuewatch.ingest.countries import country_code

    assert country_code(None, name) == code


def test_ucdp_ged_workbook(store: Store, tmp_path: Path) -> None:
    """A GED release saved as a workbook: dates and numbers as spreadsheet values."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(GED_49)
    for row in _ged_rows("2021-03-01", "2021-03-07"):
        cells: list[object] = [row.get(c, "") for c in GED_49]
        for name in ("date_start", "date_end"):
            cells[GED_49.index(name)] = dt.datetime.fromisoformat(row[name])
        for name in ("id", "best", "low", "high", "where_prec", "date_prec", "type_of_violence"):
            cells[GED_49.index(name)] = int(row[name])
        for name in ("latitude", "longitude"):
            cells[GED_49.index(name)] = float(row[name])
        book.active.append(cells)
    path = tmp_path / "ged251.xlsx"
    book.save(path)
    claims = load(store, path, "ucdp")
    assert sorted(claims) == ["990001", "990002", "990003"]
    ua = claims["990001"]
    assert ua.date.start == dt.date(2021, 3, 1) and ua.date.precision == "week"
    assert ua.killed == 4 and ua.place.precision == "near" and ua.place.lat == 49.9935


# --- ACLED --------------------------------------------------------------------------------------

#: The export tool and API since 2023 (disorder_type, civilian_targeting, tags added).
ACLED_CURRENT = columns(
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,"
    "actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,"
    "region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,"
    "source_scale,notes,fatalities,tags,timestamp")
#: The export tool and API of 2019 to 2022: data_id, event_id_no_cnty and iso3, sub-event types.
ACLED_2019 = columns(
    "data_id,iso,event_id_cnty,event_id_no_cnty,event_date,year,time_precision,event_type,"
    "sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,region,"
    "country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,"
    "notes,fatalities,timestamp,iso3")
#: The API before sub-event types (2018): assoc_actor_*, no sub_event_type.
ACLED_2018 = [c for c in ACLED_2019 if c != "sub_event_type"]
#: The regional files before 2018: upper case, GWNO, ALLY_ACTOR_*, no source scale.
ACLED_LEGACY = columns(
    "GWNO,EVENT_ID_CNTY,EVENT_ID_NO_CNTY,EVENT_DATE,YEAR,TIME_PRECISION,EVENT_TYPE,ACTOR1,"
    "ALLY_ACTOR_1,INTER1,ACTOR2,ALLY_ACTOR_2,INTER2,INTERACTION,COUNTRY,ADMIN1,ADMIN2,ADMIN3,"
    "LOCATION,LATITUDE,LONGITUDE,GEO_PRECISION,SOURCE,NOTES,FATALITIES")
#: API exports asked for the population estimates.
ACLED_POPULATION = [*ACLED_CURRENT, "population_1km", "population_2km", "population_5km",
                    "population_best"]
#: Hashtags of the HXL row under the header of ACLED's per-country copies on HDX (the reader
#: skips any hashtag row, whatever its tags).
ACLED_HDX_TAGS = {"iso": "#country+code", "event_id_cnty": "#event+code",
                  "event_date": "#date+occurred", "year": "#date+year",
                  "event_type": "#event+type", "actor1": "#group+name+first",
                  "actor2": "#group+name+second", "country": "#country+name",
                  "admin1": "#adm1+name", "location": "#loc+name", "latitude": "#geo+lat",
                  "longitude": "#geo+lon", "notes": "#description",
                  "fatalities": "#affected+killed"}
#: The API since 2025 returns the fields asked for: here without assoc_actor_*, admin3,
#: timestamp.
ACLED_FIELDS = [c for c in ACLED_CURRENT
                if c not in ("assoc_actor_1", "assoc_actor_2", "admin3", "timestamp")]


def _acled_rows(first: str, second: str, legacy: bool = False) -> list[Row]:
    notes = ("Shelling hit an ambulance crew that had come to the wounded; two paramedics "
             "were injured.")
    common = {"year": "2020", "event_type": "Explosions/Remote violence",
              "sub_event_type": "Shelling/artillery/missile attack",
              "disorder_type": "Political violence", "civilian_targeting": "Civilian targeting",
              "region": "Europe", "source": "Invented source", "source_scale": "National",
              "notes": notes, "fatalities": "1", "tags": "invented tag", "timestamp": "1600000000",
              "inter1": "8", "actor2": "Civilians", "inter2": "7", "interaction": "78",
              "population_best": "12345", "event_id_no_cnty": "9901"}
    rows = [
        common | {"event_id_cnty": "UKR9901", "data_id": "1", "iso": "804", "iso3": "UKR",
                  "gwno": "369", "event_date": first, "time_precision": "1",
                  "actor1": "Military Forces of Russia (2000-)", "country": "Ukraine",
                  "admin1": "Kharkiv", "location": "Kharkiv", "latitude": "49.9935",
                  "longitude": "36.2304", "geo_precision": "1"},
        common | {"event_id_cnty": "RUS9901", "data_id": "2", "iso": "643", "iso3": "RUS",
                  "gwno": "365", "event_date": second, "time_precision": "2",
                  "actor1": "Military Forces of Ukraine (2019-)", "country": "Russia",
                  "admin1": "Belgorod", "location": "Belgorod", "latitude": "50.5997",
                  "longitude": "36.5983", "geo_precision": "2"},
    ]
    if legacy:
        return [{k.upper(): v for k, v in row.items()} | {"EVENT_TYPE": "Remote violence"}
                for row in rows]
    return rows


@pytest.mark.parametrize(
    ("layout", "header", "first", "second", "version"),
    [
        ("current", ACLED_CURRENT, "2020-05-09", "2020-05-13", "current"),
        # the export tool wrote dates out ("09 May 2020"), older ones "9-May-20"
        ("export-2019", ACLED_2019, "09 May 2020", "13 May 2020", "api"),
        ("export-2019-short", ACLED_2019, "9-May-20", "13-May-20", "api"),
        ("api-2018", ACLED_2018, "2020-05-09", "2020-05-13", "legacy"),
        ("legacy", ACLED_LEGACY, "09/05/2020", "13/05/2020", "legacy"),
        # the regional files of 2016 to 2018 wrote the month out in full
        ("legacy", ACLED_LEGACY, "09-May-2020", "13-September-2020", "legacy"),
        ("population", ACLED_POPULATION, "2020-05-09", "2020-05-13", "current"),
        ("fields", ACLED_FIELDS, "2020-05-09", "2020-05-13", "current"),
        # the per-country copies once on HDX: the 2019 layout with an HXL row under the header
        ("hdx", ACLED_2019, "2020-05-09", "2020-05-13", "api"),
    ],
)
def test_acled_releases(store: Store, tmp_path: Path, layout: str, header: list[str],
                        first: str, second: str, version: str) -> None:
    rows = _acled_rows(first, second, legacy=layout == "legacy")
    hxl = [ACLED_HDX_TAGS.get(c, "") for c in header] if layout == "hdx" else []
    claims = load(store, write(tmp_path / f"acled-{layout}.csv", header, rows, hxl), "acled")
    assert sorted(claims) == ["RUS9901", "UKR9901"]
    ua, ru = claims["UKR9901"], claims["RUS9901"]
    assert (ua.date.start, ua.date.precision) == (dt.date(2020, 5, 9), "day")
    assert ru.date.start in (dt.date(2020, 5, 13), dt.date(2020, 9, 13))
    assert ru.date.precision == "week"
    assert (ua.place.lat, ua.place.lon, ua.place.precision) == (49.9935, 36.2304, "city")
    assert ru.place.precision == "district"
    assert (ua.place.country, ru.place.country) == ("UA", "RU")
    assert (ua.place.name, ua.place.admin1) == ("Kharkiv", "Kharkiv")
    assert ua.perpetrator.text == "Military Forces of Russia (2000-)"
    assert ru.perpetrator.text == "Military Forces of Ukraine (2019-)"
    for claim in (ua, ru):
        assert claim.killed == 1 and claim.weapon == "artillery"
        assert claim.categories == ["ambulance", "medic"]
        assert claim.extractor_version is not None
        assert claim.extractor_version.endswith(f"/{version}")
        assert claim.original is not None and list(claim.original) == header
    originals = {k.lower(): v for k, v in (ua.original or {}).items()}
    for name in ("tags", "population_best", "civilian_targeting", "data_id", "gwno"):
        if name in originals:
            assert originals[name] == rows[0][name if layout != "legacy" else name.upper()]


@pytest.mark.parametrize(
    ("header", "event_type", "inter1", "protest"),
    [
        (ACLED_LEGACY, "Riots/Protests", "6", True),
        (ACLED_2018, "Riots/Protests", "6", True),
        (ACLED_2018, "Riots/Protests", "5", False),  # rioters: an attack
        (ACLED_CURRENT, "Riots", "Protesters", True),  # inter1 in words, as since 2024
        (ACLED_CURRENT, "Riots", "Rioters", False),
    ],
)
def test_acled_protests_are_told_by_their_first_actor(store: Store, tmp_path: Path,
                                                      header: list[str], event_type: str,
                                                      inter1: str, protest: bool) -> None:
    """Exports without sub-event types file protests and riots as one event type: health
    workers protesting are not victims, a riot that wrecks a clinic is an attack."""
    notes = ("Doctors and nurses of the city hospital protested over unpaid salaries."
             if protest else "Rioters stormed the city hospital and beat two nurses.")
    row = {"event_id_cnty": "UKR9902", "event_date": "2020-05-09", "event_type": event_type,
           "actor1": "Protesters (Ukraine)" if protest else "Rioters (Ukraine)",
           "inter1": inter1, "country": "Ukraine", "latitude": "49.9", "longitude": "36.2",
           "notes": notes, "fatalities": "0", "gwno": "369"}
    if header is ACLED_LEGACY:
        row = {k.upper(): v for k, v in row.items()}
    claims = load(store, write(tmp_path / "acled.csv", header, [row]), "acled")
    claim = claims["UKR9902"]
    assert claim.protected is not protest
    assert bool(claim.categories) is not protest


# --- Insecurity Insight / SHCC ------------------------------------------------------------------

#: The SHCC incident files of 2016 to 2019 (lower-case words, "Total health worker ...",
#: "highjacked", a trailing blank in one name).
SHCC_2019 = [
    "Attack date", "Country", "Total number of attacks on facilities which reported destruction",
    "Total number of attacks on facilities which reported damage",
    "Health transportation destroyed", "Health transportation damaged",
    "Health transportation stolen/highjacked", "Total health worker killed",
    "Total health worker injured", "Total health worker kidnapped",
    "Total health worker arrested "]
#: The Explosive Weapons Monitor data by Insecurity Insight (2020 to 2023).
EXPLOSIVE_WEAPONS = columns(
    "Date,Event Description,Country,Country ISO,Admin 1,Latitude,Longitude,Geo Precision,"
    "Sector Affected,Provider,Launch Type,Explosive Weapon Type,Reported Perpetrator,"
    "Reported Perpetrator Name,Affected,Aid Workers Killed,Health Workers Killed,"
    "Aid Health Workers Killed,Educators Killed,Students Killed,SiND Event ID")
#: The aid-worker KIKA release of late 2023 on (Reported Perpetrator instead of Actor).
KIKA_2023 = columns(
    "Date,Event Description,Country,Country ISO,Admin 1,Latitude,Longitude,Geo Precision,"
    "Location of Incident,Reported Perpetrator,Reported Perpetrator Name,Weapon Carried/Used,"
    "Organisation Affected,Programme Focus,Aid Workers Killed,Aid Workers Injured,"
    "Aid Workers Kidnapped,Aid Workers Arrested,Known Kidnapping or Arrest Outcome,"
    "Aid Workers Killed in Captivity,SiND Event ID")


def test_shcc_2016_2019_incident_files(store: Store, tmp_path: Path) -> None:
    rows = [{"Attack date": "2019-03-04", "Country": country,
             "Total health worker killed": "1", "Total health worker injured": "2",
             "Total health worker kidnapped": "0", "Total health worker arrested ": "3",
             "Total number of attacks on facilities which reported destruction": "0",
             "Total number of attacks on facilities which reported damage": "1",
             "Health transportation destroyed": "1", "Health transportation damaged": "0",
             "Health transportation stolen/highjacked": "2"} for country in ("Ukraine", "Russia")]
    path = write(tmp_path / "shcc-2019.csv", SHCC_2019, rows)
    assert choose_reader(InputFile.from_path(path)).name == "insecurity-insight"
    report = ingest(store, [str(path)])
    assert report.claims == 2
    first, second = (c for c, _ in iter_claims(store))
    assert first.row_ref is None  # these files number no incident
    assert first.date.start == dt.date(2019, 3, 4) and first.place.country == "UA"
    assert second.place.country == "RU"
    for claim in (first, second):
        assert (claim.killed, claim.injured) == (1, 2)
        by = {v.category: v for v in claim.victims}
        assert sorted(by) == ["ambulance", "health_facility", "health_worker"]
        assert (by["health_worker"].killed, by["health_worker"].injured) == (1, 2)
        assert (by["health_worker"].affected, by["health_worker"].harm) == (3, "arrested")
        assert (by["health_facility"].affected, by["health_facility"].harm) == (1, "damaged")
        assert (by["ambulance"].affected, by["ambulance"].harm) == (3, "destroyed;taken")
        # names are kept as the header gives them, less surrounding blanks
        assert claim.original is not None
        assert list(claim.original) == [c.strip() for c in SHCC_2019]


def test_explosive_weapons_monitor(store: Store, tmp_path: Path) -> None:
    common = {"Date": "2022-05-01", "Geo Precision": "(2) 25 km Precision",
              "Sector Affected": "Health", "Launch Type": "Surface-launched",
              "Explosive Weapon Type": "Missile", "Reported Perpetrator": "State: Military",
              "Affected": "Health", "Aid Workers Killed": "0", "Health Workers Killed": "1",
              "Aid Health Workers Killed": "0", "Educators Killed": "0", "Students Killed": "0",
              "Event Description": "A missile hit a clinic; one nurse was killed."}
    rows = [common | {"SiND Event ID": "990301", "Country": "Ukraine", "Country ISO": "UKR",
                      "Latitude": "49.99", "Longitude": "36.23",
                      "Reported Perpetrator Name": "Armed Forces of the Russian Federation"},
            common | {"SiND Event ID": "990302", "Country": "Russia", "Country ISO": "RUS",
                      "Latitude": "50.60", "Longitude": "36.60",
                      "Reported Perpetrator Name": "Armed Forces of Ukraine"}]
    claims = load(store, write(tmp_path / "ewm.csv", EXPLOSIVE_WEAPONS, rows),
                  "insecurity-insight")
    assert sorted(claims) == ["990301", "990302"]
    for claim in claims.values():
        assert claim.weapon == "missile"  # from the Explosive Weapon Type
        assert claim.killed == 1 and claim.place.precision == "near"
        assert "health_worker" in claim.categories
        assert claim.original is not None and claim.original["Launch Type"] == "Surface-launched"
    assert claims["990302"].perpetrator.text == "Armed Forces of Ukraine"


def test_kika_2023_release(store: Store, tmp_path: Path) -> None:
    common = {"Date": "2023-05-01", "Geo Precision": "(2) 25 km Precision",
              "Reported Perpetrator": "State: Military", "Weapon Carried/Used": "Firearm",
              "Organisation Affected": "INGO", "Programme Focus": "Health",
              "Aid Workers Killed": "0", "Aid Workers Injured": "1", "Aid Workers Kidnapped": "0",
              "Aid Workers Arrested": "0", "Aid Workers Killed in Captivity": "0",
              "Event Description": "An aid worker was shot and wounded at a checkpoint."}
    rows = [common | {"SiND Event ID": "990401", "Country": "Ukraine", "Country ISO": "UKR",
                      "Reported Perpetrator Name": "Armed Forces of the Russian Federation"},
            common | {"SiND Event ID": "990402", "Country": "Russia", "Country ISO": "RUS",
                      "Reported Perpetrator Name": "Armed Forces of Ukraine"}]
    claims = load(store, write(tmp_path / "kika-2023.csv", KIKA_2023, rows),
                  "insecurity-insight")
    assert sorted(claims) == ["990401", "990402"]
    for claim in claims.values():
        assert claim.categories == ["aid_worker"] and claim.injured == 1
        assert claim.weapon == "small_arms"
        assert claim.original is not None and claim.original["Programme Focus"] == "Health"
    assert claims["990401"].perpetrator.text == "Armed Forces of the Russian Federation"


# --- WHO SSA ------------------------------------------------------------------------------------

#: The SSA dashboard's public report export.
SSA = ["Attack ID", "Attack Date", "Attack Time", "Country / Territory", "Certainty Level",
       "Attack Type", "Total Injured", "Total Death", "HC Facilities", "HC Transport",
       "HC Personnel", "HC Supplies Assets", "HC Warehouse Storage", "HC Patients", "HC Other",
       "Type of Facility", "Facility Other", "HW Abduction", "HW Arrest", "HW Detention",
       "Patient Abduction", "Patient Arrest", "Patient Detention"]
HEAVY = ("Violence with heavy weapons (requires more than one person to use such as firearms, "
         "tanks, missiles, bombs, mortars)")
#: as the dashboard writes it, its bracket left open
INDIVIDUAL = ("Violence with individual weapons (knives, bricks, clubs, guns, grenades and "
              "improvised explosive devices (IED)")


def _ssa_rows() -> list[Row]:
    """Rows as the dashboard writes them: what was hit as YES/NO, counts as decimals, times
    unknown or as a window, several attack types in one cell."""
    no_harm = {k: "0.0" for k in SSA[17:]}
    hit = {"HC Facilities": "YES", "HC Transport": "NO", "HC Personnel": "YES",
           "HC Supplies Assets": "NO", "HC Warehouse Storage": "NO", "HC Patients": "NO"}
    return [
        no_harm | hit | {"Attack ID": "UKR990001", "Attack Date": "2/8/24 12:00 AM",
                         "Attack Time": "Time Unknown", "Country / Territory": "Ukraine",
                         "Certainty Level": "Confirmed", "Attack Type": HEAVY,
                         "Total Injured": "2.0", "Total Death": "1.0",
                         "Type of Facility": "Secondary"},
        no_harm | hit | {"Attack ID": "RUS990001", "Attack Date": "2/8/24 12:00 AM",
                         "Attack Time": "Time Unknown",
                         "Country / Territory": "Russian Federation",
                         "Certainty Level": "Confirmed", "Attack Type": HEAVY,
                         "Total Injured": "2.0", "Total Death": "1.0",
                         "Type of Facility": "Secondary"},
        no_harm | hit | {"Attack ID": "UKR990002", "Attack Date": "2/14/24 12:00 AM",
                         "Attack Time": "12:00-18:00", "Country / Territory": "Ukraine",
                         "Certainty Level": "Probable", "HC Facilities": "NO",
                         "HC Patients": "YES",
                         "Attack Type": "Abduction/Arrest/Detention of health personnel or "
                                        "patients, Psychological violence/threat of "
                                        "violence/intimidation",
                         "Total Injured": "0.0", "Total Death": "0.0", "HW Arrest": "2.0"},
        no_harm | hit | {"Attack ID": "UKR990003", "Attack Date": "2/15/24 12:00 AM",
                         "Attack Time": "08:50", "Country / Territory": "Ukraine",
                         "Certainty Level": "Confirmed",
                         "Attack Type": f"Obstruction to health care delivery (e.g. physical, "
                                        f"administrative, legal etc), {INDIVIDUAL}",
                         "HC Facilities": "NO", "HC Personnel": "NO", "HC Transport": "YES",
                         "Total Injured": "0.0", "Total Death": "0.0"},
    ]


@pytest.mark.parametrize("extra", [(), ("year", "weekday")])
def test_who_ssa_dashboard_export(store: Store, tmp_path: Path, extra: tuple[str, ...]) -> None:
    """The export as the dashboard writes it; also with columns an analyst added in front."""
    header = [*extra, *SSA]
    rows = [row | {"year": "2024", "weekday": "Thu"} for row in _ssa_rows()]
    claims = load(store, write(tmp_path / "ssa.csv", header, rows), "who-ssa")
    assert sorted(claims) == ["RUS990001", "UKR990001", "UKR990002", "UKR990003"]
    ua, ru = claims["UKR990001"], claims["RUS990001"]
    assert (ua.place.country, ru.place.country) == ("UA", "RU")
    for claim in (ua, ru):
        assert claim.date.start == dt.date(2024, 2, 8) and claim.time_of_day is None
        assert (claim.killed, claim.injured) == (1, 2)
        # the weapon of the type's name alone, as where the export writes no examples
        assert claim.reported_certainty == "confirmed" and claim.weapon == "artillery"
        assert claim.categories == ["health_facility", "health_worker"]
        worker = next(v for v in claim.victims if v.category == "health_worker")
        assert (worker.killed, worker.injured) == (1, 2)  # only personnel were hit
        facility = next(v for v in claim.victims if v.category == "health_facility")
        assert facility.affected is None  # hit, but the export gives no number
        assert claim.original is not None and list(claim.original) == header
    held = claims["UKR990002"]
    assert held.time_of_day is None  # a six-hour window is no time of day
    assert held.reported_certainty == "probable"
    assert held.categories == ["health_worker", "patient"]
    worker = next(v for v in held.victims if v.category == "health_worker")
    assert (worker.affected, worker.harm, worker.killed) == (2, "arrest", None)
    ambulance = claims["UKR990003"]
    assert ambulance.time_of_day == "08:50" and ambulance.categories == ["ambulance"]
    assert ambulance.weapon == "small_arms"  # not the IED its type's examples name
    if extra:
        assert ua.original is not None and ua.original["weekday"] == "Thu"


# --- the command line ---------------------------------------------------------------------------

def test_ingest_command_on_release_layouts(rw: Invoker, tmp_path: Path) -> None:
    paths = [write(tmp_path / "ged201.csv", GED_49, _ged_rows("2021-03-01", "2021-03-07")),
             write(tmp_path / "acled-2019.csv", ACLED_2019,
                   _acled_rows("09 May 2020", "13 May 2020")),
             write(tmp_path / "ssa.csv", SSA, _ssa_rows()),
             write(tmp_path / "ewm.csv", EXPLOSIVE_WEAPONS,
                   [{"Date": "2022-05-01", "Country": "Ukraine", "Health Workers Killed": "1",
                     "SiND Event ID": "990301"}])]
    result = rw("ingest", "--json", *map(str, paths))
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [i["format"] for i in data["inputs"]] == ["ucdp", "acled", "who-ssa",
                                                     "insecurity-insight"]
    assert data["claims"] == 3 + 2 + 4 + 1
