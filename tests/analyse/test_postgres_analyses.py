"""The analyses give the same tables on PostgreSQL as on SQLite (skipped without a server)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from rescuewatch.analyse.coverage import Coverage
from rescuewatch.analyse.events import EventFilter, load_events
from rescuewatch.analyse.repeat import RepeatStrikes
from rescuewatch.analyse.trends import monthly_counts
from tests.analyse.test_store_analyses import build

pytest.importorskip("psycopg", reason="psycopg 3 is not installed (pip install '.[postgres]')")
from tests.pg import pg_bindir, temporary_postgres  # noqa: E402

pytestmark = pytest.mark.skipif(pg_bindir() is None, reason="no PostgreSQL server binaries here")


@pytest.mark.slow
def test_same_results_on_postgresql(tmp_path: Path) -> None:
    lite = build(tmp_path / "lite.db", False)
    with temporary_postgres() as url:
        pg = build(url, False)
        try:
            for flt in (None, EventFilter(category="responders", perpetrator="ua"),
                        EventFilter(country="UA", certainty_min="rumour")):
                a, b = load_events(lite, flt), load_events(pg, flt)
                keep = [c for c in a.columns if c != "incident_id"]
                pd.testing.assert_frame_equal(a[keep], b[keep], check_dtype=False)
            ea, eb = load_events(lite), load_events(pg)
            pd.testing.assert_frame_equal(monthly_counts(ea, "perpetrator"),
                                          monthly_counts(eb, "perpetrator"))
            ra = Coverage().fit(lite).rates_
            rb = Coverage().fit(pg).rates_
            pd.testing.assert_frame_equal(ra, rb)
            cols = ["incident_date", "basis", "confidence", "gap"]
            ca = RepeatStrikes().fit(ea, store=lite).candidates_[cols]
            cb = RepeatStrikes().fit(eb, store=pg).candidates_[cols]
            pd.testing.assert_frame_equal(ca, cb)
        finally:
            pg.dispose()
    lite.dispose()
