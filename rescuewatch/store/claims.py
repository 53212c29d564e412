"""Writing claims in bulk and reading them back as :class:`~rescuewatch.model.Claim` objects."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from sqlalchemy import Connection, Select, and_, func, insert, select, text

from rescuewatch.model import Claim, DateSpan, Evidence, Perpetrator, Place, Victim
from rescuewatch.store import schema as s
from rescuewatch.store.core import Store

BATCH = 5000


def next_claim_id(conn: Connection) -> int:
    """The first free claim id; ingest assigns ids itself so that victims can be bulk-inserted.

    On PostgreSQL the claims table is locked for the transaction, so that two ingests cannot
    take the same ids.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("LOCK TABLE claims IN EXCLUSIVE MODE"))
    return int(conn.execute(select(func.coalesce(func.max(s.claims.c.id), 0))).scalar() or 0) + 1


def claim_row(claim: Claim, claim_id: int, document_id: int) -> dict[str, Any]:
    killed, injured = claim.totals()
    return {
        "id": claim_id,
        "document_id": document_id,
        "row_ref": claim.row_ref,
        "extractor": claim.extractor,
        "extractor_version": claim.extractor_version,
        "is_aggregate": claim.is_aggregate,
        "protected": bool(claim.victims),
        "categories": ",".join(claim.categories) or None,
        "date_start": claim.date.start,
        "date_end": claim.date.end,
        "date_precision": claim.date.precision,
        "time_of_day": claim.time_of_day,
        "place_text": claim.place.text,
        "place_name": claim.place.name,
        "country": claim.place.country,
        "admin1": claim.place.admin1,
        "lat": claim.place.lat,
        "lon": claim.place.lon,
        "geonameid": claim.place.geonameid,
        "place_precision": claim.place.precision,
        "weapon": claim.weapon,
        "repeat_strike": claim.repeat_strike,
        "perpetrator_text": claim.perpetrator.text,
        "perpetrator_party": claim.perpetrator.party,
        # victim totals where victims give numbers, else the claim's own (a dataset's fatalities
        # when its notes name protected victims without counting them)
        "killed": claim.killed if killed is None else killed,
        "injured": claim.injured if injured is None else injured,
        "confidence": claim.confidence,
        "reported_certainty": claim.reported_certainty,
        "event_type": claim.event_type,
        "description": claim.description,
        "original": None
        if claim.original is None
        else json.dumps(claim.original, ensure_ascii=False, default=str),
        "incident_id": claim.incident_id,
    }


def add_claims(
    conn: Connection,
    document_id: int,
    claims: Iterable[Claim],
    *,
    on_batch: Any = None,
) -> int:
    """Insert ``claims`` of one document in batches; returns how many were written.

    ``on_batch(n)`` is called after each batch (for progress bars).
    """
    next_id = next_claim_id(conn)
    written = 0
    iterator = iter(claims)
    while batch := list(islice(iterator, BATCH)):
        rows: list[dict[str, Any]] = []
        victims: list[dict[str, Any]] = []
        spans: list[dict[str, Any]] = []
        for claim in batch:
            claim.id = next_id
            claim.document_id = document_id
            rows.append(claim_row(claim, next_id, document_id))
            victims.extend(_victim_rows(claim, next_id))
            spans.extend(
                {"claim_id": next_id, "start": e.start, "end": e.end, "text": e.text, "field": e.field}
                for e in claim.evidence
            )
            next_id += 1
        conn.execute(insert(s.claims), rows)
        if victims:
            conn.execute(insert(s.claim_victims), victims)
        if spans:
            conn.execute(insert(s.evidence), spans)
        written += len(batch)
        if on_batch is not None:
            on_batch(len(batch))
    return written


