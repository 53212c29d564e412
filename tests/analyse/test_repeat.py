"""Repeat-strike candidates: planted double taps are found, chance coincidences stay rare."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rescuewatch.analyse.repeat import (
    BASES,
    CANDIDATE_COLUMNS,
    RepeatStrikes,
    _haversine,
    _prepare,
)
from rescuewatch.analyse.synthetic import background, plant_double_taps, plant_facility_hits


def _pairs(frame: pd.DataFrame) -> set[tuple[int, int]]:
    return {(int(a), int(b)) for a, b in zip(frame["incident_id"], frame["earlier_id"],
                                             strict=True) if not pd.isna(b)}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_planted_double_taps_found_with_few_false_positives(seed: int) -> None:
    events, truth = plant_double_taps(background(20_000, rng=seed), 200, rng=seed + 100)
    cand = RepeatStrikes().fit(events).candidates_
    high = cand[cand["basis"] == "time+coordinates"]
    planted = _pairs(truth)
    found = _pairs(high)
    assert planted <= found, f"missed {len(planted - found)} planted double taps"
    false = found - planted
    assert len(false) <= 0.05 * len(found)
    assert set(high["confidence"]) == {"high"}
    assert (high["gap"] > 0).all() and (high["gap"] <= 60).all()
    assert (high["distance_m"] <= 500).all()


def test_degraded_precision_gives_lower_confidence_candidates() -> None:
    events, truth = plant_double_taps(background(2_000, rng=5), 50, rng=6)
    events["time"] = pd.NaT
    events["time_last"] = pd.NaT
    events["place_precision"] = "city"
    cand = RepeatStrikes().fit(events).candidates_
    assert _pairs(truth) <= _pairs(cand)
    planted = cand.merge(truth, on=["incident_id", "earlier_id"])
    assert set(planted["basis"]) == {"same day, same town"}
    assert set(planted["confidence"]) <= {"low", "medium"}
    assert "high" not in set(cand["confidence"])
    assert planted["reason"].str.contains("day- and town-precise|missing").all()


def test_precise_place_unknown_time_is_medium() -> None:
    events, truth = plant_double_taps(background(0, rng=1), 5, rng=2, max_minutes=30)
    events["time"] = pd.NaT
    events["time_last"] = pd.NaT
    # Keep both strikes of each pair on the same day.
    events["date_start"] = events["date_start"].min()
    cand = RepeatStrikes().fit(events).candidates_.merge(truth, on=["incident_id", "earlier_id"])
    assert len(cand) == 5
    assert set(cand["confidence"]) == {"medium"}


def test_facility_receiving_wounded() -> None:
    events, truth = plant_facility_hits(background(3_000, rng=7, responder_share=0.0), 40, rng=8)
    cand = RepeatStrikes().fit(events).candidates_
    fac = cand[cand["basis"] == "facility receiving the wounded"]
    assert _pairs(truth) <= _pairs(fac)
    assert set(fac.merge(truth)["confidence"]) == {"medium"}
    assert fac["reason"].str.contains("receiving the wounded").all()


@pytest.mark.parametrize("precision", ["district", "near", "city"])
def test_facility_distance_between_vague_points_says_so(precision: str) -> None:
    """'hit ... 28 m away' between two district centroids read as if the strikes were 28 m
    apart; the reason now says the distance is between the points the data give."""
    events, truth = plant_facility_hits(background(0, rng=7, responder_share=0.0), 3, rng=8)
    exact = RepeatStrikes().fit(events).candidates_
    assert len(exact) == 3 and not exact["reason"].str.contains("not between the strikes").any()
    events["place_precision"] = precision
    for timed in (True, False):
        if not timed:
            events[["time", "time_last"]] = pd.NaT
        cand = RepeatStrikes().fit(events).candidates_.merge(truth)
        assert len(cand) == 3 and set(cand["basis"]) == {"facility receiving the wounded"}
        assert cand["reason"].str.endswith(
            "so the distance is between those points, not between the strikes.").all()


def test_textual_cue_without_earlier_event_and_raising_confidence() -> None:
    events, truth = plant_double_taps(background(0, rng=1), 2, rng=3)
    events["place_precision"] = "city"  # planted pairs become medium
    lone = background(1, rng=9).assign(incident_id=999, categories="rescuer", responders=True,
                                       repeat_cue=True)
    events = pd.concat([events, lone], ignore_index=True)
    target = int(truth["incident_id"].iloc[0])
    events.loc[events["incident_id"] == target, "repeat_cue"] = True
    cand = RepeatStrikes().fit(events).candidates_
    cue_row = cand[cand["incident_id"] == 999]
    assert list(cue_row["basis"]) == ["textual cue"] and pd.isna(cue_row["earlier_id"].iloc[0])
    raised = cand[cand["incident_id"] == target]
    other = cand[cand["incident_id"] == int(truth["incident_id"].iloc[1])]
    assert list(raised["confidence"]) == ["high"] and list(other["confidence"]) == ["medium"]
    assert raised["reason"].iloc[0].endswith("raises the confidence.")


def test_later_or_distant_events_are_not_candidates() -> None:
    events, _truth = plant_double_taps(background(0, rng=1), 1, rng=2)
    first, second = events.iloc[0].copy(), events.iloc[1].copy()
    # The context strike comes after the strike on medics: not an earlier strike.
    swapped = events.copy()
    swapped.loc[0, "time"] = second["time"] + pd.Timedelta(minutes=5)
    swapped.loc[0, "date_start"] = swapped.loc[0, "time"].normalize()
    assert RepeatStrikes().fit(swapped).candidates_.empty
    # Two hours apart with both times known: outside the window.
    late = events.copy()
    late.loc[0, "time"] = second["time"] - pd.Timedelta(hours=2)
    late.loc[0, "date_start"] = late.loc[0, "time"].normalize()
    assert RepeatStrikes().fit(late).candidates_.empty
    assert not RepeatStrikes(window_minutes=180).fit(late).candidates_.empty
    assert first["categories"] == ""


def test_merged_incident_with_two_times() -> None:
    events, _truth = plant_double_taps(background(0, rng=1), 1, rng=2)
    row = events.iloc[[1]].copy()
    row["time_last"] = row["time"] + pd.Timedelta(minutes=35)
    row["mixed"] = True
    cand = RepeatStrikes().fit(row).candidates_
    assert list(cand["earlier_id"]) == list(cand["incident_id"])
    assert cand["reason"].iloc[0].startswith("The claims of this one incident")


def test_output_columns_and_wording() -> None:
    events, _truth = plant_double_taps(background(500, rng=4), 10, rng=5)
    rs = RepeatStrikes().fit(events)
    assert list(rs.candidates_.columns) == list(CANDIDATE_COLUMNS)
    assert set(rs.candidates_["basis"]) <= set(BASES)
    text = " ".join(rs.candidates_["reason"]).lower()
    for verdict in ("confirmed", "proves", "guilty", "war crime", "deliberate"):
        assert verdict not in text
    assert rs.summary_["candidates"] == len(rs.candidates_)
    empty = RepeatStrikes().fit(events.iloc[:0])
    assert list(empty.candidates_.columns) == list(CANDIDATE_COLUMNS)


def test_place_name_without_coordinates() -> None:
    events, truth = plant_double_taps(background(0, rng=1), 3, rng=2)
    events["place_name"] = [f"Town {i % 3}" for i in range(len(events))]
    events.loc[:, ["lat", "lon"]] = np.nan
    cand = RepeatStrikes().fit(events).candidates_
    assert _pairs(truth) <= _pairs(cand)
    assert cand["reason"].str.contains("same name").all()


def test_place_name_without_coordinates_over_a_wide_day_window() -> None:
    events, truth = plant_double_taps(background(0, rng=1), 3, rng=2)
    events["place_name"] = [f"Town {i % 3}" for i in range(len(events))]
    events.loc[:, ["lat", "lon"]] = np.nan
    events[["time", "time_last"]] = pd.NaT
    later = events["incident_id"].isin(truth["incident_id"])
    events.loc[later, "date_start"] += pd.Timedelta(days=35)
    assert RepeatStrikes(day_window=30).fit(events).candidates_.empty
    for day_window in (35, 40, 10**8):  # one join by town past a month, not a join per day
        assert _pairs(truth) <= _pairs(RepeatStrikes(day_window=day_window).fit(events)
                                       .candidates_)


def test_parameters_are_checked() -> None:
    with pytest.raises(ValueError):
        RepeatStrikes(window_minutes=-1)
    with pytest.raises(ValueError):
        RepeatStrikes(day_window=1.5)  # type: ignore[arg-type]


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), day_window=st.integers(0, 2),
       town_km=st.floats(0.1, 20.0))
def test_pair_index_matches_brute_force(seed: int, day_window: int, town_km: float) -> None:
    """The per-day k-d tree search finds exactly the pairs a quadratic scan finds."""
    gen = np.random.default_rng(seed)
    events = background(60, rng=gen, area_km=30.0, days=5, responder_share=0.4)
    events.loc[gen.random(60) < 0.2, "place_precision"] = "admin1"  # unusable coordinates
    rs = RepeatStrikes(town_km=town_km, day_window=day_window)
    ev = _prepare(events)
    a, b = rs._pairs(ev)
    found = set(zip(a.tolist(), b.tolist(), strict=True))
    day, ok = ev["_day"].to_numpy(), ev["_coords"].to_numpy()
    lat, lon = ev["lat"].to_numpy(), ev["lon"].to_numpy()
    target = (ev["responders"] | ev["health_facility"]).to_numpy()
    reach = rs.reach_days  # timed pairs may span midnight even when day_window is 0
    want = set()
    for i in np.flatnonzero(target & ok):
        for j in np.flatnonzero(ok):
            d = _haversine(lat[i:i + 1], lon[i:i + 1], lat[j:j + 1], lon[j:j + 1])[0]
            if i != j and 0 <= day[i] - day[j] <= reach and d <= town_km * 1000 * 0.999:
                want.add((int(i), int(j)))
    assert want <= found
    for i, j in found:
        d = _haversine(lat[i:i + 1], lon[i:i + 1], lat[j:j + 1], lon[j:j + 1])[0]
        assert 0 <= day[i] - day[j] <= reach and d <= town_km * 1000 * 1.001


def test_day_window_zero_and_facility_hours() -> None:
    events, truth = plant_double_taps(background(0, rng=1), 3, rng=2)
    events["time"] = pd.NaT
    events["time_last"] = pd.NaT
    moved = events.copy()
    later = moved["incident_id"].isin(truth["incident_id"])
    moved.loc[later, "date_start"] = moved.loc[later, "date_start"] + pd.Timedelta(days=1)
    assert len(RepeatStrikes(day_window=1).fit(moved).candidates_) == 3
    assert RepeatStrikes(day_window=0).fit(moved).candidates_.empty
    fac, _ = plant_facility_hits(background(0, rng=3), 5, rng=4, max_hours=10)
    assert len(RepeatStrikes(facility_hours=0.4).fit(fac).candidates_) < 5


def _two_strikes(first: str, second: str) -> pd.DataFrame:
    """A strike without protected victims at ``first`` and one on an ambulance 100 m away at
    ``second`` (both times known, exact places)."""
    events, _truth = plant_double_taps(background(0, rng=1), 1, rng=2)
    events = events.sort_values("categories").reset_index(drop=True)  # context strike first
    for row, stamp in enumerate((pd.Timestamp(first), pd.Timestamp(second))):
        events.loc[row, ["time", "time_last"]] = stamp
        events.loc[row, ["date_start", "date_end"]] = stamp.normalize()
    events.loc[1, "lat"] = events.loc[0, "lat"] + 100 / 111_195.0
    events.loc[1, "lon"] = events.loc[0, "lon"]
    return events


def test_timed_double_tap_across_midnight_whatever_the_day_window() -> None:
    """--day-window bounds only the pairs without times: a strike at 23:40 and one on the
    ambulance at 00:10 are 30 minutes apart, and were missed with day_window=0."""
    events = _two_strikes("2024-02-10 23:40", "2024-02-11 00:10")
    for day_window in (0, 1):
        cand = RepeatStrikes(day_window=day_window).fit(events).candidates_
        assert list(cand["basis"]) == ["time+coordinates"] and list(cand["gap"]) == [30.0]
    # A window of three days reaches a strike two days and an hour before.
    events = _two_strikes("2024-02-10 10:00", "2024-02-12 11:00")
    assert RepeatStrikes(window_minutes=60).fit(events).candidates_.empty
    cand = RepeatStrikes(window_minutes=3 * 1440).fit(events).candidates_
    assert list(cand["gap"]) == [2 * 1440 + 60.0]


def test_untimed_pairs_stay_within_the_day_window_when_the_time_window_is_wide() -> None:
    events = _two_strikes("2024-02-10 10:00", "2024-02-12 11:00")
    events[["time", "time_last"]] = pd.NaT
    assert RepeatStrikes(window_minutes=3 * 1440, day_window=1).fit(events).candidates_.empty
    assert len(RepeatStrikes(day_window=2).fit(events).candidates_) == 1
    # A reach of years stays quick: only days that hold events are looked at.
    assert len(RepeatStrikes(window_minutes=1e9, day_window=10**6).fit(events).candidates_) == 1


def test_targets_choose_the_incidents_scanned_not_the_earlier_strikes() -> None:
    """Filtering the events to the responders' incidents dropped every first strike (a context
    event); ``targets`` scans those incidents against all events."""
    events, truth = plant_double_taps(background(2_000, rng=11), 40, rng=12)
    hit = events.loc[events["responders"], "incident_id"]
    assert RepeatStrikes().fit(events[events["responders"]]).candidates_.merge(
        truth, on=["incident_id", "earlier_id"]).empty
    some = hit.iloc[::2]
    cand = RepeatStrikes().fit(events, targets=some).candidates_
    assert set(cand["incident_id"]) <= set(some)
    wanted = truth[truth["incident_id"].isin(set(some))]
    assert _pairs(wanted) <= _pairs(cand) and len(wanted) > 0
    full = RepeatStrikes().fit(events).candidates_
    assert _pairs(cand) == _pairs(full[full["incident_id"].isin(set(some))])
