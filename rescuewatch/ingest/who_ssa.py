"""Reader of WHO Surveillance System for Attacks on Health Care exports (``--format who-ssa``).

The SSA dashboard exports one row per attack (``Attack ID, Attack Date, Attack Time, Country /
Territory, Certainty Level, Attack Type, Total Injured, Total Death, HC Facilities, HC
Transport, HC Personnel, HC Supplies Assets, HC Warehouse Storage, HC Patients, HC Other, Type
of Facility, Facility Other, HW Abduction, HW Arrest, HW Detention, Patient Abduction, Patient
Arrest, Patient Detention``) as XLSX or CSV. Dates come as spreadsheet dates or as text such as
``2/8/24 12:00 AM`` (month first); places are countries only, with no coordinates. Which
health resources were hit (``HC ...``) the dashboard's report writes ``YES``/``NO``, other
exports as counts: a ``YES`` adds the category with no number. An ``Attack Time`` of ``Time
Unknown`` or a span of hours (``12:00-18:00``) gives no time of day; the cell stays in the
originals.

WHO's own ``Certainty Level`` is kept as the claim's reported certainty. SSA publishes no
perpetrator, so none is recorded. ``Total Death`` and ``Total Injured`` are attributed to
health personnel or to patients only when the row says just one of them was affected; otherwise
they stay on the claim as a whole.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from rescuewatch.ingest.base import register
from rescuewatch.ingest.cell_dates import parse_date, parse_time
from rescuewatch.ingest.countries import country_code
from rescuewatch.ingest.tables import (
    READER_VERSION,
    Cell,
    RowError,
    Table,
    TableReader,
    norm_name,
    parse_count,
    row_id,
    text,
)
from rescuewatch.ingest.victims import weapon_from_text
from rescuewatch.model import CERTAINTY_GRADES, Claim, DateSpan, Place, Source, Victim

COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("Attack ID", "Attack Id", "ID"),
    "date": ("Attack Date", "Date"),
    "time": ("Attack Time", "Time"),
    "country": ("Country / Territory", "Country/Territory", "Country", "Country or Territory"),
    "certainty": ("Certainty Level", "Certainty"),
    "type": ("Attack Type", "Attack Types", "Type of Attack"),
    "injured": ("Total Injured", "Injured"),
    "killed": ("Total Death", "Total Deaths", "Deaths", "Total Killed"),
    "facilities": ("HC Facilities", "Health Care Facilities"),
    "transport": ("HC Transport", "Health Care Transport"),
    "personnel": ("HC Personnel", "Health Care Personnel"),
    "patients": ("HC Patients", "Health Care Patients", "Patients"),
    "warehouse": ("HC Warehouse Storage",),
    "supplies": ("HC Supplies Assets",),
    "hw_abduction": ("HW Abduction",),
    "hw_arrest": ("HW Arrest",),
    "hw_detention": ("HW Detention",),
    "patient_abduction": ("Patient Abduction",),
    "patient_arrest": ("Patient Arrest",),
    "patient_detention": ("Patient Detention",),
}
REQUIRED = ("id", "date", "country", "certainty")
CERTAINTY = {grade: grade for grade in CERTAINTY_GRADES} | {"rumor": "rumour"}
_HARMS = ("abduction", "arrest", "detention")


@register
class WhoSsaReader(TableReader):
    """WHO SSA dashboard exports, XLSX or CSV."""

    name = "who-ssa"
    description = "WHO Surveillance System for Attacks on Health Care (SSA) export, XLSX or CSV"
    source = Source(key="who-ssa", name="WHO Surveillance System for Attacks on Health Care (SSA)",
                    kind="dataset", affiliation="independent", coverage_group="datasets")
    title = "WHO SSA export"
    date_columns = COLUMNS["date"]  # slashed dates month first, as the dashboard writes them

    def score(self, columns: list[str], hashtags: list[str]) -> int:
        names = {norm_name(c) for c in columns}
        if "attack id" not in names or not ({"certainty level", "attack type"} & names):
            return 0
        return 95

    def row_builder(self, table: Table) -> Callable[[list[Cell]], Claim]:
        return _Builder(table).claim


class _Builder:
    def __init__(self, table: Table) -> None:
        from rescuewatch.errors import InputError

        self.table = table
        self.col = {key: table.index(*names) for key, names in COLUMNS.items()}
        self.id_column = None if self.col["id"] is None else table.columns[self.col["id"]]
        for key in REQUIRED:
            if self.col[key] is None:
                raise InputError("missing column", path=table.origin, row=table.header_row,
                                 field=COLUMNS[key][0], hint="is this a WHO SSA export?")
        self.names = {key: table.columns[i] for key, i in self.col.items() if i is not None}

    def _value(self, cells: list[Cell], key: str, parse: Callable[[Cell], object]) -> object:
        index = self.col[key]
        if index is None:
            return None
        try:
            return parse(cells[index])
        except ValueError as exc:
            raise RowError(str(exc), self.names[key]) from None

    def _date(self, cell: Cell) -> dt.date | None:
        return parse_date(cell, self.table.date_order or False)

    def _count(self, cells: list[Cell], key: str) -> int | None:
        value = self._value(cells, key, parse_count)
        return value if isinstance(value, int) else None

    def _hit(self, cells: list[Cell], key: str) -> tuple[bool, int | None]:
        """Whether the health resource of an ``HC ...`` column was hit, and how many."""
        value = self._value(cells, key, parse_hit)
        return value if isinstance(value, tuple) else (False, None)

    def claim(self, cells: list[Cell]) -> Claim:
        day = self._value(cells, "date", self._date)
        country = text(cells, self.col["country"])
        attack_type = text(cells, self.col["type"])
        killed, injured = self._count(cells, "killed"), self._count(cells, "injured")
        victims = self._victims(cells, killed, injured)
        time_of_day = self._value(cells, "time", parse_time)
        return Claim(
            date=DateSpan(day, day, "day") if day else DateSpan(),  # type: ignore[arg-type]
            time_of_day=time_of_day if isinstance(time_of_day, str) else None,
            place=Place(text=country, name=country, country=country_code(country),
                        precision="country" if country else None),
            victims=victims,
            killed=killed,
            injured=injured,
            weapon=_weapon(attack_type),
            reported_certainty=self._certainty(cells),
            row_ref=row_id(text(cells, self.col["id"]), self.id_column),
            extractor="who-ssa",
            extractor_version=READER_VERSION,
            event_type=attack_type,
            original=self.table.original(cells),
        )

    def _certainty(self, cells: list[Cell]) -> str | None:
        value = text(cells, self.col["certainty"])
        if value is None:
            return None
        grade = CERTAINTY.get(value.strip().lower())
        if grade is None:
            raise RowError(f"unknown certainty level {value[:30]!r}", self.names["certainty"])
        return grade

    def _victims(self, cells: list[Cell], killed: int | None,
                 injured: int | None) -> list[Victim]:
        personnel, _ = self._hit(cells, "personnel")
        patients, _ = self._hit(cells, "patients")
        hw_held, hw_harm = self._held(cells, "hw")
        pt_held, pt_harm = self._held(cells, "patient")
        people = [c for c, hit in (("health_worker", personnel or hw_held),
                                   ("patient", patients or pt_held)) if hit]
        # Casualty totals belong to one category only when just one kind of person was hit.
        sole = people[0] if len(people) == 1 else None
        out: list[Victim] = []
        for category, held, harm in (("health_worker", hw_held, hw_harm),
                                     ("patient", pt_held, pt_harm)):
            if category in people:
                own = category == sole
                out.append(Victim(category, killed if own else None, injured if own else None,
                                  held or None, harm))
        for key, category in (("facilities", "health_facility"), ("transport", "ambulance")):
            hit, n = self._hit(cells, key)
            if hit:
                out.append(Victim(category, affected=n or None))
        return out

    def _held(self, cells: list[Cell], prefix: str) -> tuple[int, str | None]:
        total, named = 0, []
        for harm in _HARMS:
            n = self._count(cells, f"{prefix}_{harm}")
            if n:
                total += n
                named.append(harm)
        return total, ";".join(named) or None


_YES = frozenset({"yes", "y", "true"})
_NO = frozenset({"no", "n", "false"})


def parse_hit(value: Cell) -> tuple[bool, int | None]:
    """Whether a health resource was hit and how many (``None``: not said), from an ``HC ...``
    cell. The dashboard's report writes ``YES`` or ``NO`` there; other exports write a count.
    Raises :class:`ValueError` for anything else."""
    if isinstance(value, bool):
        return value, None
    if isinstance(value, str) and (word := value.strip().lower()) in _YES | _NO:
        return word in _YES, None
    count = parse_count(value)
    return bool(count), count


#: Where a cell of several attack types starts the next one: each type's name is capitalised,
#: the examples after it are not.
_NEXT_TYPE = re.compile(r",\s+(?=[A-Z])")


def attack_types(cell: str) -> list[str]:
    """The names of the attack types in an ``Attack Type`` cell, without the examples the
    dashboard writes after each in brackets (``Violence with individual weapons (knives, ...,
    improvised explosive devices (IED)``), whose bracket it may leave open."""
    return [part.split("(", 1)[0].strip() for part in _NEXT_TYPE.split(cell)]


def _weapon(attack_type: str | None) -> str | None:
    """SSA attack types name the means only broadly: individual or heavy weapons, fire,
    chemical agents. Types with no weapon (obstruction, psychological violence) give ``None``.

    Only the types' names are read: the examples the dashboard adds list every kind of weapon
    the type covers (an individual-weapons attack would otherwise read as an IED)."""
    if not attack_type:
        return None
    names = "; ".join(attack_types(attack_type))
    low = names.lower()
    if not any(w in low for w in ("weapon", "fire", "chemical", "explosive", "bomb", "shell")):
        return None
    return weapon_from_text(names, label=True)
