"""Read-only queries for browsing the record (web app and API).

All values from users arrive here as bound parameters; none is ever formatted into SQL.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, and_, cast, exists, func, or_, select

from rescuewatch.store import schema as s
from rescuewatch.store.claims import category_condition, claims_query, iter_claims
from rescuewatch.store.core import Store
from rescuewatch.store.incidents import standing
from rescuewatch.store.text_match import folded_holds

MAX_PAGE = 500
#: The characters of a document's text its page shows.
TEXT_SHOWN = 200_000


@dataclass(frozen=True)
class IncidentFilter:
    """What a user may filter incidents by."""

    country: str | None = None
    category: str | None = None
    certainty: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    protected: bool | None = None
    text: str | None = None

    def conditions(self, dialect: str) -> list[Any]:
        """SQL conditions for these filters on a ``dialect`` database (``Store.dialect``)."""
        c = s.incidents.c
        out: list[Any] = [standing()]
        if self.country:
            out.append(c.country == self.country.upper())
        if self.category:
            out.append(category_condition(c.categories, self.category))
        if self.certainty:
            out.append(c.certainty == self.certainty)
        if self.since:
            out.append(c.date_start >= self.since)
        if self.until:
            out.append(c.date_start <= self.until)
        if self.protected is not None:
            out.append(c.protected.is_(self.protected))
        if self.text:
            # the text literally, whatever the backend: % and _ escaped (they matched
            # everything), with an explicit ESCAPE (PostgreSQL took a backslash as one, SQLite
            # did not); case aside on both, in any script (SQLite's LIKE ignored ASCII case,
            # PostgreSQL's did not; SQLite's lower() left "Горлівка" as it was)
            out.append(or_(folded_holds(c.place_name, self.text),
                           folded_holds(c.admin1, self.text),
                           _perpetrator_holds(dialect, self.text)))
        return out


def _perpetrator_holds(dialect: str, text: str) -> Any:
    """Incidents with an alleged perpetrator whose party or text holds ``text``.

    The values, not the JSON around them: in the JSON, "party", "text" or a quote matched every
    incident with an alleged perpetrator.
    """
    column = func.nullif(s.incidents.c.perpetrators, "")  # not JSON: no perpetrator, no error
    if dialect == "postgresql":
        item = func.json_array_elements(cast(column, JSON)).table_valued("value").alias("perpetrator")
        party = func.json_extract_path_text(item.c.value, "party")
        said = func.json_extract_path_text(item.c.value, "text")
    else:
        item = func.json_each(column).table_valued("value").alias("perpetrator")
        party = func.json_extract(item.c.value, "$.party")
        said = func.json_extract(item.c.value, "$.text")
    return exists().select_from(item).where(or_(folded_holds(party, text),
                                                folded_holds(said, text)))


def list_incidents(
    store: Store, flt: IncidentFilter, *, limit: int = 50, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """One page of incidents, newest first, and the number of incidents matching."""
    limit = max(1, min(limit, MAX_PAGE))
    where = and_(*flt.conditions(store.dialect))
    query = select(s.incidents).where(where)
    count = select(func.count()).select_from(s.incidents).where(where)
    query = query.order_by(s.incidents.c.date_start.desc().nulls_last(), s.incidents.c.id.desc())
    with store.engine.connect() as conn:
        rows = [incident_json(dict(r)) for r in conn.execute(query.limit(limit).offset(offset)).mappings()]
        total = int(conn.execute(count).scalar() or 0)
    return rows, total


def incident_json(row: dict[str, Any]) -> dict[str, Any]:
    """An incident row with its JSON columns decoded and dates as ISO strings."""
    out = dict(row)
    if out.get("perpetrators"):
        with contextlib.suppress(ValueError):
            out["perpetrators"] = json.loads(out["perpetrators"])
    elif "perpetrators" in out:  # none alleged: an empty list, as the exports give it
        out["perpetrators"] = []
    for key, value in out.items():
        if isinstance(value, dt.date | dt.datetime):
            out[key] = value.isoformat()
    out["categories"] = [c for c in (out.get("categories") or "").split(",") if c]
    out["weapons"] = [w for w in (out.get("weapons") or "").split(",") if w]
    return out


def incident_detail(store: Store, incident_id: int) -> dict[str, Any] | None:
    """An incident with every claim (source, victims, evidence) and its audit trail."""
    with store.engine.connect() as conn:
        row = conn.execute(select(s.incidents).where(s.incidents.c.id == incident_id)).mappings().first()
        if row is None:
            return None
        audit = [dict(a) for a in conn.execute(
            select(s.audit_log)
            .where(and_(s.audit_log.c.entity == "incident", s.audit_log.c.entity_id == incident_id))
            .order_by(s.audit_log.c.id)
        ).mappings()]
    claims = [
        {"claim": claim, **extra}
        for claim, extra in iter_claims(store, claims_query(incident_id=incident_id))
    ]
    return {"incident": incident_json(dict(row)), "claims": claims, "audit": audit}


def merged_into(store: Store, incident_id: int) -> int | None:
    """The incident that ``incident_id`` was merged into by ``review merge`` and that still
    stands (following later merges), or None: a merged incident's link is otherwise dead."""
    a = s.audit_log.c
    seen: set[int] = set()
    current = incident_id
    with store.engine.connect() as conn:
        while current not in seen:
            seen.add(current)
            after = conn.execute(
                select(a.after)
                .where(a.action == "merged-into", a.entity == "incident", a.entity_id == current)
                .order_by(a.id.desc()).limit(1)
            ).scalar()
            try:
                target = json.loads(after or "").get("merged_into")
            except (ValueError, AttributeError):
                target = None
            if not isinstance(target, int):
                break
            current = target
        if current == incident_id:
            return None
        standing_now = conn.execute(select(s.incidents.c.id).where(s.incidents.c.id == current)).first()
    return current if standing_now is not None else None


