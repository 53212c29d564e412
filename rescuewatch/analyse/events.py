"""Events for the analyses: one row per incident (or per claim), as a pandas DataFrame.

Every analysis in :mod:`rescuewatch.analyse` works on the same tidy table, so that a notebook
can filter it, add rows (context events from another source) or hand it to any analysis. The
table keeps what the store knows and nothing more: an unknown value is missing (``NaN``,
``NaT``, ``<NA>``), never guessed. Alleged perpetrators are what the sources allege.

Columns
-------
incident_id, date_start, date_end (``datetime64``), date_precision, time (``datetime64``; the
earliest time of day a claim gives for the incident's first day, ``NaT`` when no claim gives
one), lat, lon, place_precision, country, admin1, place_name, categories (comma-joined victim
categories, ``""`` for a context event), protected, responders (a medic, ambulance,
firefighter or rescuer was hit), health_facility, killed_min, killed_max, injured_min,
injured_max (nullable integers), weapon (comma-joined), perpetrators (comma-joined alleged
parties: the party code, or the words as written where no party code was assigned), certainty,
n_claims, n_sources, repeat_cue (a claim describes a repeat strike).

Two more columns serve the repeat-strike analysis, because linking may merge a first strike
and the strike on responders that followed it into one incident: ``time_last`` (the latest
claim time on the first day) and ``mixed`` (some claims of the incident report protected
victims and others report none).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rescuewatch.analyse.points import Points, days_since, project_points
from rescuewatch.model import RESPONDER_CATEGORIES, expand_categories
from rescuewatch.store import analysis as q
from rescuewatch.store.core import Store

__all__ = ["EVENT_COLUMNS", "EventFilter", "event_points", "events_from_claims", "load_events"]

EVENT_COLUMNS: tuple[str, ...] = (
    "incident_id", "date_start", "date_end", "date_precision", "time", "lat", "lon",
    "place_precision", "country", "admin1", "place_name", "categories", "protected",
    "responders", "health_facility", "killed_min", "killed_max", "injured_min", "injured_max",
    "weapon", "perpetrators", "certainty", "n_claims", "n_sources", "repeat_cue",
    "time_last", "mixed",
)
_COUNTS = ("killed_min", "killed_max", "injured_min", "injured_max")
#: Place precisions too vague to be "the same place": area centroids and withheld places.
COARSE_PLACES: tuple[str, ...] = ("admin2", "admin1", "country", "censored")
#: Place precisions too vague for distances of metres (Knox, near-repeat): besides the areas,
#: a district's centroid and "near" (UCDP's and Insecurity Insight's "within about 25 km",
#: put on the nearest town's point). Many events on one such point pair up at 0 m and look
#: like clustering: in the bundled examples 3,876 of 3,965 pairs within 500 m were.
VAGUE_POINTS: tuple[str, ...] = (*COARSE_PLACES, "district", "near")


@dataclass(frozen=True)
class EventFilter:
    """Which events to analyse; every field is optional and fields combine with AND.

    Parameters
    ----------
    category : str, optional
        Victim categories, comma-separated (any of them matches); ``responders`` stands for
        ambulance, medic, firefighter and rescuer.
    country : str, optional
        ISO 3166-1 alpha-2 code.
    admin1 : str, optional
        First-level administrative area, as stored (case-insensitive).
    since, until : datetime.date, optional
        Inclusive bounds on the event's first day.
    perpetrator : str, optional
        Party alleged by at least one source (an allegation, not a finding): a party code,
        or, for claims without one, the perpetrator as written (as in the ``perpetrators``
        column; commas read as ";", ASCII letter case ignored).
    certainty_min : str, optional
        Lowest certainty grade kept (``rumour`` < ``possible`` < ``probable`` < ``confirmed``).
    protected_only : bool, default False
        Drop context events (strikes without protected victims).
    """

    category: str | None = None
    country: str | None = None
    admin1: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    perpetrator: str | None = None
    certainty_min: str | None = None
    protected_only: bool = False

    def to_store(self) -> q.AnalysisFilter:
        """The filter in store terms (aliases expanded, grades listed)."""
        return q.AnalysisFilter(
            categories=expand_categories(self.category), country=self.country,
            admin1=self.admin1, since=self.since, until=self.until, party=self.perpetrator,
            certainties=q.certainties_from(self.certainty_min),
            protected_only=self.protected_only,
        )


def load_events(store: Store, flt: EventFilter | None = None, *,
                claims_if_unlinked: bool = True) -> pd.DataFrame:
    """One row per incident of ``store`` matching ``flt`` (columns: :data:`EVENT_COLUMNS`).

    Parameters
    ----------
    store : rescuewatch.store.Store
    flt : EventFilter, optional
        Filter; default every incident, context events included.
    claims_if_unlinked : bool, default True
        When the store holds no incident yet (``rescuewatch link`` has not run), fall back on
        :func:`events_from_claims`, each claim standing for one incident.

    Returns
    -------
    pandas.DataFrame
        Sorted by ``date_start`` then ``incident_id``. Claims ingested after the last
        ``rescuewatch link`` belong to no incident yet and are not included.
    """
    flt = flt or EventFilter()
    if claims_if_unlinked and not q.has_incidents(store):
        return events_from_claims(store, flt)
    sflt = flt.to_store()
    rows = q.incident_events(store, sflt)
    facts = q.claim_facts(store, sflt)
    out = pd.DataFrame({"incident_id": rows["id"].astype("int64")})
    _dates_places(out, rows)
    out["categories"] = rows["categories"].fillna("").astype(str)
    out["protected"] = rows["protected"].fillna(False).astype(bool)
    for name in _COUNTS:
        out[name] = pd.array(rows[name], dtype="Int64")
    out["weapon"] = rows["weapons"].fillna("").astype(str)
    out["certainty"] = rows["certainty"]
    out["n_claims"] = rows["n_claims"].fillna(0).astype("int64")
    out["n_sources"] = rows["n_sources"].fillna(0).astype("int64")
    per = _per_incident(facts)
    out["time"], out["time_last"] = _claim_times(out, facts)
    out["mixed"] = out["incident_id"].map(per["mixed"]).astype("boolean").fillna(False).astype(bool)
    ids = out["incident_id"]
    out["perpetrators"] = ids.map(per["perpetrators"]).astype("string").fillna("").astype(str)
    cue = ids.map(per["repeat_cue"]).astype("boolean").fillna(False).astype(bool)
    out["repeat_cue"] = cue | rows["repeat_strike"].fillna(False).astype(bool)
    return _finish(out)


def events_from_claims(store: Store, flt: EventFilter | None = None) -> pd.DataFrame:
    """One row per non-aggregate claim, each claim taken as an incident of its own.

    For stores whose claims have not been linked: the same event told by two sources then
    counts twice, so counts and clustering overstate; link first where possible.
    ``incident_id`` holds the claim id. ``certainty`` is the grade the source itself reported
    (``certainty_min`` filters on it).
    """
    flt = flt or EventFilter()
    rows = q.claim_events(store, flt.to_store())
    if flt.certainty_min:
        rows = rows[rows["reported_certainty"].isin(q.certainties_from(flt.certainty_min))]
    rows = rows.reset_index(drop=True)
    out = pd.DataFrame({"incident_id": rows["id"].astype("int64")})
    _dates_places(out, rows)
    out["categories"] = rows["categories"].fillna("").astype(str)
    out["protected"] = rows["protected"].fillna(False).astype(bool)
    killed = pd.array(rows["killed"], dtype="Int64")
    injured = pd.array(rows["injured"], dtype="Int64")
    out["killed_min"], out["killed_max"] = killed, killed.copy()
    out["injured_min"], out["injured_max"] = injured, injured.copy()
    out["weapon"] = rows["weapon"].fillna("").astype(str)
    out["certainty"] = rows["reported_certainty"]
    out["n_claims"] = 1
    out["n_sources"] = 1
    tod = _time_of_day(rows["time_of_day"])
    day = rows["date_precision"].eq("day").to_numpy()
    out["time"] = (out["date_start"] + tod).where(day & tod.notna().to_numpy())
    out["time_last"] = out["time"]
    out["mixed"] = False
    party = rows["perpetrator_party"].where(rows["perpetrator_party"].notna(),
                                            rows["perpetrator_text"])
    out["perpetrators"] = _no_commas(party).fillna("").astype(str)
    out["repeat_cue"] = rows["repeat_strike"].fillna(False).astype(bool)
    out = _finish(out)
    out.attrs["by_claim"] = True
    return out


def _dates_places(out: pd.DataFrame, rows: pd.DataFrame) -> None:
    out["date_start"] = pd.to_datetime(rows["date_start"])
    out["date_end"] = pd.to_datetime(rows["date_end"]).fillna(out["date_start"])
    out["date_precision"] = rows["date_precision"]
    out["lat"] = pd.to_numeric(rows["lat"]).astype("float64")
    out["lon"] = pd.to_numeric(rows["lon"]).astype("float64")
    for name in ("place_precision", "country", "admin1", "place_name"):
        out[name] = rows[name]


def _no_commas(values: pd.Series) -> pd.Series:
    """Free-text allegations with commas replaced, so the comma-joined list stays a list."""
    return values.astype("string").str.replace(",", ";", regex=False).str.strip()


def _time_of_day(values: pd.Series) -> pd.Series:
    """``"HH:MM"`` strings as timedeltas (``NaT`` when missing or unreadable)."""
    text = values.astype("string").str.strip()
    text = text.where(~text.str.fullmatch(r"\d{1,2}:\d{2}").fillna(False), text + ":00")
    return pd.to_timedelta(text, errors="coerce")


def _per_incident(facts: pd.DataFrame) -> dict[str, pd.Series]:
    if facts.empty:
        empty = pd.Series(dtype=object)
        return {"perpetrators": empty, "repeat_cue": empty, "mixed": empty}
    party = facts["perpetrator_party"].where(facts["perpetrator_party"].notna(),
                                             facts["perpetrator_text"])
    named = pd.DataFrame({"incident_id": facts["incident_id"], "p": _no_commas(party)}).dropna()
    named = named[named["p"].astype(str).str.strip() != ""]
    perps = named.groupby("incident_id")["p"].agg(lambda s: ",".join(sorted(set(map(str, s)))))
    cue = facts["repeat_strike"].fillna(False).astype(bool).groupby(facts["incident_id"]).any()
    prot = facts["protected"].fillna(False).astype(bool).groupby(facts["incident_id"])
    mixed = prot.any() & ~prot.all()
    return {"perpetrators": perps, "repeat_cue": cue, "mixed": mixed}


def _claim_times(out: pd.DataFrame, facts: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Earliest and latest claim time on the incident's first day (day-precise dates only)."""
    if facts.empty:
        nat = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns]")
        return nat, nat.copy()
    stamp = pd.to_datetime(facts["date_start"]) + _time_of_day(facts["time_of_day"])
    start = out.set_index("incident_id")["date_start"]
    same_day = pd.to_datetime(facts["date_start"]).to_numpy() == \
        facts["incident_id"].map(start).to_numpy()
    keep = same_day & stamp.notna().to_numpy()
    grouped = stamp[keep].groupby(facts["incident_id"][keep])
    day = out["date_precision"].eq("day").to_numpy()

    def spread(values: pd.Series) -> pd.Series:
        result = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns]")
        if len(values):
            mapped = out["incident_id"].map(values.astype("datetime64[ns]"))
            result = pd.to_datetime(mapped).astype("datetime64[ns]")
        result[~day] = pd.NaT
        return result

    return spread(grouped.min()), spread(grouped.max())


