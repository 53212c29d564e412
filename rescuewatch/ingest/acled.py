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

Precisions (ACLED codebook): ``time_precision`` 1 = the day, 2 = within a week, 3 = within a
month; ``geo_precision`` 1 = the town itself, 2 = a nearby or district-level location, 3 = only
the province is known.
"""

from __future__ import annotations

from collections.abc import Callable

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
from rescuewatch.ingest.victims import victims_from_text, weapon_from_text
from rescuewatch.model import Claim, DateSpan, Perpetrator, Place, Source

TIME_PRECISION = {"1": "day", "2": "week", "3": "month"}
GEO_PRECISION = {"1": "city", "2": "district", "3": "admin1"}

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
                    kind="dataset", country="US", affiliation="independent")
    title = "ACLED export"

    def score(self, columns: list[str], hashtags: list[str]) -> int:
        names = {c.lower() for c in columns}
        if "event_id_cnty" not in names or "event_date" not in names:
            return 0
        if all(c in names for c in CURRENT) or all(c in names for c in LEGACY):
            return 95
        return 60

    def row_builder(self, table: Table) -> Callable[[list[Cell]], Claim]:
        return _Builder(table).claim


def layout(table: Table) -> str:
    """``legacy``, ``api`` or ``current``, from the columns present."""
    if not table.has("sub_event_type"):
        return "legacy"
    if table.has("data_id") or table.has("event_id_no_cnty") or table.has("iso3"):
        return "api"
    return "current"


class _Builder:
    """Column positions of one export, looked up once; :meth:`claim` maps one row."""

    def __init__(self, table: Table) -> None:
        from rescuewatch.errors import InputError

        self.table = table
        self.layout = layout(table)
        idx = table.index
        self.row_id = idx("event_id_cnty", "data_id")
        self.date = idx("event_date")
        for required, where in (("event_id_cnty", self.row_id), ("event_date", self.date),
                                ("latitude", idx("latitude")), ("longitude", idx("longitude"))):
            if where is None:
                raise InputError("missing column", path=table.origin, row=table.header_row,
                                 field=required, hint="is this an ACLED export?")
        self.time_prec = idx("time_precision")
        self.event_type = idx("event_type")
        self.sub_event = idx("sub_event_type")
        self.actor1 = idx("actor1")
        self.iso = idx("iso")
        self.iso3 = idx("iso3")
        self.country = idx("country")
        self.admin1 = idx("admin1")
        self.location = idx("location")
        self.lat = idx("latitude")
        self.lon = idx("longitude")
        self.geo_prec = idx("geo_precision")
        self.notes = idx("notes")
        self.fatalities = idx("fatalities")
        self.version = f"{READER_VERSION}/{self.layout}"
        self._countries: dict[tuple[str | None, ...], str | None] = {}

    def claim(self, cells: list[Cell]) -> Claim:
        try:
            day = parse_date(cells[self.date], day_first=True)  # type: ignore[index]
        except ValueError as exc:
            raise RowError(str(exc), "event_date") from None
        notes = text(cells, self.notes)
        event_type = text(cells, self.event_type)
        sub_event = text(cells, self.sub_event)
        return Claim(
            # an empty date is unknown (kept as null, never guessed); a wrong one is an error
            date=DateSpan(day, day, TIME_PRECISION.get(text(cells, self.time_prec) or ""))
            if day else DateSpan(),
            place=self._place(cells),
            victims=[] if event_type in NOT_ATTACKS else victims_from_text(notes),
            killed=self._count(cells, self.fatalities, "fatalities"),
            weapon=_weapon(sub_event or event_type, notes),
            perpetrator=Perpetrator(text(cells, self.actor1), None),
            row_ref=text(cells, self.row_id),
            extractor="acled",
            extractor_version=self.version,
            event_type=f"{event_type}: {sub_event}" if event_type and sub_event else event_type,
            description=notes,
            original=self.table.original(cells),
        )

    def _place(self, cells: list[Cell]) -> Place:
        try:
            lat = parse_coordinate(cells[self.lat], 90.0, "latitude")  # type: ignore[index]
        except ValueError as exc:
            raise RowError(str(exc), "latitude") from None
        try:
            lon = parse_coordinate(cells[self.lon], 180.0, "longitude")  # type: ignore[index]
        except ValueError as exc:
            raise RowError(str(exc), "longitude") from None
        location = text(cells, self.location)
        return Place(
            text=location,
            name=location,
            country=self._country(cells),
            admin1=text(cells, self.admin1),
            lat=lat,
            lon=lon,
            precision=GEO_PRECISION.get(text(cells, self.geo_prec) or ""),
        )

    def _country(self, cells: list[Cell]) -> str | None:
        key = (text(cells, self.iso3), text(cells, self.iso), text(cells, self.country))
        if key not in self._countries:  # a handful of countries per file: look each up once
            self._countries[key] = country_code(*key)
        return self._countries[key]

    @staticmethod
    def _count(cells: list[Cell], index: int | None, column: str) -> int | None:
        if index is None:
            return None
        try:
            return parse_count(cells[index])
        except ValueError as exc:
            raise RowError(str(exc), column) from None


def _weapon(kind: str | None, notes: str | None) -> str | None:
    """The weapon from ACLED's (sub-)event type, refined by the notes where the type is broad."""
    key = (kind or "").lower()
    if key in SUB_EVENT_WEAPONS:
        return SUB_EVENT_WEAPONS[key]
    if key in _REFINED:
        found = weapon_from_text(notes)
        if key == "air/drone strike":
            return found if found in ("drone", "missile") else "airstrike"
        return found if found in ("missile", "drone") else "artillery"
    if key in ("protests", "riots", "strategic developments", "peaceful protest", "agreement",
               "headquarters or base established", "non-violent transfer of territory"):
        return None
    return weapon_from_text(notes)
