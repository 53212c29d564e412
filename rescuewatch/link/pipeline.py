"""``link_store``: turn the store's claims into incidents, fully or incrementally.

A first run (or ``full=True``) links every non-aggregate claim and keeps incident ids stable
across relinks by giving each new cluster the id of the old incident it shares most claims
with. Later runs attach only the new claims (``incident_id IS NULL``): they load just the
claims within the new claims' time window, never merge two existing incidents, and leave every
incident that gained nothing untouched. Analysts' decisions (must-link, cannot-link,
rejected claims) are applied on every run.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from sqlalchemy import Connection, select

from rescuewatch.link import features as feat
from rescuewatch.link.blocking import MAX_SPAN_DAYS, candidate_pairs
from rescuewatch.link.cluster import cluster
from rescuewatch.link.score import (
    DEFAULT_WEIGHTS,
    Weights,
    add_text_term,
    ambiguous_claims,
    score_pairs,
)
from rescuewatch.link.summary import incident_rows
from rescuewatch.store import incidents as db
from rescuewatch.store import schema as s
from rescuewatch.store.core import Store

Progress = Callable[[str], None]


def link_store(
    store: Store, *, full: bool = False, weights: Weights = DEFAULT_WEIGHTS,
    on_stage: Progress | None = None,
) -> dict[str, Any]:
    """Link the store's claims into incidents; returns a summary of what changed.

    Parameters
    ----------
    store
        The store to link.
    full
        Relink every claim instead of attaching only new ones.
    weights
        Score weights and threshold.
    on_stage
        Called with the name of each stage (for progress displays).
    """
    started = time.perf_counter()
    stage = on_stage or (lambda _name: None)
    with store.transaction() as conn:
        has_incidents = conn.execute(select(s.incidents.c.id).limit(1)).first() is not None
        mode = "full" if full or not has_incidents else "incremental"
        if mode == "full":
            summary = _link_full(store, conn, weights, stage)
        else:
            summary = _link_incremental(store, conn, weights, stage)
        store.audit(conn, action="link", entity="store", entity_id=None,
                    after={k: v for k, v in summary.items() if k != "seconds"},
                    reason=f"{mode} linking run")
    summary["seconds"] = round(time.perf_counter() - started, 3)
    return summary


def _decisions(conn: Connection, f: feat.Features) -> tuple[
    np.ndarray, list[tuple[int, int]], list[tuple[int, int]]
]:
    """Rejected-claim mask and must/cannot-link index pairs for the loaded claims."""
    rejected = np.zeros(f.n, dtype=bool)
    must: list[tuple[int, int]] = []
    cannot: list[tuple[int, int]] = []
    position = {int(cid): i for i, cid in enumerate(f.ids.tolist())} if f.n else {}
    for kind, a, b in db.link_constraints(conn):
        ia = position.get(a)
        ib = position.get(b) if b is not None else None
        if kind == "claim_rejected" and ia is not None:
            rejected[ia] = True
        elif kind == "must_link" and ia is not None and ib is not None:
            must.append((ia, ib))
        elif kind == "cannot_link" and ia is not None and ib is not None:
            cannot.append((ia, ib))
    return rejected, must, cannot


def _same_event_rows(f: feat.Features) -> list[tuple[int, int]]:
    """Rows of one document that the dataset itself gives one event id (same ``row_ref``)."""
    out: list[tuple[int, int]] = []
    first: dict[tuple[int, str], int] = {}
    for i in np.flatnonzero(np.array([r is not None for r in f.row_ref], dtype=bool)).tolist():
        key = (int(f.document[i]), str(f.row_ref[i]))
        if key in first:
            out.append((first[key], i))
        else:
            first[key] = i
    return out


def _scored(conn: Connection, f: feat.Features, focus: np.ndarray | None, w: Weights,
            stage: Progress) -> tuple[np.ndarray, np.ndarray]:
    stage("blocking")
    pairs = candidate_pairs(f, focus)
    stage("scoring")
    scores = score_pairs(f, pairs, w)
    ids = ambiguous_claims(f, pairs, scores, w)
    if ids.size:
        scores = add_text_term(f, pairs, scores, db.claim_texts(conn, ids.tolist()), w)
    return pairs, scores


def _link_full(store: Store, conn: Connection, w: Weights, stage: Progress) -> dict[str, Any]:
    stage("loading claims")
    f = feat.build(db.iter_link_rows(conn))
    rejected, must, cannot = _decisions(conn, f)
    live = np.flatnonzero(~rejected)
    # Rejected claims keep whatever incident an analyst left them in; they are not relinked.
    old_of_rejected = set(f.incident[rejected].tolist()) - {-1}
    f_old_incident = f.incident.copy()
    index_map = np.full(f.n, -1, dtype=np.int64)
    index_map[live] = np.arange(live.size)
    f = f.take(live)
    must = [(int(index_map[a]), int(index_map[b])) for a, b in must if index_map[a] >= 0 and index_map[b] >= 0]
    cannot = [(int(index_map[a]), int(index_map[b])) for a, b in cannot if index_map[a] >= 0 and index_map[b] >= 0]
    must += _same_event_rows(f)
    pairs, scores = _scored(conn, f, None, w, stage)
    stage("clustering")
    labels = cluster(f, pairs, scores, w.threshold, must_link=must, cannot_link=cannot)
    stage("writing incidents")
    keys = _source_keys(conn)
    rows = incident_rows(f, labels, np.arange(f.n), keys)
    ids = _stable_ids(conn, f, rows, exclude=old_of_rejected)
    incident_of = np.empty(f.n, dtype=np.int64)
    for (idx, row), inc_id in zip(rows, ids, strict=True):
        row["id"] = inc_id
        incident_of[idx] = inc_id
    old_ids = set(f.incident[f.incident >= 0].tolist())
    new_rows = [row for _idx, row in rows if row["id"] not in old_ids]
    changed_rows = [row for _idx, row in rows if row["id"] in old_ids]
    moved = np.flatnonzero(f.incident != incident_of)
    assignments = list(zip(f.ids[moved].tolist(), incident_of[moved].tolist(), strict=True))
    db.insert_incidents(conn, new_rows)
    db.assign_claims(conn, assignments)
    db.update_incidents(conn, changed_rows)
    reused = {row["id"] for row in changed_rows}
    gone = (set(f_old_incident.tolist()) - {-1}) - reused - old_of_rejected
    return {"mode": "full", "claims": f.n, "candidate_pairs": int(len(pairs)),
            "incidents": len(rows), "new_incidents": len(new_rows),
            "updated_incidents": len(changed_rows), "removed_incidents": len(gone),
            "claims_assigned": len(assignments), "rejected_claims": int(rejected.sum())}


def _stable_ids(conn: Connection, f: feat.Features, rows: list[tuple[np.ndarray, dict[str, Any]]],
                exclude: set[int]) -> list[int]:
    """Give each cluster the old incident id it overlaps most, each old id used once."""
    ids = np.full(len(rows), -1, dtype=np.int64)
    first = np.array([int(f.canon[idx].min()) for idx, _row in rows], dtype=np.int64)
    if (f.incident >= 0).any():
        group = np.concatenate([np.full(idx.size, n) for n, (idx, _r) in enumerate(rows)])
        members = np.concatenate([idx for idx, _r in rows])
        old = f.incident[members]
        keep = (old >= 0) & ~np.isin(old, list(exclude))
        pairs, counts = np.unique(np.column_stack((group[keep], old[keep])), axis=0,
                                  return_counts=True)
        taken: set[int] = set()
        for k in np.lexsort((first[pairs[:, 0]], pairs[:, 1], -counts)).tolist():
            n, old_id = int(pairs[k, 0]), int(pairs[k, 1])
            if ids[n] < 0 and old_id not in taken:
                ids[n] = old_id
                taken.add(old_id)
    next_id = db.next_incident_id(conn)
    # New ids in the order-independent rank of each cluster's first claim.
    fresh = np.flatnonzero(ids < 0)
    fresh = fresh[np.argsort(first[fresh], kind="stable")]
    ids[fresh] = np.arange(next_id, next_id + fresh.size)
    return [int(i) for i in ids.tolist()]


def _link_incremental(store: Store, conn: Connection, w: Weights,
                      stage: Progress) -> dict[str, Any]:
    stage("loading new claims")
    first, last, count = db.unlinked_date_range(conn)
    if count == 0:
        return {"mode": "incremental", "claims": 0, "candidate_pairs": 0, "incidents": 0,
                "new_incidents": 0, "updated_incidents": 0, "claims_assigned": 0}
    new_rows = list(db.iter_link_rows(conn, only_unlinked=True))
    window: list[list[tuple[Any, ...]]] = []
    if first is not None and last is not None:
        window = list(db.iter_link_rows(
            conn, since=first - dt.timedelta(days=MAX_SPAN_DAYS + 2),
            until=last + dt.timedelta(days=MAX_SPAN_DAYS + 2),
        ))
    seen: set[int] = set()
    chunks: list[list[tuple[Any, ...]]] = []
    for chunk in [*new_rows, *window]:
        fresh = [r for r in chunk if r[0] not in seen]
        seen.update(r[0] for r in fresh)
        chunks.append(fresh)
    f = feat.build(chunks)
    rejected, must, cannot = _decisions(conn, f)
    live = np.flatnonzero(~rejected)
    index_map = np.full(f.n, -1, dtype=np.int64)
    index_map[live] = np.arange(live.size)
    f = f.take(live)
    must = [(int(index_map[a]), int(index_map[b])) for a, b in must if index_map[a] >= 0 and index_map[b] >= 0]
    cannot = [(int(index_map[a]), int(index_map[b])) for a, b in cannot if index_map[a] >= 0 and index_map[b] >= 0]
    must += _same_event_rows(f)
    focus = f.incident < 0
    pairs, scores = _scored(conn, f, focus, w, stage)
    stage("clustering")
    labels = cluster(f, pairs, scores, w.threshold, must_link=must, cannot_link=cannot,
                     fixed=f.incident)
    touched_labels = np.unique(labels[focus])
    members = np.flatnonzero(np.isin(labels, touched_labels))
    rows = incident_rows(f, labels, members, _source_keys(conn))
    next_id = db.next_incident_id(conn)
    created, updated, assignments = [], [], []
    fresh = sorted(rows, key=lambda item: int(f.canon[item[0]].min()))
    for idx, row in fresh:
        olds = set(f.incident[idx].tolist()) - {-1}
        if olds:
            row["id"] = min(olds)
            updated.append(row)
        else:
            row["id"] = next_id
            next_id += 1
            created.append(row)
        for i in idx[f.incident[idx] < 0].tolist():
            assignments.append((int(f.ids[i]), row["id"]))
    db.insert_incidents(conn, created)
    db.assign_claims(conn, assignments)
    db.update_incidents(conn, updated)
    return {"mode": "incremental", "claims": int(focus.sum()), "candidate_pairs": int(len(pairs)),
            "incidents": len(rows), "new_incidents": len(created),
            "updated_incidents": len(updated), "claims_assigned": len(assignments),
            "rejected_claims": int(rejected.sum())}


def _source_keys(conn: Connection) -> dict[int, str]:
    return {int(r["id"]): str(r["key"]) for r in db.list_sources(conn)}


def refresh_incidents(conn: Connection, incident_ids: list[int]) -> list[int]:
    """Recompute the derived columns of some incidents from their current claims.

    Incidents left without claims are deleted; returns the ids that still exist.
    """
    members = db.claim_ids_of(conn, incident_ids)
    empty = [i for i, claims in members.items() if not claims]
    claim_ids = [c for claims in members.values() for c in claims]
    f = feat.build(db.iter_link_rows(conn, claim_ids=claim_ids))
    rows = incident_rows(f, f.incident, np.arange(f.n), _source_keys(conn))
    for idx, row in rows:
        row["id"] = int(f.incident[idx[0]])
    db.update_incidents(conn, [row for _idx, row in rows])
    if empty:
        db.delete_incidents(conn, empty)
    return sorted(int(row["id"]) for _idx, row in rows)
