"""Linking claims into incidents on a real SQLite store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from rescuewatch.link.pipeline import link_store
from rescuewatch.model import Source
from rescuewatch.store import Store
from rescuewatch.store import schema as s
from tests.link.factory import add_document, claim

AGENCY = Source("agency-a", "Agency A", "news_agency", None, "independent")
NGO = Source("ngo-b", "NGO B", "ngo", None, "independent")
CHANNEL = Source("channel-c", "Channel C", "channel", None, "unknown")


def incidents_of(store: Store) -> dict[int, int | None]:
    with store.engine.connect() as conn:
        return {int(c): i for c, i in conn.execute(select(s.claims.c.id, s.claims.c.incident_id))}


def incident_rows(store: Store) -> list[dict]:
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(s.incidents).order_by(s.incidents.c.id)).mappings()]


def test_reports_of_one_event_become_one_incident_with_ranges(store: Store) -> None:
    add_document(store, AGENCY, [claim("2024-03-05", killed=2, party="RU", perpetrator_text="Russian drone",
                                       description="Drone struck an ambulance crew in Town")], label="1")
    add_document(store, NGO, [claim("2024-03-05", lat=48.02, killed=3, party="UA",
                                    description="Ambulance crew hit by drone near Town")], label="2")
    add_document(store, CHANNEL, [claim("2024-03-01", date_precision="month", lat=None, lon=None,
                                        precision="admin1", place="Region A", killed=None)], label="3")
    link_store(store)
    assert len(set(incidents_of(store).values())) == 1
    (row,) = incident_rows(store)
    assert (row["killed_min"], row["killed_max"]) == (2, 3)
    assert row["n_claims"] == 3 and row["n_sources"] == 3
    assert row["date_start"].isoformat() == "2024-03-05" and row["date_precision"] == "day"
    perps = json.loads(row["perpetrators"])
    assert {p["party"]: p["alleged_by"] for p in perps} == {"RU": ["agency-a"], "UA": ["ngo-b"]}


def test_near_misses_stay_apart(store: Store) -> None:
    add_document(store, AGENCY, [claim("2024-03-05", killed=2)], label="1")
    add_document(store, NGO, [claim("2024-03-06", killed=7, categories=("firefighter",),
                                    weapon="artillery")], label="2")  # same place, next day
    add_document(store, CHANNEL, [claim("2024-03-05", lat=48.3, lon=38.3, place="Far Town",
                                        killed=2)], label="3")  # same day, next town (~40 km)
    link_store(store)
    assert len(set(incidents_of(store).values())) == 3


def test_rows_of_one_dataset_are_never_merged(store: Store) -> None:
    rows = [claim("2024-03-05", row_ref="r1"), claim("2024-03-05", row_ref="r2")]
    add_document(store, Source("dataset-x", "Dataset", "dataset", None, "independent"), rows)
    link_store(store)
    assert len(set(incidents_of(store).values())) == 2


def test_rows_the_dataset_calls_one_event_are_merged(store: Store) -> None:
    rows = [claim("2024-03-05", row_ref="ev-9", categories=("medic",)),
            claim("2024-03-05", row_ref="ev-9", categories=("ambulance",))]
    add_document(store, Source("dataset-x", "Dataset", "dataset", None, "independent"), rows)
    link_store(store)
    assert len(set(incidents_of(store).values())) == 1


def test_a_publishers_event_ids_hold_across_its_files(store: Store) -> None:
    """Two datasets of one publisher (Insecurity Insight's health-care and SHCC files share
    event ids), or two releases of one export: the same id is one event, different ids are
    different events, however alike the rows are. Another publisher's rows still link."""
    dataset = Source("dataset-x", "Dataset", "dataset", None, "independent")
    add_document(store, dataset, [claim("2024-03-05", row_ref="ev-1"),
                                  claim("2024-03-05", row_ref="ev-2")], label="release 1")
    add_document(store, dataset, [claim("2024-03-05", row_ref="ev-1"),
                                  claim("2024-03-05", row_ref="ev-3")], label="release 2")
    add_document(store, AGENCY, [claim("2024-03-05", killed=2)], label="article")
    link_store(store)
    links = incidents_of(store)  # claim ids 1-4 the dataset rows, 5 the article
    assert links[1] == links[3]  # ev-1 in both files
    assert len({links[1], links[2], links[4]}) == 3  # ev-1, ev-2, ev-3
    assert links[5] in {links[1], links[2], links[4]}


def test_aggregates_never_form_incidents_and_context_events_do(store: Store) -> None:
    add_document(store, AGENCY, [claim("2024-03-05", aggregate=True, killed=19)], label="agg")
    add_document(store, NGO, [claim("2024-03-05", categories=(), killed=4)], label="ctx")
    link_store(store)
    links = incidents_of(store)
    assert sorted(v is None for v in links.values()) == [False, True]
    (row,) = incident_rows(store)
    assert row["protected"] is False and row["categories"] is None


def test_no_chaining_beyond_the_time_bound(store: Store) -> None:
    # Three week-precision-free day reports a day apart each: A~B and B~C, but A and C are two
    # days apart, so they cannot all be one incident.
    for n, day in enumerate(("2024-03-05", "2024-03-06", "2024-03-07")):
        add_document(store, Source(f"src-{n}", f"S{n}", "news_agency", None, "independent"),
                     [claim(day, killed=2)], label=str(n))
    link_store(store)
    links = incidents_of(store)
    assert links[1] != links[3]