def _victim_rows(claim: Claim, claim_id: int) -> list[dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for v in claim.victims:
        row = merged.setdefault(
            v.category,
            {"claim_id": claim_id, "category": v.category, "killed": None, "injured": None,
             "affected": None, "harm": None},
        )
        for key in ("killed", "injured", "affected"):
            value = getattr(v, key)
            if value is not None:
                row[key] = (row[key] or 0) + value
        if v.harm:
            row["harm"] = v.harm if not row["harm"] else f"{row['harm']};{v.harm}"
    return list(merged.values())


def claims_query(
    *,
    protected: bool | None = None,
    category: str | None = None,
    country: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    party: str | None = None,
    document_id: int | None = None,
    incident_id: int | None = None,
    include_aggregates: bool = True,
) -> Select[Any]:
    """A query over claims joined with their document's source, filtered as asked."""
    query = (
        select(
            s.claims,
            s.documents.c.sha256.label("document_sha256"),
            s.documents.c.origin.label("document_origin"),
            s.documents.c.format.label("document_format"),
            s.documents.c.title.label("document_title"),
            s.documents.c.published.label("document_published"),
            s.sources.c.key.label("source_key"),
            s.sources.c.name.label("source_name"),
            s.sources.c.kind.label("source_kind"),
            s.sources.c.affiliation.label("source_affiliation"),
        )
        .join(s.documents, s.documents.c.id == s.claims.c.document_id)
        .join(s.sources, s.sources.c.id == s.documents.c.source_id)
        .order_by(s.claims.c.id)
    )
    conditions = []
    if protected is not None:
        conditions.append(s.claims.c.protected == protected)
    if category:
        conditions.append(s.claims.c.categories.like(f"%{category}%"))
    if country:
        conditions.append(s.claims.c.country == country.upper())
    if since:
        conditions.append(s.claims.c.date_start >= since)
    if until:
        conditions.append(s.claims.c.date_start <= until)
    if party:
        conditions.append(s.claims.c.perpetrator_party == party)
    if document_id is not None:
        conditions.append(s.claims.c.document_id == document_id)
    if incident_id is not None:
        conditions.append(s.claims.c.incident_id == incident_id)
    if not include_aggregates:
        conditions.append(s.claims.c.is_aggregate.is_(False))
    return query.where(and_(*conditions)) if conditions else query


def iter_claims(
    store: Store, query: Select[Any] | None = None, *, with_details: bool = True
) -> Iterator[tuple[Claim, dict[str, Any]]]:
    """Stream claims (with victims and evidence) and their document/source columns."""
    query = claims_query() if query is None else query
    with store.engine.connect() as conn:
        result = conn.execution_options(yield_per=BATCH).execute(query)
        for part in result.mappings().partitions(BATCH):
            ids = [row["id"] for row in part]
            victims = _victims_for(conn, ids) if with_details else {}
            spans = _evidence_for(conn, ids) if with_details else {}
            for row in part:
                claim = row_to_claim(row, victims.get(row["id"], []), spans.get(row["id"], []))
                extra = {k: row[k] for k in row if k.startswith(("document_", "source_"))}
                yield claim, extra


def _victims_for(conn: Connection, ids: Sequence[int]) -> dict[int, list[Victim]]:
    out: dict[int, list[Victim]] = {}
    rows = conn.execute(select(s.claim_victims).where(s.claim_victims.c.claim_id.in_(ids)))
    for r in rows.mappings():
        out.setdefault(r["claim_id"], []).append(
            Victim(r["category"], r["killed"], r["injured"], r["affected"], r["harm"])
        )
    return out


def _evidence_for(conn: Connection, ids: Sequence[int]) -> dict[int, list[Evidence]]:
    out: dict[int, list[Evidence]] = {}
    query = select(s.evidence).where(s.evidence.c.claim_id.in_(ids)).order_by(s.evidence.c.id)
    for r in conn.execute(query).mappings():
        out.setdefault(r["claim_id"], []).append(
            Evidence(r["start"], r["end"], r["text"], r["field"])
        )
    return out


def row_to_claim(row: Any, victims: list[Victim], spans: list[Evidence]) -> Claim:
    return Claim(
        id=row["id"],
        document_id=row["document_id"],
        incident_id=row["incident_id"],
        row_ref=row["row_ref"],
        extractor=row["extractor"],
        extractor_version=row["extractor_version"],
        is_aggregate=bool(row["is_aggregate"]),
        date=DateSpan(row["date_start"], row["date_end"], row["date_precision"]),
        time_of_day=row["time_of_day"],
        place=Place(
            text=row["place_text"],
            name=row["place_name"],
            country=row["country"],
            admin1=row["admin1"],
            lat=row["lat"],
            lon=row["lon"],
            geonameid=row["geonameid"],
            precision=row["place_precision"],
        ),
        victims=victims,
        killed=row["killed"],
        injured=row["injured"],
        weapon=row["weapon"],
        repeat_strike=row["repeat_strike"],
        perpetrator=Perpetrator(row["perpetrator_text"], row["perpetrator_party"]),
        evidence=spans,
        confidence=row["confidence"],
        reported_certainty=row["reported_certainty"],
        event_type=row["event_type"],
        description=row["description"],
        original=None if row["original"] is None else json.loads(row["original"]),
    )


def stats(store: Store) -> dict[str, Any]:
    """Counts of sources, documents, claims and incidents, by format and victim category."""
    with store.engine.connect() as conn:
        def total(table: Any) -> int:
            return int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)

        by_format = conn.execute(
            select(s.documents.c.format, func.count(func.distinct(s.documents.c.id)),
                   func.count(s.claims.c.id))
            .select_from(s.documents.outerjoin(s.claims, s.claims.c.document_id == s.documents.c.id))
            .group_by(s.documents.c.format).order_by(s.documents.c.format)
        ).all()
        by_category = conn.execute(
            select(s.claim_victims.c.category, func.count(),
                   func.sum(s.claim_victims.c.killed), func.sum(s.claim_victims.c.injured))
            .group_by(s.claim_victims.c.category).order_by(s.claim_victims.c.category)
        ).all()
        return {
            "sources": total(s.sources),
            "documents": total(s.documents),
            "claims": total(s.claims),
            "protected_claims": int(conn.execute(
                select(func.count()).select_from(s.claims).where(s.claims.c.protected.is_(True))
            ).scalar() or 0),
            "aggregate_claims": int(conn.execute(
                select(func.count()).select_from(s.claims).where(s.claims.c.is_aggregate.is_(True))
            ).scalar() or 0),
            "incidents": total(s.incidents),
            "skipped_rows": total(s.skipped_rows),
            "by_format": {f: {"documents": d, "claims": c} for f, d, c in by_format},
            "by_category": {
                c: {"claims": n, "killed": int(k or 0), "injured": int(i or 0)}
                for c, n, k, i in by_category
            },
        }
