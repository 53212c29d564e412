"""Incremental linking regroups unreviewed incidents near new claims, and only those."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from rescuewatch.link.pipeline import link_store
from rescuewatch.model import Claim, Source
from rescuewatch.store import Store
from rescuewatch.store import incidents as db
from rescuewatch.store import schema as s
from tests.conftest import Invoker
from tests.link.factory import add_document, claim, linking_benchmark

# Claim A names two medics killed at a point in Town; D gives six medics and firefighters dead
# somewhere in Region A. Alone, A and D look like two events. B (five medics and firefighters
# killed in Town) matches both, and with it the three read as one strike.
A = claim("2024-03-05", killed=2, categories=("medic",),
          description="Drone hit an ambulance crew in Town, two medics killed")
D = claim("2024-03-05", killed=6, categories=("medic", "firefighter"), weapon=None, lat=None,
          lon=None, precision="admin1", place="Region A",
          description="Several rescuers and firefighters died in Region A")
B = claim("2024-03-05", killed=5, categories=("medic", "firefighter"), lat=48.01,
          description="Drone strike on Town killed medics and firefighters")


def add(store: Store, name: str, c: Claim) -> None:
    add_document(store, Source(f"src-{name}", name, "ngo", None, "independent"), [c], label=name)


def groups(store: Store) -> dict[int, int]:
    with store.engine.connect() as conn:
        return {int(c): int(i) for c, i in conn.execute(select(s.claims.c.id,
                                                               s.claims.c.incident_id))}


def incident_ids(store: Store) -> list[int]:
    with store.engine.connect() as conn:
        return list(conn.execute(select(s.incidents.c.id).order_by(s.incidents.c.id)).scalars())


def test_a_new_claim_bridges_two_lone_incidents(store: Store, tmp_path: Path) -> None:
    add(store, "a", A)
    add(store, "d", D)
    link_store(store)
    first = groups(store)
    assert first[1] != first[2] and len(incident_ids(store)) == 2
    add(store, "b", B)
    summary = link_store(store)
    assert summary["mode"] == "incremental" and summary["removed_incidents"] == 1
    after = groups(store)
    assert len(set(after.values())) == 1
    assert set(incident_ids(store)) < set(first.values())  # an old id is kept, none is new
    at_once = Store.open(f"sqlite:///{tmp_path / 'once.db'}")
    for name, c in (("a", A), ("d", D), ("b", B)):
        add(at_once, name, c)
    link_store(at_once)
    assert len(set(groups(at_once).values())) == 1


def test_a_reviewed_incident_keeps_its_claims(store: Store) -> None:
    add(store, "a", A)
    add(store, "d", D)
    link_store(store)
    reviewed = groups(store)[1]
    with store.transaction() as conn:
        db.set_review_state(conn, reviewed, review_status="reviewed")
    add(store, "b", B)
    link_store(store)
    after = groups(store)
    assert after[1] == reviewed
    assert after[2] == after[3] != reviewed


def test_linking_run_by_run_matches_linking_at_once(shared_data: Path, tmp_path: Path) -> None:
    evaluate = linking_benchmark(shared_data, "evaluate")
    generate = linking_benchmark(shared_data, "generate")
    corpus = generate.generate(400, 5)
    docs = corpus.documents
    results = []
    for batches in (1, 3):
        st = Store.open(f"sqlite:///{tmp_path / f'b{batches}.db'}")
        truth: dict[int, int] = {}
        for k in range(batches):
            part = generate.Corpus()
            # Every third document per batch, so each batch spreads over the whole period.
            part.documents = docs[k::batches]
            truth.update(evaluate.write_corpus(st, part))
            link_store(st)
        results.append(evaluate.metrics(truth, evaluate.predicted_incidents(st)))
        st.dispose()
    at_once, run_by_run = results
    assert run_by_run["pairwise_f1"] >= at_once["pairwise_f1"] - 0.01
    assert run_by_run["bcubed_f1"] >= at_once["bcubed_f1"] - 0.005


def test_the_link_command_reports_removed_incidents(rw: Invoker, store: Store) -> None:
    add(store, "a", A)
    add(store, "d", D)
    rw("link")
    add(store, "b", B)
    result = rw("link")
    assert result.exit_code == 0
    assert "1 emptied incident(s) removed" in result.output
