"""``assess_store``: grade every incident's certainty and write its rationale.

Before grading, sources the store knows only by key are filled in from the default source
registry. Incidents whose certainty an analyst locked (``rescuewatch review certainty``) keep
their grade.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from itertools import groupby
from typing import Any

from sqlalchemy import Connection

from rescuewatch.assess.grade import assess
from rescuewatch.assess.registry import apply_defaults
from rescuewatch.model import CERTAINTY_GRADES
from rescuewatch.store import incidents as db
from rescuewatch.store.core import Store


def grade_incidents(conn: Connection, incident_ids: list[int]) -> dict[int, str]:
    """Grade some incidents inside an open transaction (locked ones are left alone)."""
    locked = {i for i, (_s, lock, _c) in db.incident_review_state(conn).items() if lock}
    out: dict[int, str] = {}
    updates: list[tuple[str, str, int]] = []
    claims = db.incident_claims(conn, incident_ids)
    for incident_id, group in groupby(claims, key=lambda c: c["incident_id"]):
        if incident_id in locked:
            continue
        result = assess(list(group))
        out[int(incident_id)] = result.grade
        updates.append((result.grade, result.rationale, int(incident_id)))
    db.set_certainties(conn, updates)
    return out


def assess_store(
    store: Store, *, incident_ids: list[int] | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Grade incidents (all, or ``incident_ids``); returns counts by grade.

    Parameters
    ----------
    store
        The store.
    incident_ids
        Only these incidents.
    on_batch
        Called with the number of incidents graded after each batch (progress bars).
    """
    started = time.perf_counter()
    counts = dict.fromkeys(CERTAINTY_GRADES, 0)
    locked_kept = 0
    with store.transaction() as conn:
        filled = apply_defaults(store, conn)
        locked = {i for i, (_s, lock, _c) in db.incident_review_state(conn).items() if lock}
        for batch in db.iter_incident_claims(conn, only_ids=incident_ids):
            updates: list[tuple[str, str, int]] = []
            for incident_id, claims in groupby(batch, key=lambda c: c["incident_id"]):
                if incident_id in locked:
                    locked_kept += 1
                    continue
                result = assess(list(claims))
                counts[result.grade] += 1
                updates.append((result.grade, result.rationale, int(incident_id)))
            db.set_certainties(conn, updates)
            if on_batch is not None:
                on_batch(len(updates))
        store.audit(conn, action="assess", entity="store", entity_id=None,
                    after={"graded": counts, "locked_kept": locked_kept,
                           "sources_filled": filled},
                    reason="certainty grading run")
    return {"graded": sum(counts.values()), "by_grade": counts, "locked_kept": locked_kept,
            "sources_filled_from_registry": filled,
            "seconds": round(time.perf_counter() - started, 3)}
