"""Multi-source reports with known truth, made from real events (UCDP GED, Syria).

Each real event (a UCDP GED row with day-precise date and a point location) gets protected
victims, a weapon and an alleged perpetrator drawn at random, then 1-5 reports by different
sources that vary it the way real reports do: the date moved within its precision (some
reports give only the week or the month, a few are a day off), the place jittered within its
precision, given only as the governorate, or spelled differently, counts changed, categories or
weapon left out, and the wording varied. Near-miss distractors are added: a different event at
the same place the next day, and one the same day in the next town, each with its own reports.

One dataset-like document holds the first report of about half the events as rows, so the
rule "rows of one dataset are distinct events" is exercised.

Data: UCDP Georeferenced Event Dataset (CC BY 4.0), Sundberg & Melander (2013), Journal of
Peace Research 50(4); Högbladh (2019), UCDP GED Codebook 19.1.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import random
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from rescuewatch.model import VICTIM_CATEGORIES, Claim, DateSpan, Perpetrator, Place, Source, Victim

DATA = Path(os.environ.get("RESCUEWATCH_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))
UCDP = DATA / "ucdp_ged191_syria_2016-01_2019-11.csv.gz"
PARTY = {"Government of Syria": "SY", "Government of Turkey": "TR", "Government of Israel": "IL",
         "IS": "SY-IS", "SDF": "SY-SDF", "HTS": "SY-HTS"}
WEAPONS = ("drone", "artillery", "missile", "airstrike", "small_arms", "mine_ied")
WORDS = {
    "ambulance": ("ambulance", "ambulance vehicle", "emergency vehicle"),
    "medic": ("paramedics", "medics", "ambulance crew"),
    "health_worker": ("doctors", "nurses", "hospital staff"),
    "health_facility": ("hospital", "clinic", "health centre"),
    "patient": ("patients", "wounded patients", "people being treated"),
    "firefighter": ("firefighters", "fire crew", "fire brigade"),
    "rescuer": ("rescuers", "civil defence volunteers", "rescue team"),
    "aid_worker": ("aid workers", "relief workers", "humanitarian staff"),
}
WEAPON_WORDS = {"drone": "drone", "artillery": "shelling", "missile": "missile strike",
                "airstrike": "air strike", "small_arms": "gunfire", "mine_ied": "explosive device"}
TEMPLATES = (
    "{n} {who} killed in {weapon} on {place}",
    "{weapon} hits {who} near {place}, {n} dead",
    "Reports say {who} were targeted in {place}; {n} killed after {weapon}",
    "{place}: {n} {who} dead, others wounded, in {weapon}",
    "Local sources report a {weapon} struck {who} in {place}",
)


def sources() -> list[Source]:
    """A pool of publishers of every kind and affiliation, neutral to the parties."""
    pool = [Source(f"agency-{i}", f"News agency {i}", "news_agency", None, "independent")
            for i in range(8)]
    pool += [Source(f"ngo-{i}", f"NGO {i}", "ngo", None, "independent") for i in range(4)]
    pool += [Source(f"media-{p.lower()}-{i}", f"Media of {p} {i}", "state_media", p[:2], p)
             for p in ("SY", "SY-OPP", "TR") for i in range(3)]
    pool += [Source(f"channel-{i}", f"Channel {i}", "channel", None, "unknown") for i in range(6)]
    return pool


@dataclass
class Report:
    claim: Claim
    truth: int
    source: Source


@dataclass
class Corpus:
    """Documents (source, label, reports); ``dataset`` is one document with many rows."""

    documents: list[tuple[Source, str, list[Report]]] = field(default_factory=list)

    @property
    def reports(self) -> list[Report]:
        return [r for _s, _l, reports in self.documents for r in reports]


def load_events(n: int | None, seed: int) -> pd.DataFrame:
    frame = pd.read_csv(UCDP, usecols=["id", "side_a", "side_b", "where_prec", "where_coordinates",
                                       "adm_1", "latitude", "longitude", "date_prec",
                                       "date_start", "best", "source_headline"])
    frame = frame[(frame.date_prec == 1) & (frame.where_prec <= 2)].reset_index(drop=True)
    if n is not None and n < len(frame):
        frame = frame.sample(n=n, random_state=seed).sort_values("id").reset_index(drop=True)
    return frame


def _respell(name: str, rng: random.Random) -> str:
    swaps = [("ei", "i"), ("aa", "a"), ("ou", "u"), ("sh", "ch"), ("al-", "el "), ("k", "q"),
             ("e", "a"), ("y", "i")]
    out = name
    for a, b in rng.sample(swaps, 3):
        out = out.replace(a, b)
    return out if out != name else name + "h"


def _jitter(lat: float, lon: float, km: float, rng: random.Random) -> tuple[float, float]:
    r = km * math.sqrt(rng.random())
    theta = rng.random() * 2 * math.pi
    return (lat + r * math.cos(theta) / 111.32,
            lon + r * math.sin(theta) / (111.32 * math.cos(math.radians(lat))))


@dataclass
class Event:
    truth: int
    day: dt.date
    lat: float
    lon: float
    place: str
    admin1: str | None
    cats: tuple[str, ...]
    killed: int
    weapon: str
    perpetrator: str | None
    headline: str


def _event(row: pd.Series, truth: int, rng: random.Random) -> Event:
    cats: tuple[str, ...] = ()
    if rng.random() < 0.6:
        cats = tuple(sorted(rng.sample(VICTIM_CATEGORIES, rng.choice((1, 1, 2)))))
    place = str(row.where_coordinates).replace(" village", "").replace(" town", "")
    return Event(truth, dt.date.fromisoformat(str(row.date_start)[:10]), float(row.latitude),
                 float(row.longitude), place, None if pd.isna(row.adm_1) else str(row.adm_1),
                 cats, int(row.best), rng.choice(WEAPONS), PARTY.get(str(row.side_a), "SY-OPP"),
                 str(row.source_headline))


def _report(ev: Event, src: Source, rng: random.Random, admin_centroid: dict[str, tuple[float, float]]) -> Claim:
    u = rng.random()
    if u < 0.05:
        start, end, prec = ev.day.replace(day=1), None, "month"
    elif u < 0.08:
        start = ev.day - dt.timedelta(days=rng.randint(0, 6))
        end, prec = start + dt.timedelta(days=6), "week"
    else:
        off = rng.choice((-1, 1)) if rng.random() < 0.08 else 0
        start, end, prec = ev.day + dt.timedelta(days=off), None, "day"
    u = rng.random()
    name = ev.place
    if u < 0.5:
        lat, lon = _jitter(ev.lat, ev.lon, 1.5, rng)
        pprec = "exact"
    elif u < 0.78:
        lat, lon = _jitter(ev.lat, ev.lon, 5.0, rng)
        pprec = "city"
    elif u < 0.86 and ev.admin1:
        lat, lon = admin_centroid[ev.admin1]
        pprec, name = "admin1", ev.admin1
    else:
        lat, lon = _jitter(ev.lat, ev.lon, 1.5, rng)
        pprec, name = "exact", _respell(ev.place, rng)
    killed: int | None = ev.killed
    u = rng.random()
    if u < 0.25:
        killed = max(0, round(ev.killed * rng.uniform(0.7, 1.3)))
    elif u < 0.4:
        killed = None
    cats = list(ev.cats)
    u = rng.random()
    if cats and u < 0.08:
        cats = cats[:1] if len(cats) > 1 else cats + [rng.choice(VICTIM_CATEGORIES)]
    elif cats and u < 0.16:
        cats = []  # the report does not say who was hit (a context report of the same strike)
    victims = [Victim(c, killed=killed if i == 0 else None) for i, c in enumerate(sorted(set(cats)))]
    u = rng.random()
    weapon = ev.weapon if u < 0.6 else rng.choice(WEAPONS) if u < 0.68 else None
    party = None
    if rng.random() < 0.5:
        party = ev.perpetrator if src.affiliation != ev.perpetrator else rng.choice(["SY-OPP", "SY"])
    who = rng.choice(WORDS[cats[0]]) if cats else "people"
    weapon_word = WEAPON_WORDS[weapon or ev.weapon]
    text = rng.choice(TEMPLATES).format(n=killed if killed is not None else "several", who=who,
                                        weapon=weapon_word, place=name)
    if rng.random() < 0.3:
        text += ". " + ev.headline
    return Claim(date=DateSpan(start, end, prec),
                 place=Place(text=name, name=name, country="SY", admin1=ev.admin1, lat=lat, lon=lon,
                             precision=pprec),
                 victims=victims, killed=killed, weapon=weapon,
                 perpetrator=Perpetrator(None, party), description=text)


def generate(n_events: int | None = 3000, seed: int = 7, distractor_rate: float = 0.3) -> Corpus:
    """A corpus of reports with known truth (``Report.truth``)."""
    rng = random.Random(seed)
    frame = load_events(n_events, seed)
    centroid = {str(k): (float(g.latitude.mean()), float(g.longitude.mean()))
                for k, g in frame.groupby("adm_1")}
    events = [_event(row, int(row.id), rng) for row in frame.itertuples(index=False)]
    extra: list[Event] = []
    for ev in events:
        if rng.random() < distractor_rate:
            twin = _event(frame.sample(1, random_state=rng.randint(0, 10**9)).iloc[0], -ev.truth, rng)
            if rng.random() < 0.5:
                twin.day, twin.lat, twin.lon, twin.place, twin.admin1 = (
                    ev.day + dt.timedelta(days=1), ev.lat, ev.lon, ev.place, ev.admin1)
            else:
                twin.lat, twin.lon = _jitter(ev.lat, ev.lon, 0.0, rng)
                twin.lat += rng.choice((-1, 1)) * rng.uniform(8, 20) / 111.32
                twin.day, twin.place, twin.admin1 = ev.day, ev.place + " Saghir", ev.admin1
            extra.append(twin)
    pool = sources()
    dataset = Source("dataset-x", "Event dataset X", "dataset", None, "independent")
    corpus = Corpus()
    rows: list[Report] = []
    label = 0
    for ev in events + extra:
        k = min(5, 1 + _poisson(rng, 1.4))
        chosen = rng.sample(pool, k)
        for i, src in enumerate(chosen):
            if i == 0 and ev.truth > 0 and rng.random() < 0.5:
                claim = _report(ev, dataset, rng, centroid)
                claim.row_ref = f"row-{len(rows) + 1}"
                rows.append(Report(claim, ev.truth, dataset))
                continue
            label += 1
            corpus.documents.append((src, f"doc-{label}", [Report(_report(ev, src, rng, centroid), ev.truth, src)]))
    corpus.documents.append((dataset, "dataset", rows))
    return corpus


def _poisson(rng: random.Random, lam: float) -> int:
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1
