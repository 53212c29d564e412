"""The attaching pass: lone claims join the one incident they clearly match, within the bounds
(and the evidence terms it scores with are those listed in TERMS)."""

from __future__ import annotations

import numpy as np
import pytest

from rescuewatch.link import features as feat
from rescuewatch.link.attach import attach_alone
from rescuewatch.link.cluster import EDGE_FLOOR, UNSCORED
from rescuewatch.model import Claim, Source
from rescuewatch.store import Store
from rescuewatch.store import incidents as db
from tests.link.factory import add_document, claim

BAR, MARGIN = 0.5, 1.0


def features(store: Store, docs: list[list[Claim]]) -> feat.Features:
    """One document per list, each of its own source; features in claim-id order."""
    for k, claims in enumerate(docs):
        add_document(store, Source(f"src-{k}", f"Source {k}", "ngo", None, "independent"),
                     claims, label=str(k))
    with store.engine.connect() as conn:
        return feat.build(db.iter_link_rows(conn))


def run(f: feat.Features, labels: list[int], scored: dict[tuple[int, int], float],
        **kw: object) -> list[int]:
    pairs = np.array(sorted(scored), dtype=np.int64).reshape(-1, 2)
    scores = np.array([scored[p] for p in sorted(scored)], dtype=np.float64)
    out = attach_alone(f, pairs, scores, np.array(labels, dtype=np.int64), bar=BAR,
                       margin=MARGIN, unscored=UNSCORED, floor=EDGE_FLOOR, **kw)  # type: ignore[arg-type]
    return out.tolist()


def same(out: list[int], a: int, b: int) -> bool:
    return out[a] == out[b]


def test_a_claim_moderately_like_every_report_of_an_incident_joins_it(store: Store) -> None:
    f = features(store, [[claim("2024-03-05")] for _ in range(4)])
    # Claims 0-2 are one incident; claim 3 scores below the threshold with each, 1.5 on average.
    out = run(f, [0, 0, 0, 3], {(0, 3): 2.0, (1, 3): 1.5, (2, 3): 1.0, (0, 1): 3.0, (0, 2): 3.0})
    assert same(out, 0, 3) and len(set(out)) == 1


def test_a_weak_average_leaves_the_claim_alone(store: Store) -> None:
    f = features(store, [[claim("2024-03-05")] for _ in range(4)])
    # Only one of the three reports scored: the others count as unscored and sink the mean.
    out = run(f, [0, 0, 0, 3], {(0, 3): 2.4})
    assert out[3] == 3


def test_a_claim_close_to_two_incidents_stays_alone(store: Store) -> None:
    f = features(store, [[claim("2024-03-05")] for _ in range(5)])
    # Incidents {0, 1} and {2, 3}; claim 4 matches the first a little better than the second.
    scored = {(0, 4): 1.6, (1, 4): 1.6, (2, 4): 1.2, (3, 4): 1.2}
    assert run(f, [0, 0, 2, 2, 4], scored)[4] == 4
    scored.update({(2, 4): 0.2, (3, 4): 0.2})  # now the lead is clear
    out = run(f, [0, 0, 2, 2, 4], scored)
    assert same(out, 0, 4) and not same(out, 2, 4)


@pytest.mark.parametrize("lone", [
    claim("2024-03-09"),  # dates more than a day apart from the incident's
    claim("2024-03-05", lat=49.0),  # about 110 km away from points within a few km
    claim("2024-03-05", country="PL"),  # another country
])
def test_the_clustering_bounds_hold(store: Store, lone: Claim) -> None:
    f = features(store, [[claim("2024-03-05")], [claim("2024-03-05")], [lone]])
    assert run(f, [0, 0, 2], {(0, 2): 3.0, (1, 2): 3.0})[2] == 2


def test_two_rows_of_one_document_never_meet(store: Store) -> None:
    f = features(store, [[claim("2024-03-05", row_ref="r1"), claim("2024-03-05", row_ref="r2")],
                         [claim("2024-03-05")]])
    # Claim 1 (row r2) would join the incident of claim 0 (row r1) with claim 2.
    out = run(f, [0, 1, 0], {(0, 1): 3.0, (1, 2): 3.0, (0, 2): 3.0})
    assert out[1] == 1


def test_cannot_links_and_stored_incidents_are_respected(store: Store) -> None:
    f = features(store, [[claim("2024-03-05")] for _ in range(3)])
    scored = {(0, 2): 3.0, (1, 2): 3.0}
    cannot = np.array([[1, 2]], dtype=np.int64)
    assert run(f, [0, 0, 2], scored, cannot=cannot)[2] == 2
    # A lone claim already in a stored incident stays there...
    assert run(f, [0, 0, 2], scored, fixed=np.array([-1, -1, 7]))[2] == 2
    # ...and a new one may join a stored incident.
    assert run(f, [0, 0, 2], scored, fixed=np.array([7, 7, -1]))[2] == 0


def test_a_claim_whose_only_match_moved_elsewhere_stays_alone(store: Store) -> None:
    f = features(store, [[claim("2024-03-05")] for _ in range(4)])
    # 3 matches lone claim 2 only; 2 clearly belongs to incident {0, 1} and goes first.
    scored = {(0, 2): 3.0, (1, 2): 3.0, (2, 3): 1.0}
    out = run(f, [0, 0, 2, 3], scored)
    assert same(out, 0, 2) and out[3] == 3


def test_two_lone_claims_that_match_each_other_pair_up(store: Store) -> None:
    f = features(store, [[claim("2024-03-05")] for _ in range(2)])
    out = run(f, [0, 1], {(0, 1): 1.5})
    assert same(out, 0, 1)


def test_the_evidence_terms_are_the_ones_listed(store: Store) -> None:
    from rescuewatch.link.score import TERMS, evidence

    f = features(store, [[claim("2024-03-05")] for _ in range(2)])
    assert tuple(evidence(f, np.array([0]), np.array([1]))) == TERMS