def test_incremental_attach_keeps_existing_incidents(store: Store) -> None:
    add_document(store, AGENCY, [claim("2024-03-05", killed=2)], label="1")
    add_document(store, AGENCY, [claim("2024-05-01", lat=47.0, lon=35.0, place="Elsewhere",
                                       admin1="Region B")], label="2")
    link_store(store)
    before = incident_rows(store)
    add_document(store, NGO, [claim("2024-03-05", killed=3)], label="3")
    summary = link_store(store)
    assert summary["mode"] == "incremental" and summary["claims"] == 1
    after = incident_rows(store)
    assert [r["id"] for r in after] == [r["id"] for r in before]
    links = incidents_of(store)
    assert links[3] == links[1]
    untouched = [r for r in after if r["id"] == links[2]][0]
    assert untouched["updated_at"] == [r for r in before if r["id"] == links[2]][0]["updated_at"]


def test_linking_is_independent_of_input_order(tmp_path) -> None:
    def build(order: list[int]) -> set[frozenset[str]]:
        st = Store.open(f"sqlite:///{tmp_path / ('o' + ''.join(map(str, order)))}.db")
        docs = [
            (AGENCY, [claim("2024-03-05", killed=2)], "1"),
            (NGO, [claim("2024-03-05", lat=48.01, killed=2)], "2"),
            (CHANNEL, [claim("2024-03-05", lat=48.02, killed=2)], "3"),
            (Source("src-d", "D", "ngo", None, "independent"), [claim("2024-03-06", killed=9, categories=("rescuer",))], "4"),
        ]
        for k in order:
            add_document(st, docs[k][0], docs[k][1], label=docs[k][2])
        link_store(st)
        with st.engine.connect() as conn:
            rows = conn.execute(select(s.documents.c.origin, s.claims.c.incident_id)
                                .join(s.claims, s.claims.c.document_id == s.documents.c.id)).all()
        st.dispose()
        groups: dict[int, set[str]] = {}
        for origin, inc in rows:
            groups.setdefault(inc, set()).add(origin)
        return {frozenset(g) for g in groups.values()}

    assert build([0, 1, 2, 3]) == build([3, 2, 1, 0]) == build([2, 0, 3, 1])


def test_full_relink_removes_incidents_left_without_claims(store: Store) -> None:
    add_document(store, AGENCY, [claim("2024-03-05", killed=2)], label="1")
    add_document(store, NGO, [claim("2024-03-05", lat=47.0, lon=35.0, killed=2)], label="2")
    link_store(store)
    assert len(incident_rows(store)) == 2
    # A correction moves the second report onto the first one's place: one event after all.
    with store.transaction() as conn:
        conn.execute(s.claims.update().where(s.claims.c.id == 2).values(lat=48.0, lon=37.8))
    summary = link_store(store, full=True)
    assert summary["removed_incidents"] == 1
    rows = incident_rows(store)
    assert len(rows) == 1 and rows[0]["n_claims"] == 2
    assert set(incidents_of(store).values()) == {rows[0]["id"]}


MIRROR = {"украинские": "российские", "российские": "украинские",
          "російські": "українські", "українські": "російські"}


def test_the_incident_of_mirrored_reports_is_placed_alike(tmp_path: Path) -> None:
    """The example reports of one event from the two sides, and the same with the parties'
    names swapped, give the same incident (its place was taken from whichever document's hash
    sorted first, so renaming the parties moved it from Horlivka to Vuhlehirsk)."""
    from rescuewatch.ingest.pipeline import ingest

    examples = Path(__file__).resolve().parents[2] / "examples" / "reports"
    reports = sorted(examples.glob("illustrative_*_emergency_service_*.txt"))
    assert len(reports) == 2
    places = []
    for mirrored in (False, True):
        folder = tmp_path / str(mirrored)
        folder.mkdir()
        for report in reports:
            words = report.read_text(encoding="utf-8").split(" ")
            swapped = [MIRROR.get(w, w) for w in words] if mirrored else words
            (folder / report.name).write_text(" ".join(swapped), encoding="utf-8")
        store = Store.open(f"sqlite:///{tmp_path / f'{mirrored}.db'}")
        ingest(store, [str(folder)])
        link_store(store)
        rows = incident_rows(store)
        assert len(rows) == 1 and len({r["perpetrator_text"] for r in stored_claims(store)}) == 2
        places.append((rows[0]["place_name"], rows[0]["lat"], rows[0]["lon"]))
        store.dispose()
    assert places[0] == places[1]


def stored_claims(store: Store) -> list[dict]:
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(s.claims)).mappings()]


def test_too_dense_a_slab_is_an_error_not_an_exhausted_memory(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """20,000 rows at one place on one day made 200 million candidate pairs and the kernel
    killed the process; such a slab is now refused in one line, the store left as it was."""
    from rescuewatch.errors import InputError
    from rescuewatch.link import blocking

    monkeypatch.setattr(blocking, "MAX_SLAB_PAIRS", 100)
    for n in range(30):
        add_document(store, Source(f"src-{n}", f"S{n}", "news_agency", None, "independent"),
                     [claim("2024-03-05", killed=1)], label=str(n))
    with pytest.raises(InputError, match=r"30 claims around 2024-03-0\d .* pairs \(at most 100\)"):
        link_store(store)
    assert not any(incidents_of(store).values())  # nothing linked, nothing half-written
