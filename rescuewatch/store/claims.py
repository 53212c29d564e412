"""Writing claims in bulk and reading them back as :class:`~rescuewatch.model.Claim` objects."""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
from collections.abc import Generator, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from itertools import chain, islice, repeat
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any

import orjson
from sqlalchemy import Connection, Select, and_, func, insert, or_, select, text, update

from rescuewatch.errors import StoreError
from rescuewatch.model import (
    ROW_REF_LENGTH,
    Claim,
    DateSpan,
    Evidence,
    Perpetrator,
    Place,
    Victim,
    expand_categories,
)
from rescuewatch.store import schema as s
from rescuewatch.store.core import Store
from rescuewatch.store.incidents import standing

#: Rows a batch (and a dataset chunk, see :mod:`rescuewatch.ingest.chunks`) holds. With
#: parsing workers, the inserts start once the first chunk is built and the chunks share out
#: more evenly: 2,000 against 5,000 made the UCDP file's two-worker ingest faster in 8 of 10
#: runs side by side and left a million ACLED rows unchanged (benchmarks/ingest, eleventh round).
BATCH = 2000


def next_claim_id(conn: Connection) -> int:
    """The first free claim id; ingest assigns ids itself so that victims can be bulk-inserted.

    On PostgreSQL the claims table is locked for the transaction, so that two ingests cannot
    take the same ids.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("LOCK TABLE claims IN EXCLUSIVE MODE"))
    return int(conn.execute(select(func.coalesce(func.max(s.claims.c.id), 0))).scalar() or 0) + 1


class OriginalEncoder:
    """A claim's ``original`` values as compact JSON text, fast for dataset rows.

    With the document's ``keys`` (the columns every row of a dataset file shares, stored once
    in ``documents.original_keys``), an original with exactly those keys is stored as the JSON
    array of its values; :func:`decode_original` zips them back into the same dict. Any other
    original is stored as a JSON object. Either way the text is what ``json.dumps(...,
    ensure_ascii=False, separators=(",", ":"), default=str)`` gives, but text values are
    escaped directly with the C string encoder that ``json.dumps`` itself uses, and the JSON
    around the values of an object (escaped names, separators) is built once into a template.
    """

    def __init__(self, keys: tuple[str, ...] | None = None) -> None:
        self.keys = keys
        self._keys: tuple[Any, ...] | None = None
        self._template: str | None = None

    def __call__(self, original: dict[str, Any] | None) -> str | None:
        if original is None:
            return None
        keys = tuple(original)
        if keys == self.keys:
            try:
                return "[" + ",".join(map(encode_basestring, original.values())) + "]"
            except TypeError:  # a value that is not text
                return json.dumps(list(original.values()), ensure_ascii=False,
                                  separators=_COMPACT, default=str)
        if keys != self._keys:
            self._keys = keys
            self._template = _template(keys)
        if self._template is not None:
            try:
                return self._template % tuple(map(encode_basestring, original.values()))
            except TypeError:
                pass
        return json.dumps(original, ensure_ascii=False, separators=_COMPACT, default=str)


_COMPACT = (",", ":")


def original_arrays(rows: Sequence[Sequence[str]]) -> list[str]:
    """What :class:`OriginalEncoder` with the document's keys stores for rows of text cells
    (a CSV file's rows, whose originals are their cells under the header's names).

    orjson writes exactly what ``json.dumps`` (compact, ``ensure_ascii=False``) writes for a
    list of strings, five times as fast on a UCDP row (1.5 against 8 µs, quotes in every
    row); it refuses a lone surrogate, which UTF-8 cannot hold, and a chunk holding one is
    encoded by ``json`` instead.
    """
    dumps = orjson.dumps
    try:
        return [dumps(row).decode() for row in rows]
    except TypeError:
        return [json.dumps(row, ensure_ascii=False, separators=_COMPACT) for row in rows]


def _template(keys: tuple[Any, ...]) -> str | None:
    if not all(type(k) is str for k in keys):  # json.dumps converts other keys its own way
        return None
    return "{" + ",".join(encode_basestring(k).replace("%", "%%") + ":%s" for k in keys) + "}"


def decode_original(text_value: str | None, keys: Sequence[str] | None) -> dict[str, Any] | None:
    """The ``original`` dict back from its stored text (a JSON object, or values with ``keys``)."""
    if text_value is None:
        return None
    value = json.loads(text_value)
    if isinstance(value, list):
        if keys is None or len(keys) != len(value):
            raise StoreError("a claim's original values do not match its document's columns")
        return dict(zip(keys, value, strict=True))
    return value  # type: ignore[no-any-return]


def with_document_keys(
    claims: Iterable[Claim],
) -> tuple[tuple[str, ...] | None, Iterator[Claim]]:
    """The keys of the first claim's original (the document's columns) and all the claims.

    Only the first claim is read ahead; the rest still stream.
    """
    iterator = iter(claims)
    first = next(iterator, None)
    if first is None:
        return None, iterator
    original = first.original
    keys = tuple(original) if isinstance(original, dict) and original else None
    if keys is not None and not all(type(k) is str for k in keys):
        keys = None
    return keys, chain((first,), iterator)


def set_original_keys(conn: Connection, document_id: int, keys: tuple[str, ...] | None) -> None:
    """Record the columns of a document's originals (see :class:`OriginalEncoder`)."""
    if keys is not None:
        conn.execute(
            update(s.documents).where(s.documents.c.id == document_id)
            .values(original_keys=json.dumps(list(keys), ensure_ascii=False))
        )


