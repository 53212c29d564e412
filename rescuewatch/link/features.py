"""Claims' linking features as compact NumPy arrays, built column by column from row chunks.

Dates become day numbers widened to the precision they were given (a month-precision claim
covers its whole month); places keep a distance tolerance that follows their precision, and
claims placed only at a region or a country are matched by that region instead of a distance.

Strings (places, parties, categories...) never stay in memory once per claim: each chunk is
factorised against a table of the distinct values seen so far, so a million claims cost a few
int32 arrays plus the few thousand distinct names they use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from rescuewatch.model import PLACE_PRECISIONS, VICTIM_CATEGORIES, WEAPONS
from rescuewatch.store.incidents import LINK_COLUMNS

NO_DAY = np.iinfo(np.int32).min
NO_REF = np.iinfo(np.int64).min
DATE_RANK = {"day": 0, "week": 1, "month": 2, "year": 3}
NO_DATE_RANK = 4
PLACE_RANK = {p: i for i, p in enumerate(PLACE_PRECISIONS)}
NO_PLACE_RANK = len(PLACE_PRECISIONS)
#: Distance tolerance (km) of a point claim by its place precision: how far from the true spot
#: a source at that precision may put it. Coarser places are matched by admin1 or country.
TOLERANCE_KM = {"exact": 3.0, "near": 6.0, "city": 10.0, "district": 15.0, "admin2": 25.0}
POINT_RANKS = frozenset(PLACE_RANK[p] for p in TOLERANCE_KM)
#: Region matching: 1 = by admin1, 2 = by country (no usable point).
REGION_ADMIN1, REGION_COUNTRY, REGION_NONE = 1, 2, 3
CATEGORY_BIT = {c: 1 << i for i, c in enumerate(VICTIM_CATEGORIES)}
WEAPON_CODE = {w: i for i, w in enumerate(WEAPONS) if w != "unknown"}
EARTH_KM = 6371.0088


@dataclass
class Features:
    """Linking features of ``n`` claims, sorted by claim id (array index = position).

    Columns holding strings are int32 codes into the matching table (``-1`` = none):
    ``country`` into ``countries``, ``admin1`` into ``admin1s`` (country-qualified, lower
    case), ``place_name`` into ``place_names`` (lower case), ``party`` into ``parties``,
    ``place_raw``/``admin1_raw``/``perp_text`` into ``place_raws``/``admin1_raws``/
    ``perp_texts`` (as written). ``row_ref`` is a hash that only tells equal row ids apart.

    ``document`` is what keeps claims apart as distinct events: the document of a text's
    claims, and for a dataset row (one with a row id) its *source*, ``-(source id + 1)``: the
    rows a publisher gave different ids are different events in whichever of its files they
    come (a later release, or two of its datasets), and rows it gave one id are one event.
    """

    ids: np.ndarray
    document: np.ndarray
    source: np.ndarray
    canon: np.ndarray  # order-independent rank (document hash, row id), for tie-breaks
    lo: np.ndarray
    hi: np.ndarray
    date_rank: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    xyz: np.ndarray  # (n, 3) points on a sphere of the Earth's radius, km
    place_rank: np.ndarray
    tol_km: np.ndarray
    region: np.ndarray  # 0 point, 1 admin1, 2 country, 3 nothing usable
    country: np.ndarray
    admin1: np.ndarray
    place_name: np.ndarray
    geonameid: np.ndarray
    cats: np.ndarray
    weapon: np.ndarray
    party: np.ndarray
    killed: np.ndarray
    injured: np.ndarray
    repeat: np.ndarray
    protected: np.ndarray
    incident: np.ndarray
    row_ref: np.ndarray
    perp_text: np.ndarray
    place_raw: np.ndarray
    admin1_raw: np.ndarray
    countries: list[str] = field(default_factory=list)
    admin1s: list[str] = field(default_factory=list)
    place_names: list[str] = field(default_factory=list)
    parties: list[str] = field(default_factory=list)
    perp_texts: list[str] = field(default_factory=list)
    place_raws: list[str] = field(default_factory=list)
    admin1_raws: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        return int(self.ids.shape[0])

    def take(self, index: np.ndarray) -> Features:
        """A subset of the claims (string tables are shared)."""
        values: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            values[name] = value[index] if isinstance(value, np.ndarray) else value
        return Features(**values)


def xyz(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Points on a sphere of the Earth's radius (km): chord distance ~ great-circle distance."""
    phi = np.radians(np.nan_to_num(lat))
    lam = np.radians(np.nan_to_num(lon))
    cos_phi = np.cos(phi)
    return np.column_stack((EARTH_KM * cos_phi * np.cos(lam), EARTH_KM * cos_phi * np.sin(lam),
                            EARTH_KM * np.sin(phi)))


