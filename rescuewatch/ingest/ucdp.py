"""Reader of the UCDP Georeferenced Event Dataset, GED (``--format ucdp``).

Reads the CSV releases from GED 5.0 (whose estimates are ``best_est``, ``low_est`` and
``high_est``) and the 42-column schema of 17.1 to 19.1 to the 49 columns of 20.1 on and the
monthly candidate releases, gzip-compressed or not, including the Humanitarian Data Exchange
copies (50 columns, ``iso3`` added) whose second row holds HXL hashtags. Each row becomes one
claim with the GED ``id`` as its row id; every original value is kept, among them the ``low``
and ``high`` fatality estimates beside ``best`` (which becomes the claim's ``killed``).

GED names the two sides of each event, not who struck whom: for one-sided violence
(``type_of_violence`` 3) ``side_a`` is the actor UCDP holds responsible; for state-based and
non-state conflict both sides are recorded as the parties *alleged by UCDP* to the event.

GED codes no victim type, so its claims are context events (not about protected people). The
``source_headline`` becomes the claim's description but is not read for categories: it is the
headline of a source article, several joined by ";", and often about something else than the
event (in the Syria file, of 138 headlines naming a hospital, a doctor or an aid convoy, many
tell of a convoy arriving, a body thrown from a hospital roof, or other attacks that day).

Precisions follow the GED codebook. ``date_prec``: 1 the day is known, 2 within 2-6 days,
3 the week, 4 the month (or within 8-30 days), 5 the year. ``where_prec``: 1 the exact place,
2 within about 25 km of it, 3 the second-order administrative unit, 4 the first-order unit,
5 a part of the country or a linear feature (road, river, border), 6 the country, 7 waters or
airspace outside any country (no place precision). Any other code is a bad value of its row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from itertools import repeat
from typing import Any

from rescuewatch.errors import InputError
from rescuewatch.ingest.base import register
from rescuewatch.ingest.cell_dates import parse_date
from rescuewatch.ingest.codes import CodeColumn
from rescuewatch.ingest.countries import country_code
from rescuewatch.ingest.date_order import DateOrder
from rescuewatch.ingest.header_rows import refuse_totals
from rescuewatch.ingest.tables import (
    NEAR_MISS,
    READER_VERSION,
    Cell,
    ChunkBuilder,
    ChunkRows,
    RowError,
    Table,
    TableReader,
    TextPicker,
    coordinates,
    counts,
    parse_count,
    parse_point,
    row_id,
)
from rescuewatch.model import Claim, DateSpan, Perpetrator, Place, Source, trusted_place
from rescuewatch.store.claims import day_text, original_arrays, rows_of_columns

DATE_PRECISION = {"1": "day", "2": "week", "3": "week", "4": "month", "5": "year"}
PLACE_PRECISION = {"1": "exact", "2": "near", "3": "admin2", "4": "admin1", "5": "admin1",
                   "6": "country"}
DATE_CODES = CodeColumn("date_prec", DATE_PRECISION)
#: where_prec 7 (waters or airspace outside any country) is a place with no precision
PLACE_CODES = CodeColumn("where_prec", {**PLACE_PRECISION, "7": None})
VIOLENCE_TYPES = {"1": "state-based conflict", "2": "non-state conflict",
                  "3": "one-sided violence"}
REQUIRED = ("id", "date_start", "date_end", "latitude", "longitude", "best")
SIGNATURE = ("type_of_violence", "side_a", "side_b", "where_prec", "date_prec", "best")
#: Other names of a column in some releases: GED 5.0 named the estimates ``best_est``,
#: ``low_est`` and ``high_est`` (from 17.1 on ``best``, ``low``, ``high``).
SYNONYMS: dict[str, tuple[str, ...]] = {"best": ("best", "best_est")}


def _names(column: str) -> tuple[str, ...]:
    """Every name ``column`` has gone by (:data:`SYNONYMS`)."""
    return SYNONYMS.get(column, (column,))


def _named(column: str, names: set[str]) -> bool:
    """Whether ``names`` (lower case) hold ``column`` under any of its names."""
    return any(name in names for name in _names(column))


@register
class UcdpReader(TableReader):
    """UCDP GED CSV (41 to 50 columns, with or without an HXL row)."""

    name = "ucdp"
    description = "UCDP Georeferenced Event Dataset (GED) CSV, 41-50 columns, HDX HXL variant"
    source = Source(key="ucdp", name="UCDP Georeferenced Event Dataset", kind="dataset",
                    country="SE", affiliation="independent", coverage_group="datasets")
    title = "UCDP GED"
    #: GED writes ISO dates; a copy re-saved by a spreadsheet program has slashed ones in the
    #: order of its locale, read in one order for the whole file (not guessed cell by cell)
    date_columns = ("date_start",)

    def score(self, columns: list[str], hashtags: list[str]) -> int:
        names = {c.lower() for c in columns}
        found = sum(_named(c, names) for c in SIGNATURE)
        if found < len(SIGNATURE):
            # most of GED's own columns: taken last of all readers, and a missing required
            # column is then named instead of "not in any known format"
            return NEAR_MISS if found >= 4 else 0
        return 95 if all(_named(c, names) for c in REQUIRED) else 50

    def row_builder(self, table: Table) -> Callable[[list[Cell]], Claim]:
        return _Builder(table).claim

    def chunk_builder(self, table: Table, build: Callable[[list[Cell]], Claim]) -> ChunkBuilder | None:
        owner = getattr(build, "__self__", None)
        return owner.rows if isinstance(owner, _Builder) else None


class _Builder:
    """Column positions of one file (``-1``: absent; text columns as slots of a
    :class:`TextPicker`'s list); :meth:`claim` maps one row. Dates, perpetrators and countries repeat across rows and are built once each."""

    def __init__(self, table: Table) -> None:
        for column in REQUIRED:
            if table.index(*_names(column)) is None:
                raise InputError("missing column", path=table.origin, row=table.header_row,
                                 field=column, hint="is this a UCDP GED file?")
        pos = table.position
        self.table = table
        self.id, self.start, self.end = pos("id"), pos("date_start"), pos("date_end")
        self.date_prec, self.where_prec = pos("date_prec"), pos("where_prec")
        self.lat, self.lon = pos("latitude"), pos("longitude")
        self.where, self.adm1 = pos("where_coordinates"), pos("adm_1")
        self.iso3, self.country = pos("iso3"), pos("country")
        self.side_a, self.side_b = pos("side_a"), pos("side_b")
        self.violence, self.best = pos("type_of_violence"), pos(*_names("best"))
        self.headline = pos("source_headline")
        # the text columns read: from here on their attributes are slots of `self.pick`'s list
        self.pick = TextPicker((self.id, self.date_prec, self.where_prec, self.where, self.adm1,
                                self.iso3, self.country, self.side_a, self.side_b,
                                self.violence, self.headline))
        slot = self.pick.slot
        self.id, self.date_prec = slot[self.id], slot[self.date_prec]
        self.where_prec, self.where, self.adm1 = (slot[self.where_prec], slot[self.where],
                                                  slot[self.adm1])
        self.iso3, self.country = slot[self.iso3], slot[self.country]
        self.side_a, self.side_b = slot[self.side_a], slot[self.side_b]
        self.violence, self.headline = slot[self.violence], slot[self.headline]
        self.version = f"{READER_VERSION}/ged{len(table.columns)}"
        self._countries: dict[tuple[str | None, ...], str | None] = {}
        self._dates: dict[tuple[Cell, Cell, str | None], DateSpan] = {}
        self._span_rows: dict[tuple[Cell, Cell, str | None], tuple[str | None, ...]] = {}
        self._perpetrators: dict[tuple[str | None, ...], Perpetrator] = {}

    def claim(self, cells: list[Cell]) -> Claim:
        values = self.pick(cells)
        violence = values[self.violence]
        try:
            killed = parse_count(cells[self.best])
        except ValueError as exc:
            raise RowError(str(exc), "best") from None
        perpetrator = self._perpetrator((values[self.side_a], values[self.side_b], violence))
        return Claim(
            date=self._span(cells, values[self.date_prec]),
            place=self._place(cells, values),
            killed=killed,
            perpetrator=perpetrator,
            row_ref=row_id(values[self.id], "id"),
            extractor="ucdp",
            extractor_version=self.version,
            event_type=VIOLENCE_TYPES.get(violence or "", violence),
            description=values[self.headline],
            original=self.table.original(cells),
        )

    def rows(self, chunk: list[list[Cell]], first_id: int, document_id: int,
             ) -> ChunkRows:
        """The SQLite rows :meth:`claim` and the store would give for ``chunk``, a column at a
        time (see :mod:`rescuewatch.ingest.chunks`); any bad value raises."""
        n = len(chunk)
        cells = list(zip(*chunk, strict=True))
        values = self.pick.columns_of(cells, n)
        refuse_totals(chunk, values[self.id])
        known = self._span_rows
        spans = [known.get(k) or self._span_row(k) for k in
                 zip(cells[self.start], cells[self.end], values[self.date_prec], strict=True)]
        violence = values[self.violence]
        columns: dict[str, Any] = {
            "id": range(first_id, first_id + n), "document_id": repeat(document_id),
            "row_ref": values[self.id], "extractor": repeat("ucdp"),
            "extractor_version": repeat(self.version), "is_aggregate": repeat(0),
            "protected": repeat(0),
            "date_start": [d[0] for d in spans], "date_end": [d[1] for d in spans],
            "date_precision": [d[2] for d in spans],
            "place_text": values[self.where], "place_name": values[self.where],
            "country": [self._country(k) for k in
                        zip(values[self.iso3], values[self.country], strict=True)],
            "admin1": values[self.adm1],
            "lat": coordinates(cells[self.lat], 90.0, "latitude"),
            "lon": coordinates(cells[self.lon], 180.0, "longitude"),
            "place_precision": PLACE_CODES.column_of(values[self.where_prec]),
            "perpetrator_text": [self._perpetrator(k).text for k in
                                 zip(values[self.side_a], values[self.side_b], violence,
                                     strict=True)],
            "killed": counts(cells[self.best]),
            "event_type": [VIOLENCE_TYPES.get(v or "", v) for v in violence],
            "description": values[self.headline], "original": original_arrays(chunk),
        }
        return (*rows_of_columns(columns), [])

    def _span_row(self, key: tuple[Cell, Cell, str | None]) -> tuple[str | None, ...]:
        span = self._span_of(*key)
        found = self._span_rows[key] = (day_text(span.start), day_text(span.end), span.precision)
        _bound(self._span_rows)
        return found

    def _country(self, key: tuple[str | None, ...]) -> str | None:
        country = self._countries.get(key, "")
        if country == "":  # a handful of countries per file: look each up once
            country = self._countries[key] = country_code(*key)
            _bound(self._countries)
        return country

    def _perpetrator(self, sides: tuple[str | None, ...]) -> Perpetrator:
        perpetrator = self._perpetrators.get(sides)
        if perpetrator is None:
            perpetrator = self._perpetrators[sides] = Perpetrator(_sides(*sides), None)
            _bound(self._perpetrators)
        return perpetrator

    def _span(self, cells: list[Cell], precision: str | None) -> DateSpan:
        return self._span_of(cells[self.start], cells[self.end], precision)

    def _span_of(self, start_cell: Cell, end_cell: Cell, precision: str | None) -> DateSpan:
        key = (start_cell, end_cell, precision)
        found = self._dates.get(key)
        if found is not None:
            return found
        order = self.table.date_order
        start = _date(start_cell, "date_start", order)
        end = _date(end_cell, "date_end", order)
        if start is not None and end is not None and end < start:
            raise RowError(f"ends ({end}) before it starts ({start})", "date_end")
        word = DATE_CODES(precision)
        span = DateSpan(start, end or start, word) if start else DateSpan()
        self._dates[key] = span
        _bound(self._dates)
        return span

    def _place(self, cells: list[Cell], values: list[str | None]) -> Place:
        lat, lon = parse_point(cells[self.lat], cells[self.lon])
        where = values[self.where]
        country = self._country((values[self.iso3], values[self.country]))
        # coordinates range-checked above, precision from PLACE_CODES: Place's checks hold
        return trusted_place(where, where, country, values[self.adm1], lat, lon,
                             PLACE_CODES(values[self.where_prec]))


def _date(cell: Cell, column: str, order: DateOrder | None) -> dt.date | None:
    try:
        return parse_date(cell, order or False)
    except ValueError as exc:
        raise RowError(str(exc), column) from None


def _sides(side_a: str | None, side_b: str | None, violence: str | None) -> str | None:
    if violence == "3" or not side_b:
        return side_a
    if not side_a:
        return side_b
    return f"{side_a}; {side_b}"


def _bound(cache: dict[Any, Any], limit: int = 100_000) -> None:
    """Keep a per-file cache from growing with the file (memory stays flat)."""
    if len(cache) > limit:
        cache.clear()