def document_detail(store: Store, document_id: int) -> dict[str, Any] | None:
    """What a document's page shows: its metadata, the start of its extracted text (the raw
    bytes stay in the store) and how many claims it holds.

    Only that is read: a dataset file holds tens of thousands of claims, and loading them to
    count them took seconds and hundreds of megabytes a request.
    """
    d = s.documents.c
    query = (
        select(d.id, d.sha256, d.origin, d.format, d.title, d.published, d.captured_at, d.language,
               d.size, func.substr(d.text, 1, TEXT_SHOWN).label("text"),
               func.length(d.text).label("text_length"),
               s.sources.c.name.label("source_name"), s.sources.c.key.label("source_key"),
               s.sources.c.affiliation.label("source_affiliation"))
        .join(s.sources, s.sources.c.id == d.source_id)
        .where(d.id == document_id)
    )
    with store.engine.connect() as conn:
        row = conn.execute(query).mappings().first()
        if row is None:
            return None
        n_claims = conn.execute(select(func.count()).select_from(s.claims)
                                .where(s.claims.c.document_id == document_id)).scalar()
    return {"document": dict(row), "n_claims": int(n_claims or 0)}


def overview(store: Store) -> dict[str, Any]:
    """Headline counts for the front page."""
    with store.engine.connect() as conn:
        i = s.incidents.c
        by_certainty: dict[Any, Any] = dict(conn.execute(
            select(i.certainty, func.count()).where(standing()).group_by(i.certainty)
        ).all())
        protected = conn.execute(
            select(func.count(), func.sum(i.killed_min), func.sum(i.injured_min))
            .where(i.protected.is_(True), standing())
        ).one()
        incidents = conn.execute(select(func.count(), func.count().filter(~standing()))
                                 .select_from(s.incidents)).one()
        return {
            "documents": int(conn.execute(select(func.count()).select_from(s.documents)).scalar() or 0),
            "claims": int(conn.execute(select(func.count()).select_from(s.claims)).scalar() or 0),
            "incidents": int(incidents[0] or 0) - int(incidents[1] or 0),
            "rejected_incidents": int(incidents[1] or 0),
            "protected_incidents": int(protected[0] or 0),
            "killed_at_least": int(protected[1] or 0),
            "injured_at_least": int(protected[2] or 0),
            "by_certainty": {str(k): int(v) for k, v in by_certainty.items()},
        }


def incident_points(store: Store, flt: IncidentFilter, limit: int = 100_000
                    ) -> tuple[list[dict[str, Any]], int]:
    """Incidents with coordinates, compact, for the map (the first ``limit`` by id), and how
    many there are: more than the points when the limit cut them."""
    c = s.incidents.c
    where = and_(*flt.conditions(store.dialect), c.lat.is_not(None), c.lon.is_not(None))
    query = (
        select(c.id, c.lat, c.lon, c.date_start, c.place_name, c.categories, c.weapons,
               c.certainty, c.killed_max, c.injured_max, c.protected)
        .where(where)
        .order_by(c.id)
        .limit(limit)
    )
    with store.engine.connect() as conn:
        points = [incident_json(dict(r)) for r in conn.execute(query).mappings()]
        total = len(points)
        if total == limit:  # only then can there be more
            total = int(conn.execute(select(func.count()).select_from(s.incidents).where(where))
                        .scalar() or 0)
    return points, total
