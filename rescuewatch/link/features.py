"""Claims' linking features as NumPy arrays: one streamed SELECT, one array per feature.

Dates become day numbers widened to the precision they were given (a month-precision claim
covers its whole month); places keep a distance tolerance that follows their precision, and
claims placed only at a region or a country are matched by that region instead of a distance.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from rescuewatch.model import PLACE_PRECISIONS, VICTIM_CATEGORIES, WEAPONS
from rescuewatch.store.incidents import LINK_COLUMNS

NO_DAY = np.iinfo(np.int32).min
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


@dataclass
class Features:
    """Linking features of ``n`` claims, sorted by claim id (array index = position)."""

    ids: np.ndarray
    document: np.ndarray
    source: np.ndarray
    canon: np.ndarray  # order-independent rank (document hash, row id), for tie-breaks
    lo: np.ndarray
    hi: np.ndarray
    date_rank: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
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
    reported_certainty: np.ndarray
    countries: list[str] = field(default_factory=list)
    admin1s: list[str] = field(default_factory=list)
    place_names: list[str] = field(default_factory=list)
    parties: list[str] = field(default_factory=list)

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


def empty() -> Features:
    return build([])


def build(chunks: Iterable[list[tuple[Any, ...]]]) -> Features:
    """Features from row chunks shaped like :data:`~rescuewatch.store.incidents.LINK_COLUMNS`.

    Each chunk is turned into compact columns at once, so that the rows of a million claims
    never sit in memory as Python tuples together.
    """
    parts: dict[str, list[np.ndarray]] = {name: [] for name in LINK_COLUMNS}
    for chunk in chunks:
        if not chunk:
            continue
        for name, values in zip(LINK_COLUMNS, zip(*chunk, strict=True), strict=True):
            if name in _NUMERIC:
                parts[name].append(np.array(values, dtype=np.float64))
            else:
                parts[name].append(np.array(values, dtype=object))
    cols = {
        name: np.concatenate(v) if v else np.array([], dtype=np.float64 if name in _NUMERIC else object)
        for name, v in parts.items()
    }
    order = np.argsort(cols["id"], kind="stable")
    return _from_columns({name: v[order] for name, v in cols.items()})


_NUMERIC = frozenset({"id", "document_id", "source_id", "day_lo", "day_hi", "lat", "lon",
                      "geonameid", "killed", "injured", "incident_id"})


def _num(values: np.ndarray, dtype: Any = np.float64) -> np.ndarray:
    return values.astype(np.float64).astype(dtype)


def _codes(values: np.ndarray, lower: bool = False) -> tuple[np.ndarray, list[str]]:
    series = pd.Series(values, dtype=object)
    if lower:
        series = series.where(series.isna(), series.astype(str).str.strip().str.lower())
        series = series.where(series != "", None)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return codes.astype(np.int32), [str(u) for u in uniques]


def _from_columns(c: dict[str, np.ndarray]) -> Features:
    n = len(c["id"])
    ids = c["id"].astype(np.int64)
    lo_f = _num(c["day_lo"])
    hi_f = _num(c["day_hi"])
    has_date = ~np.isnan(lo_f)
    hi_f = np.where(np.isnan(hi_f), lo_f, hi_f)
    lo = np.where(has_date, lo_f, 0).astype(np.int32)
    hi = np.where(has_date, hi_f, 0).astype(np.int32)
    date_rank = np.array([DATE_RANK.get(p, 0) if p else 0 for p in c["date_precision"]], dtype=np.int8)
    date_rank[~has_date] = NO_DATE_RANK
    lo, hi = _widen(lo, hi, date_rank)
    lo[~has_date] = NO_DAY
    hi[~has_date] = NO_DAY

    lat = _num(c["lat"])
    lon = _num(c["lon"])
    place_rank = np.array([PLACE_RANK.get(p, NO_PLACE_RANK) if p else NO_PLACE_RANK
                           for p in c["place_precision"]], dtype=np.int8)
    # A point without a stated precision is taken as a town-level point.
    has_point = ~(np.isnan(lat) | np.isnan(lon))
    place_rank[(place_rank == NO_PLACE_RANK) & has_point] = PLACE_RANK["city"]
    tol = np.zeros(n, dtype=np.float32)
    for name, km in TOLERANCE_KM.items():
        tol[place_rank == PLACE_RANK[name]] = km
    country, countries = _codes(np.array([v.upper() if v else None for v in c["country"]], dtype=object))
    admin_key = np.array(
        [f"{k}|{a.strip().lower()}" if a and k else None for k, a in zip(c["country"], c["admin1"], strict=True)],
        dtype=object,
    )
    admin1, admin1s = _codes(admin_key)
    is_point = has_point & np.isin(place_rank, list(POINT_RANKS))
    region = np.full(n, REGION_NONE, dtype=np.int8)
    region[is_point] = 0
    region[~is_point & (admin1 >= 0) & (place_rank <= PLACE_RANK["admin1"])] = REGION_ADMIN1
    region[(region == REGION_NONE) & (country >= 0)] = REGION_COUNTRY
    place_name, place_names = _codes(c["place_name"], lower=True)
    cats = np.array([_cat_mask(v) for v in c["categories"]], dtype=np.uint8)
    weapon = np.array([WEAPON_CODE.get(w, -1) if w else -1 for w in c["weapon"]], dtype=np.int8)
    party, parties = _codes(c["perpetrator_party"])
    repeat = np.array([-1 if v is None else int(bool(v)) for v in c["repeat_strike"]], dtype=np.int8)
    doc_key = np.array([int(k, 16) if k else 0 for k in c["doc_key"]], dtype=np.int64)
    ref_key = np.array([zlib.crc32(str(r).encode()) if r is not None else 0 for r in c["row_ref"]],
                       dtype=np.int64)
    order = np.lexsort((ids, ref_key, doc_key))
    canon = np.empty(n, dtype=np.int64)
    canon[order] = np.arange(n, dtype=np.int64)
    return Features(
        ids=ids, document=c["document_id"].astype(np.int64), source=c["source_id"].astype(np.int64),
        canon=canon, lo=lo, hi=hi, date_rank=date_rank, lat=lat, lon=lon, place_rank=place_rank,
        tol_km=tol, region=region, country=country, admin1=admin1, place_name=place_name,
        geonameid=_num(c["geonameid"]), cats=cats, weapon=weapon, party=party,
        killed=_num(c["killed"]), injured=_num(c["injured"]), repeat=repeat,
        protected=np.array([bool(v) for v in c["protected"]], dtype=bool),
        incident=np.nan_to_num(_num(c["incident_id"]), nan=-1).astype(np.int64),
        row_ref=c["row_ref"], perp_text=c["perpetrator_text"], place_raw=c["place_name"],
        admin1_raw=c["admin1"],
        reported_certainty=c["reported_certainty"],
        countries=countries, admin1s=admin1s, place_names=place_names, parties=parties,
    )


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