def claim_row(
    claim: Claim, claim_id: int, document_id: int, encode: OriginalEncoder | None = None
) -> dict[str, Any]:
    """The ``claims`` row of ``claim`` as a dict (the portable path)."""
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
        "original": (encode or OriginalEncoder())(claim.original),
        "incident_id": claim.incident_id,
    }


#: Column order of the tuples built for SQLite's driver (the order of the table).
# plain str, not SQLAlchemy's subclass: row batches then go through marshal (pipeline.py)
CLAIM_COLUMNS: tuple[str, ...] = tuple(str(c.name) for c in s.claims.columns)
VICTIM_COLUMNS: tuple[str, ...] = tuple(str(c.name) for c in s.claim_victims.columns)
EVIDENCE_COLUMNS: tuple[str, ...] = ("claim_id", "start", "end", "text", "field")


def _insert_sql(table: str, columns: Sequence[str], literals: Sequence[str | None] = ()) -> str:
    """An INSERT of ``columns``: each value bound (``?``), or the SQL literal given for it."""
    names = ", ".join(f'"{c}"' for c in columns)
    values = ", ".join(lit or "?" for lit in (literals or [None] * len(columns)))
    return f"INSERT INTO {table} ({names}) VALUES ({values})"


@functools.lru_cache(maxsize=16)
def _claims_insert(columns: tuple[str, ...], literals: tuple[str | None, ...] = ()) -> str:
    unknown = set(columns) - set(CLAIM_COLUMNS)
    if unknown:
        raise ValueError(f"not claims columns: {sorted(unknown)}")
    return _insert_sql("claims", columns, literals)


_SQLITE_INSERTS = (
    _insert_sql("claims", CLAIM_COLUMNS),
    _insert_sql("claim_victims", VICTIM_COLUMNS),
    _insert_sql("evidence", EVIDENCE_COLUMNS),
)


def day_text(value: dt.date | None) -> str | None:
    """A date as SQLAlchemy's SQLite ``Date`` type stores it: ``YYYY-MM-DD`` text (also for a
    datetime given as a date)."""
    return None if value is None else value.isoformat()[:10]


_day = day_text


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(value)


def rows_of_columns(columns: dict[str, Any]) -> tuple[tuple[str, ...], ClaimColumns]:
    """A chunk's claim rows from its values by claims column (a sequence with one value a row,
    or ``itertools.repeat(value)`` for a constant): the columns given, in
    :data:`CLAIM_COLUMNS` order, as :data:`ClaimColumns`."""
    names = tuple(name for name in CLAIM_COLUMNS if name in columns)
    refs = columns.get("row_ref")
    if type(refs) is list and max(map(len, filter(None, refs)), default=0) > ROW_REF_LENGTH:
        # the reader's row path names the row and column
        raise ValueError(f"a row id longer than {ROW_REF_LENGTH} characters")
    return names, tuple((next(v),) if type(v) is repeat else v if type(v) is list else list(v)
                        for v in (columns[name] for name in names))


