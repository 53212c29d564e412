"""Writing documents and claims straight through the store API, for linking and grading tests."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from rescuewatch.model import Claim, DateSpan, Perpetrator, Place, Source, Victim
from rescuewatch.store import Store
from rescuewatch.store.claims import add_claims


def add_document(store: Store, source: Source, claims: list[Claim], *, label: str = "") -> int:
    """Store one document of ``source`` making ``claims``; returns the document id."""
    body = f"{source.key}|{label}|{len(claims)}|" + "|".join(
        f"{c.date.start}{c.place.name}{c.killed}{c.description}" for c in claims
    )
    raw = body.encode()
    sha = hashlib.sha256(raw).hexdigest()
    with store.transaction() as conn:
        source_id = store.source_id(conn, source)
        store.put_blob(conn, sha, [raw])
        doc_id = store.add_document(conn, {
            "sha256": sha, "source_id": source_id, "origin": f"test:{source.key}:{label}",
            "format": "text", "size": len(raw), "text": body,
        })
        add_claims(conn, doc_id, claims)
    return doc_id


def claim(day: str, *, lat: float | None = 48.0, lon: float | None = 37.8,
          place: str | None = "Town", precision: str = "city", country: str | None = "UA",
          admin1: str | None = "Region A", date_precision: str = "day",
          categories: tuple[str, ...] = ("medic",), killed: int | None = 1,
          injured: int | None = None, weapon: str | None = "drone", party: str | None = None,
          perpetrator_text: str | None = None, description: str | None = None,
          reported_certainty: str | None = None, row_ref: str | None = None,
          aggregate: bool = False, end: str | None = None, **extra: Any) -> Claim:
    """A claim with sensible defaults; any field can be overridden."""
    start = dt.date.fromisoformat(day)
    victims = [Victim(c, killed=killed if i == 0 else None, injured=injured if i == 0 else None)
               for i, c in enumerate(categories)]
    return Claim(
        date=DateSpan(start, dt.date.fromisoformat(end) if end else None, date_precision),
        place=Place(text=place, name=place, country=country, admin1=admin1, lat=lat, lon=lon,
                    precision=precision),
        victims=victims, killed=killed, injured=injured, weapon=weapon,
        perpetrator=Perpetrator(perpetrator_text, party), description=description,
        reported_certainty=reported_certainty, row_ref=row_ref, is_aggregate=aggregate, **extra,
    )


def linking_benchmark(shared_data: Path, module: str) -> ModuleType:
    """A module of benchmarks/linking (``evaluate``, ``generate``); skips without UCDP Syria."""
    if not (shared_data / "ucdp_ged191_syria_2016-01_2019-11.csv.gz").exists():
        pytest.skip("UCDP Syria file absent")
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks" / "linking"))
    try:
        return importlib.import_module(module)
    finally:
        sys.path.pop(0)
