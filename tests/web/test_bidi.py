"""A right-to-left override in an ingested value stays inside that value, in the web app (a
real server and a real Chromium) and in the report: it reversed the rest of the line, counts
and labels included."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from rescuewatch.model import Claim, Perpetrator, Place, Source, Victim
from rescuewatch.report.bidi import contain_bidi
from rescuewatch.report.build import write_report
from rescuewatch.report.sections import ReportOptions
from rescuewatch.store import Store
from rescuewatch.store.claims import add_claims
from rescuewatch.store.exports import add_incident
from tests.browser import launched_chromium
from tests.web.serving import serving

PLACE = "Ward \u202e7"  # a right-to-left override, never closed
SOURCE = "Agency \u202eA"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, int]]:
    st = Store.open(f"sqlite:///{tmp_path_factory.mktemp('bidi') / 'web.db'}")
    data = PLACE.encode()
    with st.transaction() as conn:
        src = st.source_id(conn, Source("agency-a", SOURCE))
        doc = st.add_document(conn, {"sha256": hashlib.sha256(data).hexdigest(), "source_id": src,
                                     "origin": "mem", "format": "text", "size": len(data),
                                     "text": PLACE})
        incident = add_incident(conn, {"place_name": PLACE, "country": "UA", "lat": 50.0,
                                       "lon": 36.2, "categories": "medic", "protected": True,
                                       "killed_min": 12, "killed_max": 12, "certainty": "possible",
                                       "date_start": dt.date(2024, 3, 2), "admin1": PLACE,
                                       "perpetrators": [{"alleged_by": ["agency-a"], "party": None,
                                                         "text": PLACE}]})
        add_claims(conn, doc, [Claim(place=Place(text=PLACE), victims=[Victim("medic", killed=12)],
                                     perpetrator=Perpetrator(text=PLACE), incident_id=incident)])
    yield st, incident
    st.dispose()


def test_what_a_value_opens_is_closed_after_it() -> None:
    assert contain_bidi(PLACE) == PLACE + "\u202c"
    assert contain_bidi("a\u2067b\u202bc") == "a\u2067b\u202bc\u2069\u202c"
    assert contain_bidi("plain") == "plain" and contain_bidi(12) == 12


def test_pages_close_the_override_after_the_value(store: tuple[Store, int]) -> None:
    st, incident = store
    with serving(st) as base:
        for path in ("/", f"/incidents/{incident}"):
            page = httpx.get(base + path).text
            assert PLACE in page and page.count(PLACE + "\u202c") == page.count(PLACE), path


def test_the_report_closes_the_override_after_the_value(store: tuple[Store, int],
                                                         tmp_path: Path) -> None:
    st, _ = store
    write_report(st, tmp_path / "report.html", seed=1, options=ReportOptions(permutations=9))
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    shown = re.sub(r"<script\b.*?</script>", "", page, flags=re.S)  # not the embedded data
    assert shown.count(SOURCE) >= 1 and shown.count(SOURCE + "\u202c") == shown.count(SOURCE)


@pytest.mark.browser
def test_the_count_after_the_value_reads_left_to_right(store: tuple[Store, int]) -> None:
    st, incident = store
    # where "12" and "killed" are drawn in the claim's line: reversed, "killed" came first
    measure = """() => {
      const p = [...document.querySelectorAll('article.claim p')].find(e => e.textContent.includes('killed'));
      const node = [...p.childNodes].find(n => n.nodeType === 3 && n.textContent.includes('killed'));
      const at = (word) => { const r = document.createRange(); const i = node.textContent.indexOf(word);
        r.setStart(node, i); r.setEnd(node, i + word.length); return r.getBoundingClientRect().left; };
      return [at('12'), at('killed')];
    }"""
    with serving(st) as base, launched_chromium() as browser:
        # the measuring script is the test's, not the page's: its policy refuses eval
        page: Any = browser.new_context(bypass_csp=True).new_page()
        page.goto(f"{base}/incidents/{incident}")
        number, word = page.evaluate(measure)
    assert number < word


def test_the_search_box_keeps_the_text_searched(store: tuple[Store, int]) -> None:
    """The search box is a value sent back, not text shown: closing the override there
    changed what the next search looked for (it found nothing)."""
    st, _ = store
    with serving(st) as base:
        page = httpx.get(base + "/", params={"q": PLACE}).text
    assert f'name="q" maxlength="200" value="{PLACE}"' in page
    assert "1 incident(s) match" in page
