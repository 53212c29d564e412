"""Building stores of claims and incidents through the store API, for export tests."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any

from rescuewatch.model import Claim, DateSpan, Evidence, Perpetrator, Place, Source, Victim
from rescuewatch.store import Store
from rescuewatch.store.claims import add_claims, iter_claims
from rescuewatch.store.exports import add_incident, set_claim_incident

SOURCE_A = Source(key="outlet-a", name="Outlet A", kind="independent_media", country="XA",
                  affiliation="independent")
SOURCE_B = Source(key="ministry-b", name="Ministry B", kind="government", country="XB",
                  affiliation="party_b")


def add_document(store: Store, source: Source, claims: Iterable[Claim], label: str,
                 fmt: str = "text") -> int:
    """Store one document of ``source`` with ``claims``; returns its id."""
    raw = f"{source.key}|{label}".encode()
    sha = hashlib.sha256(raw).hexdigest()
    with store.transaction() as conn:
        source_id = store.source_id(conn, source)
        store.put_blob(conn, sha, [raw])
        doc_id = store.add_document(conn, {
            "sha256": sha, "source_id": source_id, "origin": f"https://example.org/{label}",
            "format": fmt, "size": len(raw), "title": f"Report {label}",
            "published": dt.date(2024, 3, 2), "text": raw.decode(),
        })
        add_claims(conn, doc_id, list(claims))
    return doc_id


def sample_claims() -> list[Claim]:
    """A small, varied set: full claims, a context event, an aggregate, missing values."""
    return [
        Claim(
            date=DateSpan(dt.date(2024, 3, 1), dt.date(2024, 3, 1), "day"),
            time_of_day="07:40",
            place=Place(text="near the town of Alfa", name="Alfa", country="UA", admin1="Region One",
                        lat=48.123456789, lon=37.987654321, geonameid=123456, precision="near"),
            victims=[Victim("medic", killed=2, injured=1), Victim("ambulance", affected=1,
                                                                   harm="damaged")],
            weapon="drone", repeat_strike=True,
            perpetrator=Perpetrator("forces of party A", "party_a"),
            evidence=[Evidence(0, 24, "Two paramedics were killed", "victims"),
                      Evidence(30, 52, "a second drone struck", "repeat_strike")],
            confidence=0.87, row_ref="p3", extractor="rules", extractor_version="0.1",
            reported_certainty="probable", event_type="strike", description="Crew hit; =SUM(A1)",
            original={"headline": "Crew hit", "n": 3, "nested": {"k": [1, 2]}},
        ),
        Claim(
            date=DateSpan(dt.date(2024, 2, 1), dt.date(2024, 2, 29), "month"),
            place=Place(text="Бета", name="Бета", country="RU", admin1="Область Два",
                        lat=51.5, lon=36.25, precision="city"),
            victims=[Victim("rescuer", killed=1), Victim("firefighter", injured=3)],
            weapon="artillery", perpetrator=Perpetrator("forces of party B", "party_b"),
            description="-пожарные пострадали", row_ref="17", reported_certainty="confirmed",
            original={"Дата": "2024-02", "note": "@mention"},
        ),
        Claim(  # a context event: no protected victims
            date=DateSpan(dt.date(2019, 5, 4), dt.date(2019, 5, 10), "week"),
            place=Place(name="Gamma", country="SY", lat=35.0, lon=38.5, precision="admin2"),
            killed=12, injured=None, weapon="airstrike", event_type="state-based conflict",
            row_ref="ged-991", original={"id": 991, "best": 12},
        ),
        Claim(  # an aggregate statement with no place and no date precision
            is_aggregate=True, victims=[Victim("aid_worker", killed=19)],
            description="+19 aid workers killed since 2022",
        ),
        Claim(  # withheld location
            date=DateSpan(dt.date(2023, 11, 5), None, "year"),
            place=Place(country="PS", precision="censored"),
            victims=[Victim("health_facility", affected=1, harm="destroyed"),
                     Victim("patient", killed=None, injured=4)],
            weapon="unknown",
        ),
    ]


def build_sample_store(store: Store) -> list[int]:
    """Two sources, two documents, five claims, two incidents; returns the incident ids."""
    claims = sample_claims()
    add_document(store, SOURCE_A, claims[:1] + claims[2:], "a")
    add_document(store, SOURCE_B, claims[1:2], "b")
    with store.transaction() as conn:
        first = add_incident(conn, {
            "date_start": dt.date(2024, 3, 1), "date_end": dt.date(2024, 3, 1),
            "date_precision": "day", "place_name": "Alfa", "country": "UA", "admin1": "Region One",
            "lat": 48.123456789, "lon": 37.987654321, "place_precision": "near",
            "categories": "ambulance,medic", "weapons": "drone", "killed_min": 2,
            "killed_max": 3, "injured_min": 1, "injured_max": 1, "repeat_strike": True,
            "protected": True, "n_claims": 1, "n_sources": 1, "certainty": "possible",
            "certainty_rationale": '=HYPERLINK("https://example.org")', "review_status": "unreviewed",
            "perpetrators": [{"party": "party_a", "text": None, "alleged_by": ["outlet-a"]},
                             {"party": "party_b", "text": None, "alleged_by": ["ministry-b"]}],
        })
        second = add_incident(conn, {
            "date_start": dt.date(2023, 11, 5), "country": "PS", "place_precision": "censored",
            "categories": "health_facility,patient", "protected": True, "n_claims": 1,
            "n_sources": 1, "review_status": "confirmed",
        })
        set_claim_incident(conn, [1], first)
        set_claim_incident(conn, [4], second)
    return [first, second]


def stored_claims(store: Store) -> list[tuple[Claim, dict[str, Any]]]:
    return list(iter_claims(store))


def comparable(claim: Claim) -> dict[str, Any]:
    """Every claim field that a round trip must keep (ids, incident and original aside)."""
    return {
        "date": claim.date, "time_of_day": claim.time_of_day, "place": claim.place,
        "victims": sorted(claim.victims, key=lambda v: v.category), "killed": claim.killed,
        "injured": claim.injured, "weapon": claim.weapon, "repeat_strike": claim.repeat_strike,
        "perpetrator": claim.perpetrator, "is_aggregate": claim.is_aggregate,
        "evidence": claim.evidence, "confidence": claim.confidence, "row_ref": claim.row_ref,
        "extractor": claim.extractor, "extractor_version": claim.extractor_version,
        "reported_certainty": claim.reported_certainty, "event_type": claim.event_type,
        "description": claim.description,
    }
