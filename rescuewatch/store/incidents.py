"""Incidents, analysts' link decisions and source-registry writes: all their SQL lives here.

Linking works on millions of claims, so the hot paths (reading linking features, writing
incident rows and ``claims.incident_id``) go straight to the DBAPI cursor with ``executemany``
and, on SQLite, a temporary table joined in one ``UPDATE ... FROM``. Every value is a bound
parameter; nothing from a user or a document is ever formatted into SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from rescuewatch.store import schema as s
from rescuewatch.store.core import Store, actor_name, now

FETCH = 50_000

#: Columns of one claim's linking features, in the order :func:`iter_link_rows` yields them.
LINK_COLUMNS: tuple[str, ...] = (
    "id", "document_id", "source_id", "doc_key", "row_ref", "day_lo", "day_hi",
    "date_precision", "lat", "lon", "place_precision", "country", "admin1", "place_name",
    "geonameid", "categories", "weapon", "perpetrator_party", "killed", "injured",
    "repeat_strike", "protected", "incident_id", "perpetrator_text",
)

#: Incident columns derived from claims (everything but review state and timestamps).
INCIDENT_COLUMNS: tuple[str, ...] = (
    "date_start", "date_end", "date_precision", "place_name", "country", "admin1", "lat", "lon",
    "place_precision", "categories", "weapons", "killed_min", "killed_max", "injured_min",
    "injured_max", "repeat_strike", "protected", "perpetrators", "n_claims", "n_sources",
)


def standing(table: Any = s.incidents) -> Any:
    """The condition that an incident stands: an analyst has not rejected it (``review
    reject``, "satire site", "retracted"). Rejected incidents keep their rows and audit trail
    but are left out of counts, analyses, the report, the web app's lists and the exports."""
    return table.c.review_status != "rejected"


def _ph(conn: Connection) -> str:
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def _day_expr(conn: Connection, column: str) -> str:
    if conn.dialect.name == "sqlite":
        return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"
    return f"({column} - DATE '1970-01-01')"


def _doc_key_expr(conn: Connection) -> str:
    # The first 15 hex digits of the document's SHA-256: an id that does not depend on the
    # order documents were ingested in, so that linking is order-independent.
    if conn.dialect.name == "sqlite":
        return "substr(d.sha256, 1, 15)"
    return "substr(d.sha256, 1, 15)"


def iter_link_rows(
    conn: Connection,
    *,
    only_unlinked: bool = False,
    since: dt.date | None = None,
    until: dt.date | None = None,
    claim_ids: Sequence[int] | None = None,
) -> Iterator[list[tuple[Any, ...]]]:
    """Stream the linking features of non-aggregate claims, in chunks of tuples.

    Parameters
    ----------
    conn
        An open connection.
    only_unlinked
        Only claims without an incident (new claims).
    since, until
        Only claims whose start date falls in this window (inclusive).
    claim_ids
        Only these claims.
    """
    lo = _day_expr(conn, "c.date_start")
    hi = _day_expr(conn, "COALESCE(c.date_end, c.date_start)")
    sql = (
        f"SELECT c.id, c.document_id, d.source_id, {_doc_key_expr(conn)}, c.row_ref, {lo}, {hi}, "
        "c.date_precision, c.lat, c.lon, c.place_precision, c.country, c.admin1, c.place_name, "
        "c.geonameid, c.categories, c.weapon, c.perpetrator_party, c.killed, c.injured, "
        "c.repeat_strike, c.protected, c.incident_id, c.perpetrator_text "
        "FROM claims c JOIN documents d ON d.id = c.document_id WHERE c.is_aggregate = "
        + ("0" if conn.dialect.name == "sqlite" else "false")
    )
    params: list[Any] = []
    ph = _ph(conn)
    if only_unlinked:
        sql += " AND c.incident_id IS NULL"
    if since is not None:
        sql += f" AND c.date_start >= {ph}"
        params.append(since)
    if until is not None:
        sql += f" AND c.date_start <= {ph}"
        params.append(until)
    if claim_ids is not None:
        for part in _chunks(list(claim_ids), 900):
            marks = ",".join([ph] * len(part))
            result = conn.exec_driver_sql(sql + f" AND c.id IN ({marks})", tuple(params + part))
            yield [tuple(r) for r in result.fetchall()]
        return
    # In id order (the claims' primary key, so free): features need no re-sorting. The DBAPI
    # cursor of the same connection (same transaction) hands out plain tuples, with none of
    # the per-row wrapping a result object adds on a million rows.
    cursor = conn.connection.cursor()
    try:
        cursor.execute(sql + " ORDER BY c.id", tuple(params))
        while rows := cursor.fetchmany(FETCH):
            yield list(rows)
    finally:
        cursor.close()


