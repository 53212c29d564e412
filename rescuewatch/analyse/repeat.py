"""Repeat strikes on responders: candidates for human review, never verdicts.

A "double tap" is a second strike on the place of a first one, hitting the medics, ambulance
crews, firefighters and rescuers who came to help. For every incident in which responders were
hit, :class:`RepeatStrikes` looks for *earlier* events at the same place shortly before: any
event, context events with no protected victims included (a first strike on a market is what
brings the ambulances). The data rarely allow a firm call, so each candidate carries the
basis it rests on, a confidence level and a plain-language reason, and is meant to be checked
against the sources by an analyst.

Bases
-----
``time+coordinates`` (high)
    Both events have a time of day and exact coordinates (place precision ``exact``); the earlier
    one is at most ``window_minutes`` before and ``radius_m`` away.
``same day, same town`` (medium or low)
    The data are only day- or town-precise: the events fall within ``day_window`` calendar
    days and ``town_km`` of each other (or share a place name where coordinates are missing).
    Medium when one of time or place is precise enough and agrees, low otherwise.
``facility receiving the wounded`` (medium or low)
    A health facility is hit within ``facility_hours`` (or, without times, on the same day)
    after a strike with casualties within ``town_km``: the facility may have been taking in
    that strike's wounded.
``textual cue`` (medium)
    A claim's text describes a repeat strike but the store holds no separate earlier event
    (the first strike is often told in the same report). A cue also raises the confidence of
    the incident's other candidates by one step.

Distances are great-circle distances on a sphere of the IUGG mean radius. Events dated less
precisely than a day cannot be placed in a window of hours and are left out (except for
textual cues). Pairs are found with a k-d tree over (position, day), so the work grows with
the number of events plus the number of close pairs.

References
----------
Geneva Conventions (1949), Additional Protocol I, arts. 12-15: protection of medical units and
personnel. Physicians for Human Rights (2019), *Medical Care Under Fire in Syria*, on "double
tap" strikes. Insecurity Insight, *Attacks on Health Care* monthly news briefs (methodology).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from rescuewatch.analyse.events import COARSE_PLACES
from rescuewatch.analyse.points import EARTH_RADIUS_M

__all__ = ["BASES", "CONFIDENCE", "RepeatStrikes"]

BASES: tuple[str, ...] = ("time+coordinates", "same day, same town", "textual cue",
                          "facility receiving the wounded")
CONFIDENCE: tuple[str, ...] = ("low", "medium", "high")
CANDIDATE_COLUMNS: tuple[str, ...] = (
    "incident_id", "earlier_id", "gap", "gap_unit", "distance_m", "basis", "confidence",
    "reason", "evidence", "claim_ids", "incident_date", "earlier_date", "place_name", "country",
    "lat", "lon", "repeat_cue",
)
# Only "exact" places are precise enough for metres: importers map UCDP's and Insecurity
# Insight's "within about 25 km" to "near", which is town-level for this purpose.
_PRECISE = ("exact",)
_COARSE = COARSE_PLACES  # too vague to say "the same place"


class RepeatStrikes:
    """Find earlier strikes at the place where responders were hit (candidates for review).

    Parameters
    ----------
    window_minutes : float, default 60
        Longest gap between the earlier strike and the strike on responders when both times
        are known.
    radius_m : float, default 500
        Largest distance for "the same place" when both locations are precise.
    day_window : int, default 1
        Calendar days back to look when times are unknown: 0 the same day only, 1 the same
        or the previous day (a late-evening strike and a response after midnight).
    town_km : float, default 5.0
        Largest distance for "the same town" when a location is only town-precise.
    facility_hours : float, default 12
        Longest gap for the facility-receiving-the-wounded variant when times are known.

    Attributes
    ----------
    candidates_ : pandas.DataFrame
        One row per (incident with responders or a facility hit, earlier event): columns
        :data:`CANDIDATE_COLUMNS`. ``gap`` is in ``gap_unit`` (``minutes`` or ``days``);
        ``earlier_id`` is missing for a textual cue without a separate earlier event;
        ``evidence`` summarises both events (and, given a store, the claims' texts);
        ``claim_ids`` lists those claims. Sorted by confidence (high first), then date.
    summary_ : dict
        Counts of incidents scanned and candidates by basis and confidence.

    Examples
    --------
    >>> events = load_events(store)  # doctest: +SKIP
    >>> rs = RepeatStrikes(window_minutes=90).fit(events, store=store)  # doctest: +SKIP
    >>> rs.candidates_.query("confidence == 'high'")  # doctest: +SKIP
    """

    def __init__(self, window_minutes: float = 60, radius_m: float = 500, day_window: int = 1,
                 town_km: float = 5.0, *, facility_hours: float = 12.0) -> None:
        for name, value in (("window_minutes", window_minutes), ("radius_m", radius_m),
                            ("town_km", town_km), ("facility_hours", facility_hours)):
            if not (math.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a finite, non-negative number, got {value!r}")
        if int(day_window) != day_window or day_window < 0:
            raise ValueError(f"day_window must be a non-negative integer, got {day_window!r}")
        self.window_minutes = float(window_minutes)
        self.radius_m = float(radius_m)
        self.day_window = int(day_window)
        self.town_km = float(town_km)
        self.facility_hours = float(facility_hours)

    @property
    def reach_days(self) -> int:
        """Calendar days back that any basis can reach: ``day_window`` bounds only the pairs
        without times; with both times known the minutes (or facility hours) decide, and a
        strike at 23:40 and one at 00:10 are a day apart on the calendar."""
        return max(self.day_window, math.ceil(self.window_minutes / 1440),
                   math.ceil(self.facility_hours / 24))

    def fit(self, events: pd.DataFrame, store: Any = None, *,
            by_claim: bool | None = None, targets: Any = None) -> RepeatStrikes:
        """Scan ``events`` (from :func:`~rescuewatch.analyse.events.load_events`).

        Parameters
        ----------
        events : pandas.DataFrame
            Every event to consider, context events included; rows may be added from other
            sources as long as ``incident_id`` stays unique. Do not filter it by victim
            category or alleged perpetrator: the earlier strike of a double tap is usually a
            context event, which such a filter drops. Choose the incidents to scan with
            ``targets`` instead.
        store : rescuewatch.store.Store, optional
            When given, the claims of each candidate pair and their texts are added to
            ``evidence`` and ``claim_ids``.
        by_claim : bool, optional
            Whether ``incident_id`` holds claim ids (events from
            :func:`~rescuewatch.analyse.events.events_from_claims`); default from
            ``events.attrs``.
        targets : array_like of int, optional
            Incident ids to scan (say, those of ``load_events(store, EventFilter(category=
            "medic"))``); default every incident of ``events`` with responders or a health
            facility hit, or a repeat-strike cue. Earlier events are looked for among all of
            ``events`` either way.
        """
        ev = _prepare(events)
        if targets is not None:
            # The flags mark the incidents scanned; earlier events are any rows of ``ev``.
            keep = ev["incident_id"].isin(pd.Series(list(targets), dtype="int64")).to_numpy()
            for col in ("responders", "health_facility", "repeat_cue"):
                ev[col] = ev[col].to_numpy() & keep
        pairs = self._pairs(ev)
        rows = self._classify(ev, pairs)
        rows = _apply_cues(ev, rows)
        if by_claim is None:
            by_claim = bool(events.attrs.get("by_claim", False))
        self.candidates_ = _finish(ev, rows, store, by_claim)
        targets = ev["responders"] | ev["health_facility"] | ev["repeat_cue"]
        cand = self.candidates_
        self.summary_ = {
            "events": len(ev), "incidents_scanned": int(targets.sum()),
            "incidents_with_candidates": int(cand["incident_id"].nunique()),
            "candidates": len(cand),
            "by_basis": {b: int((cand["basis"] == b).sum()) for b in BASES},
            "by_confidence": {c: int((cand["confidence"] == c).sum()) for c in CONFIDENCE},
        }
        return self

    # --- pairs close in space and days ---------------------------------------------------

    def _pairs(self, ev: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """(target index, earlier-or-same-day index) pairs within ``town_km`` and
        :attr:`reach_days`.

        Events are bucketed by day; for each day, a k-d tree of that day's targets is matched
        against the tree of each of the ``reach_days + 1`` days up to it, so only pairs that
        can become candidates are ever formed.
        """
        day = ev["_day"].to_numpy()
        usable = ev["_coords"].to_numpy() & ~np.isnan(day)
        target = (ev["responders"] | ev["health_facility"]).to_numpy()
        idx = np.flatnonzero(usable)
        xyz = _unit_xyz(ev["lat"].to_numpy()[idx], ev["lon"].to_numpy()[idx]) * EARTH_RADIUS_M
        days = day[idx].astype(np.int64)
        order = np.argsort(days, kind="stable")
        idx, xyz, days = idx[order], xyz[order], days[order]
        uniq, starts = np.unique(days, return_index=True)
        ends = np.r_[starts[1:], days.size].astype(np.int64) if days.size else starts
        bounds = dict(zip(uniq.tolist(), zip(starts.tolist(), ends.tolist(), strict=True),
                          strict=True))
        trees: dict[int, cKDTree] = {}

        def tree(d: int) -> cKDTree:
            if d not in trees:
                lo, hi = bounds[d]
                trees[d] = cKDTree(xyz[lo:hi])
            return trees[d]

        radius = self.town_km * 1000.0 * (1 + 1e-9)  # chords are shorter than arcs
        reach = self.reach_days
        out_a, out_b = [], []
        for k, (d, (lo, hi)) in enumerate(bounds.items()):
            is_target = target[idx[lo:hi]]
            if not is_target.any():
                continue
            rows = np.flatnonzero(is_target)
            queries = cKDTree(xyz[lo:hi][rows])
            # only the days from d - reach to d that hold events: reach may be large
            for e in uniq[int(np.searchsorted(uniq, d - reach)):k + 1].tolist():
                hits = queries.sparse_distance_matrix(tree(e), radius, output_type="ndarray")
                if hits.size:
                    out_a.append(idx[lo:hi][rows][hits["i"]])
                    out_b.append(idx[bounds[e][0]:][hits["j"]])
            for old in [e for e in trees if e <= d - reach]:
                del trees[old]  # no later day looks this far back
        named_a, named_b = self._named_pairs(ev)
        a = np.concatenate([*out_a, named_a]).astype(np.int64)
        b = np.concatenate([*out_b, named_b]).astype(np.int64)
        keep = target[a] & (a != b)
        return a[keep], b[keep]

    def _named_pairs(self, ev: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Pairs sharing a town name and country, one of them without usable coordinates."""
        ok = (ev["_town"].notna() & ev["_day"].notna()).to_numpy()
        named = pd.DataFrame({"i": np.flatnonzero(ok), "town": ev["_town"][ok].to_numpy(),
                              "day": ev["_day"][ok].to_numpy()})
        blind = named[~ev["_coords"].to_numpy()[named["i"].to_numpy()]]
        if blind.empty:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        # Join only the events without coordinates, day by day: never town x town.
        reach = self.reach_days
        if reach > 31:  # a wide reach keeps most pairs of a town anyway: one join, then days
            merged = blind.merge(named, on="town", suffixes=("_a", "_b"))
            merged = merged[(merged["day_a"] - merged["day_b"]).abs() <= reach]
        else:
            parts = []
            for shift in range(-reach, reach + 1):
                moved = blind.assign(day=blind["day"] + shift)
                parts.append(moved.merge(named, on=["town", "day"], suffixes=("_a", "_b")))
            merged = pd.concat(parts, ignore_index=True)
        one, other = merged["i_a"].to_numpy(np.int64), merged["i_b"].to_numpy(np.int64)
        return np.concatenate([one, other]), np.concatenate([other, one])

    # --- classifying each pair -------------------------------------------------------------

    def _classify(self, ev: pd.DataFrame, pairs: tuple[np.ndarray, np.ndarray]) -> pd.DataFrame:
        a, b = pairs
        day = ev["_day"].to_numpy()
        minute = ev["_minute"].to_numpy()
        dday = day[a] - day[b]
        inside = (dday >= 0) & (dday <= self.reach_days)
        a, b, dday = a[inside], b[inside], dday[inside]
        gap = minute[a] - minute[b]
        timed = ~np.isnan(gap)
        lat, lon = ev["lat"].to_numpy(), ev["lon"].to_numpy()
        dist = _haversine(lat[a], lon[a], lat[b], lon[b])
        both_coords = ev["_coords"].to_numpy()[a] & ev["_coords"].to_numpy()[b]
        dist = np.where(both_coords, dist, np.nan)
        precise = ev["_precise"].to_numpy()
        exact = precise[a] & precise[b] & (dist <= self.radius_m)
        town = ~both_coords | (dist <= self.town_km * 1000.0)
        resp = ev["responders"].to_numpy()[a] & town
        out: list[pd.DataFrame] = []
        # Responders, both times known: the time window decides.
        in_window = timed & (gap > 0) & (gap <= self.window_minutes)
        far_precise = precise[a] & precise[b] & both_coords & (dist > self.radius_m)
        sel = resp & in_window & exact
        out.append(_rows(a, b, sel, gap, "minutes", dist, "time+coordinates", "high", "tc"))
        sel = resp & in_window & ~exact & ~far_precise
        out.append(_rows(a, b, sel, gap, "minutes", dist, "same day, same town", "medium", "tt"))
        # Responders, a time missing: same day (or within day_window days).
        untimed = resp & ~timed & (dday <= self.day_window)
        sel = untimed & (dday == 0) & exact
        out.append(_rows(a, b, sel, dday, "days", dist, "same day, same town", "medium", "dp"))
        sel = untimed & ~((dday == 0) & exact) & ~far_precise
        out.append(_rows(a, b, sel, dday, "days", dist, "same day, same town", "low", "dd"))
        # Facilities after a strike with casualties (its wounded may have been brought there).
        hurt = (ev["killed_max"].fillna(0).to_numpy(float) > 0) | \
            (ev["injured_max"].fillna(0).to_numpy(float) > 0)
        fac = ev["health_facility"].to_numpy()[a] & hurt[b] & town
        sel = fac & timed & (gap > 0) & (gap <= self.facility_hours * 60.0)
        out.append(_rows(a, b, sel, gap, "minutes", dist, BASES[3], "medium", "ft"))
        sel = fac & ~timed & (dday == 0)
        out.append(_rows(a, b, sel, dday, "days", dist, BASES[3], "low", "fd"))
        out.append(self._within(ev))
        rows = pd.concat(out, ignore_index=True)
        # One row per pair: the strongest basis wins (a facility hit by responders, say).
        rows["_rank"] = rows["confidence"].map(CONFIDENCE.index)
        rows = rows.sort_values(["_rank", "basis"], ascending=[False, True], kind="stable")
        return rows.drop_duplicates(["a", "b"]).drop(columns="_rank").reset_index(drop=True)

    def _within(self, ev: pd.DataFrame) -> pd.DataFrame:
        """Incidents whose own claims tell a strike without and then with responders hit.

        Linking may merge a first strike and the strike on the responders who came (same day,
        same place) into one incident; their claims then give two times.
        """
        spread = ev["_minute_last"].to_numpy() - ev["_minute"].to_numpy()
        sel = (ev["responders"].to_numpy() & ev["mixed"].to_numpy() & (spread > 0)
               & (spread <= self.window_minutes))
        i = np.flatnonzero(sel)
        basis = np.where(ev["_precise"].to_numpy()[i], BASES[0], BASES[1])
        return pd.DataFrame({"a": i, "b": i, "gap": spread[i], "gap_unit": "minutes",
                             "distance_m": np.nan, "basis": basis, "confidence": "medium",
                             "why": "in"})


def _rows(a: np.ndarray, b: np.ndarray, sel: np.ndarray, gap: np.ndarray, unit: str,
          dist: np.ndarray, basis: str, confidence: str, why: str) -> pd.DataFrame:
    return pd.DataFrame({"a": a[sel], "b": b[sel], "gap": gap[sel].astype(float),
                         "gap_unit": unit, "distance_m": dist[sel], "basis": basis,
                         "confidence": confidence, "why": why})


def _apply_cues(ev: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """Raise cue incidents' candidates one step; add a row for cues with no candidate."""
    cue = ev["repeat_cue"].to_numpy()
    rows["cue"] = cue[rows["a"].to_numpy()] if len(rows) else np.zeros(0, bool)
    step = {"low": "medium", "medium": "high", "high": "high"}
    rows.loc[rows["cue"], "confidence"] = rows.loc[rows["cue"], "confidence"].map(step)
    lone = np.setdiff1d(np.flatnonzero(cue), rows["a"].to_numpy())
    extra = pd.DataFrame({"a": lone, "b": -1, "gap": np.nan, "gap_unit": None,
                          "distance_m": np.nan, "basis": "textual cue", "confidence": "medium",
                          "why": "cue", "cue": True})
    return pd.concat([rows, extra], ignore_index=True) if len(extra) else rows


def _prepare(events: pd.DataFrame) -> pd.DataFrame:
    ev = events.reset_index(drop=True).copy()
    day_ok = ev["date_precision"].eq("day") & ev["date_start"].notna()
    start = pd.to_datetime(ev["date_start"])
    ev["_day"] = np.where(day_ok, (start - pd.Timestamp(0)).dt.days.astype(float), np.nan)
    time = pd.to_datetime(ev["time"])
    minutes = (time - pd.Timestamp(0)).dt.total_seconds() / 60.0
    ev["_minute"] = np.where(day_ok & time.notna(), minutes, np.nan)
    last = pd.to_datetime(ev["time_last"]) if "time_last" in ev else time
    last_min = (last - pd.Timestamp(0)).dt.total_seconds() / 60.0
    ev["_minute_last"] = np.where(day_ok & last.notna(), last_min, np.nan)
    ev["mixed"] = ev["mixed"].fillna(False).astype(bool) if "mixed" in ev else False
    prec = ev["place_precision"]
    has = ev["lat"].notna() & ev["lon"].notna()
    ev["_coords"] = (has & ~prec.isin(_COARSE)).to_numpy(bool)
    ev["_precise"] = (has & prec.isin(_PRECISE)).to_numpy(bool)
    name = ev["place_name"].astype("string").str.strip().str.lower()
    town = ev["country"].astype("string").fillna("") + "|" + name
    ev["_town"] = town.where(name.notna() & (name != "") & ~prec.isin(_COARSE))
    for col in ("responders", "health_facility", "repeat_cue"):
        ev[col] = ev[col].fillna(False).astype(bool)
    return ev


def _unit_xyz(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    phi, lam = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])


def _haversine(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray,
               lon2: np.ndarray) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


# --- wording ----------------------------------------------------------------------------------


def _fmt_gap(gap: float, unit: str | None) -> str:
    if unit == "minutes":
        return f"{gap:.0f} min" if gap < 120 else f"{gap / 60:.1f} h"
    if gap == 0:
        return "the same day"
    return f"{gap:.0f} day(s)"


def _fmt_dist(dist: float) -> str:
    if math.isnan(dist):
        return "at a place of the same name (coordinates missing)"
    return f"{dist:.0f} m away" if dist < 2000 else f"{dist / 1000:.1f} km away"


def _descriptions(ev: pd.DataFrame, indices: np.ndarray) -> dict[int, str]:
    """A one-line description of each event at ``indices`` (positions in ``ev``)."""
    rows = ev.iloc[indices]
    out: dict[int, str] = {}
    for i, r in zip(indices.tolist(), rows.itertuples(index=False), strict=True):
        if pd.notna(r.time):
            when = r.time.strftime("%Y-%m-%d %H:%M")
        else:
            when = r.date_start.strftime("%Y-%m-%d") if pd.notna(r.date_start) else "undated"
        place = r.place_name if isinstance(r.place_name, str) else "unnamed place"
        prec = r.place_precision if isinstance(r.place_precision, str) else "precision unknown"
        cats = r.categories or "no protected victims reported"
        out[i] = f"incident {int(r.incident_id)} ({when}, {place}, {prec}; {cats})"
    return out


def _reason(ev: pd.DataFrame, row: Any) -> str:
    why, gap, unit, dist = row.why, row.gap, row.gap_unit, row.distance_m
    earlier = None if row.b < 0 else int(ev["incident_id"].iat[row.b])
    text = {
        "tc": f"An earlier event (incident {earlier}) is recorded {_fmt_gap(gap, unit)} before "
              f"and {_fmt_dist(dist)}; both times and both locations are precise. Responders may "
              "have been hit on arrival after a first strike; check the sources.",
        "tt": f"An earlier event (incident {earlier}) is recorded {_fmt_gap(gap, unit)} before, "
              f"{_fmt_dist(dist)}, but a location is only town-precise, so it may not be the "
              "same spot.",
        "dp": f"An event (incident {earlier}) is recorded the same day {_fmt_dist(dist)}, but "
              "a time of day is missing, so which came first and the gap are unknown.",
        "dd": f"An event (incident {earlier}) is recorded {_fmt_gap(gap, unit)}"
              f"{' earlier' if gap else ''}, {_fmt_dist(dist)}; the data are only day- and "
              f"town-precise{'' if gap else ' and which came first is unknown'}, so this is a "
              "lead to check, not a match.",
        "ft": f"The health facility was hit {_fmt_gap(gap, unit)} after a strike with casualties "
              f"{_fmt_dist(dist)} (incident {earlier}); it may have been receiving the wounded.",
        "fd": f"The health facility was hit the same day as a strike with casualties "
              f"{_fmt_dist(dist)} (incident {earlier}); times are unknown, so it is not known "
              "whether the wounded were being brought there.",
        "in": f"The claims of this one incident give times {_fmt_gap(gap, unit)} apart, and "
              "some report a strike without protected victims while others report responders "
              "hit: a first strike and a strike on the responders may have been merged into "
              "one incident. Check the claims and split the incident if so.",
        "cue": "A source describes this as a repeat strike, but no separate earlier event is "
               "in the data (the first strike may be told in the same report).",
    }[why]
    if why in ("ft", "fd") and not _both_precise(ev, row):
        # "28 m away" between two district points says nothing about the strikes themselves
        text += (" A location is only a town, district or 'within about 25 km' point, so the "
                 "distance is between those points, not between the strikes.")
    if row.cue and why != "cue":
        text += " A source's text also describes a repeat strike, which raises the confidence."
    return text


def _both_precise(ev: pd.DataFrame, row: Any) -> bool:
    precise = ev["_precise"].to_numpy()
    return bool(row.b >= 0 and precise[row.a] and precise[row.b])


def _finish(ev: pd.DataFrame, rows: pd.DataFrame, store: Any, by_claim: bool) -> pd.DataFrame:
    if rows.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in CANDIDATE_COLUMNS})
    a, b = rows["a"].to_numpy(), rows["b"].to_numpy()
    ids = ev["incident_id"].to_numpy()
    earlier = pd.array(np.where(b >= 0, ids[np.maximum(b, 0)], 0), dtype="Int64")
    earlier[b < 0] = pd.NA
    out = pd.DataFrame({
        "incident_id": ids[a].astype(np.int64), "earlier_id": earlier,
        "gap": rows["gap"].to_numpy(float), "gap_unit": rows["gap_unit"].to_numpy(object),
        "distance_m": rows["distance_m"].to_numpy(float), "basis": rows["basis"].to_numpy(),
        "confidence": rows["confidence"].to_numpy(),
    })
    out["reason"] = [_reason(ev, r) for r in rows.itertuples(index=False)]
    summaries = _descriptions(ev, np.unique(np.concatenate([a, b[b >= 0]])))
    out["evidence"], out["claim_ids"] = _evidence(ev, a, b, summaries, store, by_claim)
    out["incident_date"] = ev["date_start"].to_numpy()[a]
    out["earlier_date"] = pd.to_datetime(
        np.where(b >= 0, ev["date_start"].to_numpy()[np.maximum(b, 0)], np.datetime64("NaT")))
    for col in ("place_name", "country", "lat", "lon"):
        out[col] = ev[col].to_numpy()[a]
    out["repeat_cue"] = rows["cue"].to_numpy(bool)
    out["_rank"] = out["confidence"].map(CONFIDENCE.index)
    out = out.sort_values(["_rank", "incident_date", "incident_id", "gap"],
                          ascending=[False, True, True, True], kind="stable")
    return out.drop(columns="_rank").loc[:, list(CANDIDATE_COLUMNS)].reset_index(drop=True)