def batch_size(rows: list[tuple[Any, ...]] | ClaimColumns) -> int:
    """How many claims a batch's claim rows hold."""
    if type(rows) is list:
        return len(rows)
    return next((len(v) for v in rows if type(v) is list), 0)


def row_tuples(rows: list[tuple[Any, ...]] | ClaimColumns) -> Iterable[tuple[Any, ...]]:
    """A batch's claim rows one tuple a row (zipped from :data:`ClaimColumns` as they go)."""
    if type(rows) is list:
        return rows
    n = batch_size(rows)
    return zip(*(v if type(v) is list else repeat(v[0], n) for v in rows), strict=False)


def claim_values(
    claim: Claim, claim_id: int, document_id: int, encode: OriginalEncoder
) -> tuple[Any, ...]:
    """The ``claims`` row of ``claim`` as a tuple in :data:`CLAIM_COLUMNS` order, with values as
    SQLAlchemy would store them in SQLite (dates as ISO text, booleans as 0/1)."""
    victims = claim.victims
    date, place, perpetrator = claim.date, claim.place, claim.perpetrator
    if victims:
        killed, injured = claim.totals()
        categories: str | None = ",".join(claim.categories)
    else:
        killed = injured = None
        categories = None
    return (
        claim_id, document_id, claim.row_ref, claim.extractor, claim.extractor_version,
        int(claim.is_aggregate), int(bool(victims)), categories,
        _day(date.start), _day(date.end), date.precision, claim.time_of_day,
        place.text, place.name, place.country, place.admin1, place.lat, place.lon,
        place.geonameid, place.precision, claim.weapon, _flag(claim.repeat_strike),
        perpetrator.text, perpetrator.party,
        claim.killed if killed is None else killed,
        claim.injured if injured is None else injured,
        claim.confidence, claim.reported_certainty, claim.event_type, claim.description,
        encode(claim.original), claim.incident_id,
    )


#: Claim rows a column at a time, as a chunk builder gives them: per column a list (one value
#: a row) or a 1-tuple (one value for every row). Cheaper than row tuples to send to another
#: process, they become rows only as SQLite takes them (:func:`row_tuples`).
ClaimColumns = tuple[list[Any] | tuple[Any], ...]
#: Claim rows (one tuple a row, or :data:`ClaimColumns`), victim rows, evidence rows, and the
#: claims columns the claim rows hold (``None``: all of :data:`CLAIM_COLUMNS`; a builder may
#: leave out columns that are null in every row of a batch, which saves SQLite binding them).
RowBatch = tuple[list[tuple[Any, ...]] | ClaimColumns, list[tuple[Any, ...]],
                 list[tuple[Any, ...]], tuple[str, ...] | None]


def sqlite_batches(
    claims: Iterable[Claim], first_id: int, document_id: int,
    keys: tuple[str, ...] | None = None,
) -> Generator[RowBatch, None, None]:
    """Claims turned into batches of (claim, victim, evidence) row tuples for SQLite.

    Ids are given in order from ``first_id``; originals with ``keys`` (recorded on the document
    with :func:`set_original_keys`) are stored as value arrays. Nothing here touches the
    database, so the work can run beside the inserts (see ``rescuewatch.ingest.pipeline``).
    """
    encode = OriginalEncoder(keys)
    next_id = first_id
    iterator = iter(claims)
    while batch := list(islice(iterator, BATCH)):
        rows: list[tuple[Any, ...]] = []
        victims: list[tuple[Any, ...]] = []
        spans: list[tuple[Any, ...]] = []
        for claim in batch:
            claim.id = next_id
            claim.document_id = document_id
            rows.append(claim_values(claim, next_id, document_id, encode))
            if claim.victims:
                victims.extend(victim_tuples(claim.victims, next_id))
            if claim.evidence:
                spans.extend((next_id, e.start, e.end, e.text, e.field) for e in claim.evidence)
            next_id += 1
        yield rows, victims, spans, None