def unlinked_date_range(conn: Connection) -> tuple[dt.date | None, dt.date | None, int]:
    """First and last start date of the non-aggregate claims without an incident, and their count."""
    c = s.claims.c
    row = conn.execute(
        select(func.min(c.date_start), func.max(c.date_start), func.count())
        .where(c.incident_id.is_(None), c.is_aggregate.is_(False))
    ).one()
    return _as_date(row[0]), _as_date(row[1]), int(row[2] or 0)


def _as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def claim_texts(conn: Connection, claim_ids: Sequence[int], limit: int = 2000) -> dict[int, str]:
    """Description, place text and evidence of each claim, joined and cut to ``limit`` chars."""
    out: dict[int, list[str]] = {}
    c, e = s.claims.c, s.evidence.c
    for part in _chunks(sorted(set(int(i) for i in claim_ids)), 900):
        for cid, desc, place in conn.execute(
            select(c.id, c.description, c.place_text).where(c.id.in_(part))
        ):
            out.setdefault(cid, []).extend(x for x in (desc, place) if x)
        for cid, text in conn.execute(
            select(e.claim_id, e.text).where(e.claim_id.in_(part)).order_by(e.id)
        ):
            out.setdefault(cid, []).append(text)
    return {cid: " ".join(parts)[:limit] for cid, parts in out.items()}


def iter_claim_texts(conn: Connection, limit: int = 2000) -> Iterator[tuple[int, str]]:
    """``(claim_id, text)`` of every non-aggregate claim with any text, in claim id order.

    The text is the same as :func:`claim_texts` gives, read in two streamed passes (claims,
    then evidence by claim) instead of one query per few hundred claims.
    """
    aggregate = "0" if conn.dialect.name == "sqlite" else "false"
    claims = conn.exec_driver_sql(
        "SELECT id, description, place_text FROM claims WHERE is_aggregate = "
        f"{aggregate} ORDER BY id"
    )
    evidence = conn.exec_driver_sql(
        "SELECT e.claim_id, e.text FROM evidence e ORDER BY e.claim_id, e.id"
    )
    pending = _evidence_by_claim(evidence)
    ev_id, ev_texts = next(pending, (None, []))
    while rows := claims.fetchmany(FETCH):
        for cid, desc, place in rows:
            parts = [x for x in (desc, place) if x]
            while ev_id is not None and ev_id < cid:
                ev_id, ev_texts = next(pending, (None, []))
            if ev_id == cid:
                parts.extend(ev_texts)
            if parts:
                yield int(cid), " ".join(parts)[:limit]


def _evidence_by_claim(result: Any) -> Iterator[tuple[int, list[str]]]:
    current: int | None = None
    texts: list[str] = []
    while rows := result.fetchmany(FETCH):
        for cid, text in rows:
            if cid != current:
                if current is not None:
                    yield current, texts
                current, texts = int(cid), []
            texts.append(text)
    if current is not None:
        yield current, texts


# --- link constraints ------------------------------------------------------------------------


def link_constraints(conn: Connection) -> list[tuple[str, int, int | None]]:
    """Every analyst decision as ``(kind, claim_a, claim_b)``, oldest first."""
    lc = s.link_constraints.c
    rows = conn.execute(select(lc.kind, lc.claim_a, lc.claim_b).order_by(lc.id)).all()
    return [(str(k), int(a), None if b is None else int(b)) for k, a, b in rows]


def add_link_constraints(
    conn: Connection, kind: str, pairs: Iterable[tuple[int, int | None]], reason: str
) -> int:
    """Record analyst decisions of one ``kind``; returns how many were written."""
    rows = [
        {"kind": kind, "claim_a": a, "claim_b": b, "reason": reason, "actor": actor_name(),
         "created_at": now()}
        for a, b in pairs
    ]
    if rows:
        conn.execute(insert(s.link_constraints), rows)
    return len(rows)


def remove_link_constraints(conn: Connection, kind: str, claim_ids: Sequence[int]) -> int:
    """Drop constraints of ``kind`` between two of ``claim_ids`` (superseded decisions)."""
    lc = s.link_constraints.c
    ids = list(claim_ids)
    result = conn.execute(
        delete(s.link_constraints).where(lc.kind == kind, lc.claim_a.in_(ids), lc.claim_b.in_(ids))
    )
    return int(result.rowcount or 0)


