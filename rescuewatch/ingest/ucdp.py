"""Reader of the UCDP Georeferenced Event Dataset, GED (``--format ucdp``).

Reads the CSV releases from the 41-column GED 19.1 schema to the 50-column schema of later
releases, gzip-compressed or not, including the Humanitarian Data Exchange copies whose second
row holds HXL hashtags. Each row becomes one claim with the GED ``id`` as its row id; every
original value is kept, among them the ``low`` and ``high`` fatality estimates beside ``best``
(which becomes the claim's ``killed``).

GED names the two sides of each event, not who struck whom: for one-sided violence
(``type_of_violence`` 3) ``side_a`` is the actor UCDP holds responsible; for state-based and
non-state conflict both sides are recorded as the parties *alleged by UCDP* to the event.

Precisions follow the GED codebook. ``date_prec``: 1 the day is known, 2 within 2-6 days,
3 the week, 4 the month (or within 8-30 days), 5 the year. ``where_prec``: 1 the exact place,
2 within about 25 km of it, 3 the second-order administrative unit, 4 the first-order unit,
5 a part of the country or a linear feature (road, river, border), 6 the country, 7 waters or
airspace outside any country (no place precision).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from rescuewatch.errors import InputError
from rescuewatch.ingest.base import register
from rescuewatch.ingest.tables import (
    READER_VERSION,
    Cell,
    RowError,
    Table,
    TableReader,
    country_code,
    parse_coordinate,
    parse_count,
    parse_date,
    text,
)
from rescuewatch.model import Claim, DateSpan, Perpetrator, Place, Source

DATE_PRECISION = {"1": "day", "2": "week", "3": "week", "4": "month", "5": "year"}
PLACE_PRECISION = {"1": "exact", "2": "near", "3": "admin2", "4": "admin1", "5": "admin1",
                   "6": "country"}
VIOLENCE_TYPES = {"1": "state-based conflict", "2": "non-state conflict",
                  "3": "one-sided violence"}
REQUIRED = ("id", "date_start", "date_end", "latitude", "longitude", "best")
SIGNATURE = ("type_of_violence", "side_a", "side_b", "where_prec", "date_prec", "best")


@register
class UcdpReader(TableReader):
    """UCDP GED CSV (41 to 50 columns, with or without an HXL row)."""

    name = "ucdp"
    description = "UCDP Georeferenced Event Dataset (GED) CSV, 41-50 columns, HDX HXL variant"
    source = Source(key="ucdp", name="UCDP Georeferenced Event Dataset", kind="dataset",
                    country="SE", affiliation="independent")
    title = "UCDP GED"

    def score(self, columns: list[str], hashtags: list[str]) -> int:
        names = {c.lower() for c in columns}
        if not all(c in names for c in SIGNATURE):
            return 0
        return 95 if all(c in names for c in REQUIRED) else 50

    def row_builder(self, table: Table) -> Callable[[list[Cell]], Claim]:
        return _Builder(table).claim


class _Builder:
    def __init__(self, table: Table) -> None:
        for column in REQUIRED:
            if table.index(column) is None:
                raise InputError("missing column", path=table.origin, row=table.header_row,
                                 field=column, hint="is this a UCDP GED file?")
        idx = table.index
        self.table = table
        self.id, self.start, self.end = idx("id"), idx("date_start"), idx("date_end")
        self.date_prec, self.where_prec = idx("date_prec"), idx("where_prec")
        self.lat, self.lon = idx("latitude"), idx("longitude")
        self.where, self.adm1 = idx("where_coordinates"), idx("adm_1")
        self.iso3, self.country = idx("iso3"), idx("country")
        self.side_a, self.side_b = idx("side_a"), idx("side_b")
        self.violence, self.best = idx("type_of_violence"), idx("best")
        self.headline = idx("source_headline")
        self.version = f"{READER_VERSION}/ged{len(table.columns)}"
        self._countries: dict[tuple[str | None, ...], str | None] = {}

    def claim(self, cells: list[Cell]) -> Claim:
        start = self._date(cells, self.start, "date_start")
        end = self._date(cells, self.end, "date_end")
        if start is not None and end is not None and end < start:
            raise RowError(f"ends ({end}) before it starts ({start})", "date_end")
        violence = text(cells, self.violence)
        try:
            killed = parse_count(cells[self.best])  # type: ignore[index]
        except ValueError as exc:
            raise RowError(str(exc), "best") from None
        return Claim(
            date=DateSpan(start, end or start, DATE_PRECISION.get(text(cells, self.date_prec) or ""))
            if start else DateSpan(),
            place=self._place(cells),
            killed=killed,
            perpetrator=Perpetrator(self._sides(cells, violence), None),
            row_ref=text(cells, self.id),
            extractor="ucdp",
            extractor_version=self.version,
            event_type=VIOLENCE_TYPES.get(violence or "", violence),
            description=text(cells, self.headline),
            original=self.table.original(cells),
        )

    @staticmethod
    def _date(cells: list[Cell], index: int | None, column: str) -> dt.date | None:
        try:
            return parse_date(cells[index]) if index is not None else None
        except ValueError as exc:
            raise RowError(str(exc), column) from None

    def _sides(self, cells: list[Cell], violence: str | None) -> str | None:
        side_a, side_b = text(cells, self.side_a), text(cells, self.side_b)
        if violence == "3" or not side_b:
            return side_a
        if not side_a:
            return side_b
        return f"{side_a}; {side_b}"

    def _place(self, cells: list[Cell]) -> Place:
        try:
            lat = parse_coordinate(cells[self.lat], 90.0, "latitude")  # type: ignore[index]
        except ValueError as exc:
            raise RowError(str(exc), "latitude") from None
        try:
            lon = parse_coordinate(cells[self.lon], 180.0, "longitude")  # type: ignore[index]
        except ValueError as exc:
            raise RowError(str(exc), "longitude") from None
        where = text(cells, self.where)
        key = (text(cells, self.iso3), text(cells, self.country))
        if key not in self._countries:
            self._countries[key] = country_code(*key)
        return Place(text=where, name=where, country=self._countries[key],
                     admin1=text(cells, self.adm1), lat=lat, lon=lon,
                     precision=PLACE_PRECISION.get(text(cells, self.where_prec) or ""))