def insert_batch(conn: Connection, batch: RowBatch) -> int:
    """Write one batch from :func:`sqlite_batches` with the driver's ``executemany``.

    The driver connection is the one under ``conn``, so the rows join its open transaction.
    """
    rows, victims, spans, columns = batch
    if columns is None or type(rows) is list:
        sql = _SQLITE_INSERTS[0] if columns is None else _claims_insert(columns)
        values = row_tuples(rows)
    else:  # a constant column is written into the statement, not bound again for every row
        literals = tuple(_literal(v[0]) if type(v) is tuple else None for v in rows)
        sql = _claims_insert(columns, literals)
        values = row_tuples(tuple(v for v, lit in zip(rows, literals, strict=True) if lit is None))
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(sql, values)
        for sql, values in zip(_SQLITE_INSERTS[1:], (victims, spans), strict=True):
            if values:
                cursor.executemany(sql, values)
    finally:
        cursor.close()
    return batch_size(rows)


def _literal(value: Any) -> str | None:
    """``value`` as an SQL literal, if it is a plain integer or a short text (else ``None``:
    it is bound as usual). Binding is what costs: four constants a row are ~1.5 µs."""
    if type(value) is int:
        return str(value)
    if type(value) is str and len(value) <= 100 and "\x00" not in value:
        return "'" + value.replace("'", "''") + "'"
    return None


#: Claims indexes whose keys arrive in no order (dates): kept up row by row during a bulk
#: insert they cost about as much as the rows themselves (~9 of ~18 µs a row at a million rows
#: into an empty store), while building them afterwards is one sort (~2.5 µs a row).
DEFERRED_INDEXES = ("ix_claims_date_start", "ix_claims_country_date")


@contextmanager
def deferred_indexes(conn: Connection, expected_rows: int) -> Iterator[bool]:
    """Drop the :data:`DEFERRED_INDEXES` for a bulk insert of about ``expected_rows`` claims
    (SQLite), and create them again when it ends without an error; gives whether it did.

    Only done when the store holds no more claims than are coming: rebuilding reads every
    claim, and into a larger store the row-by-row upkeep costs less. The drop is part of the
    open transaction, so an error, Ctrl-C or a killed process (rolled back) brings the
    indexes back with everything else.
    """
    raw: Any = conn.connection.driver_connection
    existing = next_claim_id(conn) - 1
    found = [] if existing > expected_rows else raw.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'claims' AND "
        f"name IN ({','.join('?' * len(DEFERRED_INDEXES))})", DEFERRED_INDEXES).fetchall()
    if found and not raw.in_transaction:  # the driver opens one only before DML, not DDL
        raw.execute("BEGIN")
    for name, _ in found:
        raw.execute(f'DROP INDEX "{name}"')
    yield bool(found)
    if found:
        with _parallel_sort(raw):
            for _, sql in found:
                raw.execute(sql)


#: SQLite's sort buffer (KiB) while the deferred indexes are built: a buffer far smaller than
#: the keys makes the sorter cut them into runs that its helper threads sort side by side.
SORT_CACHE_KIB = 8192


def _parallel_sort(raw: Any) -> AbstractContextManager[None]:
    """Let ``CREATE INDEX`` sort on several cores (``PRAGMA threads``, with a small page
    cache). On 2 cores this halved the time to build the two date indexes of a million
    claims, 2.2-2.6 s to 1.2-1.3 s (benchmarks/ingest/RESULTS-ingest.md, sixth round)."""
    return sqlite_pragmas(raw, threads=min(4, os.cpu_count() or 1), cache_size=-SORT_CACHE_KIB)


@contextmanager
def sqlite_pragmas(raw: Any, **settings: int) -> Iterator[None]:
    """Set integer pragmas of the SQLite connection ``raw`` (names as in the code, never
    from input), and put back the values they had when the block ends, however it ends."""
    old = {name: int(raw.execute(f"PRAGMA {name}").fetchone()[0]) for name in settings}
    for name, value in settings.items():
        raw.execute(f"PRAGMA {name}={int(value)}")
    try:
        yield
    finally:
        for name, value in old.items():
            raw.execute(f"PRAGMA {name}={value}")


