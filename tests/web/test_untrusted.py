"""Untrusted path and query parameters on a real server, on SQLite and on PostgreSQL alike:
whatever a client sends is answered 404 or 422 with the security headers, never a 500."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from rescuewatch.store import Store
from rescuewatch.store.exports import add_incident
from tests.web.serving import BACKENDS, served_on, serving
from tests.web.test_app import seed

#: Incidents by what a search should find them with, one each.
SEARCHED = {
    "underscore": {"place_name": "Ward_7"},
    "percent": {"place_name": "50% of the hospital"},
    "backslash": {"admin1": "back\\slash"},
    "slash": {"place_name": "Kyiv/Irpin"},
    "perpetrator": {"place_name": "Izium", "perpetrators": [
        {"alleged_by": ["agency-a"], "party": "RU", "text": 'the "North" group («Північ»)'}]},
    "cyrillic-uk": {"place_name": "Горлівка"},
    "cyrillic-ru": {"admin1": "Белгородская область"},
}


def seed_search(store: Store) -> None:
    with store.transaction() as conn:
        for values in SEARCHED.values():
            add_incident(conn, {"country": "UA", "certainty": "possible", **values})


@pytest.fixture(scope="module", params=BACKENDS)
def base(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a server of a seeded store on each backend."""
    def seeded(store: Store) -> None:
        seed(store)
        seed_search(store)

    yield from served_on(request.param, tmp_path_factory.mktemp("untrusted"), seeded)


def refused(response: httpx.Response, *statuses: int) -> bool:
    return (response.status_code in statuses
            and response.headers.get("x-content-type-options") == "nosniff"
            and "default-src 'self'" in response.headers.get("content-security-policy", ""))


@pytest.mark.parametrize("path", ["/incidents/{}", "/api/incidents/{}", "/documents/{}"])
@pytest.mark.parametrize("number", [
    "99999999999999999999",  # past 64 bits: SQLite could not bind it (OverflowError)
    "2147483648",  # past PostgreSQL's INTEGER: "integer out of range"
    "-1", "0",
])
def test_an_id_no_row_can_have_is_refused(base: str, path: str, number: str) -> None:
    assert refused(httpx.get(base + path.format(number)), 404, 422)


def test_the_largest_id_is_looked_up(base: str) -> None:
    for path in ("/incidents/2147483647", "/api/incidents/2147483647", "/documents/2147483647"):
        assert refused(httpx.get(base + path), 404)


@pytest.mark.parametrize("path", ["/", "/api/incidents"])
@pytest.mark.parametrize("text", ["\x00", "a\x00b", "a\tb", "\x85"])
def test_a_control_character_in_the_search_is_refused(base: str, path: str, text: str) -> None:
    """PostgreSQL refused a NUL in text with a 500; SQLite ended the pattern at it and
    matched every incident."""
    response = httpx.get(base + path, params={"q": text})
    assert refused(response, 422) and "control characters" in response.text


@pytest.mark.parametrize("path", ["/", "/api/incidents", "/api/incidents.geojson"])
@pytest.mark.parametrize("name", ["category", "certainty"])
def test_a_control_character_in_a_filter_is_refused(base: str, path: str, name: str) -> None:
    response = httpx.get(base + path, params={name: "medic\x00"})
    assert refused(response, 422) and "control characters" in response.text


def test_text_that_is_not_utf8_is_no_error(base: str) -> None:
    # undecodable bytes arrive as U+FFFD, which both databases store
    response = httpx.get(base + "/api/incidents?q=%FF%ED%A0%80")
    assert response.status_code == 200 and response.json()["total"] == 0


def found(base: str, text: str) -> set[str]:
    """The names in SEARCHED of the incidents a search for ``text`` lists."""
    response = httpx.get(base + "/api/incidents", params={"q": text})
    assert response.status_code == 200
    by_place = {values.get("place_name") or values.get("admin1"): name
                for name, values in SEARCHED.items()}
    # an incident not in SEARCHED (the seed's) is named by its place
    return {by_place.get(p, p) for p in (i["place_name"] or i["admin1"]
                                         for i in response.json()["incidents"])}


@pytest.mark.parametrize(("text", "expected"), [
    # each matched every incident: LIKE's wildcards
    ("%", {"percent"}), ("_", {"underscore"}), ("d_7", {"underscore"}),
    # PostgreSQL took the backslash as LIKE's escape, SQLite did not; the slash is the escape now
    ("\\", {"backslash"}), ("k\\s", {"backslash"}), ("v/i", {"slash"}), ("//", set()),
    # the perpetrators' JSON: its keys, quotes and source keys matched
    ("party", set()), ("alleged_by", set()), ("agency-a", set()), ('"', {"perpetrator"}),
    ("ru", {"perpetrator"}), ('"north" GROUP', {"perpetrator"}), ("«Північ»", {"perpetrator"}),
    # ASCII case aside on both (PostgreSQL's LIKE minded it)
    ("WARD", {"underscore"}), ("kyiv/irpin", {"slash"}),
    # and in other scripts (SQLite's lower() folded ASCII only)
    ("горлівка", {"cyrillic-uk"}), ("БЕЛГОРОДСКАЯ", {"cyrillic-ru"}), ("північ", {"perpetrator"}),
])
def test_the_search_matches_the_text_literally(base: str, text: str, expected: set[str]) -> None:
    assert found(base, text) == expected


def test_a_document_page_reads_on_both_backends(base: str) -> None:
    listed = httpx.get(base + "/api/incidents", params={"q": "<script>"}).json()["incidents"]
    page = httpx.get(f"{base}/incidents/{listed[0]['id']}").text
    document = re.search(r'href="(/documents/\d+)"', page)
    assert document is not None
    response = httpx.get(base + document[1])
    assert response.status_code == 200 and "<dt>Claims</dt><dd>1</dd>" in response.text


def test_an_error_in_the_server_is_one_line_with_the_headers(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A store that fails under the app (here its incidents table is gone) gave Starlette's
    bare 500, without the security headers the app's own answers carry."""
    store = Store.open(f"sqlite:///{tmp_path / 'broken.db'}")
    try:
        seed(store)
        with serving(store) as address:
            with sqlite3.connect(tmp_path / "broken.db") as conn:
                conn.execute("DROP TABLE incidents")
            api = httpx.get(address + "/api/incidents")
            page = httpx.get(address + "/")
    finally:
        store.dispose()
    assert refused(api, 500) and refused(page, 500)
    assert api.json() == {"detail": "internal error: the server's log says what went wrong"}
    assert "incidents" not in page.text and "Traceback" not in page.text
    assert "no such table" in caplog.text
