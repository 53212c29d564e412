"""``link_store``: turn the store's claims into incidents, fully or incrementally.

A first run (or ``full=True``) links every non-aggregate claim and keeps incident ids stable
across relinks by giving each new cluster the id of the old incident it shares most claims
with. Later runs link only the new claims (``incident_id IS NULL``): they load just the
claims within the new claims' time window, regroup the unreviewed incidents holding a claim
near a new one (the new claims may bridge two reports that looked apart), never change or
merge reviewed incidents, and leave every other incident untouched. Analysts' decisions
(must-link, cannot-link, rejected claims, reviewed incidents) are applied on every run.

A full link of a million claims streams the claims' features and texts once, blocks and scores
one time slab at a time (keeping only pairs that can matter), clusters each connected
component on its own, and writes incidents in bulk. Slabs and components are independent, so
on large inputs two forked workers share them; the result does not depend on that (see
:mod:`rescuewatch.link.parallel`).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from sqlalchemy import Connection, select

from rescuewatch.link import features as feat
from rescuewatch.link.blocking import MAX_SPAN_DAYS, slab_pairs, slabs
from rescuewatch.link.cluster import EDGE_FLOOR, cluster
from rescuewatch.link.parallel import ordered_map, workers_for
from rescuewatch.link.score import (
    DEFAULT_WEIGHTS,
    TextSignatures,
    Weights,
    add_text_term,
    score_pairs,
)
from rescuewatch.link.summary import IncidentTable, incident_rows
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
    """Dataset rows that their publisher gives one event id (the same ``row_ref`` from one
    source, in one file or several: ``Features.document``)."""
    has = np.flatnonzero(f.row_ref != feat.NO_REF)
    if has.size < 2:
        return []
    order = has[np.lexsort((has, f.row_ref[has], f.document[has]))]
    doc, ref = f.document[order], f.row_ref[order]
    same = (doc[1:] == doc[:-1]) & (ref[1:] == ref[:-1])
    return list(zip(order[:-1][same].tolist(), order[1:][same].tolist(), strict=True))


def _stored_texts(stored: list[tuple[int, str]], f: feat.Features) -> TextSignatures:
    """Signatures fed from every claim's text, read beforehand in one stream (full link)."""
    texts: list[str | None] = [None] * f.n
    if stored and f.n:
        ids = np.fromiter((cid for cid, _t in stored), dtype=np.int64, count=len(stored))
        where = np.minimum(np.searchsorted(f.ids, ids), f.n - 1)
        # Texts of claims left out of the features (rejected ones) are skipped.
        match = f.ids[where] == ids
        for k, ok, (_cid, text) in zip(where.tolist(), match.tolist(), stored, strict=True):
            if ok:
                texts[k] = text
    stored.clear()
    return TextSignatures(f.n, lambda idx: [texts[i] for i in idx.tolist()])


def _queried_texts(conn: Connection, f: feat.Features) -> TextSignatures:
    """Signatures fed by querying the texts of the claims that need one (incremental)."""
    def fetch(idx: np.ndarray) -> list[str | None]:
        ids = f.ids[idx].tolist()
        found = db.claim_texts(conn, ids)
        return [found.get(int(i)) for i in ids]
    return TextSignatures(f.n, fetch)


def _scored(f: feat.Features, focus: np.ndarray | None, w: Weights, texts: TextSignatures,
            stage: Progress) -> tuple[np.ndarray, np.ndarray, int]:
    """Pairs worth keeping (score >= EDGE_FLOOR), their scores, and how many were scored.

    Blocking and scoring go one time slab at a time, so only one slab's candidate pairs are
    ever held; pairs scoring below EDGE_FLOOR can neither link nor lift an average and are
    dropped at once.
    """
    stage("blocking and scoring")
    cuts = slabs(f)

    def one(k: int) -> tuple[np.ndarray, np.ndarray, int]:
        pairs = slab_pairs(f, cuts[k], focus)
        scores = add_text_term(f, pairs, score_pairs(f, pairs, w), texts, w)
        keep = scores >= EDGE_FLOOR
        return pairs[keep], scores[keep], len(pairs)

    done = ordered_map(one, len(cuts), workers_for(f.n))
    if not done:
        return np.empty((0, 2), dtype=np.int32), np.zeros(0), 0
    return (np.concatenate([d[0] for d in done]), np.concatenate([d[1] for d in done]),
            sum(d[2] for d in done))


