"""Reader of rescuewatch's own CSV and JSON Lines exports (``--format rescuewatch``).

The export file becomes one document (it is the evidence now: its bytes are stored under their
SHA-256) of the source ``rescuewatch-export``, and each claim record becomes one claim with every
field restored. The exported record itself is the claim's ``original``, so the exporting
store's claim id, incident id, document SHA-256, origin and format, and source key, name, kind
and affiliation are kept with the claim (see docs/exports.md, "Round trip"). Incident-level
exports describe the exporting store's linking and are refused.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from typing import Any

from rescuewatch.errors import InputError
from rescuewatch.export.native import (
    CLAIM_COLUMNS,
    CLAIMS,
    INCIDENTS,
    MARKER,
    SCHEMA_VERSION,
    from_cell,
    loads,
    record_to_claim,
)
from rescuewatch.ingest.base import (
    HEAD_BYTES,
    STREAM_ERRORS,
    InputFile,
    Parcel,
    ReadContext,
    Reader,
    damaged_stream,
    register,
)
from rescuewatch.ingest.csv_records import Lines, LineTooLong
from rescuewatch.model import Claim, Source

#: The source of every re-imported export file; the original sources stay in each claim.
EXPORT_SOURCE = Source(
    key="rescuewatch-export", name="rescuewatch export file", kind="dataset", affiliation="unknown"
)
MAX_CELL = 16 << 20  # one CSV cell or JSON line may not exceed this (untrusted input)
_JSONL_HEAD = b'{"' + MARKER.encode() + b'":'


def _strip_bom(data: bytes) -> bytes:
    return data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data


def _is_json_lines(head: bytes) -> bool:
    """Whether ``head`` starts a JSON Lines export: its first line an object with the marker
    key, first as rescuewatch writes it, or anywhere (``jq -S`` sorts the keys)."""
    if head.startswith(_JSONL_HEAD):
        return True
    if not head.startswith(b"{") or MARKER.encode() not in head:
        return False
    first, _, rest = head.partition(b"\n")
    if not rest and len(head) >= HEAD_BYTES:
        return False  # a first line longer than the sample: not known
    try:
        record = loads(first)
    except (ValueError, RecursionError):
        return False
    return isinstance(record, dict) and MARKER in record


def _csv_delimiter(head: bytes) -> str | None:
    """The delimiter of the CSV export whose first bytes are ``head``, else ``None``: the
    marker column first, quoted or not, then a comma (as rescuewatch writes it), or a
    semicolon or a tab (as a spreadsheet, R's ``write.csv`` or pandas may write it again)."""
    for marker in (MARKER.encode(), b'"' + MARKER.encode() + b'"'):
        if head.startswith(marker):
            delimiter = head[len(marker):len(marker) + 1]
            return delimiter.decode() if delimiter in (b",", b";", b"\t") else None
    return None


@register
class NativeReader(Reader):
    """rescuewatch's own claims export, as CSV or JSON Lines (optionally gzip-compressed)."""

    name = "rescuewatch"
    description = "rescuewatch's own CSV or JSON Lines claims export (exact round trip)"

    def sniff(self, item: InputFile) -> int:
        head = _strip_bom(item.sample()).lstrip()
        return 100 if _is_json_lines(head) or _csv_delimiter(head) else 0

    def read(self, item: InputFile, ctx: ReadContext) -> Iterator[Parcel]:
        head = _strip_bom(item.sample()).lstrip()
        if _is_json_lines(head):
            claims, kind = self._jsonl_claims(item, ctx), "JSON Lines"
        elif delimiter := _csv_delimiter(head):
            claims, kind = self._csv_claims(item, ctx, delimiter), "CSV"
        else:
            raise InputError(
                f"not a rescuewatch export: the first column or key must be {MARKER!r}",
                path=item.origin, hint="export it with `rescuewatch export --format csv|jsonl`",
            )
        yield Parcel(
            source=EXPORT_SOURCE,
            sha256=item.sha256,
            size=item.size,
            raw=item.chunks,
            format=self.name,
            origin=item.origin,
            claims=claims,
            title=f"rescuewatch claims export ({kind}) {item.name}",
            media_type="text/csv" if kind == "CSV" else "application/jsonl",
        )

    def _csv_claims(self, item: InputFile, ctx: ReadContext, delimiter: str) -> Iterator[Claim]:
        csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL))
        with item.open() as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            # the csv module reads a whole line before its cells: a gzip file can unpack to
            # one line of gigabytes
            reader = csv.reader(Lines(text, MAX_CELL), delimiter=delimiter)
            try:
                header = next(reader)
            except LineTooLong:
                raise self._too_long(item, 1) from None
            except (StopIteration, UnicodeError, csv.Error) as exc:
                raise InputError(f"cannot read the header: {exc}", path=item.origin, row=1) from exc
            except STREAM_ERRORS as exc:
                raise damaged_stream(item, exc, 1) from exc
            missing = [c for c in (MARKER, "schema_version") if c not in header]
            if missing:
                raise InputError("missing column", path=item.origin, row=1, field=missing[0])
            known = [(i, name, CLAIM_COLUMNS[name]) for i, name in enumerate(header)
                     if name in CLAIM_COLUMNS]
            line = 1
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except LineTooLong:
                    raise self._too_long(item, line + 1) from None
                except (UnicodeError, csv.Error) as exc:
                    raise InputError(f"cannot read CSV: {exc}", path=item.origin, row=line + 1) from exc
                except STREAM_ERRORS as exc:
                    raise damaged_stream(item, exc, line + 1) from exc
                line += 1
                if not any(cells):
                    continue
                try:
                    record = {
                        name: from_cell(cells[i] if i < len(cells) else "", kind, row=line,
                                        field=name, path=item.origin)
                        for i, name, kind in known
                    }
                    claim = self._claim(record, item.origin, line)
                except InputError as exc:
                    ctx.bad_row(exc)
                    continue
                yield claim

    @staticmethod
    def _too_long(item: InputFile, row: int) -> InputError:
        return InputError(f"line longer than {MAX_CELL >> 20} MB", path=item.origin, row=row,
                          hint="the file is damaged, or not a rescuewatch export")

    def _jsonl_claims(self, item: InputFile, ctx: ReadContext) -> Iterator[Claim]:
        with item.open() as raw:
            line = 0
            while True:
                try:
                    data = raw.readline(MAX_CELL + 1)
                except STREAM_ERRORS as exc:
                    raise damaged_stream(item, exc, line + 1) from exc
                if not data:
                    return
                line += 1
                if len(data) > MAX_CELL:
                    raise InputError(f"line longer than {MAX_CELL >> 20} MB", path=item.origin, row=line)
                if not data.strip():
                    continue
                try:
                    record = loads(_strip_bom(data) if line == 1 else data)
                    if not isinstance(record, dict):
                        raise ValueError("not a JSON object")
                    claim = self._claim(record, item.origin, line)
                except ValueError as exc:
                    ctx.bad_row(InputError(f"not valid JSON: {exc}", path=item.origin, row=line))
                    continue
                except RecursionError:  # json's parser recurses once per level of nesting
                    ctx.bad_row(InputError("not valid JSON: nested too deeply", path=item.origin,
                                           row=line))
                    continue
                except InputError as exc:
                    ctx.bad_row(exc)
                    continue
                yield claim

    def _claim(self, record: dict[str, Any], path: str, line: int) -> Claim:
        kind = record.get(MARKER)
        if kind == INCIDENTS:
            raise InputError(
                "an incident-level export cannot be ingested (incidents are rebuilt by linking)",
                path=path, row=line, field=MARKER, hint="export with --level claims",
            )
        if kind != CLAIMS:
            raise InputError(f"unknown record kind {str(kind)[:40]!r}", path=path, row=line,
                             field=MARKER)
        version = str(record.get("schema_version") or "")
        if version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
            raise InputError(
                f"schema version {version[:20]!r} is not supported (this build reads {SCHEMA_VERSION})",
                path=path, row=line, field="schema_version", hint="upgrade rescuewatch",
            )
        try:
            return record_to_claim(record)
        except (ValueError, TypeError) as exc:
            message = str(exc)
            field = message.split(":", 1)[0] if ":" in message else None
            if field not in CLAIM_COLUMNS:
                field = None
            raise InputError(message, path=path, row=line, field=field) from exc