def _finish(out: pd.DataFrame) -> pd.DataFrame:
    cats = out["categories"].str.split(",")
    out["responders"] = cats.map(lambda c: bool(RESPONDER_CATEGORIES.intersection(c)))
    out["health_facility"] = cats.map(lambda c: "health_facility" in c)
    for name in ("time", "time_last"):
        out[name] = pd.to_datetime(out[name]).astype("datetime64[ns]")
    for name in ("date_start", "date_end"):
        out[name] = out[name].astype("datetime64[ns]")
    out = out.sort_values(["date_start", "incident_id"], na_position="last", kind="stable")
    return out.loc[:, list(EVENT_COLUMNS)].reset_index(drop=True)


def event_points(
    events: pd.DataFrame,
    *,
    centre: tuple[float, float] | None = None,
    date_precisions: tuple[str, ...] = ("day",),
    place_precisions: tuple[str, ...] | None = None,
    use_time: bool = False,
    near_m: float | None = None,
) -> tuple[Points, pd.DataFrame]:
    """Events as projected points for :class:`~rescuewatch.analyse.knox.Knox` and NearRepeat.

    Parameters
    ----------
    events : pandas.DataFrame
        From :func:`load_events` (needs ``lat, lon, date_start``; ``time`` with ``use_time``).
    centre : (lat, lon), optional
        Projection centre; default the centroid (see :mod:`rescuewatch.analyse.points`).
    date_precisions : tuple of str, default ``("day",)``
        Keep events dated this precisely; a month-precise date would put a strike up to 30
        days from where it belongs and blur any pattern in day bands.
    place_precisions : tuple of str, optional
        Keep only events placed this precisely (e.g. ``("exact", "near", "city")``). By
        default every event is kept except those in :data:`VAGUE_POINTS`: placed only at an
        administrative area, a district or country, within about 25 km, or withheld. They
        sit on a centroid or a town's point, and many events on one point would look like a
        spatial cluster.
    use_time : bool, default False
        Add the time of day as a fraction of a day where known. Off by default, so that
        "same day" (the band ``[0, 0]``) means the same calendar day for every event.
    near_m : float, optional
        The largest distance the analysis looks at, in metres: given (and no ``centre``),
        each area is projected around its own centre (see
        :func:`~rescuewatch.analyse.points.project_apart`), so events in several countries
        keep their distances; ``origin`` is then ``None``.

    Returns
    -------
    points : rescuewatch.analyse.points.Points
        ``x, y`` in metres, ``t`` in days since the earliest date.
    used : pandas.DataFrame
        The events kept, in the order of the points.
    """
    keep = events["lat"].notna() & events["lon"].notna() & events["date_start"].notna()
    keep &= events["date_precision"].isin(date_precisions)
    if place_precisions is not None:
        keep &= events["place_precision"].isin(place_precisions)
    else:
        keep &= ~events["place_precision"].isin(VAGUE_POINTS)
    used = events[keep].reset_index(drop=True)
    x, y, origin = project_points(used["lat"].to_numpy(float), used["lon"].to_numpy(float),
                                  centre, near_m)
    stamps = used["date_start"]
    if use_time:
        stamps = used["time"].where(used["time"].notna(), used["date_start"])
    if used.empty:
        return Points(x, y, np.zeros(0), origin, None), used
    t, epoch = days_since(stamps.to_numpy("datetime64[s]"))
    return Points(x, y, t, origin, epoch), used
