"""Row tuples for SQLite built a chunk of rows at a time, column by column.

A dataset reader's per-row path (cells -> :class:`~rescuewatch.model.Claim` -> row tuple) costs
tens of microseconds a row in Python. Most of what it computes repeats down a column (dates,
countries, precisions, actors) or is a plain conversion, so a reader may also offer a
:data:`~rescuewatch.ingest.tables.ChunkBuilder` that turns a whole chunk of CSV rows into the
same tuples at once. Any chunk the builder cannot take whole (a bad value, a short row) goes
through the per-row path instead, so errors, skipped rows and their row numbers are exactly
those of that path; ``tests/ingest/test_chunks.py`` checks that both paths store the same rows.

Several worker processes can share a CSV file's chunks (``share``): each parses and builds
its own chunks only (every n-th) and passes over the others without parsing them
(:meth:`~rescuewatch.ingest.csv_records.CsvRecords.skip`), counting their rows, so that row
numbers and claim ids are those of one reader without any exchange between the workers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass
from functools import partial
from itertools import islice
from operator import itemgetter

from rescuewatch.ingest.base import ReadContext, Share
from rescuewatch.ingest.tables import (
    Cell,
    ChunkBuilder,
    RowError,
    Table,
    claims_of_rows,
    is_data_row,
    keeps,
    no_rows,
)
from rescuewatch.model import Claim
from rescuewatch.store import claims as store_claims
from rescuewatch.store.claims import RowBatch


@dataclass(frozen=True)
class ChunkMark:
    """Where a shared chunk starts (``kind`` "start") or ends ("end"): lines read so far
    (:attr:`~rescuewatch.ingest.csv_records.CsvRecords.position`)."""

    kind: str
    position: int


def chunked_batches(
    table: Table, build: Callable[[list[Cell]], Claim], fast: ChunkBuilder, ctx: ReadContext,
    first_id: int, document_id: int, share: Share | None = None,
) -> Generator[RowBatch | ChunkMark, None, None]:
    """Batches of (claim, victim, evidence) rows for the data rows of ``table``.

    Ids run from ``first_id`` in file order over the rows kept, as in
    :func:`~rescuewatch.store.claims.sqlite_batches`. ``fast`` builds each chunk whose rows all
    have the header's width; ``build`` (the reader's per-row builder) takes any other chunk.

    With ``share`` (``(i, n)``, a CSV table), only chunks ``i``, ``i + n``, ... are read and
    built, each between a start and an end :class:`ChunkMark`; the others are skipped
    unparsed. The one who takes the batches checks that each chunk starts where the one before
    ended (a skip can go astray in a file with bare quotes). Ids then follow from the rows
    read, not the rows kept: that holds only when no row is skipped as bad (a bad row stops
    the ingest), so shares are refused with ``--skip-bad-rows``.
    """
    if share is not None and (ctx.skip_bad_rows or table.records is None
                              or not 0 <= share[0] < share[1]):
        raise ValueError(f"cannot share the chunks of {table.origin} as {share} "
                         "(a CSV file, not while skipping bad rows)")
    if share is None:
        written = yield from _built(table, build, fast, ctx, first_id, document_id)
    else:
        written = yield from _shared(table, build, fast, ctx, first_id, document_id, share)
    if written == 0 and not ctx.skipped:
        raise no_rows(table)


def data_chunk(table: Table, size: int) -> list[tuple[int, list[Cell]]]:
    """The next ``size`` data rows of ``table`` (fewer at the end), as :attr:`Table.rows`
    gives them, taken from :attr:`Table.raw` a chunk of records at a time. Rows are checked
    one by one only in a chunk where some first cell is empty, or holds a "#" or a space at
    its start: filtering every row in a generator cost about 1 µs a row."""
    rows: list[tuple[int, list[Cell]]] = []
    while len(rows) < size and (records := list(islice(table.raw, size - len(rows)))):
        if _maybe_not_data(records):
            records = [r for r in records if keeps(r[1], table.hashtags, table.width)]
        rows += records
    return rows


def _maybe_not_data(records: list[tuple[int, list[Cell]]]) -> bool:
    try:
        firsts = list(map(itemgetter(0), map(itemgetter(1), records)))
        return "" in firsts or _SPECIAL_START.search("".join(map(itemgetter(0), firsts))) is not None
    except (IndexError, TypeError):  # a row with no cells, or a first cell that is not text
        return True


_SPECIAL_START = re.compile(r"[#\s]")


def _built(table: Table, build: Callable[[list[Cell]], Claim], fast: ChunkBuilder,
           ctx: ReadContext, first_id: int, document_id: int,
           ) -> Generator[RowBatch, None, int]:
    """Every chunk's batches; the number of rows written."""
    next_id = first_id
    while True:
        nul_before = nul_lines(table)
        if not (chunk := data_chunk(table, store_claims.BATCH)):
            break
        next_id = yield from _chunk(table, build, fast, ctx, chunk, next_id, document_id,
                                    nul_before)
    return next_id - first_id


def _shared(table: Table, build: Callable[[list[Cell]], Claim], fast: ChunkBuilder,
            ctx: ReadContext, first_id: int, document_id: int, share: Share,
            ) -> Generator[RowBatch | ChunkMark, None, int]:
    """The batches of this share's chunks, each between its marks; the rows counted."""
    records = table.records
    assert records is not None
    mine, workers = share
    is_data = partial(is_data_row, hashtags=table.hashtags, width=table.width)
    next_id, number = first_id, 0
    while True:
        if number % workers != mine:
            passed = records.skip(store_claims.BATCH, is_data)
            if not passed:
                break
            next_id += passed
        else:
            yield ChunkMark("start", records.position)
            nul_before = records.nul_lines
            if not (chunk := data_chunk(table, store_claims.BATCH)):
                break
            next_id = yield from _chunk(table, build, fast, ctx, chunk, next_id, document_id,
                                        nul_before)
            yield ChunkMark("end", records.position)
        number += 1
    return next_id - first_id


def _chunk(table: Table, build: Callable[[list[Cell]], Claim], fast: ChunkBuilder,
           ctx: ReadContext, chunk: list[tuple[int, list[Cell]]], first_id: int,
           document_id: int, nul_before: int) -> Generator[RowBatch, None, int]:
    """The batches of one chunk, whose lines held ``nul_lines(table) - nul_before`` NUL
    characters (the per-row path finds and refuses their cells); the id after its last row."""
    next_id = first_id
    fast_batch = None if nul_lines(table) != nul_before else _fast_batch(
        fast, chunk, len(table.columns), first_id, document_id)
    if fast_batch is not None:
        batches: Iterable[RowBatch] = (fast_batch,)
    else:
        claims = claims_of_rows(chunk, table, build, ctx, nul_before)
        batches = store_claims.sqlite_batches(claims, first_id, document_id, tuple(table.columns))
    for batch in batches:
        size = store_claims.batch_size(batch[0])
        next_id += size
        if size:
            yield batch
    return next_id


def nul_lines(table: Table) -> int:
    """Lines holding a NUL character read so far from ``table``'s CSV file."""
    return 0 if table.records is None else table.records.nul_lines


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