def _evidence(ev: pd.DataFrame, a: np.ndarray, b: np.ndarray, summaries: dict[int, str],
              store: Any, by_claim: bool) -> tuple[list[str], list[str]]:
    describe = summaries.__getitem__
    texts: dict[int, list[str]] = {}
    claims: dict[int, list[int]] = {}
    if store is not None:
        from rescuewatch.store.analysis import claim_evidence

        wanted = set(ev["incident_id"].to_numpy()[a].tolist())
        wanted |= set(ev["incident_id"].to_numpy()[b[b >= 0]].tolist())
        found = claim_evidence(store, sorted(wanted), by_claim=by_claim)
        # Claims that carry the repeat-strike cue come first.
        found = found.sort_values(["incident_id", "repeat_strike", "claim_id"],
                                  ascending=[True, False, True], na_position="last")
        for r in found.itertuples(index=False):
            claims.setdefault(int(r.incident_id), []).append(int(r.claim_id))
            if len(texts.setdefault(int(r.incident_id), [])) < 3:
                when = f", {r.time_of_day}" if isinstance(r.time_of_day, str) else ""
                cue = ", repeat-strike cue" if r.repeat_strike else ""
                quote = f': "{r.text}"' if r.text else ""
                texts[int(r.incident_id)].append(
                    f"claim {r.claim_id} ({r.source_key}{when}{cue}){quote}")
    ids = ev["incident_id"].to_numpy()
    evidence, claim_ids = [], []
    for i, j in zip(a.tolist(), b.tolist(), strict=True):
        parts = [describe(i)] + texts.get(int(ids[i]), [])
        cids = list(claims.get(int(ids[i]), []))
        if j == i:
            parts.append("claims within the same incident")
        elif j >= 0:
            parts += ["after " + describe(j)] + texts.get(int(ids[j]), [])
            cids += claims.get(int(ids[j]), [])
        evidence.append("; ".join(parts))
        claim_ids.append(",".join(str(c) for c in cids))
    return evidence, claim_ids
