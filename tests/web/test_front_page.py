"""The front page's filter form and paging, as a user drives them: in a real Chromium, and
by following the page's own links on a real server."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from rescuewatch.model import Claim, Source, Victim
from rescuewatch.store import Store
from rescuewatch.store.claims import add_claims
from rescuewatch.store.exports import add_incident
from tests.browser import launched_chromium
from tests.conftest import Invoker
from tests.web.serving import BACKENDS, served_on, serving

#: Incidents by place: two in Kharkiv (one before 2020), one in Gaza; newest first on the page.
INCIDENTS = (
    ("Kharkiv", "UA", dt.date(2024, 3, 2), "medic"),
    ("Gaza", "PS", dt.date(2024, 2, 1), "medic"),
    ("Kharkiv", "UA", dt.date(2023, 5, 9), "rescuer"),
    ("Kharkiv", "UA", dt.date(2019, 1, 1), "medic"),
)


@pytest.fixture(scope="module", params=BACKENDS)
def base(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of the incidents above, on SQLite and on PostgreSQL."""
    def seeded(store: Store) -> None:
        with store.transaction() as conn:
            for place, country, day, category in INCIDENTS:
                add_incident(conn, {"place_name": place, "country": country, "date_start": day,
                                    "date_end": day, "date_precision": "day",
                                    "categories": category, "protected": True,
                                    "certainty": "possible"})

    yield from served_on(request.param, tmp_path_factory.mktemp("front"), seeded)


def places(page: str) -> list[str]:
    return re.findall(r"<td>(\w+) \(\w\w\)</td>", page)


def link(page: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]*)" rel="{rel}">', page)
    return html.unescape(found.group(1)) if found else None


def test_the_form_with_fields_left_empty_filters(base: str) -> None:
    """The form sends every field, empty ones as "country=&since=": that was a 422 in JSON
    unless a country and both dates were filled in."""
    response = httpx.get(base + "/", params={"country": "", "category": "medic", "certainty": "",
                                             "since": "", "until": "", "q": ""})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert places(response.text) == ["Kharkiv", "Gaza", "Kharkiv"]
    api = httpx.get(base + "/api/incidents", params={"country": "", "since": "", "q": "Gaza"})
    assert api.status_code == 200 and api.json()["total"] == 1
    # a value that is not empty is still checked
    assert httpx.get(base + "/", params={"since": "yesterday"}).status_code == 422


def test_paging_keeps_every_filter(base: str) -> None:
    """The next page's link kept the country, category and certainty but dropped the dates and
    the text: page 2 of "Kharkiv since 2020" listed Gaza and 2019."""
    first = httpx.get(base + "/", params={"q": "kharkiv", "since": "2020-01-01", "limit": 1}).text
    assert places(first) == ["Kharkiv"] and "2 incident(s) match; showing 1–1." in first
    assert link(first, "prev") is None
    following = link(first, "next")
    assert following is not None
    second = httpx.get(base + "/" + following).text
    assert places(second) == ["Kharkiv"] and "showing 2–2" in second
    assert "2023-05-09" in second and link(second, "next") is None
    back = link(second, "prev")
    assert back is not None and httpx.get(base + "/" + back).text == first


def test_a_page_past_the_end_says_so(base: str) -> None:
    page = httpx.get(base + "/", params={"offset": 10}).text
    assert "4 incident(s) match; none past number 4." in page
    assert "No incidents on this page." in page and "Ingest reports" not in page


@pytest.mark.browser
def test_the_filter_form_works_in_a_browser(base: str, tmp_path: Path) -> None:
    with launched_chromium() as browser:
        page = browser.new_page()
        page.goto(base + "/")
        page.select_option("select[name=category]", "rescuer")
        with page.expect_navigation():
            page.click("form.filters button")
        rows = page.locator("table.incidents tbody tr").all_text_contents()
        selected = page.input_value("select[name=category]")
    assert len(rows) == 1 and "2023-05-09" in rows[0] and "Kharkiv" in rows[0]
    assert selected == "rescuer"


