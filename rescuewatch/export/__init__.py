"""Exports in the formats the humanitarian field uses, and rescuewatch's own interchange format.

``hxl-csv`` (HDX), ``geojson`` (RFC 7946), ``acled-csv`` (ACLED's 31 columns), ``parquet``, and
the native ``csv`` / ``jsonl`` that ``rescuewatch ingest`` reads back into the same claims.
Columns of every format are listed in docs/exports.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rescuewatch.model import Claim


def write_export(store: Any, fmt: str, output: str, *, level: str = "claims",
                 protected_only: bool = False, country: str | None = None,
                 since: dt.date | None = None, until: dt.date | None = None,
                 category: str | None = None,
                 on_left_out: Callable[[Claim], None] | None = None) -> int:
    """Write the store's claims or incidents to ``output`` in ``fmt``; returns the row count.

    Parameters
    ----------
    store
        An open :class:`~rescuewatch.store.Store`.
    fmt
        ``hxl-csv``, ``geojson``, ``acled-csv``, ``csv``, ``jsonl`` or ``parquet``.
    output
        A file path, or "-" for standard output (Parquet needs a file).
    level
        ``claims`` or ``incidents``.
    protected_only
        Only rows about protected people or objects.
    country, since, until, category
        Optional filters: ISO-2 country, first and last start date (inclusive), victim category.
    on_left_out
        Called with each claim the format leaves out (aggregate statements in ``acled-csv``).
    """
    from rescuewatch.export.writers import write
    from rescuewatch.store.exports import ExportFilter

    flt = ExportFilter(country=country, since=since, until=until, category=category)
    return write(store, fmt, output, level=level, protected_only=protected_only, flt=flt,
                 on_left_out=on_left_out)
