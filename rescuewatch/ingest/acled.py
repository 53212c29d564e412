"""Reader of ACLED event exports (``--format acled``).

Three layouts are read, told apart by their header:

- the current 31-column export (``event_id_cnty, event_date, year, time_precision,
  disorder_type, event_type, sub_event_type, actor1 ... notes, fatalities, tags, timestamp``);
- API exports, which add ``data_id``, ``event_id_no_cnty`` and ``iso3``;
- the legacy layout (``ally_actor_1/2``, ``gwno``, no ``sub_event_type``), whose dates may read
  ``9-May-20`` or ``09/05/2020`` (day first, as ACLED wrote them).

Each row becomes one claim of the export file's document, with ``event_id_cnty`` as its row id
and every original value kept. ``actor1`` is the perpetrator *as alleged by ACLED* (ACLED codes
the side that initiated the event as ``actor1``). Which protected categories a row concerns is
read from the English ``notes``; most ACLED events concern none and are kept as context events.
A protest concerns none either, whatever its notes say of the health workers who protested: an
event of type ``Protests``, or, in exports that file protests and riots as one type, an event
whose ``inter1`` says its first actor is protesters.

Precisions (ACLED codebook): ``time_precision`` 1 = the day, 2 = within a week, 3 = within a
month; ``geo_precision`` 1 = the town itself, 2 = a nearby or district-level location, 3 = only
the province is known.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from itertools import repeat
from typing import Any

from rescuewatch.ingest.base import register
from rescuewatch.ingest.cell_dates import parse_date
from rescuewatch.ingest.codes import CodeColumn
from rescuewatch.ingest.column_scan import scan_notes
from rescuewatch.ingest.countries import country_code
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
from rescuewatch.ingest.victims import UNCOUNTED, victims_from_text, weapon_from_text
from rescuewatch.model import Claim, DateSpan, Perpetrator, Place, Source, trusted_place
from rescuewatch.store.claims import day_text, original_arrays, rows_of_columns, victim_tuples

TIME_PRECISION = {"1": "day", "2": "week", "3": "month"}
GEO_PRECISION = {"1": "city", "2": "district", "3": "admin1"}
TIME_CODES = CodeColumn("time_precision", TIME_PRECISION)
GEO_CODES = CodeColumn("geo_precision", GEO_PRECISION)

#: sub_event_type -> weapon where the type itself says it; otherwise the notes are read.
SUB_EVENT_WEAPONS: dict[str, str] = {
    "remote explosive/landmine/ied": "mine_ied",
    "suicide bomb": "other",
    "grenade": "other",
    "chemical weapon": "other",
}
#: Types whose weapon the notes refine (a drone or a plane; a missile or a shell).
_REFINED = {"air/drone strike": "airstrike", "shelling/artillery/missile attack": "artillery"}

#: Event types that are not attacks: health workers marching for protection are not victims.
NOT_ATTACKS = frozenset({"Protests"})
#: ``inter1`` of an event whose first actor is protesters: the code before 2024 and the word
#: since. Exports without sub-event types file protests and riots under one event type
#: ("Riots/Protests"), so there the protesting side is what tells a protest from an attack.
PROTESTERS = frozenset({"6", "protesters"})

CURRENT = ("event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1", "latitude",
           "longitude", "geo_precision", "notes", "fatalities")
LEGACY = ("event_id_cnty", "event_date", "event_type", "actor1", "ally_actor_1", "gwno",
          "latitude", "longitude", "notes", "fatalities")


@register
class AcledReader(TableReader):
    """ACLED CSV or XLSX exports (current, API and legacy layouts)."""

    name = "acled"
    description = "ACLED event export (current 31-column, API or legacy layout), CSV or XLSX"
    source = Source(key="acled", name="ACLED (Armed Conflict Location & Event Data)",
                    kind="dataset", country="US", affiliation="independent",
                    coverage_group="datasets")
    title = "ACLED export"
    date_columns = ("event_date",)
    day_first = True  # as ACLED's exports write slashed dates

    def score(self, columns: list[str], hashtags: list[str]) -> int:
        names = {c.lower() for c in columns}
        if "event_id_cnty" not in names or "event_date" not in names:
            # most of ACLED's columns without one it needs: taken last of all readers, so that
            # the error names the missing column instead of "not in any known format"
            return NEAR_MISS if sum(c in names for c in CURRENT) >= 6 else 0
        if all(c in names for c in CURRENT) or all(c in names for c in LEGACY):
            return 95
        return 60

    def row_builder(self, table: Table) -> Callable[[list[Cell]], Claim]:
        return _Builder(table).claim

    def chunk_builder(self, table: Table, build: Callable[[list[Cell]], Claim]) -> ChunkBuilder | None:
        owner = getattr(build, "__self__", None)
        return owner.rows if isinstance(owner, _Builder) else None


def layout(table: Table) -> str:
    """``legacy``, ``api`` or ``current``, from the columns present."""
    if not table.has("sub_event_type"):
        return "legacy"
    if table.has("data_id") or table.has("event_id_no_cnty") or table.has("iso3"):
        return "api"
    return "current"


class _Builder:
    """Column positions of one export, looked up once; :meth:`claim` maps one row.

    Text columns are read through a :class:`TextPicker` (``-1`` for a column the file
    lacks). Dates and perpetrators repeat across the rows of a file and their types are
    immutable, so each distinct one is built once and shared.
    """

    def __init__(self, table: Table) -> None:
        from rescuewatch.errors import InputError

        self.table = table
        self.layout = layout(table)
        idx = table.index
        row_id, date = idx("event_id_cnty", "data_id"), idx("event_date")
        lat, lon = idx("latitude"), idx("longitude")
        for required, where in (("event_id_cnty", row_id), ("event_date", date),
                                ("latitude", lat), ("longitude", lon)):
            if where is None:
                raise InputError("missing column", path=table.origin, row=table.header_row,
                                 field=required, hint="is this an ACLED export?")
        assert row_id is not None and date is not None and lat is not None and lon is not None
        self.row_id, self.date, self.lat, self.lon = row_id, date, lat, lon
        self.row_id_column = table.columns[row_id]
        pos = table.position
        self.time_prec = pos("time_precision")
        self.event_type = pos("event_type")
        self.sub_event = pos("sub_event_type")
        self.actor1 = pos("actor1")
        self.inter1 = pos("inter1")
        self.iso = pos("iso")
        self.iso3 = pos("iso3")
        self.country = pos("country")
        self.admin1 = pos("admin1")
        self.location = pos("location")
        self.geo_prec = pos("geo_precision")
        self.notes = pos("notes")
        self.fatalities = idx("fatalities")
        # the text columns read: from here on their attributes are slots of `self.pick`'s list
        self.pick = TextPicker((self.row_id, self.time_prec, self.event_type, self.sub_event,
                                self.actor1, self.inter1, self.iso, self.iso3, self.country,
                                self.admin1, self.location, self.geo_prec, self.notes))
        slot = self.pick.slot
        self.row_id, self.time_prec = slot[self.row_id], slot[self.time_prec]
        self.event_type, self.sub_event = slot[self.event_type], slot[self.sub_event]
        self.actor1, self.iso, self.iso3 = slot[self.actor1], slot[self.iso], slot[self.iso3]
        self.inter1 = slot[self.inter1]
        self.country, self.admin1 = slot[self.country], slot[self.admin1]
        self.location, self.geo_prec = slot[self.location], slot[self.geo_prec]
        self.notes = slot[self.notes]
        self.version = f"{READER_VERSION}/{self.layout}"
        self._countries: dict[tuple[str | None, ...], str | None] = {}
        self._dates: dict[tuple[Cell, str | None], DateSpan] = {}
        self._date_rows: dict[tuple[Cell, str | None], tuple[str | None, ...]] = {}
        self._perpetrators: dict[str | None, Perpetrator] = {}

    def claim(self, cells: list[Cell]) -> Claim:
        values = self.pick(cells)
        notes = values[self.notes]
        event_type = values[self.event_type]
        sub_event = values[self.sub_event]
        actor = values[self.actor1]
        perpetrator = self._perpetrators.get(actor)
        if perpetrator is None:
            perpetrator = self._perpetrators[actor] = Perpetrator(actor, None)
            _bound(self._perpetrators)
        return Claim(
            date=self._date(cells[self.date], values[self.time_prec]),
            place=self._place(cells, values),
            victims=[] if _protest(event_type, values[self.inter1]) else victims_from_text(notes),
            killed=self._count(cells, self.fatalities, "fatalities"),
            weapon=_weapon(sub_event or event_type, notes),
            perpetrator=perpetrator,
            row_ref=row_id(values[self.row_id], self.row_id_column),
            extractor="acled",
            extractor_version=self.version,
            event_type=f"{event_type}: {sub_event}" if event_type and sub_event else event_type,
            description=notes,
            original=self.table.original(cells),
        )

    def rows(self, chunk: list[list[Cell]], first_id: int, document_id: int,
             ) -> ChunkRows:
        """The SQLite rows :meth:`claim` and the store would give for ``chunk``, computed a
        column at a time (a :data:`~rescuewatch.ingest.tables.ChunkBuilder`).

        Values that repeat down a column (dates, countries) are worked out once per distinct
        value. Any bad value raises, and the chunk is then read row by row (which names it).
        """
        n = len(chunk)
        cells = list(zip(*chunk, strict=True))
        values = self.pick.columns_of(cells, n)
        refuse_totals(chunk, values[self.row_id])
        event_type, sub_event, notes = (values[self.event_type], values[self.sub_event],
                                        values[self.notes])
        known = self._date_rows
        dates = [known.get(k) or self._date_row(k)
                 for k in zip(cells[self.date], values[self.time_prec], strict=True)]
        starts, ends, precisions = zip(*dates, strict=True)
        countries = [self._country(k) for k in
                     zip(values[self.iso3], values[self.iso], values[self.country], strict=True)]
        in_notes, weapons = scan_notes(notes)
        categories = [[] if _protest(e, i) else c
                      for e, i, c in zip(event_type, values[self.inter1], in_notes, strict=True)]
        ids = range(first_id, first_id + n)
        victims = [row for cid, cats in zip(ids, categories, strict=False) if cats
                   for row in victim_tuples([UNCOUNTED[c] for c in cats], cid)]
        columns: dict[str, Any] = {
            "id": ids, "document_id": repeat(document_id), "row_ref": values[self.row_id],
            "extractor": repeat("acled"), "extractor_version": repeat(self.version),
            "is_aggregate": repeat(0), "protected": [int(bool(c)) for c in categories],
            "categories": [",".join(sorted(c)) if c else None for c in categories],
            "date_start": starts, "date_end": ends, "date_precision": precisions,
            "place_text": values[self.location], "place_name": values[self.location],
            "country": countries, "admin1": values[self.admin1],
            "lat": coordinates(cells[self.lat], 90.0, "latitude"),
            "lon": coordinates(cells[self.lon], 180.0, "longitude"),
            "place_precision": GEO_CODES.column_of(values[self.geo_prec]),
            "weapon": [_weapon_given(s or e, w)
                       for e, s, w in zip(event_type, sub_event, weapons, strict=True)],
            "perpetrator_text": values[self.actor1],
            **({} if self.fatalities is None else
               {"killed": counts(cells[self.fatalities])}),
            "event_type": [f"{e}: {s}" if e and s else e for e, s in zip(event_type, sub_event, strict=False)],
            "description": notes, "original": original_arrays(chunk),
        }
        return (*rows_of_columns(columns), victims)

    def _date_row(self, key: tuple[Cell, str | None]) -> tuple[str | None, str | None, str | None]:
        span = self._date(*key)
        found = self._date_rows[key] = (day_text(span.start), day_text(span.end), span.precision)
        _bound(self._date_rows)
        return found

    def _country(self, key: tuple[str | None, ...]) -> str | None:
        country = self._countries.get(key, "")
        if country == "":  # a handful of countries per file: look each up once
            country = self._countries[key] = country_code(*key)
            _bound(self._countries)
        return country

    def _date(self, cell: Cell, precision: str | None) -> DateSpan:
        key = (cell, precision)
        found = self._dates.get(key)
        if found is not None:
            return found
        try:
            day = parse_date(cell, self.table.date_order or AcledReader.day_first)
        except ValueError as exc:
            raise RowError(str(exc), "event_date") from None
        # an empty date is unknown (kept as null, never guessed); a wrong one is an error
        word = TIME_CODES(precision)
        span = DateSpan(day, day, word) if day else DateSpan()
        self._dates[key] = span
        _bound(self._dates)
        return span

    def _place(self, cells: list[Cell], values: list[str | None]) -> Place:
        lat, lon = parse_point(cells[self.lat], cells[self.lon])
        location = values[self.location]
        country = self._country((values[self.iso3], values[self.iso], values[self.country]))
        # the coordinates are range-checked above and the precision comes from GEO_CODES,
        # so the checks of Place(...) cannot fail here
        return trusted_place(location, location, country, values[self.admin1], lat, lon,
                             GEO_CODES(values[self.geo_prec]))

    @staticmethod
    def _count(cells: list[Cell], index: int | None, column: str) -> int | None:
        if index is None:
            return None
        try:
            return parse_count(cells[index])
        except ValueError as exc:
            raise RowError(str(exc), column) from None


def _protest(event_type: str | None, inter1: str | None) -> bool:
    """Whether a row is a protest, whose protected people are protesting, not attacked."""
    return event_type in NOT_ATTACKS or (inter1 is not None and inter1.lower() in PROTESTERS)


def _bound(cache: dict[Any, Any], limit: int = 100_000) -> None:
    """Keep a per-file cache from growing with the file (memory stays flat)."""
    if len(cache) > limit:
        cache.clear()


def _weapon(kind: str | None, notes: str | None) -> str | None:
    """The weapon from ACLED's (sub-)event type, refined by the notes where the type is broad."""
    return _weapon_given(kind, weapon_from_text(notes) if _reads_notes(kind) else None)


def _reads_notes(kind: str | None) -> bool:
    """Whether the notes can change the weapon of this (sub-)event type."""
    key = (kind or "").lower()
    return key not in SUB_EVENT_WEAPONS and key not in _NO_WEAPON_KINDS


_NO_WEAPON_KINDS = frozenset((
    "protests", "riots", "strategic developments", "peaceful protest", "agreement",
    "headquarters or base established", "non-violent transfer of territory"))


@lru_cache(maxsize=4096)  # a few (type, weapon named) pairs repeat down a whole file
def _weapon_given(kind: str | None, in_notes: str | None) -> str | None:
    """:func:`_weapon` given ``in_notes``, the weapon the notes name (``weapon_from_text``)."""
    key = (kind or "").lower()
    if not _reads_notes(key):  # a fixed weapon, or none at all
        return SUB_EVENT_WEAPONS.get(key)
    if key in _REFINED:
        if key == "air/drone strike":
            return in_notes if in_notes in ("drone", "missile") else "airstrike"
        return in_notes if in_notes in ("missile", "drone") else "artillery"
    return in_notes
