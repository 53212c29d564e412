"""Synthetic event tables with planted structure, for validating the analyses.

The tables have the columns of :func:`rescuewatch.analyse.events.load_events`, so every
analysis runs on them unchanged. They are made-up data for tests and benchmarks only: random
places in a square around a neutral point and random times, with known repeat strikes or
space-time clusters planted in them, so that detection rates and false positives can be
measured against the truth.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from rescuewatch.analyse.events import EVENT_COLUMNS
from rescuewatch.analyse.knox import RngLike, as_generator

__all__ = ["background", "plant_clusters", "plant_double_taps", "plant_facility_hits"]

CENTRE = (10.0, 20.0)  # an arbitrary point; no party's territory is implied
EPOCH = pd.Timestamp("2024-01-01")
_M_PER_DEG = 111_195.0  # metres per degree of latitude on the IUGG mean sphere


def _offset(lat: np.ndarray, lon: np.ndarray, dx: np.ndarray,
            dy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Move points by ``dx`` metres east and ``dy`` metres north (small offsets)."""
    lat2 = lat + dy / _M_PER_DEG
    lon2 = lon + dx / (_M_PER_DEG * np.cos(np.radians(lat)))
    return lat2, lon2


def _frame(lat: np.ndarray, lon: np.ndarray, minutes: np.ndarray, categories: np.ndarray,
           start_id: int, killed: np.ndarray | None = None) -> pd.DataFrame:
    n = lat.size
    stamp = EPOCH + pd.to_timedelta(np.floor(minutes), unit="min")
    cats = pd.Series(categories, dtype=object).fillna("")
    frame = pd.DataFrame({
        "incident_id": np.arange(start_id, start_id + n, dtype=np.int64),
        "date_start": stamp.normalize(), "date_end": stamp.normalize(),
        "date_precision": "day", "time": stamp, "lat": lat, "lon": lon,
        "place_precision": "exact", "country": "XX", "admin1": "Area",
        "place_name": None, "categories": cats.to_numpy(),
        "protected": (cats != "").to_numpy(),
        "responders": cats.isin(["medic", "ambulance", "rescuer", "firefighter"]).to_numpy(),
        "health_facility": (cats == "health_facility").to_numpy(),
        "killed_min": pd.array(np.ones(n, int) if killed is None else killed, dtype="Int64"),
        "injured_min": pd.array(np.zeros(n, int), dtype="Int64"),
        "weapon": "unknown", "perpetrators": "", "certainty": "possible",
        "n_claims": 1, "n_sources": 1, "repeat_cue": False, "mixed": False,
    })
    frame["killed_max"] = frame["killed_min"].copy()
    frame["injured_max"] = frame["injured_min"].copy()
    frame["time_last"] = frame["time"]
    return frame.loc[:, list(EVENT_COLUMNS)]


def background(n: int, *, rng: RngLike = None, area_km: float = 100.0, days: int = 365,
               responder_share: float = 0.2) -> pd.DataFrame:
    """``n`` events uniform over a square of ``area_km`` and ``days``, times to the minute.

    A share ``responder_share`` hit medics; the rest are context strikes with one death.
    """
    gen = as_generator(rng)
    half = area_km * 500.0
    lat, lon = _offset(np.full(n, CENTRE[0]), np.full(n, CENTRE[1]),
                       gen.uniform(-half, half, n), gen.uniform(-half, half, n))
    minutes = gen.uniform(0, days * 1440.0, n)
    cats = np.where(gen.random(n) < responder_share, "medic", "")
    return _frame(lat, lon, minutes, cats, 1)


def plant_double_taps(events: pd.DataFrame, k: int, *, rng: RngLike = None,
                      max_minutes: float = 55.0, max_metres: float = 400.0
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add ``k`` first strikes each followed by a strike on medics nearby, shortly after.

    Returns the new table and the planted pairs (``incident_id``, ``earlier_id``).
    """
    gen = as_generator(rng)
    first = background(k, rng=gen, responder_share=0.0)
    r = max_metres * np.sqrt(gen.random(k))
    angle = gen.uniform(0, 2 * math.pi, k)
    lat, lon = _offset(first["lat"].to_numpy(), first["lon"].to_numpy(), r * np.cos(angle),
                       r * np.sin(angle))
    t0 = (first["time"] - EPOCH).dt.total_seconds().to_numpy() / 60.0
    second = _frame(lat, lon, t0 + gen.uniform(2.0, max_minutes, k), np.full(k, "medic"), 1)
    return _append(events, first, second)


def plant_facility_hits(events: pd.DataFrame, k: int, *, rng: RngLike = None,
                        max_hours: float = 10.0, max_km: float = 4.0
                        ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add ``k`` strikes with casualties each followed by a strike on a health facility."""
    gen = as_generator(rng)
    first = background(k, rng=gen, responder_share=0.0)
    r = max_km * 1000.0 * np.sqrt(gen.random(k))
    angle = gen.uniform(0, 2 * math.pi, k)
    lat, lon = _offset(first["lat"].to_numpy(), first["lon"].to_numpy(), r * np.cos(angle),
                       r * np.sin(angle))
    t0 = (first["time"] - EPOCH).dt.total_seconds().to_numpy() / 60.0
    # Stay on the first strike's day, so that the untimed variant can find it too.
    room = 1440.0 - np.mod(t0, 1440.0) - 1.0
    gap = np.minimum(gen.uniform(30.0, max_hours * 60.0, k), np.maximum(room, 1.0))
    second = _frame(lat, lon, t0 + gap, np.full(k, "health_facility"), 1, np.zeros(k, int))
    return _append(events, first, second)


def _append(events: pd.DataFrame, first: pd.DataFrame,
            second: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    start = int(events["incident_id"].max()) + 1 if len(events) else 1
    k = len(first)
    first["incident_id"] = np.arange(start, start + k, dtype=np.int64)
    second["incident_id"] = np.arange(start + k, start + 2 * k, dtype=np.int64)
    truth = pd.DataFrame({"incident_id": second["incident_id"].to_numpy(),
                          "earlier_id": first["incident_id"].to_numpy()})
    out = pd.concat([events, first, second], ignore_index=True)
    return out, truth


def plant_clusters(n: int, clusters: int, size: int, *, rng: RngLike = None,
                   area_m: float = 20_000.0, days: float = 365.0, radius_m: float = 200.0,
                   spread_days: float = 2.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Projected points: ``n`` uniform events plus ``clusters`` groups of ``size`` events.

    Each group's events lie within ``radius_m`` and ``spread_days`` of a random seed event.
    Returns ``x, y`` (metres) and ``t`` (days) for :class:`~rescuewatch.analyse.knox.Knox`.
    """
    gen = as_generator(rng)
    x, y, t = gen.uniform(0, area_m, n), gen.uniform(0, area_m, n), gen.uniform(0, days, n)
    if clusters and size:
        sx, sy = gen.uniform(0, area_m, clusters), gen.uniform(0, area_m, clusters)
        st = gen.uniform(0, days, clusters)
        r = radius_m * np.sqrt(gen.random((clusters, size)))
        a = gen.uniform(0, 2 * math.pi, (clusters, size))
        x = np.concatenate([x, (sx[:, None] + r * np.cos(a)).ravel()])
        y = np.concatenate([y, (sy[:, None] + r * np.sin(a)).ravel()])
        t = np.concatenate([t, (st[:, None] + gen.uniform(0, spread_days,
                                                            (clusters, size))).ravel()])
    return x, y, t
