"""The machinery that makes linking scale: slabs, compact features, two cores, bulk writes.

Each test checks that the fast path gives exactly what the plain definition gives.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

import numpy as np
import pytest

from rescuewatch.link import features as feat
from rescuewatch.link import pipeline as pl
from rescuewatch.link.blocking import (
    GAP_DAYS,
    MAX_SPAN_DAYS,
    blockable,
    candidate_pairs,
    slab_pairs,
    slabs,
)
from rescuewatch.link.cluster import cluster
from rescuewatch.link.score import DEFAULT_WEIGHTS, Signer, TextSignatures, signature
from rescuewatch.model import Evidence, Source
from rescuewatch.store import Store
from rescuewatch.store import incidents as db
from tests.link.factory import add_document, claim

EPOCH = dt.date(1970, 1, 1)


def _rows(n: int, seed: int) -> list[tuple[Any, ...]]:
    """Random claims shaped like LINK_COLUMNS: dense in space and time, every precision."""
    rng = random.Random(seed)
    rows = []
    for i in range(1, n + 1):
        day = (dt.date(2024, 1, 1) - EPOCH).days + rng.randint(0, 120)
        date_prec = rng.choice(["day"] * 6 + ["week", "month", "year"])
        place_prec = rng.choice(["exact", "near", "city", "district", "admin2", "admin1",
                                 "country", None])
        point = place_prec not in ("admin1", "country") or rng.random() < 0.3
        lat = 48.0 + rng.uniform(-0.5, 0.5) if point else None
        lon = 37.0 + rng.uniform(-0.5, 0.5) if point else None
        admin = rng.choice(["Region A", "Region B", None])
        rows.append((
            i, rng.randint(1, n // 3), rng.randint(1, 5), f"{rng.randrange(16**15):015x}",
            rng.choice([None, "r1", "r2"]), day, None, date_prec, lat, lon, place_prec,
            rng.choice(["UA", "UA", "RU", None]), admin, rng.choice(["Town", "Village", None]),
            None, rng.choice(["medic", "ambulance,medic", None]),
            rng.choice(["drone", "artillery", None]), rng.choice(["RU", "UA", None]),
            rng.choice([1, 2, None]), None, None, 1, None, rng.choice([None, "someone"]),
        ))
    return rows


def _brute_pairs(f: feat.Features) -> set[tuple[int, int]]:
    """Candidate pairs by the definition in rescuewatch.link.blocking, checked pair by pair."""
    ok = blockable(f)
    out = set()
    for i in range(f.n):
        for j in range(i + 1, f.n):
            if not (ok[i] and ok[j]) or f.document[i] == f.document[j]:
                continue
            if max(f.lo[i], f.lo[j]) - min(f.hi[i], f.hi[j]) > GAP_DAYS:
                continue
            ri, rj = f.region[i], f.region[j]
            if ri == 0 and rj == 0:
                near = np.linalg.norm(f.xyz[i] - f.xyz[j]) <= f.tol_km[i] + f.tol_km[j]
            elif 2 in (ri, rj):
                near = f.country[i] >= 0 and f.country[i] == f.country[j]
            else:
                near = f.admin1[i] >= 0 and f.admin1[i] == f.admin1[j]
            if near:
                out.add((i, j))
    return out


def test_slabs_find_exactly_the_pairs_of_the_definition() -> None:
    f = feat.build([_rows(400, seed=5)])
    expected = _brute_pairs(f)
    assert expected, "the sample should have candidate pairs"
    found = candidate_pairs(f)
    assert {tuple(p) for p in found.tolist()} == expected
    # Many small slabs (each a few days) find the same pairs, each exactly once.
    small = np.concatenate([slab_pairs(f, s) for s in slabs(f, size=25)])
    assert len(small) == len(expected)
    assert {tuple(p) for p in small.tolist()} == expected
    assert len(slabs(f, size=25)) > 5


def test_slab_look_back_covers_the_longest_span() -> None:
    f = feat.build([_rows(300, seed=9)])
    for s in slabs(f, size=20):
        owned = (f.lo >= s.first) & (f.lo < s.last) & blockable(f)
        assert set(np.flatnonzero(owned)) <= set(s.members.tolist())
        reach = f.lo[s.members].astype(np.int64) >= s.first - MAX_SPAN_DAYS - GAP_DAYS
        assert reach.all()


def test_features_keep_strings_as_codes_into_small_tables() -> None:
    f = feat.build([_rows(200, seed=1)[:120], _rows(200, seed=1)[120:]])
    assert f.n == 200 and (np.diff(f.ids) > 0).all()
    assert f.place_name.dtype == np.int32 and f.lo.dtype == np.int32
    assert set(f.place_names) <= {"town", "village"}
    assert set(f.countries) <= {"UA", "RU"}
    # Chunks factorised separately share one table: equal names, equal codes.
    town = [i for i in range(f.n) if f.place_name[i] >= 0 and f.place_names[f.place_name[i]] == "town"]
    assert len({int(f.place_name[i]) for i in town}) == 1


def test_two_workers_give_the_same_clusters_as_one(monkeypatch: pytest.MonkeyPatch) -> None:
    f = feat.build([_rows(600, seed=3)])
    texts = TextSignatures(f.n, lambda idx: [f"strike {int(i) % 7}" for i in idx.tolist()])
    labels = {}
    for workers in ("1", "2"):
        monkeypatch.setenv("RESCUEWATCH_LINK_WORKERS", workers)
        pairs, scores, total = pl._scored(f, None, DEFAULT_WEIGHTS, texts, lambda _s: None)
        labels[workers] = cluster(f, pairs, scores, DEFAULT_WEIGHTS.threshold,
                                  average=DEFAULT_WEIGHTS.average)
        assert total >= len(pairs)
    assert np.array_equal(labels["1"], labels["2"])
    assert len(np.unique(labels["1"])) < f.n  # something was linked


def test_signatures_are_computed_once_and_match_the_single_text_version() -> None:
    calls: list[int] = []

    def fetch(idx: np.ndarray) -> list[str | None]:
        calls.extend(idx.tolist())
        return [None if i == 2 else f"Drone hit an ambulance in Town {i}" for i in idx.tolist()]

    sigs = TextSignatures(4, fetch)
    first = sigs.of(np.array([0, 1, 2, 1])).copy()
    sigs.of(np.array([1, 3]))
    assert sorted(calls) == [0, 1, 2, 3]
    assert np.array_equal(first[1], signature("Drone hit an ambulance in Town 1"))
    assert not first[2].any()
    assert np.array_equal(Signer().many(["a b c", None])[1], np.zeros(8, dtype=np.uint64))


def test_streamed_texts_equal_the_queried_ones(store: Store) -> None:
    src = Source("agency-a", "Agency A", "news_agency", None, "independent")
    with_evidence = claim("2024-03-05", description="Ambulance hit",
                          evidence=[Evidence(0, 5, "first span"), Evidence(6, 9, "second")])
    add_document(store, src, [with_evidence, claim("2024-03-06", description=None, place=None),
                              claim("2024-03-07", aggregate=True, description="19 killed")])
    with store.engine.connect() as conn:
        streamed = dict(db.iter_claim_texts(conn))
        queried = db.claim_texts(conn, [1, 2, 3])
    # Claims with no text at all are left out of the stream (the query gives them "").
    assert streamed == {k: v for k, v in queried.items() if v and k != 3}  # 3: aggregate
    assert streamed[1] == "Ambulance hit Town first span second"


def test_perpetrators_list_every_allegation_with_its_sources(store: Store) -> None:
    sources = [Source(f"src-{k}", f"S{k}", "news_agency", None, "independent") for k in range(3)]
    add_document(store, sources[2], [claim("2024-03-05", party="RU")], label="a")
    add_document(store, sources[0], [claim("2024-03-05", party="RU")], label="b")
    add_document(store, sources[1], [claim("2024-03-05", party=None,
                                           perpetrator_text=" unknown drone ")], label="c")
    pl.link_store(store)
    with store.engine.connect() as conn:
        (row,) = db.list_incident_rows(conn)
    assert json.loads(row["perpetrators"]) == [
        {"alleged_by": ["src-1"], "party": None, "text": "unknown drone"},
        {"alleged_by": ["src-0", "src-2"], "party": "RU", "text": None},
    ]
    assert row["date_start"] == dt.date(2024, 3, 5)


def test_reading_and_linking_in_two_processes_changes_nothing(
    store: Store, monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = random.Random(4)
    for k in range(40):
        src = Source(f"src-{k % 6}", f"S{k % 6}", "news_agency", None, "independent")
        day = f"2024-03-{1 + rng.randrange(6):02d}"
        add_document(store, src, [claim(day, lat=48.0 + rng.uniform(0, 0.05), killed=rng.choice([1, 2]),
                                        description=f"strike {k % 5}")], label=str(k))
    results = []
    for workers in ("1", "2"):
        monkeypatch.setenv("RESCUEWATCH_LINK_WORKERS", workers)
        summary = pl.link_store(store, full=True)
        with store.engine.connect() as conn:
            results.append((db.claim_incidents(conn, list(range(1, 41))),
                            [{k: v for k, v in r.items() if k not in ("updated_at", "created_at")}
                             for r in db.list_incident_rows(conn, limit=100)]))
        assert summary["claims"] == 40
    assert results[0] == results[1]
    assert len(set(results[0][0].values())) < 40
