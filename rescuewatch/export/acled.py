"""ACLED-style CSV: claims or incidents in ACLED's current 31-column layout.

The layout lets tools built for ACLED exports read rescuewatch data. It is an *approximation*
of ACLED's coding, documented column by column in docs/exports.md:

- ``event_type`` / ``sub_event_type``: a claim read from an ACLED file keeps ACLED's own values;
  any other claim is mapped from its weapon (:data:`WEAPON_EVENT_TYPES`), or without one from
  UCDP's type of violence (:data:`EVENT_TYPE_EVENTS`).
- ``actor1`` is the perpetrator **as alleged by** the claim's source (named in ``source``),
  never an established fact; incidents list every alleged perpetrator with its sources.
- ``fatalities`` is empty when no number is known (ACLED would write 0; rescuewatch never
  guesses), and the lowest claim's count for incidents.

Columns rescuewatch does not model (``inter1``, ``interaction``, ``admin2`` ...) are empty, except
for claims that came from an ACLED file, which keep ACLED's original values.

Aggregate statements ("11 medical workers killed since the start of the year") are left out
(:func:`events_only`): an ACLED row is one event, and tools sum ``fatalities`` over rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from rescuewatch.export.records import (
    category_words,
    countries,
    perpetrators_text,
    victims_summary,
)
from rescuewatch.model import Claim

COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
)

REMOTE = "Explosions/Remote violence"
#: weapon -> (disorder_type, event_type, sub_event_type). ACLED has no drone-only sub-event
#: type: drones and aircraft share "Air/drone strike".
WEAPON_EVENT_TYPES: dict[str | None, tuple[str, str, str]] = {
    "drone": ("Political violence", REMOTE, "Air/drone strike"),
    "airstrike": ("Political violence", REMOTE, "Air/drone strike"),
    "missile": ("Political violence", REMOTE, "Shelling/artillery/missile attack"),
    "artillery": ("Political violence", REMOTE, "Shelling/artillery/missile attack"),
    "mine_ied": ("Political violence", REMOTE, "Remote explosive/landmine/IED"),
    "small_arms": ("Political violence", "Violence against civilians", "Attack"),
}
#: Other, unknown or missing weapons: an attack on people who are protected as civilians.
DEFAULT_EVENT_TYPE = ("Political violence", "Violence against civilians", "Attack")
#: A claim with no weapon, from a dataset whose event type says who fought whom (UCDP's type
#: of violence): fighting between armed parties is a battle, not an attack on civilians.
BATTLE = ("Political violence", "Battles", "Armed clash")
EVENT_TYPE_EVENTS: dict[str, tuple[str, str, str]] = {
    "state-based conflict": BATTLE,
    "non-state conflict": BATTLE,
    "one-sided violence": DEFAULT_EVENT_TYPE,
    "battles": BATTLE,  # ACLED's own, on an incident of ACLED rows
    "violence against civilians": DEFAULT_EVENT_TYPE,
}

TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3}
GEO_PRECISION = {
    # "near": within about 25 km (UCDP, Insecurity Insight), ACLED's "nearby" 2, not the town's 1
    "exact": 1, "city": 1, "near": 2, "district": 2, "admin2": 2, "admin1": 3, "country": 3,
}


#: ISO-2 -> the name ACLED gives a country where it differs from GeoNames' English name.
#: Tools built for ACLED exports select countries by these names.
ACLED_COUNTRY_NAMES: dict[str, str] = {
    "PS": "Palestine",
    "CD": "Democratic Republic of Congo",
    "CG": "Republic of Congo",
    "SZ": "eSwatini",
}


def country_fields(iso2: str | None) -> dict[str, Any]:
    """ACLED's ``iso`` (numeric ISO 3166) and ``country`` (ACLED's English name, else
    GeoNames') for an ISO-2 code."""
    code = (iso2 or "").upper()
    info = countries().get(code)
    if info is None:
        return {"iso": None, "country": iso2}
    return {"iso": info["isonumeric"], "country": ACLED_COUNTRY_NAMES.get(code, info["name"])}


