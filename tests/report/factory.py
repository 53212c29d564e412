"""A small store for report tests: mirror-image incidents, a dataset document, hostile text.

The two conflict areas are mirror images: each has a first strike and, 30 minutes later at the
same place, a strike on medics, each alleged against the *other* party by a source of each
side, so that any asymmetry in the report would show. One place name and one source name are
HTML/script payloads, to prove the report escapes store text.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from rescuewatch.assess.pipeline import assess_store
from rescuewatch.link.pipeline import link_store
from rescuewatch.model import Claim, DateSpan, Evidence, Perpetrator, Place, Source, Victim
from rescuewatch.store import Store
from rescuewatch.store.claims import add_claims

HOSTILE = "<script>alert(1)</script>"
HOSTILE_SOURCE = Source("hostile.example", "<img src=x onerror=alert(2)>", "channel", None,
                        "unknown", "channels")
SOURCE_A = Source("agency-a.example", "Agency A", "news_agency", "UA", "UA", "a-media")
SOURCE_B = Source("agency-b.example", "Agency B", "news_agency", "RU", "RU", "b-media")
DATASET = Source("ucdp", "Uppsala Conflict Data Program", "dataset", None, "independent",
                 "datasets")

# (country, place, lat, lon, alleged party): the two areas mirror each other.
AREAS = (("UA", "Town North", 48.50, 37.90, "RU"), ("RU", "Town South", 51.70, 36.20, "UA"))


def add_document(store: Store, source: Source, claims: list[Claim], label: str,
                 fmt: str = "text") -> None:
    """Store one document of ``source`` with ``claims``."""
    raw = f"{source.key}|{label}|{len(claims)}".encode()
    sha = hashlib.sha256(raw).hexdigest()
    with store.transaction() as conn:
        source_id = store.source_id(conn, source)
        store.put_blob(conn, sha, [raw])
        doc_id = store.add_document(conn, {
            "sha256": sha, "source_id": source_id, "origin": f"test:{label}", "format": fmt,
            "title": label, "size": len(raw), "text": raw.decode(),
        })
        add_claims(conn, doc_id, claims)


def strike(day: dt.date, time: str, country: str, place: str, lat: float, lon: float,
           categories: tuple[str, ...], party: str | None, *, repeat: bool = False,
           killed: int | None = 1) -> Claim:
    """One claim about a strike at a precise place and time."""
    victims = [Victim(c, killed=killed) for c in categories]
    return Claim(
        date=DateSpan(day, day, "day"), time_of_day=time,
        place=Place(text=place, name=place, country=country, admin1="Region", lat=lat, lon=lon,
                    precision="exact"),
        victims=victims, killed=killed, weapon="drone", repeat_strike=repeat or None,
        perpetrator=Perpetrator(f"forces of {party}" if party else None, party),
        evidence=[Evidence(0, 10, "second strike hit the medics" if repeat else "a strike")],
        description="strike", extractor="test",
    )


def build_store(store: Store, *, extra_days: int = 20) -> Store:
    """Fill ``store`` with the mirror scenario, link and assess it; returns the store."""
    first = dt.date(2023, 5, 10)
    for country, place, lat, lon, party in AREAS:
        for k in range(extra_days):  # background strikes, one every few days nearby
            day = first + dt.timedelta(days=3 * k)
            add_document(store, DATASET, [
                strike(day, "08:00", country, place, lat + 0.01 * (k % 3), lon, (), None,
                       killed=None)], f"ucdp-{country}-{k}", fmt="ucdp")
        for source in (SOURCE_A, SOURCE_B):
            add_document(store, source, [
                strike(first, "10:00", country, place, lat, lon, (), party, killed=None),
                strike(first, "10:30", country, place, lat, lon + 0.002, ("medic", "ambulance"),
                       party, repeat=True),
            ], f"{source.key}-{country}")
    add_document(store, HOSTILE_SOURCE, [
        strike(first + dt.timedelta(days=40), "12:00", "UA", HOSTILE, 47.0, 35.0,
               ("rescuer",), None)], "hostile")
    link_store(store)
    assess_store(store)
    return store
