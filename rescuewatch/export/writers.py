"""Writing an export: choose the rows, the format and the output, then stream.

Rows are read from the store in batches and written as they come, so an export of millions of
claims runs in constant memory. A file is written beside its target and renamed into place
only when complete (see :mod:`rescuewatch.export.outputs`).

Every text cell of the HXL and ACLED CSV exports is *defused* against spreadsheet formula
injection: a value starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a
leading single quote. Numbers are written as numbers and never touched. The native ``csv``
format is not defused, because its round trip must be exact; open it with care in a
spreadsheet (or import it as text).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TextIO

from rescuewatch.errors import InputError
from rescuewatch.export import acled, geojson, hxl, native
from rescuewatch.export.outputs import file_output, text_output
from rescuewatch.export.records import flat_claim, flat_incident
from rescuewatch.model import Claim
from rescuewatch.store.core import Store
from rescuewatch.store.exports import ExportFilter, iter_export_claims, iter_export_incidents

FORMATS: tuple[str, ...] = ("hxl-csv", "geojson", "acled-csv", "csv", "jsonl", "parquet")
LEVELS: tuple[str, ...] = ("claims", "incidents")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse(value: Any) -> Any:
    """A text value made safe to open in a spreadsheet (numbers and null unchanged)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _cell(value: Any) -> str:
    # Text is defused for spreadsheets; numbers, null and the rest are written as the native
    # export writes them (a number such as -1.5 must not gain a quote).
    if type(value) is str:
        return defuse(value)  # type: ignore[no-any-return]
    return native.to_cell(value)


def write_table(rows: Iterable[Mapping[str, Any]], out: TextIO, columns: list[str],
                headers: list[list[str]]) -> int:
    """Write defused CSV: the ``headers`` rows (header, HXL hashtags ...), then ``rows``."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(headers)
    count = 0
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
        count += 1
    return count


# --- formats ---------------------------------------------------------------------------------


def _unknown_format(fmt: str) -> InputError:
    return InputError(f"unknown export format {fmt!r} for --format",
                      hint=f"choose from {', '.join(FORMATS)}")


def _claim_writer(fmt: str, on_left_out: Callable[[Claim], None],
                  ) -> Callable[[Iterable[tuple[Claim, Mapping[str, Any]]], TextIO], int]:
    if fmt == "csv":
        return lambda rows, out: native.write_csv(
            (native.claim_record(c, e) for c, e in rows), out, native.CLAIM_COLUMNS)
    if fmt == "jsonl":
        return lambda rows, out: native.write_jsonl((native.claim_record(c, e) for c, e in rows), out)
    if fmt == "hxl-csv":
        names = list(hxl.CLAIM_TAGS)
        heads = [[hxl.CLAIM_TAGS[n][0] for n in names], [hxl.CLAIM_TAGS[n][1] for n in names]]
        return lambda rows, out: write_table(
            (hxl.one_line(flat_claim(c, e)) for c, e in rows), out, names, heads)
    if fmt == "geojson":
        return lambda rows, out: geojson.write_features(
            (flat_claim(c, e) for c, e in rows), out, "claim_id")
    if fmt == "acled-csv":
        cols = list(acled.COLUMNS)
        return lambda rows, out: write_table(
            (acled.claim_row(c, e) for c, e in acled.events_only(rows, on_left_out)), out, cols,
            [cols])
    raise _unknown_format(fmt)


def _incident_writer(fmt: str) -> Callable[[Iterable[Mapping[str, Any]], TextIO], int]:
    if fmt == "csv":
        return lambda rows, out: native.write_csv(
            (native.incident_record(r) for r in rows), out, native.INCIDENT_COLUMNS)
    if fmt == "jsonl":
        return lambda rows, out: native.write_jsonl((native.incident_record(r) for r in rows), out)
    if fmt == "hxl-csv":
        names = list(hxl.INCIDENT_TAGS)
        heads = [[hxl.INCIDENT_TAGS[n][0] for n in names], [hxl.INCIDENT_TAGS[n][1] for n in names]]
        return lambda rows, out: write_table(
            (hxl.one_line(flat_incident(r)) for r in rows), out, names, heads)
    if fmt == "geojson":
        return lambda rows, out: geojson.write_features(
            (flat_incident(r) for r in rows), out, "incident_id")
    if fmt == "acled-csv":
        cols = list(acled.COLUMNS)
        return lambda rows, out: write_table((acled.incident_row(r) for r in rows), out, cols, [cols])
    raise _unknown_format(fmt)


def _write_parquet(store: Store, output: str, level: str, flt: ExportFilter) -> int:
    from rescuewatch.export import parquet

    if output == "-":
        raise InputError("--output is required for parquet: it is binary and not written to "
                         "the terminal", hint="pass -o FILE.parquet")
    with file_output(output) as tmp:
        if level == "claims":
            records: Iterable[dict[str, Any]] = (
                native.claim_record(c, e) for c, e in iter_export_claims(store, flt))
            return parquet.write_parquet(records, tmp, parquet.claim_schema())
        records = (native.incident_record(r) for r in iter_export_incidents(store, flt))
        return parquet.write_parquet(records, tmp, parquet.incident_schema())


def write(store: Store, fmt: str, output: str, *, level: str = "claims",
          protected_only: bool = False, flt: ExportFilter | None = None,
          on_left_out: Callable[[Claim], None] | None = None) -> int:
    """Export claims or incidents of ``store`` to ``output`` ("-" = stdout) in ``fmt``.

    Parameters
    ----------
    store
        An open store.
    fmt
        One of :data:`FORMATS`.
    output
        A file path, or "-" for standard output (not for Parquet).
    level
        ``claims`` (one row per claim) or ``incidents`` (one row per incident).
    protected_only
        Only claims (incidents) about protected people or objects.
    flt
        Further filters (country, dates, victim category); ``protected_only`` is added to it.
    on_left_out
        Called with each claim the format leaves out: ``acled-csv`` has no place for aggregate
        statements, which are not events.

    Returns
    -------
    int
        The number of rows (claims, incidents or features) written.
    """
    if level not in LEVELS:
        raise InputError(f"unknown level {level!r} for --level",
                         hint="choose claims or incidents")
    if fmt not in FORMATS:
        raise _unknown_format(fmt)
    base = flt or ExportFilter()
    flt = ExportFilter(protected_only=protected_only or base.protected_only, country=base.country,
                       since=base.since, until=base.until, category=base.category)
    if fmt == "parquet":
        return _write_parquet(store, output, level, flt)
    with text_output(output) as out:
        if level == "claims":
            writer = _claim_writer(fmt, on_left_out or (lambda claim: None))
            return writer(iter_export_claims(store, flt), out)
        return _incident_writer(fmt)(iter_export_incidents(store, flt), out)