def _date_fields(start: Any, precision: str | None) -> dict[str, Any]:
    if start is None:
        return {"event_date": None, "year": None, "time_precision": None}
    day = start if isinstance(start, dt.date) else dt.date.fromisoformat(str(start)[:10])
    return {
        "event_date": day.isoformat(),
        "year": day.year,
        "time_precision": TIME_PRECISION.get(precision or "", 3),
    }


def _from_acled(claim: Claim, extra: Mapping[str, Any]) -> Mapping[str, Any]:
    if extra.get("document_format") == "acled" and isinstance(claim.original, dict):
        return claim.original
    return {}


#: Weapon classes in words, for the notes: ACLED has no weapon column, and its sub-event types
#: join drones with aircraft and missiles with shells, and say nothing of small arms.
WEAPON_WORDS = {"drone": "drone", "airstrike": "air strike", "missile": "missile",
                "artillery": "artillery", "small_arms": "small arms", "mine_ied": "mine or IED",
                "other": "other weapon"}


def weapons_sentence(weapons: Iterable[str | None]) -> str | None:
    """``Weapon: drone.`` (``Weapons: …`` for several); ``None`` when none is known."""
    named = [WEAPON_WORDS[w] for w in weapons if w in WEAPON_WORDS]
    if not named:
        return None
    return f"Weapon{'s' if len(named) > 1 else ''}: {', '.join(named)}."


#: The sentence that carries the repeat-strike flag, for which ACLED has no column.
REPEAT_SENTENCE = "Repeat strike on responders reported."


def _notes(description: str | None, victims: str | None, perpetrator: str | None,
           source: str | None, weapon: str | None = None, repeat: bool | None = None,
           ) -> str | None:
    parts = [description.strip()] if description and description.strip() else []
    if parts and not parts[0].endswith((".", "!", "?", "…")):
        # a headline has no full stop, and the next sentence would run on from it
        parts[0] += "."
    if victims:
        parts.append(f"Protected victims: {victims}.")
    if weapon:
        parts.append(weapon)
    if repeat:
        parts.append(REPEAT_SENTENCE)
    if perpetrator:
        parts.append(f"Perpetrator as alleged by {source or 'the source'}: {perpetrator}.")
    return " ".join(parts) or None


def events_only(rows: Iterable[tuple[Claim, Mapping[str, Any]]],
                on_left_out: Callable[[Claim], None]) -> Iterator[tuple[Claim, Mapping[str, Any]]]:
    """The claims of ``rows`` that are events; ``on_left_out`` is called with each aggregate."""
    for claim, extra in rows:
        if claim.is_aggregate:
            on_left_out(claim)
        else:
            yield claim, extra


def claim_row(claim: Claim, extra: Mapping[str, Any]) -> dict[str, Any]:
    """One claim in ACLED's columns."""
    acled = _from_acled(claim, extra)
    row: dict[str, Any] = {c: acled.get(c) for c in COLUMNS}
    disorder, event_type, sub_event = WEAPON_EVENT_TYPES.get(
        claim.weapon, EVENT_TYPE_EVENTS.get((claim.event_type or "").lower(), DEFAULT_EVENT_TYPE))
    if acled:
        event_type = acled.get("event_type") or claim.event_type or event_type
        sub_event = acled.get("sub_event_type") or sub_event
        disorder = acled.get("disorder_type") or disorder
    perpetrator = claim.perpetrator.text or claim.perpetrator.party
    source = extra.get("source_name") or extra.get("source_key")
    row.update(
        event_id_cnty=(claim.row_ref if acled and claim.row_ref else f"RW-C{claim.id}"),
        **_date_fields(claim.date.start, claim.date.precision),
        disorder_type=disorder,
        event_type=event_type,
        sub_event_type=sub_event,
        actor1=perpetrator,
        **country_fields(claim.place.country),
        admin1=claim.place.admin1,
        location=claim.place.name or claim.place.text,
        latitude=claim.place.lat,
        longitude=claim.place.lon,
        geo_precision=GEO_PRECISION.get(claim.place.precision or ""),
        source=source,
        notes=_notes(claim.description, victims_summary(claim), perpetrator, source,
                     weapons_sentence([claim.weapon]), claim.repeat_strike),
        fatalities=claim.killed,
        tags=acled.get("tags") or ("; ".join(claim.categories) or None),
    )
    if acled.get("country"):
        row["country"] = acled["country"]
        row["iso"] = acled.get("iso", row["iso"])
    return row


