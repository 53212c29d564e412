"""The tables of the store, as SQLAlchemy Core metadata.

The schema in a database is created and upgraded only by the Alembic migrations in
``migrations/versions``; this metadata mirrors the head revision and a test checks that the two
agree, so that queries and migrations cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

from rescuewatch.model import INTEGER_MAX, ROW_REF_LENGTH

metadata = MetaData()

#: The longest name of who acted (an ingest run, the audit log, a link constraint) kept.
ACTOR_LENGTH = 100

sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(200), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("kind", String(40), nullable=False, server_default="unknown"),
    Column("country", String(2)),
    Column("affiliation", String(60), nullable=False, server_default="unknown"),
    Column("coverage_group", String(100)),
    Column("created_at", DateTime, nullable=False),
    # from a registry file: other keys of the publisher ("a;b") and free notes
    Column("aliases", Text),
    Column("notes", Text),
)

# Raw bytes of every document, content-addressed and split into chunks so that a file of any
# size streams in and out without being held in memory.
blobs = Table(
    "blobs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("data", LargeBinary, nullable=False),
)

ingest_runs = Table(
    "ingest_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("origin", Text, nullable=False),
    Column("format", String(40)),
    Column("actor", String(ACTOR_LENGTH)),
    Column("documents", Integer, nullable=False, server_default="0"),
    Column("claims", Integer, nullable=False, server_default="0"),
    Column("skipped", Integer, nullable=False, server_default="0"),
)

documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("source_id", Integer, ForeignKey("sources.id"), nullable=False),
    Column("run_id", Integer, ForeignKey("ingest_runs.id")),
    Column("origin", Text, nullable=False),
    Column("format", String(40), nullable=False),
    Column("title", Text),
    Column("published", Date),
    Column("captured_at", DateTime, nullable=False),
    Column("language", String(8)),
    Column("media_type", String(100)),
    Column("size", BigInteger, nullable=False),
    Column("text", Text),
    # JSON array of the column names shared by the originals of this document's claims (a
    # dataset file's header); such claims store only their values, as a JSON array.
    Column("original_keys", Text),
)

claims = Table(
    "claims",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("document_id", Integer, ForeignKey("documents.id"), nullable=False, index=True),
    Column("row_ref", String(ROW_REF_LENGTH)),
    Column("extractor", String(60)),
    Column("extractor_version", String(20)),
    Column("is_aggregate", Boolean, nullable=False, server_default="0"),
    Column("protected", Boolean, nullable=False, server_default="0"),
    # Sorted, comma-joined victim categories: a denormalised copy for fast filtering.
    Column("categories", String(200)),
    Column("date_start", Date, index=True),
    Column("date_end", Date),
    Column("date_precision", String(8)),
    Column("time_of_day", String(8)),
    Column("place_text", Text),
    Column("place_name", Text),
    Column("country", String(2)),
    Column("admin1", Text),
    Column("lat", Float),
    Column("lon", Float),
    Column("geonameid", Integer),
    Column("place_precision", String(10)),
    Column("weapon", String(20)),
    Column("repeat_strike", Boolean),
    Column("perpetrator_text", Text),
    Column("perpetrator_party", String(40)),
    Column("killed", Integer),
    Column("injured", Integer),
    Column("confidence", Float),
    Column("reported_certainty", String(10)),
    Column("event_type", Text),
    Column("description", Text),
    Column("original", Text),
    Column("incident_id", Integer, ForeignKey("incidents.id"), index=True),
)

claim_victims = Table(
    "claim_victims",
    metadata,
    Column("claim_id", Integer, ForeignKey("claims.id"), primary_key=True),
    Column("category", String(20), primary_key=True),
    Column("killed", Integer),
    Column("injured", Integer),
    Column("affected", Integer),
    Column("harm", String(100)),
)

evidence = Table(
    "evidence",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("claim_id", Integer, ForeignKey("claims.id"), nullable=False, index=True),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("field", String(30)),
)

incidents = Table(
    "incidents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("date_start", Date, index=True),
    Column("date_end", Date),
    Column("date_precision", String(8)),
    Column("place_name", Text),
    Column("country", String(2)),
    Column("admin1", Text),
    Column("lat", Float),
    Column("lon", Float),
    Column("place_precision", String(10)),
    Column("categories", String(200)),
    Column("weapons", String(200)),
    Column("killed_min", Integer),
    Column("killed_max", Integer),
    Column("injured_min", Integer),
    Column("injured_max", Integer),
    Column("repeat_strike", Boolean),
    Column("protected", Boolean, nullable=False, server_default="0"),
    Column("perpetrators", Text),
    Column("n_claims", Integer, nullable=False, server_default="0"),
    Column("n_sources", Integer, nullable=False, server_default="0"),
    Column("certainty", String(10)),
    Column("certainty_rationale", Text),
    Column("certainty_locked", Boolean, nullable=False, server_default="0"),
    Column("review_status", String(20), nullable=False, server_default="unreviewed"),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

skipped_rows = Table(
    "skipped_rows",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, ForeignKey("ingest_runs.id"), nullable=False, index=True),
    Column("origin", Text, nullable=False),
    Column("row", String(40)),
    Column("field", String(100)),
    Column("reason", Text, nullable=False),
)

# Append-only: rows are inserted, never updated or deleted.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False),
    Column("actor", String(ACTOR_LENGTH), nullable=False),
    Column("action", String(40), nullable=False),
    Column("entity", String(20), nullable=False),
    Column("entity_id", Integer),
    Column("before", Text),
    Column("after", Text),
    Column("reason", Text),
)

# Analysts' linking decisions, applied on every relink: ``must_link`` and ``cannot_link`` pair two
# claims; ``claim_rejected`` (claim_b NULL) keeps a claim out of every incident.
link_constraints = Table(
    "link_constraints",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("claim_a", Integer, ForeignKey("claims.id"), nullable=False, index=True),
    Column("claim_b", Integer, ForeignKey("claims.id"), index=True),
    Column("reason", Text, nullable=False),
    Column("actor", String(ACTOR_LENGTH), nullable=False),
    Column("created_at", DateTime, nullable=False),
)

Index("ix_claims_country_date", claims.c.country, claims.c.date_start)
Index("ix_audit_entity", audit_log.c.entity, audit_log.c.entity_id)


def misfit(table: Table, values: Mapping[str, Any]) -> tuple[str, str] | None:
    """The first of ``values`` (by column name) that ``table`` cannot hold on every database,
    as ``(column, reason)``: text longer than its column or holding a NUL character, a whole
    number outside ``Integer``'s range. SQLite would keep any of them and PostgreSQL refuse
    them, so untrusted rows are checked with this before they are written."""
    for column in table.columns:
        value = values.get(column.name)
        if isinstance(value, str):
            if "\x00" in value:
                return column.name, "holds a NUL character"
            length = getattr(column.type, "length", None)
            if length is not None and len(value) > length:
                return column.name, f"{len(value)} characters, at most {length} kept"
        elif (type(value) is int and type(column.type) is Integer
              and not -INTEGER_MAX - 1 <= value <= INTEGER_MAX):
            return column.name, f"{value} is out of range"
    return None


def fitted(table: Table, values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with text longer than its column cut to fit, ending in "…".

    For what the store records about an input rather than takes from it, such as the column
    named by a skipped row: the name, as the file spells it, can be longer than the column
    keeps, which SQLite stored whole and PostgreSQL refused, ending ``--skip-bad-rows`` in a
    traceback.
    """
    out = dict(values)
    for column in table.columns:
        value, length = out.get(column.name), getattr(column.type, "length", None)
        if isinstance(value, str) and length is not None and len(value) > length:
            out[column.name] = value[: length - 1] + "…"
    return out