def add_claims(
    conn: Connection,
    document_id: int,
    claims: Iterable[Claim],
    *,
    on_batch: Any = None,
) -> int:
    """Insert ``claims`` of one document in batches; returns how many were written.

    ``on_batch(n)`` is called after each batch (for progress bars). On SQLite the rows go to the
    driver as tuples (the bulk fast path); elsewhere through SQLAlchemy Core. Both store the
    same values.
    """
    if conn.dialect.name == "sqlite":
        keys, claims = with_document_keys(claims)
        set_original_keys(conn, document_id, keys)
        written = 0
        for batch in sqlite_batches(claims, next_claim_id(conn), document_id, keys):
            n = insert_batch(conn, batch)
            written += n
            if on_batch is not None:
                on_batch(n)
        return written
    return add_claims_portable(conn, document_id, claims, on_batch=on_batch)


def add_claims_portable(
    conn: Connection,
    document_id: int,
    claims: Iterable[Claim],
    *,
    on_batch: Any = None,
) -> int:
    """:func:`add_claims` through SQLAlchemy Core, for any database (PostgreSQL)."""
    keys, claims = with_document_keys(claims)
    set_original_keys(conn, document_id, keys)
    encode = OriginalEncoder(keys)
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
            rows.append(claim_row(claim, next_id, document_id, encode))
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


_VICTIM_TUPLE_COLUMNS = ("claim_id", "category", "killed", "injured", "affected", "harm")


def victim_tuples(victims: list[Victim], claim_id: int) -> list[tuple[Any, ...]]:
    """The rows of :func:`_victim_rows` as tuples in :data:`VICTIM_COLUMNS` order, built
    without a dict per row (the SQLite bulk path)."""
    if VICTIM_COLUMNS != _VICTIM_TUPLE_COLUMNS:  # the table changed: take the general path
        return [tuple(v[c] for c in VICTIM_COLUMNS)
                for v in _victim_rows_of(victims, claim_id)]
    merged: dict[str, list[Any]] = {}
    for v in victims:
        row = merged.get(v.category)
        if row is None:
            row = merged[v.category] = [claim_id, v.category, None, None, None, None]
        if v.killed is not None:
            row[2] = (row[2] or 0) + v.killed
        if v.injured is not None:
            row[3] = (row[3] or 0) + v.injured
        if v.affected is not None:
            row[4] = (row[4] or 0) + v.affected
        if v.harm:
            row[5] = v.harm if not row[5] else f"{row[5]};{v.harm}"
    return [tuple(row) for row in merged.values()]


def _victim_rows(claim: Claim, claim_id: int) -> list[dict[str, Any]]:
    return _victim_rows_of(claim.victims, claim_id)


def _victim_rows_of(victims: list[Victim], claim_id: int) -> list[dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for v in victims:
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


def category_condition(column: Any, category: str | Sequence[str]) -> Any:
    """Rows whose ``categories`` (comma-separated) hold any of ``category``: victim categories,
    comma-separated or a list, aliases such as ``responders`` expanded."""
    # padded with commas, a category only matches a whole item of the list
    padded = "," + func.coalesce(column, "") + ","
    return or_(*(padded.like(f"%,{name},%") for name in expand_categories(category)))


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
        conditions.append(category_condition(s.claims.c.categories, category))
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
    keys: dict[int, tuple[str, ...] | None] = {}  # documents' original keys, read once each
    with store.engine.connect() as conn:
        result = conn.execution_options(yield_per=BATCH).execute(query)
        for part in result.mappings().partitions(BATCH):
            ids = [row["id"] for row in part]
            victims = _victims_for(conn, ids) if with_details else {}
            spans = _evidence_for(conn, ids) if with_details else {}
            _load_keys(conn, keys, part)
            # every row has the query's columns: pick the document's and source's once a batch
            extra_keys = [k for k in part[0] if k.startswith(("document_", "source_"))] \
                if part else []
            for row in part:
                claim = row_to_claim(row, victims.get(row["id"], []), spans.get(row["id"], []),
                                     keys.get(row["document_id"]))
                yield claim, {k: row[k] for k in extra_keys}


def _load_keys(conn: Connection, cache: dict[int, tuple[str, ...] | None],
               rows: Sequence[Any]) -> None:
    """Add to ``cache`` the original keys of the documents of ``rows`` stored as value arrays."""
    wanted = {row["document_id"] for row in rows
              if row["document_id"] not in cache and (row["original"] or "")[:1] == "["}
    if not wanted:
        return
    query = select(s.documents.c.id, s.documents.c.original_keys).where(
        s.documents.c.id.in_(wanted))
    for doc_id, keys_text in conn.execute(query):
        cache[doc_id] = None if keys_text is None else tuple(json.loads(keys_text))


def _victims_for(conn: Connection, ids: Sequence[int]) -> dict[int, list[Victim]]:
    out: dict[int, list[Victim]] = {}
    # ordered as SQLite's primary key returns them, so that every database gives the same list
    query = (select(s.claim_victims).where(s.claim_victims.c.claim_id.in_(ids))
             .order_by(s.claim_victims.c.claim_id, s.claim_victims.c.category))
    rows = conn.execute(query)
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


def row_to_claim(
    row: Any, victims: list[Victim], spans: list[Evidence],
    original_keys: Sequence[str] | None = None,
) -> Claim:
    """A stored claims row as a :class:`Claim`; ``original_keys`` are its document's (needed
    when the original was stored as values, see :class:`OriginalEncoder`)."""
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
        original=decode_original(row["original"], original_keys),
    )


