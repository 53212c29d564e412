"""Domain types of rescuewatch: sources, documents, claims, victims, places and incidents.

Every statement enters the system as a :class:`Claim` made by a named :class:`Source` in one
:class:`Document`; nothing here is a fact. An alleged perpetrator is always "as alleged by" the
claim's source. The types are plain dataclasses so that every stage (ingest, extract, link,
assess, analyse, export) can exchange them without touching the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

SCHEMA_VERSION = "1.0"

#: Controlled victim categories (DESIGN.md). Protected personnel and objects under IHL.
VICTIM_CATEGORIES: tuple[str, ...] = (
    "ambulance",
    "medic",
    "health_worker",
    "health_facility",
    "patient",
    "firefighter",
    "rescuer",
    "aid_worker",
)
#: Categories that count as responders for repeat-strike analysis.
RESPONDER_CATEGORIES: frozenset[str] = frozenset({"ambulance", "medic", "firefighter", "rescuer"})

#: Category aliases a filter accepts besides the controlled victim categories.
CATEGORY_ALIASES: dict[str, frozenset[str]] = {
    "responder": RESPONDER_CATEGORIES,
    "responders": RESPONDER_CATEGORIES,
}


def expand_categories(value: str | Sequence[str] | None) -> tuple[str, ...]:
    """Controlled categories named by ``value`` (comma-separated or a list; aliases expanded).

    Raises
    ------
    ValueError
        For a name that is neither a victim category nor an alias, or a list naming none
        (", " would otherwise filter nothing out).
    """
    if not value:
        return ()
    names = value.split(",") if isinstance(value, str) else list(value)
    out: set[str] = set()
    for raw in names:
        name = raw.strip().lower()
        if not name:
            continue
        if name in CATEGORY_ALIASES:
            out |= CATEGORY_ALIASES[name]
        elif name in VICTIM_CATEGORIES:
            out.add(name)
        else:
            raise ValueError(
                f"unknown victim category {raw.strip()!r}: use one of "
                + ", ".join((*VICTIM_CATEGORIES, "responders"))
            )
    if not out:
        raise ValueError(f"{value!r} names no victim category")
    return tuple(sorted(out))


#: The longest dataset row id a claim keeps (``Claim.row_ref``).
ROW_REF_LENGTH = 100
#: The largest whole number a store keeps on every database (PostgreSQL's INTEGER).
INTEGER_MAX = 2**31 - 1

WEAPONS: tuple[str, ...] = (
    "drone",
    "artillery",
    "missile",
    "airstrike",
    "small_arms",
    "mine_ied",
    "other",
    "unknown",
)

#: WHO SSA certainty ladder, weakest first.
CERTAINTY_GRADES: tuple[str, ...] = ("rumour", "possible", "probable", "confirmed")

DATE_PRECISIONS: tuple[str, ...] = ("day", "week", "month", "year")

#: The days a claim's date may fall on. A conflict event outside them is a typo or a filler
#: value (``0001-01-01``, ``9999-12-31``, Excel's day 1); the analyses and the report count
#: time in nanoseconds (pandas), which hold days from 1677 to 2262 and a difference between
#: two of at most 292 years (the report's map counts days from the first event).
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2099, 12, 31)


def check_date(day: dt.date, raw: object = None) -> dt.date:
    """``day`` if it lies from :data:`EARLIEST_DATE` to :data:`LATEST_DATE`, else
    ``ValueError`` naming it (as ``raw`` when given, the text it was read from)."""
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        shown = repr(str(raw)[:40]) if raw is not None else day.isoformat()
        raise ValueError(f"date {shown} outside {EARLIEST_DATE.year}-{LATEST_DATE.year}")
    return day

#: Place precision, finest first. ``censored`` means the publisher withheld the location on
#: purpose; it is never the same as unknown (``None``).
PLACE_PRECISIONS: tuple[str, ...] = (
    "exact",
    "near",
    "city",
    "district",
    "admin2",
    "admin1",
    "country",
    "censored",
)

SOURCE_KINDS: tuple[str, ...] = (
    "news_agency",
    "state_media",
    "independent_media",
    "ngo",
    "un",
    "government",
    "military",
    "emergency_service",
    "channel",
    "dataset",
    "unknown",
)


@dataclass(frozen=True, slots=True)
class DateSpan:
    """When an event happened, as a closed interval of days with the precision it was given."""

    start: dt.date | None = None
    end: dt.date | None = None
    precision: str | None = None

    def __post_init__(self) -> None:
        if self.precision is not None and self.precision not in DATE_PRECISIONS:
            raise ValueError(f"unknown date precision {self.precision!r}")
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"date span ends ({self.end}) before it starts ({self.start})")
        for day in (self.start, self.end):
            if day is not None:
                check_date(day)

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "precision": self.precision,
        }


@dataclass(frozen=True, slots=True)
class Place:
    """Where an event happened: the text as written and what it resolved to."""

    text: str | None = None
    name: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    precision: str | None = None

    def __post_init__(self) -> None:
        if self.precision is not None and self.precision not in PLACE_PRECISIONS:
            raise ValueError(f"unknown place precision {self.precision!r}")
        if self.lat is not None and not -90.0 <= self.lat <= 90.0:
            raise ValueError(f"latitude {self.lat} outside -90..90")
        if self.lon is not None and not -180.0 <= self.lon <= 180.0:
            raise ValueError(f"longitude {self.lon} outside -180..180")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


_new_object = object.__new__
# The slot descriptors of Place, which set a field without the frozen check or __post_init__.
(_set_text, _set_name, _set_country, _set_admin1, _set_lat, _set_lon, _set_geonameid,
 _set_precision) = (getattr(Place, name).__set__ for name in Place.__slots__)


def trusted_place(
    text: str | None, name: str | None, country: str | None, admin1: str | None,
    lat: float | None, lon: float | None, precision: str | None,
) -> Place:
    """``Place(...)`` without its checks, for a reader that has already made sure of them.

    Only for values that :class:`Place` itself would accept: ``precision`` one of
    :data:`PLACE_PRECISIONS` or ``None``, ``lat`` within -90..90 and ``lon`` within
    -180..180 (as ``rescuewatch.ingest.tables.parse_coordinate`` checks). ``geonameid`` is
    ``None``. It saves about half of the constructor's time, per dataset row.
    """
    place = _new_object(Place)
    _set_text(place, text)
    _set_name(place, name)
    _set_country(place, country)
    _set_admin1(place, admin1)
    _set_lat(place, lat)
    _set_lon(place, lon)
    _set_geonameid(place, None)
    _set_precision(place, precision)
    return place


@dataclass(frozen=True, slots=True)
class Victim:
    """Harm to one category of protected people or objects, as the claim states it.

    ``affected`` counts other harms (kidnapped, arrested, detained, damaged vehicles) whose kind
    is named in ``harm``.
    """

    category: str
    killed: int | None = None
    injured: int | None = None
    affected: int | None = None
    harm: str | None = None

    def __post_init__(self) -> None:
        if self.category not in VICTIM_CATEGORIES:
            raise ValueError(f"unknown victim category {self.category!r}")
        for name in ("killed", "injured", "affected"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"{name} count is negative ({value})")

    def to_json(self) -> dict[str, Any]:
        return {"category": self.category, "killed": self.killed, "injured": self.injured}


@dataclass(frozen=True, slots=True)
class Evidence:
    """A span of the document's extracted text that supports a claim (character offsets)."""

    start: int
    end: int
    text: str
    field: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True, slots=True)