def incident_row(incident: Mapping[str, Any]) -> dict[str, Any]:
    """One incident in ACLED's columns (every alleged perpetrator in ``actor1``)."""
    weapons = [w for w in (incident.get("weapons") or "").split(",") if w]
    disorder, event_type, sub_event = (
        WEAPON_EVENT_TYPES.get(weapons[0], DEFAULT_EVENT_TYPE) if len(weapons) == 1
        else _by_event_types(incident.get("event_types") or []) if not weapons
        else _mixed(weapons)
    )
    categories = [c for c in (incident.get("categories") or "").split(",") if c]
    killed = _range(incident.get("killed_min"), incident.get("killed_max"))
    injured = _range(incident.get("injured_min"), incident.get("injured_max"))
    harms = "; ".join(f"{harm} {n}" for harm, n in (("killed", killed), ("injured", injured)) if n)
    certainty = incident.get("certainty")
    if categories:
        named = [category_words(c) for c in categories]
        notes = _notes(None, "; ".join([*named, *([harms] if harms else [])]), None, None) or ""
    else:  # a context event: its casualties are not protected people
        notes = f"No protected victims reported; {harms}." if harms else ""
    if weapons:
        notes = " ".join(filter(None, (notes, weapons_sentence(weapons))))
    if incident.get("repeat_strike"):
        notes = " ".join(filter(None, (notes, REPEAT_SENTENCE)))
    if certainty:
        notes += f" Certainty: {certainty}."
    return {
        **{c: None for c in COLUMNS},
        "event_id_cnty": f"RW-I{incident.get('id')}",
        **_date_fields(incident.get("date_start"), incident.get("date_precision")),
        "disorder_type": disorder,
        "event_type": event_type,
        "sub_event_type": sub_event,
        "actor1": perpetrators_text(incident.get("perpetrators") or []),
        **country_fields(incident.get("country")),
        "admin1": incident.get("admin1"),
        "location": incident.get("place_name"),
        "latitude": incident.get("lat"),
        "longitude": incident.get("lon"),
        "geo_precision": GEO_PRECISION.get(incident.get("place_precision") or ""),
        "source": "; ".join(incident.get("sources") or []) or None,
        "notes": notes.strip() or None,
        "fatalities": incident.get("killed_min"),
        "tags": "; ".join(categories) or None,
    }


def _by_event_types(event_types: list[str]) -> tuple[str, str, str]:
    """No weapon named: the event type the claims' datasets agree on (UCDP's state-based
    conflict is a battle), else the default."""
    found = {EVENT_TYPE_EVENTS.get(t, DEFAULT_EVENT_TYPE) for t in event_types}
    return found.pop() if len(found) == 1 else DEFAULT_EVENT_TYPE


def _mixed(weapons: list[str]) -> tuple[str, str, str]:
    """Several weapons: the first remote weapon's type, else the default."""
    for w in weapons:
        if w in WEAPON_EVENT_TYPES and WEAPON_EVENT_TYPES[w][1] == REMOTE:
            return WEAPON_EVENT_TYPES[w]
    return DEFAULT_EVENT_TYPE


def _range(low: int | None, high: int | None) -> str | None:
    if low is None and high is None:
        return None
    if low == high or high is None:
        return str(low)
    if low is None:
        return f"up to {high}"
    return f"{low}-{high}"
