"""Value types returned by the gazetteer."""

from __future__ import annotations

from dataclasses import dataclass, field

from rescuewatch.model import Place


@dataclass(frozen=True, slots=True)
class GeoEntry:
    """One gazetteer entry: a populated place, a first-level area or a country.

    Attributes
    ----------
    geonameid : int
        GeoNames id.
    name : str
        GeoNames (English) name; for first-level areas of the focus countries the usual
        English name with its type word ("Donetsk Oblast").
    country : str
        ISO 3166-1 alpha-2 code.
    admin1_code : str
        GeoNames admin1 code ("05"), empty for countries.
    admin1 : str or None
        Name of the first-level area.
    lat, lon : float
        Point of the place; for areas and countries the median of their places.
    population : int
        Population (for areas, the sum of their places in the data).
    kind : str
        ``"city"``, ``"admin1"`` or ``"country"``.
    """

    geonameid: int
    name: str
    country: str
    admin1_code: str
    admin1: str | None
    lat: float
    lon: float
    population: int
    kind: str


@dataclass(slots=True)
class PlaceMention:
    """A place name found in a text.

    Attributes
    ----------
    start, end : int
        Offsets into the original text (``text[start:end] == mention.text``).
    text : str
        The name as written, with its district qualifier when there is one.
    candidates : list of GeoEntry
        Entries the name may refer to, the most populous first.
    district : str or None
        City district as written ("Kyivskyi district"), when the mention is
        "<district> of <city>".
    inflected : bool
        Whether the text has a Russian/Ukrainian case form rather than the name itself.
    """

    start: int
    end: int
    text: str
    candidates: list[GeoEntry] = field(default_factory=list)
    district: str | None = None
    inflected: bool = False


@dataclass(frozen=True, slots=True)
class ResolvedPlace:
    """The entry chosen for a mention, as a :class:`rescuewatch.model.Place`, and why.

    Attributes
    ----------
    mention : PlaceMention
        The mention resolved.
    place : Place
        Text as written, name, country, admin1, lat/lon, geonameid and precision.
    entry : GeoEntry or None
        The chosen entry.
    why : str
        A short human-readable reason for the choice.
    score : float
        The winning score (higher is surer; only comparable within one document).
    """

    mention: PlaceMention
    place: Place
    entry: GeoEntry | None
    why: str
    score: float = 0.0