def _by_category() -> Select[Any]:
    """Per victim category: claims, killed, injured and incidents, aggregates left out.

    An aggregate statement ("11 medics killed since January") is no event. Killed and injured
    are counted once per incident, by its lowest claim, as in the ACLED export: an event that
    five sources report is not five times the dead. A claim not linked yet counts on its own.
    The claims of an incident a reviewer rejected are left out, as from every other count.
    """
    cv, c = s.claim_victims.c, s.claims.c
    # one row per category and incident (or unlinked claim: its negative id, never an incident's)
    event = func.coalesce(c.incident_id, -c.id)
    per_event = (
        select(cv.category, func.count().label("n"), func.min(cv.killed).label("killed"),
               func.min(cv.injured).label("injured"), func.max(c.incident_id).label("incident"))
        .select_from(s.claim_victims.join(s.claims, c.id == cv.claim_id)
                     .outerjoin(s.incidents, s.incidents.c.id == c.incident_id))
        .where(c.is_aggregate.is_(False), or_(c.incident_id.is_(None), standing()))
        .group_by(cv.category, event)
        .subquery()
    )
    e = per_event.c
    return (select(e.category, func.sum(e.n), func.sum(e.killed), func.sum(e.injured),
                   func.count(func.distinct(e.incident)))
            .group_by(e.category).order_by(e.category))


def _known(total: Any) -> int | None:
    """A sum of counts, or None when no claim stated one (a facility's dead): never a 0."""
    return None if total is None else int(total)


def stats(store: Store) -> dict[str, Any]:
    """Counts of sources, documents, claims and incidents, by format and victim category.

    ``by_category`` leaves aggregate statements out and counts killed and injured once per
    incident, by its lowest claim (see :func:`_by_category`); null where no claim gives one.
    """
    with store.engine.connect() as conn:
        def total(table: Any) -> int:
            return int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)

        # an incident counts under every format and category one of its claims has
        incidents = func.count(func.distinct(s.claims.c.incident_id))
        by_format = conn.execute(
            select(s.documents.c.format, func.count(func.distinct(s.documents.c.id)),
                   func.count(s.claims.c.id), incidents)
            .select_from(s.documents.outerjoin(s.claims, s.claims.c.document_id == s.documents.c.id))
            .group_by(s.documents.c.format).order_by(s.documents.c.format)
        ).all()
        by_category = conn.execute(_by_category()).all()
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
            "rejected_incidents": int(conn.execute(
                select(func.count()).select_from(s.incidents)
                .where(s.incidents.c.review_status == "rejected")).scalar() or 0),
            "skipped_rows": total(s.skipped_rows),
            "by_format": {f: {"documents": d, "claims": c, "incidents": i}
                          for f, d, c, i in by_format},
            "by_category": {
                c: {"claims": int(n), "killed": _known(k), "injured": _known(i),
                    "incidents": int(m)}
                for c, n, k, i, m in by_category
            },
        }
