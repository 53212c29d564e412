"""Analysts' decisions on incidents: merge, split, reject and grade by hand.

Every decision needs a reason, is written to the audit log (who, when, before, after, why) and
is kept as a link constraint (must-link, cannot-link, claim-rejected) or a certainty lock, so
that later relinking and reassessment respect it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from rescuewatch.assess.pipeline import grade_incidents
from rescuewatch.errors import InputError
from rescuewatch.link.pipeline import refresh_incidents
from rescuewatch.model import CERTAINTY_GRADES
from rescuewatch.store import incidents as db
from rescuewatch.store.core import Store

SNAPSHOT = ("date_start", "date_end", "place_name", "country", "categories", "killed_min",
            "killed_max", "n_claims", "n_sources", "certainty", "certainty_locked",
            "review_status")


def _require_reason(reason: str | None) -> str:
    if not reason or not reason.strip():
        raise InputError("a reason is required for every review decision", field="--reason")
    return reason.strip()[:2000]


def _incident(conn: Connection, incident_id: int) -> dict[str, Any]:
    row = db.get_incident(conn, incident_id)
    if row is None:
        # no field: an incident number is a command-line argument, not a column of an input
        raise InputError(f"no incident {incident_id}", hint="see `rescuewatch review list`")
    return row


def _snapshot(conn: Connection, incident_id: int) -> dict[str, Any] | None:
    row = db.get_incident(conn, incident_id)
    if row is None:
        return None
    snap = {k: row[k] for k in SNAPSHOT}
    snap["claims"] = db.claim_ids_of(conn, [incident_id])[incident_id]
    return snap


def _chain(ids: list[int]) -> list[tuple[int, int | None]]:
    return [(a, b) for a, b in zip(ids, ids[1:], strict=False)]


def merge(store: Store, incident_ids: list[int], reason: str | None) -> int:
    """Merge incidents into the lowest id; returns it."""
    why = _require_reason(reason)
    ids = sorted(set(incident_ids))
    if len(ids) < 2:
        raise InputError("merge needs at least two different incidents",
                         hint="e.g. rescuewatch review merge 12 15 --reason ...")
    with store.transaction() as conn:
        for i in ids:
            _incident(conn, i)
        before = {i: _snapshot(conn, i) for i in ids}
        members = db.claim_ids_of(conn, ids)
        claims = sorted(c for i in ids for c in members[i])
        target = ids[0]
        db.remove_link_constraints(conn, "cannot_link", claims)
        db.add_link_constraints(conn, "must_link", _chain(claims), why)
        db.assign_claims(conn, [(c, target) for i in ids[1:] for c in members[i]])
        refresh_incidents(conn, ids)
        db.set_review_state(conn, target, review_status="merged")
        grade_incidents(conn, [target])
        store.audit(conn, action="merge", entity="incident", entity_id=target,
                    before=before, after=_snapshot(conn, target), reason=why)
        for i in ids[1:]:
            store.audit(conn, action="merged-into", entity="incident", entity_id=i,
                        before=before[i], after={"merged_into": target}, reason=why)
    return target


def _claims_hint(incident_id: int, current: list[int]) -> str:
    """Which claims an incident has, for an error about one it has not: the fix is to pick
    from them, and they are otherwise a `review show` away."""
    shown = ", ".join(map(str, sorted(current)[:20])) + (", ..." if len(current) > 20 else "")
    return f"incident {incident_id} has claim(s) {shown}; see `rescuewatch review show {incident_id}`"


def split(store: Store, incident_id: int, claim_ids: list[int], reason: str | None) -> int:
    """Move ``claim_ids`` out of an incident into a new one; returns the new incident's id."""
    why = _require_reason(reason)
    with store.transaction() as conn:
        _incident(conn, incident_id)
        before = _snapshot(conn, incident_id)
        current = db.claim_ids_of(conn, [incident_id])[incident_id]
        moving = sorted(set(claim_ids))
        stray = [c for c in moving if c not in current]
        if stray:
            raise InputError(f"claim(s) {', '.join(map(str, stray))} not in incident {incident_id}",
                             field="--claims", hint=_claims_hint(incident_id, current))
        staying = [c for c in current if c not in set(moving)]
        if not moving or not staying:
            raise InputError("split must leave claims on both sides", field="--claims",
                             hint=_claims_hint(incident_id, current))
        db.remove_link_constraints(conn, "must_link", current)
        db.add_link_constraints(conn, "cannot_link", [(a, b) for a in moving for b in staying], why)
        db.add_link_constraints(conn, "must_link", _chain(moving) + _chain(staying), why)
        new_id = db.next_incident_id(conn)
        db.insert_incidents(conn, [_placeholder(new_id)])
        db.assign_claims(conn, [(c, new_id) for c in moving])
        refresh_incidents(conn, [incident_id, new_id])
        for i in (incident_id, new_id):
            db.set_review_state(conn, i, review_status="split")
        grade_incidents(conn, [incident_id, new_id])
        store.audit(conn, action="split", entity="incident", entity_id=incident_id, before=before,
                    after={"kept": _snapshot(conn, incident_id), "new": _snapshot(conn, new_id)},
                    reason=why)
        store.audit(conn, action="split-from", entity="incident", entity_id=new_id, before=None,
                    after=_snapshot(conn, new_id), reason=why)
    return new_id


