"""Events, trends and coverage from a real store; swapping the parties mirrors every result."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from rescuewatch.analyse.coverage import UNGROUPED, Coverage
from rescuewatch.analyse.events import EVENT_COLUMNS, EventFilter, event_points, load_events
from rescuewatch.analyse.repeat import RepeatStrikes
from rescuewatch.analyse.trends import monthly_counts, monthly_totals
from rescuewatch.assess.pipeline import assess_store
from rescuewatch.link.pipeline import link_store
from rescuewatch.model import Source
from rescuewatch.store import Store
from tests.link.factory import add_document, claim

SWAP = {"UA": "RU", "RU": "UA", "ua": "ru", "ru": "ua", "Kupiansk": "Belgorod",
        "Belgorod": "Kupiansk", "Podoly": "Maslova Pristan", "Maslova Pristan": "Podoly",
        "Kharkiv Oblast": "Belgorod Oblast", "Belgorod Oblast": "Kharkiv Oblast"}
PLACES = {"Kupiansk": (49.71, 37.61, "UA", "Kharkiv Oblast"),
          "Podoly": (49.735, 37.61, "UA", "Kharkiv Oblast"),
          "Belgorod": (50.60, 36.59, "RU", "Belgorod Oblast"),
          "Maslova Pristan": (50.625, 36.59, "RU", "Belgorod Oblast")}
# (source key, kind, affiliation, group, day, time, place, killed, categories, party, cue)
CORPUS = [
    ("agency-x", "news_agency", "independent", "intl", "2024-02-10", "13:10", "Podoly", 3,
     (), None, False),
    ("ua-emergency", "emergency_service", "UA", "ua-official", "2024-02-11", None,
     "Kupiansk", 2, ("rescuer",), "RU", True),
    ("ru-state-media", "state_media", "RU", "ru-state-media", "2024-02-11", None, "Kupiansk",
     2, ("rescuer",), "UA", False),
    ("agency-x", "news_agency", "independent", "intl", "2024-03-02", None, "Belgorod", 1,
     ("firefighter",), "UA", False),
    ("ru-emergency", "emergency_service", "RU", "ru-official", "2024-03-02", None, "Belgorod",
     1, ("firefighter",), "UA", False),
    ("ua-state-media", "state_media", "UA", "ua-state-media", "2024-04-20", None, "Kupiansk", 4,
     ("medic", "ambulance"), "RU", False),
]


def swap(text: str) -> str:
    names = sorted(SWAP, key=len, reverse=True)  # longest first: "Belgorod Oblast" before "Belgorod"
    return re.sub(r"\b(" + "|".join(map(re.escape, names)) + r")\b",
                  lambda m: SWAP[m.group(0)], text)


def build(path: Path | str, mirrored: bool, *, link: bool = True) -> Store:
    """The corpus in a store: a SQLite file at ``path``, or any store URL given as a string."""
    store = Store.open(path if isinstance(path, str) else f"sqlite:///{path}")
    for n, (key, kind, aff, group, day, tod, place, killed, cats, party, cue) in enumerate(CORPUS):
        if mirrored:
            key, aff, group, place = swap(key), swap(aff), swap(group), swap(place)
            party = swap(party) if party else None
        lat, lon, country, admin1 = PLACES[place]
        src = Source(key, key, kind, None, aff, group)
        add_document(store, src, [claim(day, lat=lat, lon=lon, place=place, country=country,
                                        admin1=admin1, killed=killed, categories=cats,
                                        party=party, precision="city", time_of_day=tod,
                                        repeat_strike=cue or None,
                                        description=f"report {n}")], label=str(n))
    if link:
        link_store(store)
        assess_store(store)
    return store


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Store, Store]:
    return build(tmp_path / "a.db", False), build(tmp_path / "b.db", True)


def _swap_frame(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    out = frame.copy()
    for col in columns:
        out[col] = out[col].map(lambda v: swap(v) if isinstance(v, str) else v)
    return out


def test_load_events_columns_and_filters(pair: tuple[Store, Store]) -> None:
    store, _ = pair
    events = load_events(store)
    assert list(events.columns) == list(EVENT_COLUMNS)
    assert len(events) == 4
    assert events["date_start"].is_monotonic_increasing
    ups = events.set_index(events["date_start"].dt.strftime("%Y-%m-%d"))
    assert ups.loc["2024-02-11", "perpetrators"] == "RU,UA"  # both allegations kept
    assert bool(ups.loc["2024-02-11", "repeat_cue"]) is True
    assert ups.loc["2024-02-10", "time"] == pd.Timestamp("2024-02-10 13:10")
    assert pd.isna(ups.loc["2024-03-02", "time"])
    assert bool(ups.loc["2024-04-20", "responders"]) and not bool(ups.loc["2024-02-10",
                                                                           "protected"])
    assert len(load_events(store, EventFilter(country="ru"))) == 1
    assert len(load_events(store, EventFilter(category="responders"))) == 3
    assert len(load_events(store, EventFilter(category="ambulance"))) == 1
    assert len(load_events(store, EventFilter(perpetrator="UA"))) == 2
    assert len(load_events(store, EventFilter(protected_only=True))) == 3
    assert len(load_events(store, EventFilter(since=pd.Timestamp("2024-03-01").date()))) == 2
    assert len(load_events(store, EventFilter(certainty_min="confirmed"))) <= 4
    with pytest.raises(ValueError):
        load_events(store, EventFilter(category="nobody"))


def test_events_from_unlinked_claims(tmp_path: Path) -> None:
    store = build(tmp_path / "u.db", False, link=False)
    events = load_events(store)
    assert len(events) == len(CORPUS) and events.attrs.get("by_claim")
    cov = Coverage().fit(store)
    assert len(cov.matrix_) == len(CORPUS)
    cand = RepeatStrikes().fit(events, store=store).candidates_
    assert (cand["evidence"].str.contains("report ")).any()


def test_repeat_strikes_with_store_evidence(pair: tuple[Store, Store]) -> None:
    store, _ = pair
    cand = RepeatStrikes().fit(load_events(store), store=store).candidates_
    day_after = cand[cand["incident_date"] == pd.Timestamp("2024-02-11")]
    assert not day_after.empty
    row = day_after.iloc[0]
    assert row["basis"] == "same day, same town" and row["repeat_cue"]
    assert "repeat-strike cue" in row["evidence"] and row["claim_ids"]


def test_trends(pair: tuple[Store, Store]) -> None:
    store, _ = pair
    events = load_events(store)
    cats = monthly_counts(events, "category")
    assert set(cats.columns) == {"month", "key", "incidents", "killed_min", "killed_max",
                                 "injured_min", "injured_max"}
    feb = cats[cats["month"] == "2024-02"].set_index("key")
    assert feb.loc["rescuer", "incidents"] == 1
    assert feb.loc["context (no protected victims)", "incidents"] == 1
    apr = cats[cats["month"] == "2024-04"].set_index("key")
    assert apr.loc["medic", "incidents"] == 1 and apr.loc["ambulance", "incidents"] == 1
    assert apr.loc["rescuer", "incidents"] == 0  # zero-filled
    totals = monthly_totals(events)
    assert totals["incidents"].sum() == len(events)
    assert list(totals["month"]) == ["2024-02", "2024-03", "2024-04"]
    for by in ("weapon", "country", "admin1", "perpetrator", "certainty"):
        assert monthly_counts(events, by)["incidents"].sum() >= 1
    with pytest.raises(ValueError):
        monthly_counts(events, "colour")


def test_coverage(pair: tuple[Store, Store]) -> None:
    store, _ = pair
    cov = Coverage().fit(store)
    assert list(cov.matrix_.columns) == sorted(cov.matrix_.columns)
    rates = cov.rates_.set_index("group")
    assert rates.loc["intl", "incidents_reported"] == 2
    assert rates.loc["intl", "share"] == pytest.approx(0.5)
    assert rates["share"].between(0, 1).all()
    assert len(cov.unreported_by("intl")) == 2
    relabelled = cov.sources_.assign(coverage_group=None)
    assert list(Coverage().fit_rows(relabelled).matrix_.columns) == [UNGROUPED]


def test_mirror_trends_and_coverage(pair: tuple[Store, Store]) -> None:
    a, b = pair
    ea, eb = load_events(a), load_events(b)
    for by in ("perpetrator", "country", "category", "admin1"):
        ta = monthly_counts(ea, by)
        tb = _swap_frame(monthly_counts(eb, by), ["key"])
        tb = tb.sort_values(["month", "key"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(ta, tb, check_like=False)
    ca, cb = Coverage().fit(a), Coverage().fit(b)
    ra = ca.rates_.sort_values("group").reset_index(drop=True)
    rb = _swap_frame(cb.rates_, ["group"]).sort_values("group").reset_index(drop=True)
    pd.testing.assert_frame_equal(ra, rb)
    # Incident ids depend on document hashes; the dates (distinct here) identify incidents.
    day_a = ea.set_index("incident_id")["date_start"]
    day_b = eb.set_index("incident_id")["date_start"]
    ma = ca.matrix_.rename(index=day_a).sort_index().sort_index(axis=1)
    mb = cb.matrix_.rename(columns=swap, index=day_b).sort_index().sort_index(axis=1)
    pd.testing.assert_frame_equal(ma, mb)
    # Swapped perpetrator filters select mirror-image incident sets.
    fa = load_events(a, EventFilter(perpetrator="RU"))["date_start"].tolist()
    fb = load_events(b, EventFilter(perpetrator="UA"))["date_start"].tolist()
    assert fa == fb
    ra_, rb_ = RepeatStrikes().fit(ea).candidates_, RepeatStrikes().fit(eb).candidates_
    cols = ["incident_date", "earlier_date", "basis", "confidence", "gap", "distance_m"]
    pd.testing.assert_frame_equal(ra_[cols], rb_[cols])


def test_event_points(pair: tuple[Store, Store]) -> None:
    store, _ = pair
    events = load_events(store)
    pts, used = event_points(events)
    assert len(pts) == len(used) == 4
    assert pts.t.min() == 0.0 and pts.epoch is not None
    assert len(event_points(events, place_precisions=("exact",))[1]) == 0
    coarse = events.assign(place_precision=["admin1", "city", "city", "country"])
    assert len(event_points(coarse)[1]) == 2  # area centroids are left out by default
    # so are "within about 25 km" and a district's centroid: metres mean nothing there
    vague = events.assign(place_precision=["near", "exact", "district", "city"])
    assert list(event_points(vague)[1]["place_precision"]) == ["exact", "city"]
    assert len(event_points(vague, place_precisions=("near", "exact"))[1]) == 2


def test_evidence_shows_the_repeat_strike_sentence(tmp_path: Path) -> None:
    from rescuewatch.model import Evidence

    store = Store.open(f"sqlite:///{tmp_path / 'cue.db'}")
    lines = ["Обстріл лікарні в місті.", "Коли прибули рятувальники, завдали повторного удару."]
    spans = [Evidence(0, len(lines[0]), lines[0], "sentence"),
             Evidence(len(lines[0]) + 1, 80, lines[1], "sentence")]
    add_document(store, Source("ngo-y", "NGO Y", "ngo", None, "independent"),
                 [claim("2024-05-05", categories=("rescuer",), repeat_strike=True,
                        evidence=spans)], label="cue")
    link_store(store)
    cand = RepeatStrikes().fit(load_events(store), store=store).candidates_
    assert list(cand["basis"]) == ["textual cue"]
    assert "повторного удару" in cand["evidence"].iloc[0]
    assert "Обстріл" not in cand["evidence"].iloc[0].split("repeat-strike cue")[1][:40]


def test_evidence_marks_a_quote_it_cuts(tmp_path: Path) -> None:
    # the quote stopped mid-word ("... following the death of sol") with no mark that it was cut
    from rescuewatch.store.analysis import claim_evidence

    store = Store.open(f"sqlite:///{tmp_path / 'long.db'}")
    long = "A clinic was struck and two medics were hurt; " * 10
    add_document(store, Source("ngo-y", "NGO Y", "ngo", None, "independent"),
                 [claim("2024-05-05", description=long),
                  claim("2024-05-06", description="A short one.")], label="long")
    link_store(store)
    texts = claim_evidence(store, load_events(store)["incident_id"].tolist(), limit=60)["text"]
    assert texts.iloc[0] == long[:59].rstrip() + "…" and len(texts.iloc[0]) <= 60
    assert texts.iloc[1] == "A short one."
    store.dispose()


def test_trends_count_keys_differing_in_case_as_one() -> None:
    events = pd.DataFrame({
        "date_start": pd.to_datetime(["2024-01-03", "2024-01-09", "2024-01-20"]),
        "date_precision": "day",
        "perpetrators": ["Unidentified Armed Actor", "Unidentified armed actor",
                         "Unidentified Armed Actor, AA"],
        **{name: pd.array([1, 1, 1], dtype="Int64")
           for name in ("killed_min", "killed_max", "injured_min", "injured_max")},
    })
    counts = monthly_counts(events, "perpetrator")
    assert dict(zip(counts["key"], counts["incidents"], strict=True)) == {
        "AA": 1, "Unidentified Armed Actor": 3}


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_an_area_in_another_script_is_found_case_aside(tmp_path: Path, backend: str) -> None:
    # SQLite's lower() folds ASCII letters only: an area named in Cyrillic was found on
    # PostgreSQL and never on SQLite, not even written exactly as stored
    from tests.pg import temporary_postgres

    def check(url: str) -> None:
        store = Store.open(url)
        try:
            src = Source("agency-x", "agency-x", "news_agency", None, "independent", "intl")
            add_document(store, src, [
                claim("2024-02-11", lat=49.71, lon=37.61, place="Куп'янськ", country="UA",
                      admin1="Харківська область", categories=("rescuer",)),
                claim("2024-03-02", lat=50.60, lon=36.59, place="Белгород", country="RU",
                      admin1="Белгородская область", categories=("rescuer",))])
            link_store(store)
            for area in ("Харківська область", "харківська ОБЛАСТЬ", "Белгородская область",
                         "БЕЛГОРОДСКАЯ область"):
                assert len(load_events(store, EventFilter(admin1=area))) == 1, area
        finally:
            store.dispose()

    if backend == "sqlite":
        check(f"sqlite:///{tmp_path / 'areas.db'}")
    else:
        with temporary_postgres() as url:
            check(url)
