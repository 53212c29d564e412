"""The whole-column scan of notes (RE2 through pyarrow) answers as the per-text functions do."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from rescuewatch.ingest import column_scan, victims
from rescuewatch.ingest.pipeline import iter_parcels

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ingest"


def per_text(texts: list[str | None]) -> tuple[list[list[str]], list[str | None]]:
    return ([victims.categories_in_text(t) for t in texts],
            [victims.weapon_from_text(t) for t in texts])


def assert_same(texts: list[str | None]) -> None:
    texts = texts * max(1, -(-column_scan.MIN_TEXTS // max(len(texts), 1)))  # the column path
    assert len(texts) >= column_scan.MIN_TEXTS
    assert column_scan.scan_notes(texts) == per_text(texts)


#: Words the patterns look for, their near misses, and guards ("taken to hospital").
WORDS = [
    "ambulance", "Ambulances", "ambulance crew", "paramedic", "medics", "medical", "medicine",
    "doctor", "doctors", "nurse", "health workers", "healthcare staff", "hospital", "hospitals",
    "hospitality", "clinic", "clinical", "polyclinic", "pharmacy", "pharmacist", "patients",
    "wounded being treated", "firefighters", "fire fighter", "firemen", "fire station", "fire",
    "rescuers", "rescue team", "civil defence", "Civil Defense", "White Helmets", "emergency services",
    "State Emergency Service", "aid workers", "humanitarian convoy", "UN staff", "Red Cross volunteers",
    "deminers", "drone", "UAV", "Shahed", "Geranium", "missile", "ballistic", "Iskander", "air strike",
    "airstrike", "warplanes", "helicopter", "barrel bombs", "bombed from the air", "artillery",
    "shelling", "shelled", "shell", "mortars", "Grad", "MLRS", "rockets", "mine", "landmines", "IED",
    "improvised explosive", "car bomb", "booby-trapped", "gunfire", "gunmen", "sniper", "shot",
    "shooting", "RPG", "knife", "arson", "set on fire", "grenade", "explosives", "chemical",
    "taken to hospital", "rushed to a nearby hospital", "according to medics", "hospital sources said",
    "hospital sources reportedly", "health ministry", "Doctors Without Borders", "died in hospital",
    "said", "saidhospital", "reportedly", "toldmedics", "was killed", "were injured", "in",
    "near", "the", "a", "village", "residents", "on 3 May 2022,", ";", ".", "(", ")", "-", "/",
    "'", "\"", "air/drone strike", "Air/Drone Strike", "jets", "planes", "aircraft",
    "on their way to", "returning from", "returned fire at", "dropping", "off at", "en route to",
    "treating", "COVID-19", "provides oxygen to", "to meet", "transporting", "health centre",
]


def random_texts(rng: random.Random, n: int) -> list[str | None]:
    out: list[str | None] = [None, "", " ", "Unknown"]
    for _ in range(n):
        words = rng.choices(WORDS, k=rng.randint(1, 14))
        text = " ".join(words)
        if rng.random() < 0.2:
            text = text.upper() if rng.random() < 0.5 else text.title()
        if rng.random() < 0.15:  # glue two words: a stem inside a longer word
            text = text.replace(" ", "", 1)
        out.append(text)
    return out


def test_generated_texts_agree() -> None:
    assert_same(random_texts(random.Random(20261206), 4000))


def test_non_ascii_and_null_texts_take_the_per_text_path() -> None:
    texts: list[str | None] = [
        "Обстріл лікарні в місті; поранено двох медиків.",
        "A strike hit the hospital in Kramatorsk — two paramedics were injured.",
        "Ambulance crew hit by a drone near Horlivka. Медики поранені.",
        "KİLLED near the HOSPİTAL (dotted capitals)", "ſhelling near the ſchool", "\u212aill",
        None, "", "plain shelling of a road",
        # Python's \\b knows non-ASCII letters and RE2's does not: no weapon here for Python
        "éshelling of the village", "Горлівкаshelling", "a dronéé", "ñmissile strike",
        # a lone surrogate (UTF-8 cannot encode it) goes to arrow as a null
        "an ambulance shelled \ud800 by a drone", "\udcff",
    ]
    assert_same(texts)


def test_a_guard_phrase_ending_inside_a_word_is_read_per_text() -> None:
    # removing "health officials said" leaves "nurses" as a word of its own
    texts: list[str | None] = ["health officials saidnurses were hit",
                               "rescue sources toldmedics and rescuers fled", "saidthe"]
    assert victims.categories_in_text(texts[0]) == ["health_worker"]
    assert_same(texts)


def test_fixture_and_real_notes_agree(shared_data: Path, tmp_path: Path) -> None:
    texts: list[str | None] = []
    paths = sorted(FIXTURES.glob("*.csv")) + sorted(shared_data.glob("*.xlsx"))
    for _, parcel in iter_parcels([str(p) for p in paths]):
        texts.extend(claim.description for claim in parcel.claims)
    assert len(texts) > 1000
    assert_same(texts)


def test_small_columns_do_not_need_pyarrow(monkeypatch: pytest.MonkeyPatch) -> None:
    texts: list[str | None] = ["an ambulance was shelled"] * (column_scan.MIN_TEXTS - 1)
    monkeypatch.setattr(column_scan, "_flags", None)  # would fail if called
    assert column_scan.scan_notes(texts) == per_text(texts)


def test_the_column_path_does_not_import_pandas() -> None:
    # pyarrow imports pandas on its first conversion of Python objects: 0.5-0.7 s in every
    # parsing worker, for nothing
    script = ("import sys; from rescuewatch.ingest.column_scan import scan_notes, MIN_TEXTS; "
              "out = scan_notes(['an ambulance hit by a drone', None, 'x'] * MIN_TEXTS); "
              "assert out[0][0] == ['ambulance'] and out[1][0] == 'drone', out; "
              "print('pandas' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"