def _placeholder(incident_id: int) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(db.INCIDENT_COLUMNS)
    row.update(id=incident_id, protected=False, n_claims=0, n_sources=0)
    return row


def reject(store: Store, incident_id: int, reason: str | None, claim_id: int | None = None) -> None:
    """Reject an incident (all its claims) or one claim of it, for good."""
    why = _require_reason(reason)
    with store.transaction() as conn:
        _incident(conn, incident_id)
        before = _snapshot(conn, incident_id)
        current = db.claim_ids_of(conn, [incident_id])[incident_id]
        if claim_id is None:
            db.add_link_constraints(conn, "claim_rejected", [(c, None) for c in current], why)
            db.set_review_state(conn, incident_id, review_status="rejected")
            store.audit(conn, action="reject", entity="incident", entity_id=incident_id,
                        before=before, after=_snapshot(conn, incident_id), reason=why)
            return
        if claim_id not in current:
            raise InputError(f"claim {claim_id} is not in incident {incident_id}", field="--claim",
                             hint=_claims_hint(incident_id, current))
        db.add_link_constraints(conn, "claim_rejected", [(claim_id, None)], why)
        db.assign_claims(conn, [(claim_id, None)])
        alive = refresh_incidents(conn, [incident_id])
        if alive:
            grade_incidents(conn, alive)
        store.audit(conn, action="reject-claim", entity="incident", entity_id=incident_id,
                    before=before, after={"rejected_claim": claim_id,
                                          "incident": _snapshot(conn, incident_id)}, reason=why)


def set_certainty(store: Store, incident_id: int, grade: str | None, reason: str | None,
                  *, unlock: bool = False) -> dict[str, Any]:
    """Set and lock an incident's grade, or unlock it to return to the rules."""
    why = _require_reason(reason)
    if not unlock and grade not in CERTAINTY_GRADES:
        raise InputError(f"unknown grade {grade!r}",
                         hint="one of " + ", ".join(CERTAINTY_GRADES))
    with store.transaction() as conn:
        before = _snapshot(conn, incident_id) if _incident(conn, incident_id) else None
        if unlock:
            db.set_review_state(conn, incident_id, certainty_locked=False)
            grade_incidents(conn, [incident_id])
        else:
            assert grade is not None
            rationale = f"Grade {grade} set by an analyst: {why}"
            db.set_review_state(conn, incident_id, certainty=grade, certainty_locked=True,
                                certainty_rationale=rationale, review_status="reviewed")
        after = _snapshot(conn, incident_id)
        store.audit(conn, action="unlock-certainty" if unlock else "set-certainty",
                    entity="incident", entity_id=incident_id, before=before, after=after,
                    reason=why)
    assert after is not None
    return after
