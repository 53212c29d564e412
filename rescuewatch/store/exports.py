"""Read-only queries behind ``rescuewatch export``: claims and incidents, streamed in batches.

Exports may cover millions of rows, so nothing here builds a full list: claims come from
:func:`rescuewatch.store.claims.iter_claims` and incidents from a server-side cursor read
:data:`BATCH` rows at a time. Every filter value is a bound parameter.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, and_, func, insert, select

from rescuewatch.model import Claim
from rescuewatch.store import schema as s
from rescuewatch.store.claims import category_condition, claims_query, iter_claims
from rescuewatch.store.core import Store, now
from rescuewatch.store.incidents import standing

BATCH = 5000


@dataclass(frozen=True)
class ExportFilter:
    """Which claims or incidents an export covers (every field optional)."""

    protected_only: bool = False
    country: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    category: str | None = None


def claims_for_export(flt: ExportFilter) -> Select[Any]:
    """The claims query of an export: every claim with its document and source, by id."""
    return claims_query(
        protected=True if flt.protected_only else None,
        category=flt.category,
        country=flt.country,
        since=flt.since,
        until=flt.until,
    )


def iter_export_claims(store: Store, flt: ExportFilter) -> Iterator[tuple[Claim, dict[str, Any]]]:
    """Stream ``(claim, document and source columns)`` in claim id order."""
    yield from iter_claims(store, claims_for_export(flt))


def incidents_query(flt: ExportFilter) -> Select[Any]:
    """Incidents matching ``flt``, by id."""
    c = s.incidents.c
    conditions: list[Any] = [standing()]
    if flt.protected_only:
        conditions.append(c.protected.is_(True))
    if flt.country:
        conditions.append(c.country == flt.country.upper())
    if flt.since:
        conditions.append(c.date_start >= flt.since)
    if flt.until:
        conditions.append(c.date_start <= flt.until)
    if flt.category:
        conditions.append(category_condition(c.categories, flt.category))
    query = select(s.incidents).order_by(c.id)
    return query.where(and_(*conditions)) if conditions else query


def iter_export_incidents(store: Store, flt: ExportFilter) -> Iterator[dict[str, Any]]:
    """Stream incident rows as dicts, each with ``sources``: the keys of its claims' sources,
    and ``event_types``: the event types its claims were given (a dataset's "state-based
    conflict", ACLED's "Battles"), lower case.

    ``perpetrators`` is decoded from its JSON column into a list (empty when none).
    """
    with store.engine.connect() as conn:
        result = conn.execution_options(yield_per=BATCH).execute(incidents_query(flt))
        for part in result.mappings().partitions(BATCH):
            ids = [row["id"] for row in part]
            keys, types = _source_keys(conn, ids), _event_types(conn, ids)
            for row in part:
                out = dict(row)
                out["perpetrators"] = _perpetrators(out.get("perpetrators"))
                out["sources"] = keys.get(out["id"], [])
                out["event_types"] = types.get(out["id"], [])
                yield out


def _perpetrators(value: str | None) -> list[dict[str, Any]]:
    if not value:
        return []
    try:
        decoded = json.loads(value)
    except ValueError:
        return [{"party": None, "text": value, "alleged_by": []}]
    return decoded if isinstance(decoded, list) else []


def _event_types(conn: Connection, incident_ids: Sequence[int]) -> dict[int, list[str]]:
    c = s.claims.c
    query = (
        select(c.incident_id, func.lower(c.event_type)).distinct()
        .where(c.incident_id.in_(list(incident_ids)), c.event_type.is_not(None))
        .order_by(c.incident_id, func.lower(c.event_type))
    )
    out: dict[int, list[str]] = {}
    for incident_id, event_type in conn.execute(query):
        out.setdefault(int(incident_id), []).append(str(event_type))
    return out


def _source_keys(conn: Connection, incident_ids: Sequence[int]) -> dict[int, list[str]]:
    c, d, src = s.claims.c, s.documents.c, s.sources.c
    query = (
        select(c.incident_id, src.key)
        .distinct()
        .join(s.documents, d.id == c.document_id)
        .join(s.sources, src.id == d.source_id)
        .where(c.incident_id.in_(list(incident_ids)))
        .order_by(c.incident_id, src.key)
    )
    out: dict[int, list[str]] = {}
    for incident_id, key in conn.execute(query):
        out.setdefault(int(incident_id), []).append(str(key))
    return out


def add_incident(conn: Connection, values: dict[str, Any]) -> int:
    """Insert one incident row (for tests and tools that build incidents by hand).

    Parameters
    ----------
    conn
        An open connection inside a transaction.
    values
        Incident columns; ``perpetrators`` may be a list, written as JSON. Timestamps and
        required counters are filled in when missing.
    """
    row = {"n_claims": 0, "n_sources": 0, "created_at": now(), "updated_at": now(), **values}
    if isinstance(row.get("perpetrators"), list):
        row["perpetrators"] = json.dumps(row["perpetrators"], ensure_ascii=False, sort_keys=True)
    result = conn.execute(insert(s.incidents).values(**row))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def set_claim_incident(conn: Connection, claim_ids: Sequence[int], incident_id: int) -> None:
    """Attach claims to an incident (test helper; linking has its own bulk path)."""
    conn.execute(
        s.claims.update().where(s.claims.c.id.in_(list(claim_ids))).values(incident_id=incident_id)
    )