class Perpetrator:
    """A perpetrator *as alleged by the claim's source*: the phrase and a normalised party code."""

    text: str | None = None
    party: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "party": self.party}


@dataclass(slots=True)
class Source:
    """A publisher or dataset owner, with the affiliation used to judge independence."""

    key: str
    name: str
    kind: str = "unknown"
    country: str | None = None
    affiliation: str = "unknown"
    coverage_group: str | None = None


@dataclass(slots=True)
class Document:
    """One captured item, identified by the SHA-256 of its raw bytes."""

    sha256: str
    origin: str
    format: str
    source_key: str
    size: int
    title: str | None = None
    published: dt.date | None = None
    captured_at: dt.datetime | None = None
    language: str | None = None
    media_type: str | None = None
    text: str | None = None


@dataclass(slots=True)
class Claim:
    """One document's statement about one incident, or an aggregate statement.

    ``row_ref`` is the dataset's own row id (or the passage index within a text document);
    ``original`` keeps every original value of a dataset row, unknown columns included.
    ``event_type`` holds the dataset's own classification, as written.
    """

    date: DateSpan = field(default_factory=DateSpan)
    place: Place = field(default_factory=Place)
    victims: list[Victim] = field(default_factory=list)
    killed: int | None = None
    injured: int | None = None
    weapon: str | None = None
    repeat_strike: bool | None = None
    perpetrator: Perpetrator = field(default_factory=Perpetrator)
    is_aggregate: bool = False
    evidence: list[Evidence] = field(default_factory=list)
    confidence: float | None = None
    row_ref: str | None = None
    extractor: str | None = None
    extractor_version: str | None = None
    reported_certainty: str | None = None
    event_type: str | None = None
    description: str | None = None
    time_of_day: str | None = None  # "HH:MM" where the source gives a time
    original: dict[str, Any] | None = None
    id: int | None = None
    document_id: int | None = None
    incident_id: int | None = None

    def __post_init__(self) -> None:
        if self.weapon is not None and self.weapon not in WEAPONS:
            raise ValueError(f"unknown weapon {self.weapon!r}")
        if self.reported_certainty is not None and self.reported_certainty not in CERTAINTY_GRADES:
            raise ValueError(f"unknown certainty grade {self.reported_certainty!r}")

    @property
    def protected(self) -> bool:
        """Whether the claim says protected personnel or objects were affected."""
        return bool(self.victims)

    @property
    def categories(self) -> list[str]:
        return sorted({v.category for v in self.victims})

    def totals(self) -> tuple[int | None, int | None]:
        """Killed and injured over the victims, ``None`` where no victim gives a number."""
        return _total(v.killed for v in self.victims), _total(v.injured for v in self.victims)

    def to_contract(self, document: dict[str, Any]) -> dict[str, Any]:
        """The claim as one line of the ``extract --format jsonl`` contract (DESIGN.md)."""
        killed, injured = self.totals()
        return {
            "schema_version": SCHEMA_VERSION,
            "document": document,
            "is_aggregate": self.is_aggregate,
            "date": self.date.to_json(),
            "place": self.place.to_json(),
            "victims": [v.to_json() for v in self.victims],
            "killed": self.killed if killed is None else killed,
            "injured": self.injured if injured is None else injured,
            "weapon": self.weapon,
            "repeat_strike": self.repeat_strike,
            "perpetrator_alleged": self.perpetrator.to_json(),
            "evidence": [e.to_json() for e in self.evidence],
            "confidence": self.confidence,
        }


def _total(values: Any) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None
