"""Neutrality: swapping the parties (names, affiliations, places) mirrors every incident and grade."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from rescuewatch.assess.pipeline import assess_store
from rescuewatch.link.pipeline import link_store
from rescuewatch.model import Source
from rescuewatch.store import Store
from rescuewatch.store import schema as s
from tests.conftest import Invoker
from tests.link.factory import add_document, claim

SWAP = {"UA": "RU", "RU": "UA", "ua": "ru", "ru": "ua", "Kupiansk": "Belgorod",
        "Belgorod": "Kupiansk", "Kharkiv Oblast": "Belgorod Oblast",
        "Belgorod Oblast": "Kharkiv Oblast"}
PLACES = {"Kupiansk": (49.71, 37.61, "UA", "Kharkiv Oblast"),
          "Belgorod": (50.60, 36.59, "RU", "Belgorod Oblast")}

# (source key, kind, affiliation, day, place, killed, category, alleged party)
CORPUS: list[tuple[str, str, str, str, str, int, str, str | None]] = [
    ("ua-emergency", "emergency_service", "UA", "2024-02-10", "Kupiansk", 2, "rescuer", "RU"),
    ("ua-state-media", "state_media", "UA", "2024-02-10", "Kupiansk", 3, "rescuer", "RU"),
    ("ru-state-media", "state_media", "RU", "2024-02-10", "Kupiansk", 2, "rescuer", "UA"),
    ("agency-x", "news_agency", "independent", "2024-02-10", "Kupiansk", 2, "rescuer", None),
    ("ru-emergency", "emergency_service", "RU", "2024-03-02", "Belgorod", 1, "firefighter", "UA"),
    ("channel-ru-1", "channel", "unknown", "2024-03-02", "Belgorod", 1, "firefighter", "UA"),
    ("ua-state-media", "state_media", "UA", "2024-04-20", "Kupiansk", 4, "medic", "RU"),
    ("ua-emergency", "emergency_service", "UA", "2024-04-20", "Kupiansk", 4, "medic", "RU"),
]


def swap(text: str) -> str:
    return re.sub(r"\b(" + "|".join(map(re.escape, SWAP)) + r")\b", lambda m: SWAP[m.group(0)], text)


def build(tmp: Path, name: str, mirrored: bool) -> list[dict[str, Any]]:
    store = Store.open(f"sqlite:///{tmp / name}.db")
    for n, (key, kind, aff, day, place, killed, cat, party) in enumerate(CORPUS):
        if mirrored:
            key, aff, place = swap(key), swap(aff), swap(place)
            party = swap(party) if party else None
        lat, lon, country, admin1 = PLACES[place]
        src = Source(key, key, kind, None, aff)
        add_document(store, src, [claim(day, lat=lat, lon=lon, place=place, country=country,
                                        admin1=admin1, killed=killed, categories=(cat,),
                                        party=party)], label=str(n))
    link_store(store)
    assess_store(store)
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(select(s.incidents).order_by(s.incidents.c.date_start))
                .mappings()]
    store.dispose()
    return rows


def test_swapped_parties_give_mirror_image_incidents_and_grades(tmp_path: Path) -> None:
    plain = build(tmp_path, "plain", False)
    mirror = build(tmp_path, "mirror", True)
    assert len(plain) == len(mirror) == 3
    grades = [r["certainty"] for r in plain]
    assert grades[0] == "probable"  # one independent + two opposing parties agreeing it happened
    assert grades[1] == "possible"  # one party and one weak unknown channel
    assert grades[2] == "possible"  # two sources of one party count as one interested voice
    for a, b in zip(plain, mirror, strict=True):
        assert b["certainty"] == a["certainty"]
        # Same lines; party lines are listed in alphabetical order of party code, which is
        # neutral but not itself mirrored.
        def lines(text: str) -> list[str]:
            return sorted(text.replace("(UA, RU)", "(RU, UA)").splitlines())

        assert lines(b["certainty_rationale"]) == lines(swap(a["certainty_rationale"]))
        assert b["place_name"] == swap(a["place_name"])
        assert b["country"] == swap(a["country"])
        assert (b["killed_min"], b["killed_max"], b["n_claims"], b["n_sources"]) == (
            a["killed_min"], a["killed_max"], a["n_claims"], a["n_sources"])
        pa = json.loads(a["perpetrators"] or "[]")
        pb = json.loads(b["perpetrators"] or "[]")
        assert sorted(json.dumps(p, sort_keys=True) for p in pb) == sorted(
            swap(json.dumps(p, sort_keys=True)) for p in pa)


@pytest.mark.parametrize(("a", "b"), [("DSNS", "EMERCOM"), ("Ukrinform", "TASS"),
                                      ("WAFA", "Israel Defense Forces"), ("SUNA", "Rapid Support Forces"),
                                      ("MRTV", "National Unity Government of Myanmar")])
def test_each_sides_official_source_is_known_by_the_name_a_report_gives(
        tmp_path: Path, a: str, b: str) -> None:
    """"Source: DSNS" was Ukraine's service (one party's voice, context), "Source: EMERCOM" an
    unknown weak independent source counted 1/2: the same report graded higher for one side."""
    grades = []
    for n, name in enumerate((a, b)):
        rw = Invoker(f"sqlite:///{tmp_path / str(n)}.db")
        folder = tmp_path / str(n)
        folder.mkdir()
        (folder / "r.txt").write_text(f"Published: 2024-03-07\nSource: {name}\n\nA drone hit an "
                                      "ambulance in Aleppo on Thursday, wounding two paramedics.\n",
                                      encoding="utf-8")
        assert rw("run", str(folder), "--no-report").exit_code == 0
        (source,) = json.loads(rw("sources", "list", "--json").output)
        assert source["affiliation"] not in ("unknown", "independent"), name
        out = tmp_path / f"{n}.jsonl"
        assert rw("export", "--format", "jsonl", "--level", "incidents", "-o", str(out)).exit_code == 0
        grades.append(json.loads(out.read_text().splitlines()[0])["certainty"])
    assert grades[0] == grades[1]