def empty() -> Features:
    return build([])


class _Table:
    """Distinct values of one string column, in order of first appearance."""

    def __init__(self, normalise: Callable[[Any], Any] | None = None) -> None:
        self.index: dict[Any, int] = {}
        self.values: list[Any] = []
        self.normalise = normalise

    def code(self, value: Any) -> int:
        if self.normalise is not None:
            value = self.normalise(value)
        if value is None:
            return -1
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = len(self.values)
            self.values.append(value)
        return found

    def codes(self, column: Sequence[Any]) -> np.ndarray:
        """Codes of one chunk's values (``-1`` for ``None``), factorised in C first."""
        local, uniques = pd.factorize(np.asarray(column, dtype=object), use_na_sentinel=True)
        mapping = np.array([self.code(u) for u in uniques] + [-1], dtype=np.int32)
        return mapping[local]


def _clean(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _upper(value: Any) -> str | None:
    text = _clean(value)
    return text.upper() if text else None


def _lower(value: Any) -> str | None:
    text = _clean(value)
    return text.lower() if text else None


_FLOATS = ("id", "document_id", "source_id", "day_lo", "day_hi", "lat", "lon", "geonameid",
           "killed", "injured", "incident_id", "repeat_strike", "protected")
_STRINGS = ("date_precision", "place_precision", "country", "admin1",
            "place_name", "categories", "weapon", "perpetrator_party", "perpetrator_text")


def build(chunks: Iterable[list[tuple[Any, ...]]]) -> Features:
    """Features from row chunks shaped like :data:`~rescuewatch.store.incidents.LINK_COLUMNS`.

    Each chunk is turned into compact columns at once, so that the rows of a million claims
    never sit in memory as Python tuples together.
    """
    cols, tables = _collect(chunks)
    order = np.argsort(cols["id"], kind="stable")
    if order.size and not np.array_equal(order, np.arange(order.size)):
        cols = {name: v[order] for name, v in cols.items()}
    return _from_columns(cols, tables)


def _collect(chunks: Iterable[list[tuple[Any, ...]]]) -> tuple[dict[str, np.ndarray],
                                                                 dict[str, list[Any]]]:
    """Compact columns (strings as codes) and the code tables, from row chunks."""
    tables = {name: _Table() for name in _STRINGS}
    tables["country"].normalise = _upper
    parts: dict[str, list[np.ndarray]] = {name: [] for name in LINK_COLUMNS}
    position = {name: k for k, name in enumerate(LINK_COLUMNS)}
    for chunk in chunks:
        if not chunk:
            continue
        columns = list(zip(*chunk, strict=True))
        for name in _FLOATS:
            parts[name].append(np.array(columns[position[name]], dtype=np.float64))
        for name in _STRINGS:
            parts[name].append(tables[name].codes(columns[position[name]]))
        # Nearly one document and one row id per claim: converted directly, not tabled.
        parts["doc_key"].append(np.fromiter((int(k, 16) if k else 0
                                             for k in columns[position["doc_key"]]),
                                            dtype=np.int64, count=len(chunk)))
        parts["row_ref"].append(_ref_keys(columns[position["row_ref"]]))
    cols = {
        name: np.concatenate(parts[name]) if parts[name]
        else np.zeros(0, dtype=np.float64 if name in _FLOATS else np.int64)
        for name in (*_FLOATS, *_STRINGS, "doc_key", "row_ref")
    }
    return cols, {name: t.values for name, t in tables.items()}


def _ref_keys(values: Sequence[Any]) -> np.ndarray:
    """64-bit hashes of row ids (:data:`NO_REF` where none): equal ids, equal keys.

    Two different ids of one document share a key with odds of about one in 10**19 per pair.
    """
    array = np.asarray(values, dtype=object)
    keys = pd.util.hash_array(array, categorize=False).view(np.int64)
    keys[pd.isna(array)] = NO_REF
    return keys


def _lookup(codes: np.ndarray, table: list[Any], fn: Callable[[Any], Any], dtype: Any,
            missing: Any) -> np.ndarray:
    """Map each code through ``fn`` of its table value (``missing`` for code -1)."""
    mapped = np.array([fn(v) for v in table] + [missing], dtype=dtype)
    return mapped[codes]


def _recode(codes: np.ndarray, table: list[Any], fn: Callable[[Any], Any]) -> tuple[np.ndarray, list[str]]:
    """Codes of ``fn(value)`` (a normalised string, or None), with their own table."""
    target = _Table()
    mapping = np.array([target.code(fn(v)) for v in table] + [-1], dtype=np.int32)
    return mapping[codes], [str(v) for v in target.values]


def _from_columns(c: dict[str, np.ndarray], t: dict[str, list[Any]]) -> Features:
    n = len(c["id"])
    ids = c["id"].astype(np.int64)
    has_date = ~np.isnan(c["day_lo"])
    hi_f = np.where(np.isnan(c["day_hi"]), c["day_lo"], c["day_hi"])
    lo = np.where(has_date, c["day_lo"], 0).astype(np.int32)
    hi = np.where(has_date, hi_f, 0).astype(np.int32)
    date_rank = _lookup(c["date_precision"], t["date_precision"],
                        lambda p: DATE_RANK.get(p, 0), np.int8, 0)
    date_rank[~has_date] = NO_DATE_RANK
    lo, hi = _widen(lo, hi, date_rank)
    lo[~has_date] = NO_DAY
    hi[~has_date] = NO_DAY

    lat, lon = c["lat"], c["lon"]
    place_rank = _lookup(c["place_precision"], t["place_precision"],
                         lambda p: PLACE_RANK.get(p, NO_PLACE_RANK), np.int8, NO_PLACE_RANK)
    # A point without a stated precision is taken as a town-level point.
    has_point = ~(np.isnan(lat) | np.isnan(lon))
    place_rank[(place_rank == NO_PLACE_RANK) & has_point] = PLACE_RANK["city"]
    tol = np.zeros(NO_PLACE_RANK + 1, dtype=np.float32)
    for name, km in TOLERANCE_KM.items():
        tol[PLACE_RANK[name]] = km
    tol_km = tol[place_rank]
    country = c["country"]
    countries = [str(v) for v in t["country"]]
    admin_low, _ = _recode(c["admin1"], t["admin1"], _lower)
    # admin1 is compared within a country: key the pair (country, admin1 in lower case).
    pair = np.where((country >= 0) & (admin_low >= 0),
                    country.astype(np.int64) * (int(admin_low.max(initial=0)) + 1) + admin_low, -1)
    admin1, admin1s = _pair_codes(pair, country, admin_low, countries, t["admin1"], c["admin1"])
    is_point = has_point & np.isin(place_rank, list(POINT_RANKS))
    region = np.full(n, REGION_NONE, dtype=np.int8)
    region[is_point] = 0
    region[~is_point & (admin1 >= 0) & (place_rank <= PLACE_RANK["admin1"])] = REGION_ADMIN1
    region[(region == REGION_NONE) & (country >= 0)] = REGION_COUNTRY
    place_name, place_names = _recode(c["place_name"], t["place_name"], _lower)
    place_raw, place_raws = _recode(c["place_name"], t["place_name"], _clean_keep)
    admin1_raw, admin1_raws = _recode(c["admin1"], t["admin1"], _clean_keep)
    perp_text, perp_texts = _recode(c["perpetrator_text"], t["perpetrator_text"], _clean_keep)
    party, parties = _recode(c["perpetrator_party"], t["perpetrator_party"], _clean_keep)
    cats = _lookup(c["categories"], t["categories"], _cat_mask, np.uint8, 0)
    weapon = _lookup(c["weapon"], t["weapon"], lambda w: WEAPON_CODE.get(w, -1), np.int8, -1)
    rep = c["repeat_strike"]
    repeat = np.where(np.isnan(rep), -1, rep != 0).astype(np.int8)
    ref_key = np.where(c["row_ref"] == NO_REF, 0, c["row_ref"])
    order = np.lexsort((ids, ref_key, c["doc_key"]))
    canon = np.empty(n, dtype=np.int32)
    canon[order] = np.arange(n, dtype=np.int32)
    return Features(
        ids=ids, document=np.where(c["row_ref"] == NO_REF, c["document_id"],
                                   -(c["source_id"] + 1)).astype(np.int64),
        source=c["source_id"].astype(np.int64), canon=canon, lo=lo, hi=hi, date_rank=date_rank,
        lat=lat, lon=lon, xyz=xyz(lat, lon), place_rank=place_rank, tol_km=tol_km,
        region=region, country=country, admin1=admin1, place_name=place_name,
        geonameid=c["geonameid"], cats=cats, weapon=weapon, party=party,
        killed=c["killed"], injured=c["injured"], repeat=repeat,
        protected=np.nan_to_num(c["protected"]) != 0,
        incident=np.nan_to_num(c["incident_id"], nan=-1).astype(np.int64),
        row_ref=c["row_ref"], perp_text=perp_text, place_raw=place_raw, admin1_raw=admin1_raw,
        countries=countries, admin1s=admin1s, place_names=place_names, parties=parties,
        perp_texts=perp_texts, place_raws=place_raws, admin1_raws=admin1_raws,
    )


def _clean_keep(value: Any) -> str | None:
    """The value as written (only blank values dropped)."""
    if value is None:
        return None
    text = str(value)
    return text if text.strip() else None


def _pair_codes(pair: np.ndarray, country: np.ndarray, admin_low: np.ndarray,
                countries: list[str], admin_raw: list[Any], admin_codes: np.ndarray,
                ) -> tuple[np.ndarray, list[str]]:
    """Codes of (country, admin1) pairs and their ``"CC|admin1"`` names."""
    if pair.size == 0 or (pair < 0).all():
        return np.full(pair.size, -1, dtype=np.int32), []
    uniques, codes = np.unique(pair, return_inverse=True)
    first = np.zeros(uniques.size, dtype=np.int64)
    first[codes[::-1]] = np.arange(pair.size)[::-1]  # first claim holding each pair
    offset = 1 if uniques[0] < 0 else 0
    names = [f"{countries[country[i]]}|{_lower(admin_raw[admin_codes[i]])}"
             for i in first[offset:].tolist()]
    return (codes - offset).astype(np.int32), names


def _widen(lo: np.ndarray, hi: np.ndarray, rank: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Give coarse claims stored as a single day the whole week, month or year they name."""
    lo = lo.copy()
    hi = hi.copy()
    single = hi <= lo
    days = lo.astype("datetime64[D]")
    week = single & (rank == DATE_RANK["week"])
    hi[week] = lo[week] + 6
    month = single & (rank == DATE_RANK["month"])
    if month.any():
        first = days[month].astype("datetime64[M]")
        lo[month] = first.astype("datetime64[D]").astype(np.int64)
        hi[month] = ((first + 1).astype("datetime64[D]") - 1).astype(np.int64)
    year = single & (rank == DATE_RANK["year"])
    if year.any():
        first_y = days[year].astype("datetime64[Y]")
        lo[year] = first_y.astype("datetime64[D]").astype(np.int64)
        hi[year] = ((first_y + 1).astype("datetime64[D]") - 1).astype(np.int64)
    return lo, hi


def _cat_mask(value: Any) -> int:
    if not value:
        return 0
    mask = 0
    for cat in str(value).split(","):
        mask |= CATEGORY_BIT.get(cat.strip(), 0)
    return mask
