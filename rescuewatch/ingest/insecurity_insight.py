"""Reader of Insecurity Insight and SHCC incident data (``--format insecurity-insight``).

Reads the XLSX and CSV releases of the attacks-on-health-care datasets (Insecurity Insight and
the Safeguarding Health in Conflict Coalition, from the SHCC incident files of 2016-2019 with
their ``Attack date`` and ``Total health worker killed`` on), of the aid-worker KIKA dataset
(aid workers killed, injured, kidnapped or arrested) and of the Explosive Weapons Monitor
(whose ``Explosive Weapon Type`` is the weapon). Releases rename columns, so every field is looked up
under the names seen across releases (:data:`COLUMNS`); columns the reader does not know are
kept in the claim's ``original`` and never stop an import. HXL hashtag rows are skipped
wherever they sit: before the header, right after it, or as the last row.

Each row becomes one claim with the ``SiND Event ID`` (the incident number) as its row id.
Coded counts become victims: health workers (or ``medic`` when every reported profession is an
EMS one), health facilities, health transport (``ambulance``), patients, aid workers; the
English event description adds categories it names (without counts). Hospital utilities
affected (``EnergySupplies`` ...) count as harm to the health facility. The claim's killed and
injured are the coded totals, 0 where the row codes 0 (an attack on a building, say), unknown
only where no column gives a number. Looting of health supplies, obstructed access and a
``Location of Incident`` that is a health building name no category of their own: the row is
then about protected people or objects only if another column or the description says so. The ``Reported
Perpetrator`` is kept as alleged by the dataset, its name preferred to its category.

``Geo Precision`` ``censored`` means the publisher withheld the location on purpose: it stays
``censored``, never confused with a missing value.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable

from rescuewatch.ingest.base import register
from rescuewatch.ingest.cell_dates import parse_date
from rescuewatch.ingest.countries import country_code
from rescuewatch.ingest.tables import (
    READER_VERSION,
    Cell,
    RowError,
    Table,
    TableReader,
    norm_name,
    parse_coordinate,
    parse_count,
    parse_flag,
    row_id,
    text,
)
from rescuewatch.ingest.victims import profession_category, victims_from_text, weapon_from_text
from rescuewatch.model import Claim, DateSpan, Perpetrator, Place, Source, Victim

#: field -> column names used across releases (first found wins).
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("SiND Event ID", "Event ID", "Incident Number", "Incident No", "Incident ID", "ID"),
    "date": ("Date", "Event Date", "Incident Date", "Date of Incident", "Date Occurred",
             "Attack Date"),
    "time_precision": ("Time Precision", "Date Precision"),
    "country": ("Country", "Country Name"),
    "iso": ("Country ISO", "ISO", "ISO3", "Country Code"),
    "admin1": ("Admin 1", "Admin1", "Province", "State", "Governorate", "Region"),
    "description": ("Event Description", "Description", "Incident Description", "Summary"),
    "lat": ("Latitude", "Lat"),
    "lon": ("Longitude", "Lon", "Long", "Lng"),
    "geo_precision": ("Geo Precision", "Geographic Precision", "Location Precision"),
    "perpetrator": ("Reported Perpetrator", "Perpetrator", "Actor", "Perpetrator Type"),
    "perpetrator_name": ("Reported Perpetrator Name", "Perpetrator Name", "Actor Name"),
    "weapon": ("Weapon Carried/Used", "Weapon Used", "Weapons Used", "Weapon",
               "Explosive Weapon Type"),
    "profession": ("Reported Health Worker Profession", "Health Worker Profession"),
    "hw_killed": ("Health Workers Killed", "Total Health Worker Killed"),
    "hw_injured": ("Health Workers Injured", "Total Health Worker Injured"),
    "hw_kidnapped": ("Health Workers Kidnapped", "Health Workers Abducted",
                     "Total Health Worker Kidnapped"),
    "hw_arrested": ("Health Workers Arrested", "Total Health Worker Arrested"),
    "hw_threatened": ("Health Workers Threatened",),
    "hw_assaulted": ("Health Workers Assaulted",),
    "hw_sexual": ("Health Workers Sexually Assaulted",),
    "hf_destroyed": ("Number of Attacks on Health Facilities Reporting Destruction",
                     "Health Facilities Destroyed", "Health Facility Destroyed",
                     "Total Number of Attacks on Facilities Which Reported Destruction"),
    "hf_damaged": ("Number of Attacks on Health Facilities Reporting Damaged",
                   "Health Facilities Damaged", "Health Facility Damaged",
                   "Total Number of Attacks on Facilities Which Reported Damage"),
    "hf_entry": ("Forceful Entry into Health Facility",),
    "hf_occupied": ("Occupation of Health Facility",),
    "hf_vicinity": ("Vicinity of Health Facility Affected",),
    "ht_destroyed": ("Health Transportation Destroyed", "Health Transport Destroyed"),
    "ht_damaged": ("Health Transportation Damaged", "Health Transport Damaged"),
    "ht_taken": ("Health Transportation Stolen/Hijacked", "Health Transportation Abducted",
                 "Health Transportation Hijacked", "Health Transport Stolen",
                 "Health Transportation Stolen/Highjacked"),
    "ems": ("Attacks on Emergency Medical Services", "Attack on Emergency Medical Services"),
    "utilities": ("Hospital Utilities Affected", "Health Facility Utilities Affected"),
    "patients_killed": ("Patients Killed",),
    "patients_injured": ("Patients Injured",),
    "aw_killed": ("Aid Workers Killed",),
    "aw_injured": ("Aid Workers Injured",),
    "aw_kidnapped": ("Aid Workers Kidnapped",),
    "aw_arrested": ("Aid Workers Arrested",),
}
#: Columns whose presence says "this is an Insecurity Insight table".
_MARKERS = ("hw_killed", "hf_destroyed", "ht_destroyed", "aw_killed", "aw_kidnapped", "ems")

TIME_PRECISION = (("exact", "day"), ("close", "week"), ("week", "week"), ("month", "month"),
                  ("year", "year"))
GEO_PRECISION = {"1": "exact", "2": "near", "3": "district", "4": "admin1", "5": "admin1",
                 "6": "country"}
_GEO_WORDS = (("censored", "censored"), ("exact", "exact"), ("25 km", "near"),
              ("district", "district"), ("province", "admin1"), ("linear", "admin1"),
              ("country", "country"))
#: a code in brackets before its words, "(2) 25 km precision", or a code alone ("2", "2.0")
_GEO_CODE = re.compile(r"\s*(?:\((\d+)\)|(\d+)(?:\.0*)?\s*$)")
_NO_INFO = frozenset({"no information", "noinformation", "unknown", "not applicable",
                      "notapplicable", "notanswered", "not answered"})


def date_precision(value: str | None) -> str | None:
    """``Exact Date`` -> day, ``Close - within 2-6 days`` -> week, ``Month- ...`` -> month;
    ``None`` for an empty cell or "no information"; :class:`ValueError` for a word that
    names no precision (not read as a day-exact date)."""
    if not value:
        return None
    low = value.strip().lower()
    for word, precision in TIME_PRECISION:
        if low.startswith(word):
            return precision
    if low in _NO_INFO:
        return None
    raise ValueError(f"{value[:40]!r} is not a date precision (known: "
                     f"{', '.join(w.title() for w, _ in TIME_PRECISION)})")


def coded_span(day: dt.date | None, precision: str) -> DateSpan:
    """The days a row's date allows: the coded day, or for a month- or year-precise date its
    whole month or year ("the event occurred within this month": the coded day is often the
    15th, or the day it was reported, not the first day it may have happened)."""
    if day is None:
        return DateSpan()
    if precision == "month":
        last = calendar.monthrange(day.year, day.month)[1]
        return DateSpan(day.replace(day=1), day.replace(day=last), precision)
    if precision == "year":
        return DateSpan(day.replace(month=1, day=1), day.replace(month=12, day=31), precision)
    return DateSpan(day, day, precision)


def geo_precision(value: str | None) -> str | None:
    """``(2) 25 km Precision`` -> near, ``(6) Country`` -> country, ``censored`` -> censored."""
    if not value:
        return None
    m = _GEO_CODE.match(value)
    if m:
        code = m[1] or m[2]
        if code in GEO_PRECISION:
            return GEO_PRECISION[code]
        raise ValueError(f"{value[:40]!r} is not a geo precision (codes 1-6)")
    low = value.lower()
    for word, precision in _GEO_WORDS:
        if word in low:
            return precision
    if low.strip() in _NO_INFO:
        return None
    raise ValueError(f"{value[:40]!r} is not a geo precision (codes 1-6, or censored)")


@register
class InsecurityInsightReader(TableReader):
    """Insecurity Insight / SHCC health-care and aid-worker (KIKA) incident data."""

    name = "insecurity-insight"
    description = "Insecurity Insight / SHCC incident data (health care, aid workers), XLSX or CSV"
    source = Source(key="insecurity-insight", name="Insecurity Insight", kind="dataset",
                    country="CH", affiliation="independent", coverage_group="datasets")
    title = "Insecurity Insight incident data"
    date_columns = COLUMNS["date"]

    def score(self, columns: list[str], hashtags: list[str]) -> int:
        names = {norm_name(c) for c in columns}
        marked = any(norm_name(n) in names for key in _MARKERS for n in COLUMNS[key])
        dated = any(norm_name(n) in names for n in COLUMNS["date"])
        if not marked or not dated:
            return 0
        return 90 if any(norm_name(n) in names for n in COLUMNS["id"][:1]) else 70

    def row_builder(self, table: Table) -> Callable[[list[Cell]], Claim]:
        return _Builder(table).claim


class _Builder:
    def __init__(self, table: Table) -> None:
        from rescuewatch.errors import InputError

        self.table = table
        self.col = {key: table.index(*names) for key, names in COLUMNS.items()}
        self.id_column = None if self.col["id"] is None else table.columns[self.col["id"]]
        if self.col["date"] is None:
            raise InputError("missing column", path=table.origin, row=table.header_row,
                             field="Date", hint="is this an Insecurity Insight file?")
        if all(self.col[key] is None for key in _MARKERS):
            # a date alone is no such file: forced on an ACLED export, its rows became claims
            # of nobody harmed
            raise InputError("missing column (none of health workers, facilities, transport or "
                             "aid workers)", path=table.origin, row=table.header_row,
                             field=COLUMNS["hw_killed"][0],
                             hint="is this an Insecurity Insight file?")
        self.names = {key: table.columns[i] for key, i in self.col.items() if i is not None}
        kind = "kika" if self.col["aw_killed"] is not None else "health"
        self.version = f"{READER_VERSION}/{kind}"

    def _text(self, cells: list[Cell], key: str) -> str | None:
        return text(cells, self.col[key])

    def _coded(self, cells: list[Cell], key: str,
               word: Callable[[str | None], str | None]) -> str | None:
        try:
            return word(self._text(cells, key))
        except ValueError as exc:
            raise RowError(str(exc), self.names[key]) from None

    def _count(self, cells: list[Cell], key: str) -> int | None:
        index = self.col[key]
        if index is None:
            return None
        try:
            return parse_count(cells[index])
        except ValueError as exc:
            raise RowError(str(exc), self.names[key]) from None

    def _flag(self, cells: list[Cell], key: str) -> bool:
        index = self.col[key]
        return index is not None and parse_flag(cells[index])

    def _ems(self, cells: list[Cell]) -> bool:
        """Whether the EMS flag is raised; releases write it ``True``, ``1`` or as its own name
        (``AttacksOnEmergencyMedicalServices``) and ``NotApplicable`` when not."""
        value = self._text(cells, "ems")
        if not value:
            return False
        return self._flag(cells, "ems") or "emergency" in value.lower()

    def claim(self, cells: list[Cell]) -> Claim:
        date_col = self.col["date"]
        try:
            day = (parse_date(cells[date_col], self.table.date_order or False)
                   if date_col is not None else None)
        except ValueError as exc:
            raise RowError(str(exc), self.names["date"]) from None
        description = self._text(cells, "description")
        victims = self._victims(cells)
        victims += victims_from_text(description, (v.category for v in victims))
        killed, injured = (self._total(cells, harm) for harm in ("killed", "injured"))
        return Claim(
            date=coded_span(day, self._coded(cells, "time_precision", date_precision) or "day"),
            place=self._place(cells),
            victims=victims,
            killed=killed,
            injured=injured,
            weapon=weapon_from_text(self._text(cells, "weapon"), label=True),
            perpetrator=Perpetrator(self._perpetrator(cells), None),
            row_ref=row_id(self._text(cells, "id"), self.id_column),
            extractor="insecurity-insight",
            extractor_version=self.version,
            description=description,
            original=self.table.original(cells),
        )

    def _total(self, cells: list[Cell], harm: str) -> int | None:
        """People killed (or injured) over the coded columns; 0 when the row codes 0, as it
        does for an attack on a building, and ``None`` only when no column gives a number."""
        counts = [self._count(cells, f"{who}_{harm}") for who in ("hw", "aw", "patients")]
        known = [n for n in counts if n is not None]
        return sum(known) if known else None

    def _place(self, cells: list[Cell]) -> Place:
        lat = lon = None
        try:
            if self.col["lat"] is not None:
                lat = parse_coordinate(cells[self.col["lat"]], 90.0, "latitude")
        except ValueError as exc:
            raise RowError(str(exc), self.names["lat"]) from None
        try:
            if self.col["lon"] is not None:
                lon = parse_coordinate(cells[self.col["lon"]], 180.0, "longitude")
        except ValueError as exc:
            raise RowError(str(exc), self.names["lon"]) from None
        country = self._text(cells, "country")
        admin1 = self._text(cells, "admin1")
        if admin1 and admin1.lower() in _NO_INFO:
            admin1 = None
        return Place(
            text=admin1 or country, name=admin1 or country,
            country=country_code(self._text(cells, "iso"), country), admin1=admin1,
            lat=lat, lon=lon, precision=self._coded(cells, "geo_precision", geo_precision),
        )

    def _perpetrator(self, cells: list[Cell]) -> str | None:
        for key in ("perpetrator_name", "perpetrator"):
            value = self._text(cells, key)
            if value and value.lower() not in _NO_INFO:
                return value
        return None

    def _victims(self, cells: list[Cell]) -> list[Victim]:
        out: list[Victim] = []
        people = self._people(cells, "hw", ("kidnapped", "arrested", "threatened", "assaulted",
                                            "sexual"))
        if people:
            category = profession_category(self._text(cells, "profession"))
            out.append(Victim(category, *people))
        aid = self._people(cells, "aw", ("kidnapped", "arrested"))
        if aid:
            out.append(Victim("aid_worker", *aid))
        patients = self._people(cells, "patients", ())
        if patients:
            out.append(Victim("patient", *patients))
        facility = self._objects(cells, "hf", ("destroyed", "damaged"),
                                 ("entry", "occupied", "vicinity"))
        utilities = self._text(cells, "utilities")
        if utilities and utilities.lower() not in _NO_INFO:  # e.g. EnergySupplies
            harm = f"utilities affected: {utilities}"
            facility = (facility[0], f"{facility[1]};{harm}" if facility[1] else harm) \
                if facility else (None, harm)
        if facility:
            out.append(Victim("health_facility", None, None, *facility))
        transport = self._objects(cells, "ht", ("destroyed", "damaged", "taken"), ())
        if transport:
            out.append(Victim("ambulance", None, None, *transport))
        if self._ems(cells) and not any(v.category in ("ambulance", "medic") for v in out):
            out.append(Victim("medic", harm="attack on emergency medical services"))
        return out

    def _people(self, cells: list[Cell], prefix: str,
                harms: tuple[str, ...]) -> tuple[int | None, int | None, int | None, str | None] | None:
        """Killed, injured, otherwise harmed and the harms named, or ``None`` if nobody."""
        killed = self._count(cells, f"{prefix}_killed")
        injured = self._count(cells, f"{prefix}_injured")
        affected, named = self._harms(cells, prefix, harms)
        if not (killed or injured or affected):
            return None
        return killed, injured, affected or None, named

    def _objects(self, cells: list[Cell], prefix: str, counted: tuple[str, ...],
                 flags: tuple[str, ...]) -> tuple[int | None, str | None] | None:
        affected, named = self._harms(cells, prefix, counted)
        raised = [f for f in flags if self._flag(cells, f"{prefix}_{f}")]
        if not affected and not raised:
            return None
        harm = ";".join(filter(None, [named, *raised]))
        return affected or None, harm or None

    def _harms(self, cells: list[Cell], prefix: str,
               harms: tuple[str, ...]) -> tuple[int, str | None]:
        total = 0
        named = []
        for harm in harms:
            n = self._count(cells, f"{prefix}_{harm}")
            if n:
                total += n
                named.append(harm)
        return total, ";".join(named) or None
