"""The web app, served by a real uvicorn server on a loopback port."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import insert

from rescuewatch.model import Claim, DateSpan, Evidence, Perpetrator, Place, Source, Victim
from rescuewatch.store import Store, browse
from rescuewatch.store import schema as s
from rescuewatch.store.claims import add_claims
from rescuewatch.store.exports import add_incident
from rescuewatch.web import app as web_app
from tests.browser import launched_chromium
from tests.conftest import ROOT, Invoker
from tests.web.serving import serving

HOSTILE = "<script>alert('x')</script>"


def seed(store: Store) -> int:
    data = f"Report naming {HOSTILE} as a place".encode()
    sha = hashlib.sha256(data).hexdigest()
    now = dt.datetime(2024, 1, 1)
    with store.transaction() as conn:
        src = store.source_id(conn, Source("agency-a", f"Agency {HOSTILE}", kind="news_agency",
                                           affiliation="independent"))
        doc = store.add_document(conn, {"sha256": sha, "source_id": src, "origin": "mem",
                                        "format": "text", "size": len(data), "text": data.decode()})
        store.put_blob(conn, sha, [data])
        incident = conn.execute(insert(s.incidents).values(
            date_start=dt.date(2024, 3, 2), date_end=dt.date(2024, 3, 2), date_precision="day",
            place_name=HOSTILE, country="UA", lat=49.99, lon=36.23, categories="medic",
            weapons="drone", killed_min=1, killed_max=2, protected=True, n_claims=1, n_sources=1,
            certainty="possible", certainty_rationale="one source", created_at=now, updated_at=now,
        )).inserted_primary_key[0]
        add_claims(conn, doc, [Claim(
            date=DateSpan(dt.date(2024, 3, 2), dt.date(2024, 3, 2), "day"),
            place=Place(text=HOSTILE), victims=[Victim("medic", killed=2)],
            perpetrator=Perpetrator(text=HOSTILE), evidence=[Evidence(0, 6, HOSTILE)],
            description=HOSTILE, incident_id=incident,
        )])
    return int(incident)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.db'}")
    incident = seed(store)
    with serving(store) as base:
        yield base, incident
    store.dispose()


def test_front_page_lists_incidents_with_escaped_text(server: tuple[str, int]) -> None:
    base, incident = server
    response = httpx.get(base + "/")
    assert response.status_code == 200
    assert HOSTILE not in response.text
    assert "&lt;script&gt;" in response.text
    assert f"/incidents/{incident}" in response.text
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_incident_page_shows_claims_evidence_and_allegation(server: tuple[str, int]) -> None:
    base, incident = server
    page = httpx.get(f"{base}/incidents/{incident}").text
    assert HOSTILE not in page
    assert "perpetrator as alleged by this source" in page
    assert "1–2" in page  # casualty range kept, not averaged


def test_api_returns_json_and_validates_parameters(server: tuple[str, int]) -> None:
    base, incident = server
    data = httpx.get(base + "/api/incidents", params={"country": "ua"}).json()
    assert data["total"] == 1 and data["incidents"][0]["categories"] == ["medic"]
    assert httpx.get(base + "/api/incidents", params={"limit": 100000}).status_code == 422
    assert httpx.get(base + "/api/incidents", params={"country": "x' OR 1=1 --"}).status_code == 422
    assert httpx.get(base + "/api/incidents", params={"category": "tanks"}).status_code == 422
    # several categories, and the responders together, as on the command line
    for category in ("medic", "responders", "ambulance,medic"):
        assert httpx.get(base + "/api/incidents", params={"category": category}).json()["total"] == 1
    assert httpx.get(base + "/api/incidents", params={"category": "patient"}).json()["total"] == 0
    assert httpx.get(base + "/api/incidents", params={"q": "' OR '1'='1"}).json()["total"] == 0
    assert httpx.get(f"{base}/api/incidents/999999").status_code == 404
    detail = httpx.get(f"{base}/api/incidents/{incident}").json()
    assert detail["claims"][0]["victims"] == [{"category": "medic", "killed": 2, "injured": None,
                                               "affected": None, "harm": None}]


def test_api_claims_carry_what_the_export_does(store: Store, rw: Invoker) -> None:
    """The API gave a claim as the extract contract alone: a kidnapped aid worker was one
    neither killed nor injured, and the dataset row, its values and the source's own certainty
    were missing, all of which ``export --format jsonl`` gives for the same store."""
    data = b"row 17"
    with store.transaction() as conn:
        src = store.source_id(conn, Source("dataset-a", "Dataset A", kind="dataset"))
        doc = store.add_document(conn, {"sha256": hashlib.sha256(data).hexdigest(), "source_id": src,
                                        "origin": "mem", "format": "csv", "size": len(data)})
        incident = add_incident(conn, {"country": "SS", "categories": "aid_worker", "protected": True})
        add_claims(conn, doc, [Claim(
            victims=[Victim("aid_worker", killed=0, injured=0, affected=2, harm="kidnapped")],
            row_ref="17", reported_certainty="probable", event_type="Abduction",
            description="Two staff abducted", time_of_day="06:30", extractor="dataset",
            original={"Event ID": "17", "Kidnapped": "2"}, incident_id=incident,
        )])
    with serving(store) as base:
        api = httpx.get(f"{base}/api/incidents/{incident}").json()["claims"]
        page = httpx.get(f"{base}/incidents/{incident}").text
    result = rw("export", "--format", "jsonl")
    assert result.exit_code == 0
    exported = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert len(api) == len(exported) == 1
    for key in ("claim_id", "victims", "row_ref", "reported_certainty", "event_type", "description",
                "time_of_day", "extractor", "extractor_version", "original"):
        assert api[0][key] == exported[0][key], key
    assert api[0]["victims"][0]["harm"] == "kidnapped"
    assert "aid_worker 2 kidnapped" in page


def test_incident_page_names_alleged_perpetrators_readably(tmp_path: Path) -> None:
    """The page showed the store's JSON, with every Cyrillic letter as an escape: a source
    "обласна-служба" read as "\\u043e\\u0431..."."""
    store = Store.open(f"sqlite:///{tmp_path / 'perp.db'}")
    alleged = [{"alleged_by": ["обласна-служба"], "party": "RU", "text": None},
               {"alleged_by": ["городская-служба"], "party": "UA", "text": "ВСУ"},
               {"alleged_by": [], "party": None, "text": HOSTILE}]
    with store.transaction() as conn:
        incident = add_incident(conn, {"country": "UA", "perpetrators": alleged})
    try:
        with serving(store) as base:
            page = httpx.get(f"{base}/incidents/{incident}").text
    finally:
        store.dispose()
    assert "\\u04" not in page and HOSTILE not in page
    assert "<li>RU, as alleged by обласна-служба</li>" in page
    assert "<li>UA (“ВСУ”), as alleged by городская-служба</li>" in page
    assert "<li>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;, as alleged by an unnamed source</li>" in page


def test_incident_page_says_when_no_count_is_reported(tmp_path: Path) -> None:
    """An incident no source gave a death toll for read "Killed: None"."""
    store = Store.open(f"sqlite:///{tmp_path / 'counts.db'}")
    with store.transaction() as conn:
        incident = add_incident(conn, {"country": "UA", "injured_min": 4, "injured_max": 6})
    try:
        with serving(store) as base:
            page = httpx.get(f"{base}/incidents/{incident}").text
    finally:
        store.dispose()
    assert "None" not in page
    assert "<dt>Killed</dt><dd>not reported</dd>" in page
    assert "<dt>Injured</dt><dd>4–6</dd>" in page


def test_document_page_counts_claims_without_loading_them(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A dataset document's page loaded all its claims to count them: 2.5 s and 300 MB a
    request for a 16,566-row UCDP file. It reads the count and the start of the text only."""
    store = Store.open(f"sqlite:///{tmp_path / 'doc.db'}")
    text = "x" * browse.TEXT_SHOWN + "NOT SHOWN"
    data = text.encode()
    with store.transaction() as conn:
        src = store.source_id(conn, Source("agency-a", "Agency A"))
        doc = store.add_document(conn, {"sha256": hashlib.sha256(data).hexdigest(), "source_id": src,
                                        "origin": "mem", "format": "text", "size": len(data),
                                        "text": text})
        add_claims(conn, doc, [Claim(victims=[Victim("medic", killed=n)]) for n in range(3)])

    def no_claims_read(*args: object, **kwargs: object) -> None:
        raise AssertionError("a document page reads no claims")

    monkeypatch.setattr(browse, "iter_claims", no_claims_read)
    with serving(store) as base:
        response = httpx.get(f"{base}/documents/{doc}")
    store.dispose()
    assert response.status_code == 200
    assert "<dt>Claims</dt><dd>3</dd>" in response.text
    assert f"The first {browse.TEXT_SHOWN:,} of {len(text):,} characters." in response.text
    assert "NOT SHOWN" not in response.text