def _load_all(conn: Connection, stage: Progress) -> tuple[feat.Features, list[tuple[int, str]]]:
    """Every claim's features and text, each read in one stream.

    (Reading the two halves of the claims in two processes was tried: on SQLite it was slower
    than one stream, the fetch being bound by the database file, not by Python.)
    """
    stage("loading claims")
    f = feat.build(db.iter_link_rows(conn))
    stage("reading texts")
    return f, list(db.iter_claim_texts(conn))


def _link_full(store: Store, conn: Connection, w: Weights, stage: Progress) -> dict[str, Any]:
    f, all_texts = _load_all(conn, stage)
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
    pairs, scores, n_pairs = _scored(f, None, w, _stored_texts(all_texts, f), stage)
    stage("clustering")
    labels = cluster(f, pairs, scores, w.threshold, average=w.average, must_link=must, cannot_link=cannot,
                     attach=(w.attach, w.attach_margin))
    del pairs, scores
    stage("writing incidents")
    table = incident_rows(f, labels, np.arange(f.n), _source_keys(conn))
    ids = _stable_ids(conn, f, table, exclude=old_of_rejected)
    incident_of = np.empty(f.n, dtype=np.int64)
    incident_of[table.order] = ids[table.group_of_members()]
    old = np.isin(ids, f.incident[f.incident >= 0])
    id_list = ids.tolist()
    new_groups = np.flatnonzero(~old).tolist()
    changed_groups = np.flatnonzero(old).tolist()
    moved = np.flatnonzero(f.incident != incident_of)
    assignments = list(zip(f.ids[moved].tolist(), incident_of[moved].tolist(), strict=True))
    if new_groups and len(new_groups) == len(table):
        db.insert_incident_values(conn, table.values(id_list))
    else:
        db.insert_incident_values(conn, table.values([id_list[g] for g in new_groups], new_groups))
    db.assign_claims(conn, assignments)
    db.update_incident_values(conn, table.values([id_list[g] for g in changed_groups],
                                                 changed_groups))
    reused = set(ids[old].tolist())
    gone = (set(f_old_incident.tolist()) - {-1}) - reused - old_of_rejected
    # Incidents left without claims (merged into another by this relink) go, as they do when
    # an analyst's decision empties them; the link's audit entry counts them.
    db.delete_incidents(conn, sorted(gone))
    return {"mode": "full", "claims": f.n, "candidate_pairs": n_pairs,
            "incidents": len(table), "new_incidents": len(new_groups),
            "updated_incidents": len(changed_groups), "removed_incidents": len(gone),
            "claims_assigned": len(assignments), "rejected_claims": int(rejected.sum())}


