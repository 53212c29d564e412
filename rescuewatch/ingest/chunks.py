"""Row tuples for SQLite built a chunk of rows at a time, column by column.

A dataset reader's per-row path (cells -> :class:`~rescuewatch.model.Claim` -> row tuple) costs
tens of microseconds a row in Python. Most of what it computes repeats down a column (dates,
countries, precisions, actors) or is a plain conversion, so a reader may also offer a
:data:`~rescuewatch.ingest.tables.ChunkBuilder` that turns a whole chunk of CSV rows into the
same tuples at once. Any chunk the builder cannot take whole (a bad value, a short row) goes
through the per-row path instead, so errors, skipped rows and their row numbers are exactly
those of that path; ``tests/ingest/test_chunks.py`` checks that both paths store the same rows.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable
from itertools import islice
from operator import itemgetter

from rescuewatch.ingest.base import ReadContext
from rescuewatch.ingest.tables import Cell, ChunkBuilder, RowError, Table, claims_of_rows, no_rows
from rescuewatch.model import Claim
from rescuewatch.store import claims as store_claims
from rescuewatch.store.claims import RowBatch


def chunked_batches(
    table: Table, build: Callable[[list[Cell]], Claim], fast: ChunkBuilder, ctx: ReadContext,
    first_id: int, document_id: int,
) -> Generator[RowBatch, None, None]:
    """Batches of (claim, victim, evidence) rows for the data rows of ``table``.

    Ids run from ``first_id`` in file order over the rows kept, as in
    :func:`~rescuewatch.store.claims.sqlite_batches`. ``fast`` builds each chunk whose rows all
    have the header's width; ``build`` (the reader's per-row builder) takes any other chunk.
    """
    width = len(table.columns)
    keys = tuple(table.columns)
    next_id, written = first_id, 0
    rows = iter(table.rows)
    while chunk := list(islice(rows, store_claims.BATCH)):
        fast_batch = _fast_batch(fast, chunk, width, next_id, document_id)
        if fast_batch is not None:
            batches: Iterable[RowBatch] = (fast_batch,)
        else:
            claims = claims_of_rows(chunk, table, build, ctx)
            batches = store_claims.sqlite_batches(claims, next_id, document_id, keys)
        for batch in batches:
            size = store_claims.batch_size(batch[0])
            next_id += size
            written += size
            if size:
                yield batch
    if written == 0 and not ctx.skipped:
        raise no_rows(table)


def _fast_batch(fast: ChunkBuilder, chunk: list[tuple[int, list[Cell]]], width: int,
                first_id: int, document_id: int) -> RowBatch | None:
    cells = list(map(itemgetter(1), chunk))
    if set(map(len, cells)) != {width}:
        return None
    try:
        columns, claims, victims = fast(cells, first_id, document_id)
    except (RowError, ValueError):
        return None
    return claims, victims, [], columns
