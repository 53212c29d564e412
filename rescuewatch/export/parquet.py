"""Apache Parquet through pyarrow, written in row groups of :data:`BATCH` records.

Claims are flat columns plus ``victims`` and ``evidence`` as ``list<struct>`` columns and
``original`` as a JSON string; incidents carry ``perpetrators`` as ``list<struct>`` and their
categories, weapons and source keys as ``list<string>``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

BATCH = 5000

_VICTIM = pa.struct([("category", pa.string()), ("killed", pa.int64()), ("injured", pa.int64()),
                     ("affected", pa.int64()), ("harm", pa.string())])
_EVIDENCE = pa.struct([("start", pa.int64()), ("end", pa.int64()), ("text", pa.string()),
                       ("field", pa.string())])
_PERPETRATOR = pa.struct([("party", pa.string()), ("text", pa.string()),
                          ("alleged_by", pa.list_(pa.string()))])

_KINDS = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(),
          "date": pa.date32()}

_CLAIM_LISTS = {"categories": pa.list_(pa.string()), "victims": pa.list_(_VICTIM),
                "evidence": pa.list_(_EVIDENCE), "original": pa.string()}
_INCIDENT_LISTS = {"categories": pa.list_(pa.string()), "weapons": pa.list_(pa.string()),
                   "sources": pa.list_(pa.string()), "perpetrators": pa.list_(_PERPETRATOR)}
#: Columns that are texts in CSV and JSON Lines but times in Parquet: the store keeps them in
#: UTC without a zone, and Parquet says so.
_UTC = pa.timestamp("us", tz="UTC")
_TIMES = {"created_at": _UTC, "updated_at": _UTC}


def schema_for(columns: dict[str, str], lists: dict[str, pa.DataType]) -> pa.Schema:
    """A pyarrow schema from native column kinds (JSON columns as given in ``lists``)."""
    fields = []
    for name, kind in columns.items():
        arrow = lists[name] if kind == "json" else _TIMES.get(name) or _KINDS[kind]
        fields.append(pa.field(name, arrow))
    return pa.schema(fields)


def _utc(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


def claim_schema() -> pa.Schema:
    from rescuewatch.export.native import CLAIM_COLUMNS

    return schema_for(CLAIM_COLUMNS, _CLAIM_LISTS)


def incident_schema() -> pa.Schema:
    from rescuewatch.export.native import INCIDENT_COLUMNS

    return schema_for(INCIDENT_COLUMNS, _INCIDENT_LISTS)


def _prepare(record: dict[str, Any], schema: pa.Schema) -> dict[str, Any]:
    out = dict(record)
    if "original" in out and out["original"] is not None and schema.field("original").type == pa.string():
        out["original"] = json.dumps(out["original"], ensure_ascii=False, default=str)
    for name in ("date_start", "date_end", "document_published"):
        if out.get(name) is not None and name in schema.names:
            out[name] = dt.date.fromisoformat(out[name])
    for name in _TIMES:
        if out.get(name) is not None and name in schema.names:
            out[name] = _utc(out[name])
    return out


def _batches(records: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(records)
    while batch := list(islice(iterator, BATCH)):
        yield batch


def write_parquet(records: Iterable[dict[str, Any]], path: Path, schema: pa.Schema) -> int:
    """Write native records (see :mod:`rescuewatch.export.native`) to ``path``; returns the count.

    ``path`` may be a pipe or a device (``/dev/null``) as well as a regular file.
    """
    if path.is_file():
        return _write(records, str(path), schema)
    with path.open("wb") as raw:
        return _write(records, _Unseekable(raw), schema)


class _Unseekable:
    """A pipe or device for pyarrow, which asks for the write position (``lseek`` fails there)."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.position = 0
        self.closed = False

    def write(self, data: bytes) -> int:
        self.raw.write(data)
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        self.raw.flush()

    def close(self) -> None:
        self.raw.flush()
        self.closed = True


def _write(records: Iterable[dict[str, Any]], where: str | _Unseekable, schema: pa.Schema) -> int:
    count = 0
    with pq.ParquetWriter(where, schema, compression="zstd") as writer:
        for batch in _batches(records):
            rows = [_prepare(r, schema) for r in batch]
            table = pa.Table.from_pylist(rows, schema=schema)
            writer.write_table(table)
            count += len(rows)
    return count