def _stable_ids(conn: Connection, f: feat.Features, table: IncidentTable,
                exclude: set[int], kept: np.ndarray | None = None) -> np.ndarray:
    """Give each cluster the old incident id it overlaps most, each old id used once.

    With ``kept`` (per claim, the stored incident it must stay in, -1 for none), a cluster
    holding such a claim keeps that incident's id before any other is handed out.
    """
    ids = np.full(len(table), -1, dtype=np.int64)
    first = table.first_rank
    if kept is not None or (f.incident >= 0).any():
        group = table.group_of_members()
        if kept is not None:
            mine = kept[table.order]
            ids[group[mine >= 0]] = mine[mine >= 0]
        taken = set(ids[ids >= 0].tolist())
        old = f.incident[table.order]
        keep = (old >= 0) & (ids[group] < 0) & ~np.isin(old, list(exclude | taken))
        if keep.any():
            pairs, counts = np.unique(np.column_stack((group[keep], old[keep])), axis=0,
                                      return_counts=True)
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
    return ids


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
    # An incident holding a rejected claim is an analyst's decision: it is not regrouped.
    decided = set(f.incident[rejected].tolist()) - {-1}
    live = np.flatnonzero(~rejected)
    index_map = np.full(f.n, -1, dtype=np.int64)
    index_map[live] = np.arange(live.size)
    f = f.take(live)
    must = [(int(index_map[a]), int(index_map[b])) for a, b in must if index_map[a] >= 0 and index_map[b] >= 0]
    cannot = [(int(index_map[a]), int(index_map[b])) for a, b in cannot if index_map[a] >= 0 and index_map[b] >= 0]
    must += _same_event_rows(f)
    new = f.incident < 0
    loose = _loose_neighbours(conn, f, new, decided)
    fixed = np.where(loose, -1, f.incident)
    pairs, scores, n_pairs = _scored(f, new | loose, w, _queried_texts(conn, f), stage)
    stage("clustering")
    labels = cluster(f, pairs, scores, w.threshold, average=w.average, must_link=must, cannot_link=cannot,
                     fixed=fixed, attach=(w.attach, w.attach_margin))
    stage("writing incidents")
    touched = np.unique(labels[new | loose])
    table = incident_rows(f, labels, np.flatnonzero(np.isin(labels, touched)), _source_keys(conn))
    changes = _incremental_changes(f, table, _stable_ids(conn, f, table, set(), kept=fixed))
    db.insert_incident_values(conn, changes["created"])
    db.assign_claims(conn, changes["assignments"])
    db.update_incident_values(conn, changes["updated"])
    db.delete_incidents(conn, changes["removed"])
    return {"mode": "incremental", "claims": int(new.sum()), "candidate_pairs": n_pairs,
            "incidents": len(table), "new_incidents": len(changes["created"]),
            "updated_incidents": len(changes["updated"]),
            "removed_incidents": len(changes["removed"]),
            "claims_assigned": len(changes["assignments"]),
            "rejected_claims": int(rejected.sum())}


def _loose_neighbours(conn: Connection, f: feat.Features, new: np.ndarray,
                      decided: set[int]) -> np.ndarray:
    """Claims of the unreviewed incidents that hold a claim near a new claim.

    Those incidents record no analyst's decision, and the new claims may bring the evidence
    that regroups them (two reports that looked apart, now bridged by a third): their claims
    are linked again together with the new ones, so a store built run by run ends up close to
    one linked at once. Reviewed or locked incidents stay as they are.
    """
    near = np.zeros(f.n, dtype=bool)
    for cut in slabs(f):
        near[slab_pairs(f, cut, new).ravel()] = True
    near &= ~new
    if not near.any():
        return near
    touched = db.open_incidents(conn, np.unique(f.incident[near]).tolist()) - decided
    return np.isin(f.incident, np.fromiter(touched, dtype=np.int64, count=len(touched)))


def _incremental_changes(f: feat.Features, table: IncidentTable,
                         ids: np.ndarray) -> dict[str, list[Any]]:
    """Incident rows to create and update, claims to assign and emptied incidents to drop,
    given each group's incident id (see :func:`_stable_ids`)."""
    stored = set(f.incident[f.incident >= 0].tolist())
    out: dict[str, list[Any]] = {"created": [], "updated": [], "assignments": [], "removed": []}
    old_ids: set[int] = set()
    for g, inc_id in enumerate(ids.tolist()):
        idx = table.members(g)
        old_ids.update(set(f.incident[idx].tolist()) - {-1})
        out["updated" if inc_id in stored else "created"].extend(table.values([inc_id], [g]))
        moved = idx[f.incident[idx] != inc_id]
        out["assignments"].extend(zip(f.ids[moved].tolist(), [inc_id] * moved.size, strict=True))
    out["removed"] = sorted(old_ids - set(ids.tolist()))
    return out


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
    table = incident_rows(f, f.incident, np.arange(f.n), _source_keys(conn))
    ids = [int(f.incident[table.order[s]]) for s in table.starts.tolist()]
    db.update_incident_values(conn, table.values(ids))
    if empty:
        db.delete_incidents(conn, empty)
    return sorted(ids)