@pytest.mark.parametrize(("path", "status", "said"), [
    ("/incidents/999", 404, "no incident 999"),
    ("/documents/999", 404, "no document 999"),
    ("/nowhere", 404, "Not Found"),
    ("/?since=yesterday&limit=9999", 422, "since: Input should be a valid date"),
    ("/?category=tanks", 422, "unknown category"),
])
def test_a_page_that_cannot_be_answered_is_a_page(base: str, path: str, status: int,
                                                   said: str) -> None:
    """A browser showed an error of a page as raw JSON ({"detail": ...})."""
    response = httpx.get(base + path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert said in response.text and 'href="/"' in response.text


def test_the_api_still_answers_errors_in_json(base: str) -> None:
    for path, status in (("/api/incidents/999", 404), ("/api/incidents?since=yesterday", 422),
                         ("/api/nowhere", 404), ("/api/incidents.geojson?category=tanks", 422)):
        response = httpx.get(base + path)
        assert response.status_code == status and "detail" in response.json()


def test_a_merged_incident_says_where_it_went(tmp_path: Path) -> None:
    """A merged incident's page and API answer were a bare 404: a cited link went dead."""
    from rescuewatch.link.review import merge

    store = Store.open(f"sqlite:///{tmp_path / 'merged.db'}")
    with store.transaction() as conn:
        src = store.source_id(conn, Source("agency-a", "Agency A"))
        doc = store.add_document(conn, {"sha256": "0" * 64, "source_id": src, "origin": "mem",
                                        "format": "text", "size": 0, "text": ""})
        ids = [add_incident(conn, {"country": "UA", "place_name": f"Place {n}"}) for n in range(4)]
        add_claims(conn, doc, [Claim(victims=[Victim("medic", killed=1)], incident_id=i) for i in ids])
    merge(store, [ids[1], ids[2]], "same strike")  # 3 into 2
    merge(store, [ids[0], ids[1]], "same strike")  # then 2 into 1
    try:
        with serving(store) as base:
            page = httpx.get(f"{base}/incidents/{ids[2]}")
            api = httpx.get(f"{base}/api/incidents/{ids[2]}")
            never = httpx.get(f"{base}/api/incidents/99")
    finally:
        store.dispose()
    assert page.status_code == api.status_code == 404
    assert f'<a href="/incidents/{ids[0]}">See incident {ids[0]}</a>' in page.text
    assert api.json()["detail"] == f"no incident {ids[2]}: it was merged into incident {ids[0]}"
    assert api.headers["link"] == f'</incidents/{ids[0]}>; rel="alternate"'
    assert never.json()["detail"] == "no incident 99" and "link" not in never.headers


def test_the_api_gives_the_audit_values_as_audit_json_does(tmp_path: Path, rw: Invoker) -> None:
    """The API gave an incident's audit values before and after as strings of JSON."""
    from rescuewatch.link.review import merge

    store = Store.open(rw.db_url)
    with store.transaction() as conn:
        src = store.source_id(conn, Source("agency-a", "Agency A"))
        doc = store.add_document(conn, {"sha256": "1" * 64, "source_id": src, "origin": "mem",
                                        "format": "text", "size": 0, "text": ""})
        ids = [add_incident(conn, {"country": "UA"}) for _ in range(2)]
        add_claims(conn, doc, [Claim(victims=[Victim("medic", killed=1)], incident_id=i) for i in ids])
    merge(store, ids, "same strike")
    try:
        with serving(store) as base:
            api = httpx.get(f"{base}/api/incidents/{ids[0]}").json()["audit"]
    finally:
        store.dispose()
    result = rw("audit", "--incident", str(ids[0]), "--json")
    assert result.exit_code == 0
    cli = json.loads(result.output)
    assert len(api) == len(cli) == 1 and isinstance(api[0]["after"], dict)
    for key in ("before", "after", "reason", "action", "actor"):
        assert api[0][key] == cli[0][key], key


@pytest.mark.parametrize(("path", "status", "kind"), [
    ("/", 200, "text/html"), ("/api/incidents", 200, "application/json"),
    ("/assets/style.css", 200, "text/css"), ("/incidents/999", 404, "text/html"),
])
def test_head_is_answered_as_get_without_a_body(base: str, path: str, status: int,
                                                kind: str) -> None:
    """HEAD (link checkers, curl -I) was refused with 405 Method Not Allowed."""
    head = httpx.head(base + path)
    get = httpx.get(base + path)
    assert head.status_code == get.status_code == status and head.content == b""
    assert head.headers["content-type"].startswith(kind)
    assert head.headers["content-length"] == get.headers["content-length"]
    assert "default-src 'self'" in head.headers["content-security-policy"]