def test_api_is_described_without_outside_scripts(server: tuple[str, int]) -> None:
    """FastAPI's /docs page loads Swagger UI from a CDN: offline it is blank, and the CSP
    refuses it anyway. The description itself is served from here."""
    base, _ = server
    page = httpx.get(base + "/docs")
    assert page.status_code == 200 and "<code>GET /api/incidents</code>" in page.text
    assert "<script" not in page.text and "cdn" not in page.text.lower()
    spec = httpx.get(base + "/openapi.json").json()
    assert "/api/incidents" in spec["paths"] and "/api/incidents.geojson" in spec["paths"]


def test_geojson_uses_lon_lat_order(server: tuple[str, int]) -> None:
    base, _ = server
    data = httpx.get(base + "/api/incidents.geojson").json()
    assert data["features"][0]["geometry"]["coordinates"] == [36.23, 49.99]
    # the map's points carry the weapons the list gives (they were always [])
    assert data["features"][0]["properties"]["weapons"] == ["drone"]


@pytest.fixture
def cut_map(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A server whose map gives at most 2 of the 3 incidents with coordinates."""
    monkeypatch.setattr(web_app, "MAP_POINTS", 2)
    store = Store.open(f"sqlite:///{tmp_path / 'map.db'}")
    with store.transaction() as conn:
        for n, country in enumerate(("UA", "UA", "PS")):
            add_incident(conn, {"country": country, "lat": 31.0 + n, "lon": 34.0 + n,
                                "categories": "medic", "certainty": "possible"})
    try:
        with serving(store) as base:
            yield base
    finally:
        store.dispose()


def test_geojson_says_when_the_map_is_cut(cut_map: str) -> None:
    """Past its limit the map's GeoJSON was cut without a word."""
    data = httpx.get(cut_map + "/api/incidents.geojson").json()
    assert data["type"] == "FeatureCollection"
    assert [f["properties"]["id"] for f in data["features"]] == [1, 2]  # the first by id
    assert all(f["type"] == "Feature" and f["geometry"]["type"] == "Point" for f in data["features"])
    assert data["total"] == 3 and data["truncated"] is True
    whole = httpx.get(cut_map + "/api/incidents.geojson", params={"country": "UA"}).json()
    assert len(whole["features"]) == whole["total"] == 2 and whole["truncated"] is False


def test_the_map_keeps_the_lists_filters(cut_map: str) -> None:
    """The list's "map" link and the map page showed every incident whatever the filters."""
    listed = httpx.get(cut_map + "/", params={"country": "PS", "certainty": "possible"}).text
    assert 'href="/map?country=PS&amp;certainty=possible"' in listed
    assert 'href="/map"' in httpx.get(cut_map + "/").text.split("</nav>")[1]
    page = httpx.get(cut_map + "/map", params={"country": "PS", "certainty": "possible"}).text
    assert 'data-geojson="/api/incidents.geojson?country=PS&amp;certainty=possible"' in page
    assert "Only incidents with country PS, certainty possible" in page
    assert 'href="/?country=PS&amp;certainty=possible"' in page
    assert 'data-geojson="/api/incidents.geojson"' in httpx.get(cut_map + "/map").text
    assert "Only incidents" not in httpx.get(cut_map + "/map").text
    # refused as the list refuses it, as a page
    bad = httpx.get(cut_map + "/map", params={"certainty": "sure"})
    assert bad.status_code == 422 and "unknown certainty" in bad.text


def test_the_maps_text_filter_is_the_lists_and_is_escaped(server: tuple[str, int]) -> None:
    base, incident = server
    found = httpx.get(base + "/api/incidents.geojson", params={"q": "alert"}).json()
    assert [f["properties"]["id"] for f in found["features"]] == [incident]
    assert httpx.get(base + "/api/incidents.geojson", params={"q": "nowhere"}).json()["features"] == []
    page = httpx.get(base + "/map", params={"q": HOSTILE}).text
    assert HOSTILE not in page and "&lt;script&gt;" in page


def map_status(url: str) -> str | None:
    """The status line the map page writes once it has drawn its incidents, in Chromium."""
    with launched_chromium() as browser:
        page = browser.new_page()
        page.goto(url)
        # a selector, not a predicate: Playwright evaluates a predicate's text, which the
        # page's policy (no 'unsafe-eval') refuses
        page.wait_for_selector("#map-status:not(:empty)", timeout=20_000)
        return page.text_content("#map-status")


@pytest.mark.browser
def test_the_map_draws_only_the_filtered_incidents(cut_map: str) -> None:
    assert map_status(cut_map + "/map?country=PS") == "1 incident(s) with coordinates."


@pytest.mark.browser
def test_map_page_says_when_the_map_is_cut(cut_map: str) -> None:
    status = map_status(cut_map + "/map")
    assert status == ("Showing 2 of 3 incidents with coordinates: the map draws at most 2 "
                      "(the first by id).")


def test_serve_on_a_taken_port_is_one_line(rw: Invoker) -> None:
    """Before, "serving on ..." was printed, then a uvicorn log line, and the exit code was 3."""
    import socket

    report = ROOT / "examples" / "reports" / "illustrative_en_agency_2015-01-31.txt"
    assert rw("ingest", str(report)).exit_code == 0
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = rw("serve", "--port", str(port))
    assert result.exit_code == 2
    assert "serving on" not in result.output
    assert f"cannot listen on 127.0.0.1:{port}" in result.output and "--port" in result.output


@pytest.mark.parametrize("host", ["999.1.1.1", "192.0.2.1"])
def test_serve_on_a_host_that_is_not_this_machine_blames_the_host(rw: Invoker, host: str) -> None:
    # it blamed --port: "another program uses it", for a host that does not exist (999.1.1.1)
    # or is not this machine's (192.0.2.1, a documentation address)
    report = ROOT / "examples" / "reports" / "illustrative_en_agency_2015-01-31.txt"
    assert rw("ingest", str(report)).exit_code == 0
    result = rw("serve", "--host", host, "--port", "8000")
    assert result.exit_code == 2 and "serving on" not in result.output
    assert result.output.startswith(f"Error: --host: cannot listen on {host}: ")
    assert "give an address of this machine" in result.output and "--port" not in result.output