def claim_ids_of(conn: Connection, incident_ids: Sequence[int]) -> dict[int, list[int]]:
    """``{incident_id: [claim ids]}`` for some incidents."""
    c = s.claims.c
    out: dict[int, list[int]] = {int(i): [] for i in incident_ids}
    for part in _chunks(list(incident_ids), 900):
        rows = conn.execute(select(c.incident_id, c.id).where(c.incident_id.in_(part)).order_by(c.id))
        for inc, cid in rows:
            out[int(inc)].append(int(cid))
    return out


# --- incidents -------------------------------------------------------------------------------


def next_incident_id(conn: Connection) -> int:
    return int(conn.execute(select(func.coalesce(func.max(s.incidents.c.id), 0))).scalar() or 0) + 1


def insert_incidents(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert incident rows (each with ``id`` and every :data:`INCIDENT_COLUMNS`) in bulk."""
    insert_incident_values(conn, [(r["id"], *(r[c] for c in INCIDENT_COLUMNS)) for r in rows],
                           review=[(r.get("review_status", "unreviewed"),
                                    bool(r.get("certainty_locked", False))) for r in rows])


def insert_incident_values(
    conn: Connection, values: Sequence[tuple[Any, ...]],
    review: Sequence[tuple[str, bool]] | None = None,
) -> None:
    """Insert incidents given as ``(id, *INCIDENT_COLUMNS)`` tuples, unreviewed by default."""
    if not values:
        return
    values = _dates_for(conn, values)
    stamp = _stamp(conn)
    cols = ("id", *INCIDENT_COLUMNS, "review_status", "certainty_locked", "created_at",
            "updated_at")
    ph = _ph(conn)
    sql = f"INSERT INTO incidents ({', '.join(cols)}) VALUES ({', '.join([ph] * len(cols))})"
    states = review if review is not None else [("unreviewed", False)] * len(values)
    rows = ((*v, st, lock, stamp, stamp) for v, (st, lock) in zip(values, states, strict=True))
    if conn.dialect.name == "sqlite":
        # The DBAPI cursor streams the rows from the generator: no list of 400k tuples.
        cursor = conn.connection.cursor()
        try:
            cursor.executemany(sql, rows)  # type: ignore[arg-type]  # any iterable will do
        finally:
            cursor.close()
        return
    while part := list(islice(rows, FETCH)):
        conn.exec_driver_sql(sql, part)


_DATE_POSITIONS = (1 + INCIDENT_COLUMNS.index("date_start"), 1 + INCIDENT_COLUMNS.index("date_end"))


def _stamp(conn: Connection) -> Any:
    """The current time, pre-formatted for SQLite as its DBAPI adapter would (once, not per row)."""
    stamp = now()
    return stamp.isoformat(" ") if conn.dialect.name == "sqlite" else stamp


def _dates_for(conn: Connection, values: Sequence[tuple[Any, ...]]) -> Sequence[tuple[Any, ...]]:
    """Incident tuples with dates as the connection wants them.

    SQLite stores dates as ISO text, so ISO strings go in unchanged (no per-row adapter call);
    other databases get :class:`datetime.date` objects.
    """
    sqlite = conn.dialect.name == "sqlite"
    start, end = _DATE_POSITIONS

    def ready(d: Any) -> bool:
        return d is None or (isinstance(d, str) if sqlite else isinstance(d, dt.date))

    if all(ready(v[start]) and ready(v[end]) for v in values):
        return values
    convert = _iso if sqlite else _as_date
    return [(*v[:start], convert(v[start]), convert(v[end]), *v[end + 1 :]) for v in values]


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def update_incidents(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Rewrite the derived columns of existing incidents (review state is left alone)."""
    update_incident_values(conn, [(r["id"], *(r[c] for c in INCIDENT_COLUMNS)) for r in rows])


def update_incident_values(conn: Connection, values: Sequence[tuple[Any, ...]]) -> None:
    """Rewrite derived columns from ``(id, *INCIDENT_COLUMNS)`` tuples."""
    if not values:
        return
    values = _dates_for(conn, values)
    ph = _ph(conn)
    sets = ", ".join(f"{c} = {ph}" for c in (*INCIDENT_COLUMNS, "updated_at"))
    sql = f"UPDATE incidents SET {sets} WHERE id = {ph}"
    stamp = _stamp(conn)
    for start in range(0, len(values), FETCH):
        part = values[start : start + FETCH]
        conn.exec_driver_sql(sql, [(*v[1:], stamp, v[0]) for v in part])


def delete_incidents(conn: Connection, incident_ids: Sequence[int]) -> None:
    """Remove incidents left without claims (claims are detached first by the caller)."""
    for part in _chunks(list(incident_ids), 900):
        conn.execute(delete(s.incidents).where(s.incidents.c.id.in_(part)))


def assign_claims(conn: Connection, pairs: Sequence[tuple[int, int | None]]) -> None:
    """Set ``claims.incident_id`` for many ``(claim_id, incident_id)`` pairs at once."""
    if not pairs:
        return
    if conn.dialect.name == "sqlite" and len(pairs) > 2000:
        # One UPDATE joined to a temporary table beats a million single-row UPDATEs; the
        # DBAPI cursor takes the whole list at once, and dropping the table is instant.
        cursor = conn.connection.cursor()
        try:
            cursor.execute("DROP TABLE IF EXISTS temp.rw_assign")
            cursor.execute("CREATE TEMP TABLE rw_assign (claim_id INTEGER PRIMARY KEY, "
                           "incident_id INTEGER)")
            cursor.executemany("INSERT INTO rw_assign VALUES (?, ?)", pairs)
            cursor.execute("UPDATE claims SET incident_id = rw_assign.incident_id FROM rw_assign "
                           "WHERE claims.id = rw_assign.claim_id")
            cursor.execute("DROP TABLE temp.rw_assign")
        finally:
            cursor.close()
        return
    ph = _ph(conn)
    values = [(inc, cid) for cid, inc in pairs]
    for part in _chunks(values, FETCH):
        conn.exec_driver_sql(f"UPDATE claims SET incident_id = {ph} WHERE id = {ph}", part)


def incident_ids(conn: Connection) -> list[int]:
    return [int(i) for i in conn.execute(select(s.incidents.c.id).order_by(s.incidents.c.id)).scalars()]


def incident_review_state(conn: Connection) -> dict[int, tuple[str, bool, str | None]]:
    """``{incident_id: (review_status, certainty_locked, certainty)}`` of reviewed incidents."""
    i = s.incidents.c
    rows = conn.execute(
        select(i.id, i.review_status, i.certainty_locked, i.certainty).where(
            (i.review_status != "unreviewed") | i.certainty_locked.is_(True)
        )
    ).all()
    return {int(r[0]): (str(r[1]), bool(r[2]), r[3]) for r in rows}


def set_review_state(
    conn: Connection, incident_id: int, *, review_status: str | None = None,
    certainty: str | None = None, certainty_locked: bool | None = None,
    certainty_rationale: str | None = None,
) -> None:
    values: dict[str, Any] = {"updated_at": now()}
    if review_status is not None:
        values["review_status"] = review_status
    if certainty is not None:
        values["certainty"] = certainty
    if certainty_locked is not None:
        values["certainty_locked"] = certainty_locked
    if certainty_rationale is not None:
        values["certainty_rationale"] = certainty_rationale
    conn.execute(update(s.incidents).where(s.incidents.c.id == incident_id).values(**values))


def get_incident(conn: Connection, incident_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(s.incidents).where(s.incidents.c.id == incident_id)).mappings().first()
    return None if row is None else dict(row)


def list_incident_rows(
    conn: Connection, *, status: str | None = None, certainty: str | None = None,
    limit: int = 50, offset: int = 0,
) -> list[dict[str, Any]]:
    i = s.incidents.c
    query = select(s.incidents).order_by(i.date_start.desc(), i.id.desc()).limit(limit).offset(offset)
    if status:
        query = query.where(i.review_status == status)
    if certainty:
        query = query.where(i.certainty == certainty)
    return [dict(r) for r in conn.execute(query).mappings()]


def incident_claims(conn: Connection, incident_ids: Sequence[int]) -> list[dict[str, Any]]:
    """The claims of some incidents with their document and source, for grading and review."""
    c, d, src = s.claims.c, s.documents.c, s.sources.c
    out: list[dict[str, Any]] = []
    for part in _chunks(sorted(set(incident_ids)), 900):
        query = (
            select(
                c.id, c.incident_id, c.document_id, c.row_ref, c.date_start, c.date_end,
                c.date_precision, c.place_name, c.place_text, c.country, c.admin1,
                c.place_precision, c.categories, c.weapon, c.killed, c.injured,
                c.perpetrator_text, c.perpetrator_party, c.reported_certainty, c.description,
                c.repeat_strike, d.origin.label("document_origin"), d.title.label("document_title"),
                d.source_id, src.key.label("source_key"), src.name.label("source_name"),
                src.kind.label("source_kind"), src.affiliation.label("source_affiliation"),
                src.country.label("source_country"),
            )
            .join(s.documents, d.id == c.document_id)
            .join(s.sources, src.id == d.source_id)
            .where(c.incident_id.in_(part))
            .order_by(c.incident_id, c.id)
        )
        out.extend(dict(r) for r in conn.execute(query).mappings())
    return out


def iter_incident_claims(
    conn: Connection, *, only_ids: Sequence[int] | None = None, batch: int = 20_000
) -> Iterator[list[dict[str, Any]]]:
    """Claims grouped by incident, a batch of incidents at a time (all or ``only_ids``)."""
    ids = list(only_ids) if only_ids is not None else incident_ids(conn)
    for part in _chunks(ids, batch):
        yield incident_claims(conn, part)


def set_certainties(conn: Connection, rows: Sequence[tuple[str, str, int]]) -> None:
    """Write ``(certainty, rationale, incident_id)`` for many incidents."""
    ph = _ph(conn)
    sql = f"UPDATE incidents SET certainty = {ph}, certainty_rationale = {ph} WHERE id = {ph}"
    for part in _chunks(list(rows), FETCH):
        conn.exec_driver_sql(sql, part)


def open_incidents(conn: Connection, incident_ids: Sequence[int]) -> set[int]:
    """Those of ``incident_ids`` that no analyst has reviewed or locked.

    Such an incident records no decision yet, so a later linking run may regroup its claims.
    """
    i = s.incidents.c
    out: set[int] = set()
    for part in _chunks(sorted(set(incident_ids)), 900):
        out.update(int(r) for r in conn.execute(select(i.id).where(
            i.id.in_(part), i.review_status == "unreviewed",
            i.certainty_locked.is_not(True))).scalars())
    return out


def claim_incidents(conn: Connection, claim_ids: Sequence[int]) -> dict[int, int | None]:
    c = s.claims.c
    out: dict[int, int | None] = {}
    for part in _chunks(list(claim_ids), 900):
        for cid, inc in conn.execute(select(c.id, c.incident_id).where(c.id.in_(part))):
            out[int(cid)] = None if inc is None else int(inc)
    return out


# --- audit log -------------------------------------------------------------------------------


def audit_entries(
    store: Store, *, incident_id: int | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    a = s.audit_log.c
    query = select(s.audit_log).order_by(a.id.desc()).limit(limit)
    if incident_id is not None:
        query = query.where(a.entity == "incident", a.entity_id == incident_id)
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


# --- source registry -------------------------------------------------------------------------

SOURCE_FIELDS: tuple[str, ...] = ("name", "kind", "country", "affiliation", "coverage_group",
                                  "aliases", "notes")


def list_sources(conn: Connection) -> list[dict[str, Any]]:
    src = s.sources.c
    rows = conn.execute(
        select(src.id, src.key, *(getattr(src, f) for f in SOURCE_FIELDS)).order_by(src.key)
    ).mappings()
    return [dict(r) for r in rows]


def get_source(conn: Connection, key: str) -> dict[str, Any] | None:
    src = s.sources.c
    row = conn.execute(
        select(src.id, src.key, *(getattr(src, f) for f in SOURCE_FIELDS)).where(src.key == key)
    ).mappings().first()
    return None if row is None else dict(row)


def upsert_source(conn: Connection, key: str, values: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """Create or change a source; returns its fields before (``None`` if new) and after."""
    before = get_source(conn, key)
    clean = {k: v for k, v in values.items() if k in SOURCE_FIELDS}
    if before is None:
        # every field, so that a column added to SOURCE_FIELDS is written here too
        row = {**dict.fromkeys(SOURCE_FIELDS), **clean, "key": key,
               "name": clean.get("name") or key, "kind": clean.get("kind") or "unknown",
               "affiliation": clean.get("affiliation") or "unknown", "created_at": now()}
        conn.execute(insert(s.sources).values(**row))
    elif clean:
        conn.execute(update(s.sources).where(s.sources.c.key == key).values(**clean))
    after = get_source(conn, key)
    assert after is not None
    return before, after


def _chunks(items: Sequence[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])
