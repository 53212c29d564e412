"""The report file: self-contained, escaped, neutral, and its pieces (charts, basemap, JSON)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from rescuewatch.report.basemap import topo_to_geojson
from rescuewatch.report.build import json_for_script, write_report
from rescuewatch.report.charts import heat_colour, stacked_bars
from rescuewatch.report.data import dataset_credit
from rescuewatch.report.sections import (
    ReportOptions,
    _band_labels,
    map_payload,
    near_repeat,
    perpetrator_text,
)
from rescuewatch.store import Store
from tests.report.factory import HOSTILE, HOSTILE_SOURCE, build_store

STATIC = Path(__file__).resolve().parents[2] / "rescuewatch" / "report" / "static"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict]:
    folder = tmp_path_factory.mktemp("report")
    store = Store.open(f"sqlite:///{folder / 'store.db'}")
    try:
        build_store(store)
        (folder / "out").mkdir()
        summary = write_report(store, folder / "out" / "report.html", seed=7,
                               options=ReportOptions(permutations=99))
    finally:
        store.dispose()
    return (folder / "out" / "report.html").read_text(encoding="utf-8"), summary


def _map_data(html: str) -> dict[str, Any]:
    found = re.search(r'id="rw-map-data">(.*?)</script>', html, re.S)
    assert found is not None
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def test_summary_dict(report: tuple[str, dict]) -> None:
    html, summary = report
    assert summary["incidents"] > 0
    assert summary["bytes"] == len(html.encode("utf-8"))
    assert summary["seconds"] >= 0
    assert {"events", "repeat_strikes_fit", "map", "near_repeat", "render"} <= set(summary["sections"])


def test_hostile_store_text_is_escaped(report: tuple[str, dict]) -> None:
    html, _ = report
    # Only the report's own four script elements exist; no payload opened a fifth.
    assert len(re.findall(r"<script\b", html, flags=re.I)) == 4
    assert HOSTILE not in html
    assert HOSTILE_SOURCE.name not in html
    # The source name is shown, escaped, in the credits table ...
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    # ... and the place name sits in the map's JSON with "<" written as \u003c.
    assert "\\u003cscript>alert(1)\\u003c/script>" in html
    data = _map_data(html)
    assert any(HOSTILE in p for p in data["places"])


def test_self_contained(report: tuple[str, dict]) -> None:
    html, _ = report
    # Nothing to fetch: no external scripts, stylesheets, images or URLs in CSS.
    assert not re.search(r"<(script|img|link|iframe)[^>]+(src|href)=", html, re.I)
    assert "url(images/" not in html
    assert "sourceMappingURL" not in html
    assert "L.map(" in html and "leaflet-container" in html  # Leaflet code and styles inlined
    assert '"FeatureCollection"' in html  # the basemap


def test_sections_and_neutral_wording(report: tuple[str, dict]) -> None:
    html, _ = report
    for anchor in ("summary", "map", "trends", "near-repeat", "repeat-strikes", "coverage",
                   "methods"):
        assert f'id="{anchor}' in html
    assert html.count('<svg class="chart"') >= 3
    assert "candidates for human review, not verdicts" in html
    for ref in ("Knox, E. G. (1964)", "Ratcliffe, J. H. (2009)", "Johnson, S. D., &amp; Bowers",
                "Natural Earth", "Leaflet 1.9.4", "Uppsala Conflict Data Program"):
        assert ref in html
    data = _map_data(html)
    alleged = [p for p in data["perpetrators"] if p]
    assert alleged and all("alleged by" in p for p in alleged)


def test_methods_describe_the_near_repeat_points_as_computed(report: tuple[str, dict]) -> None:
    # The methods said pairs in different countries were not compared (the code counts a pair
    # across a border like any other) and that places "finer than a region" were used (districts
    # and "within about 25 km" are left out too).
    html, _ = report
    text = re.sub(r"\s+", " ", html)
    assert "not compared" not in text and "finer than a region" not in text
    assert "a pair across a border counts like any other" in text
    assert 'placed more precisely than a district or "within about 25 km"' in text.replace(
        "&#34;", '"').replace("&quot;", '"')


def test_mirror_areas_get_mirror_map_entries(report: tuple[str, dict]) -> None:
    html, _ = report
    data = _map_data(html)
    per_area: dict[str, list[tuple[int, int, int, int]]] = {}
    for k, place in enumerate(data["place"]):
        name = data["places"][place]
        if name.startswith("Town "):
            per_area.setdefault(name.split(",")[0], []).append(
                (data["day"][k], data["cat"][k], data["killed"][k], data["grade"][k]))
    north, south = sorted(per_area["Town North"]), sorted(per_area["Town South"])
    assert north == south


def test_json_for_script_escapes_closing_tags() -> None:
    text = str(json_for_script({"a": "</script><!-- x \u2028", "b": [1, 2]}))
    assert "</" not in text and "<!--" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!-- x \u2028", "b": [1, 2]}


def test_chart_labels_are_escaped() -> None:
    svg = str(stacked_bars(["2024-01", "2024-02"], {"<b>x</b>": [1, 2], "y": [0, 3]},
                           title="t <i>", unit="incidents"))
    assert "<b>" not in svg and "&lt;b&gt;x&lt;/b&gt;" in svg
    assert svg.count("<rect") >= 3


def test_heat_colour() -> None:
    assert heat_colour(None, None) == "#eeeeee"
    assert heat_colour(2.0, 0.5) != heat_colour(2.0, 0.01)  # only significant cells are red
    assert heat_colour(0.5, 0.01) == "#ffffff"


def test_band_labels_follow_closure() -> None:
    assert _band_labels(np.array([0, 0, 1, 3, 7.0]), "days", "same day") == \
        ["same day", "1 day", "2-3 days", "4-7 days"]
    assert _band_labels(np.array([0, 0, 500, 1000.0]), "m", "same place") == \
        ["same place (0 m)", "0-500 m", "500-1,000 m"]


def test_perpetrator_text_names_the_sources() -> None:
    stored = json.dumps([{"party": "AA", "text": None, "alleged_by": ["s1", "s2"]},
                         {"party": None, "text": "unknown gunmen", "alleged_by": ["s3"]}])
    assert perpetrator_text(stored) == \
        "AA, alleged by s1, s2; unknown gunmen, alleged by s3"
    assert perpetrator_text(None) == ""


def _events(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    day = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 60, n), unit="D")
    return pd.DataFrame({
        "incident_id": np.arange(1, n + 1), "date_start": day, "date_precision": "day",
        "lat": 48 + rng.normal(0, 0.05, n), "lon": 37 + rng.normal(0, 0.05, n),
        "place_precision": "city", "country": "UA", "admin1": None, "place_name": "P",
        "categories": "medic", "protected": True, "weapon": "", "perpetrators": "",
        "certainty": None, "killed_max": pd.array([1] * n, dtype="Int64"),
    })


def test_near_repeat_is_reproducible_and_skips_coarse_places() -> None:
    ev = _events(300)
    ev.loc[:9, "place_precision"] = "censored"
    opts = ReportOptions(permutations=49)
    a, b = near_repeat(ev, opts, seed=3), near_repeat(ev, opts, seed=3)
    assert a == b and a["n"] == 290 and a["excluded"] == 10
    assert len(a["rows"]) == len(opts.space_bands) - 1
    assert near_repeat(ev.head(5), opts, seed=3)["note"]


def test_map_payload_is_compact() -> None:
    ev = _events(50)
    ev.loc[0, "lat"] = np.nan
    payload = map_payload(ev)
    assert len(payload["id"]) == 49 and payload["places"] == ["P, UA"]
    assert set(payload["place"]) == {0}


def test_dataset_credit_by_format() -> None:
    assert "CC BY 4.0" in (dataset_credit("ucdp") or "")
    assert "CC BY-SA 4.0" in (dataset_credit("insecurity-insight") or "")
    assert dataset_credit("text") is None


def test_basemap_conversion_decodes_quantized_arcs() -> None:
    topo = {
        "type": "Topology", "transform": {"scale": [1, 1], "translate": [0, 0]},
        "arcs": [[[0, 0], [10, 0], [0, 10], [-10, 0]], [[0, 10], [0, -10]]],
        "objects": {"countries": {"type": "GeometryCollection", "geometries": [
            {"type": "Polygon", "arcs": [[0, 1]], "properties": {"name": "Square"}}]}},
    }
    geo = topo_to_geojson(topo)
    ring = geo["features"][0]["geometry"]["coordinates"][0]
    assert ring == [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]
    assert geo["features"][0]["properties"]["name"] == "Square"


def test_shipped_assets() -> None:
    world = json.loads((STATIC / "world.geojson").read_text(encoding="utf-8"))
    assert world["type"] == "FeatureCollection" and len(world["features"]) > 200
    assert (STATIC / "world.geojson").stat().st_size < 1_500_000
    assert "Leaflet 1.9.4" in (STATIC / "leaflet.js").read_text(encoding="utf-8")[:200]
    assert "BSD" in (STATIC / "LEAFLET-LICENSE").read_text(encoding="utf-8") or \
        "Redistribution" in (STATIC / "LEAFLET-LICENSE").read_text(encoding="utf-8")
    assert "Natural Earth" in (STATIC / "NOTICE.md").read_text(encoding="utf-8")


def test_empty_store_gives_a_report(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        summary = write_report(store, tmp_path / "r.html", title="Empty <store>")
    finally:
        store.dispose()
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert summary["incidents"] == 0
    assert "<title>Empty &lt;store&gt;</title>" in html
    assert "Fewer than 10 incidents" in html and "No dated incidents." in html


def test_near_repeat_counts_a_pair_across_a_border() -> None:
    """Each country was projected on its own and set 10,000 km from the others, so two
    strikes 300 m apart on either side of a border were never a near pair."""
    ev = _events(12)
    ev["date_start"] = pd.to_datetime([f"2024-0{1 + k // 3}-{1 + 9 * (k % 3):02d}"
                                       for k in range(12)])
    ev["lat"] = [31.5 + k for k in range(12)]
    ev.loc[1, ["lat", "lon", "date_start", "country"]] = [31.5, 37 + 0.0032, ev.loc[0, "date_start"],
                                                          "IL"]
    ev.loc[0, ["lon", "country"]] = [37.0, "PS"]
    result = near_repeat(ev, ReportOptions(permutations=0), seed=1)
    first_band, same_day = result["rows"][1][0], result["time_labels"][0]
    assert same_day == "same day" and first_band["observed"] == 1


def test_casualty_cards_say_whom_the_counts_cover(tmp_path: Path) -> None:
    """A strike on a market that also hit an ambulance (no crew count, ten killed in all) was
    reported as "10 killed among protected people"; the ten are everyone killed there."""
    from rescuewatch.model import Source, Victim
    from tests.link.factory import add_document, claim

    store = Store.open(f"sqlite:///{tmp_path / 'store.db'}")
    try:
        src = Source("agency-x", "agency-x", "news_agency", None, "independent", "intl")
        # ten killed in all, the ambulance among the things hit, no count of its crew
        hit = claim("2024-03-02", killed=10, description="market and ambulance hit")
        hit.victims = [Victim("ambulance")]
        add_document(store, src, [hit], label="1")
        write_report(store, tmp_path / "r.html", seed=1, options=ReportOptions(permutations=9))
    finally:
        store.dispose()
    html = re.sub(r"\s+", " ", (tmp_path / "r.html").read_text(encoding="utf-8"))
    assert "killed among protected people" not in html
    assert "10–10</span> killed in incidents that hit protected people" in html
    assert "otherwise every death or injury it reports for the incident" in html


def test_too_few_permutations_to_shade_a_cell_are_said(tmp_path: Path) -> None:
    # with 9 permutations the smallest p is 0.1: no cell could be shaded at 0.05, and the
    # blank table read as "no clustering"
    store = Store.open(f"sqlite:///{tmp_path / 'store.db'}")
    try:
        build_store(store)
        for n in (9, 19):
            write_report(store, tmp_path / f"r{n}.html", seed=1,
                         options=ReportOptions(permutations=n))
    finally:
        store.dispose()
    few = re.sub(r"\s+", " ", (tmp_path / "r9.html").read_text(encoding="utf-8"))
    assert "With 9 permutations no p-value can be below 0.10, so no cell can be shaded" in few
    enough = (tmp_path / "r19.html").read_text(encoding="utf-8")
    assert "no cell can be shaded" not in enough
