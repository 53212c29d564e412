"""The default rule-based extractor: sentences → incident segments → claims.

A document is cut into sentences; each is read by :mod:`rescuewatch.extract.rules`. Sentences
that report harm to protected people or a strike on a protected object open an *incident
segment*; following sentences join it until one reports harm at a new date or a new
settlement, which opens the next. Statements of running totals ("since 2022, 19 rescuers…")
become aggregate claims and never feed an incident. Attributes missing from a segment come
from the lead (the sentences before the first incident: a header, a summary line), so a
"ВСУ 52 раза атаковали…" or "blaming Israel for both attacks" covers every item.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from dataclasses import dataclass, field, replace

from rescuewatch.extract import dates as dates_mod
from rescuewatch.extract.base import Extractor, check_text, register
from rescuewatch.extract.language import LANGS, detect
from rescuewatch.extract.lexicon import EPITHET_COUNTRIES, lexicon
from rescuewatch.extract.places import PlaceHit, best, find_places
from rescuewatch.extract.rules import OBJECTS, PartyRef, Sentence, VictimRef, analyse
from rescuewatch.extract.tokens import sentences, tokenize
from rescuewatch.model import Claim, DateSpan, Evidence, Perpetrator, Place, Victim

VERSION = "1.0"
_ALL_ITEMS = re.compile(r"\b(?:both|all|each|обидва|обидві|обох|оба|обе|обоих|обеих|всех|усіх|всіх)\b", re.I)
#: Parties a generic word names, by the country of the place: "the army", "government forces",
#: "junta" (``?ARMY``) a state's armed forces; "rebels", "opposition forces", "paramilitary"
#: (``?NONSTATE``) the armed groups fighting them. The same countries for both, so that each
#: side's generic word names its party where the other's does.
GENERIC_PARTIES: dict[str, dict[str, str]] = {
    "?ARMY": {"MM": "MM-MIL", "SD": "SD-SAF", "SY": "SY-GOV"},
    "?NONSTATE": {"MM": "MM-PDF", "SD": "SD-RSF", "SY": "SY-OPP"},
}


@dataclass
class Part:
    """The incident part of a sentence (before any aggregate statement in it)."""

    s: Sentence
    victims: list[VictimRef]
    dates: list[dates_mod.DateHit]
    places: list[PlaceHit]
    parties: list[PartyRef]
    weapons: list[tuple[int, str]]

    @property
    def strong(self) -> bool:
        return any(
            (v.category not in OBJECTS and v.harm in ("killed", "injured", "zero"))
            or (v.category in OBJECTS and v.hit)
            for v in self.victims
        )

    @property
    def weak(self) -> bool:
        return any(v.hit for v in self.victims)

    @property
    def context(self) -> bool:
        return self.s.attack and bool(self.weapons or self.places)


@dataclass
class Segment:
    parts: list[Part] = field(default_factory=list)

    @property
    def strong(self) -> bool:
        return any(p.strong for p in self.parts)

    def date(self) -> dates_mod.DateHit | None:
        """The first date the segment gives, made precise by a day within it named in the same
        sentence ("In January 2020, on the 12th..." / "May 2021: ... on 25 May")."""
        for p in self.parts:
            found = [d for d in p.dates if d.span is not None and d.span.start is not None]
            if not found:
                continue
            first = found[0]
            assert first.span is not None and first.span.start and first.span.end
            if first.span.precision != "day":
                inside = [d for d in found[1:] if d.span and d.span.precision == "day" and d.span.start
                          and first.span.start <= d.span.start <= first.span.end]
                if inside:
                    return inside[0]
            return first
        return None

    def city(self) -> PlaceHit | None:
        return next((h for p in self.parts for h in p.places if h.kind == "city"), None)


@register
class RuleExtractor(Extractor):
    """Offline rule-based extractor for English, Russian and Ukrainian."""

    name = "rules"
    version = VERSION

    def extract(
        self, text: str, *, published: dt.date | None = None, lang: str | None = None
    ) -> list[Claim]:
        check_text(text)
        header_date, header_span = dates_mod.published_header(text)
        lang = lang or detect(text)
        if lang not in LANGS:
            return []
        assert lang is not None
        line_date, line_span = dates_mod.dateline(text, lang)
        published = published or header_date or line_date
        parts, aggregates = self._read(text, lang, published, header_span, line_span)
        segments = _segment(parts)
        filed = None
        if line_date is not None and line_span is not None:
            # an incident told without a day of its own happened by the day the story was
            # filed: the dateline's day or the one before, not no day at all
            filed = dates_mod.DateHit(*line_span, text[line_span[0]:line_span[1]], DateSpan(
                line_date - dt.timedelta(days=1), line_date, "day"), "dateline")
        claims = _claims(text, segments, parts, lang, filed)
        doc_orgs = [o for p in parts for _, o in p.s.orgs]
        return claims + [c for c in (_aggregate(text, p, lang, doc_orgs) for p in aggregates) if c]

    def _read(self, text: str, lang: str, published: dt.date | None,
              header: tuple[int, int] | None,
              dateline: tuple[int, int] | None = None) -> tuple[list[Part], list[Part]]:
        lex = lexicon(lang)
        finder = dates_mod.finder(lang)
        read = []
        for a, b in sentences(text):
            if header and a < header[1] and b > header[0]:
                a = max(a, header[1])
                if b <= a:
                    continue
            read.append(analyse(text, a, b, tokenize(text, a, b, lang, lex.prefixes), lex, lang))
        # only sentences near a victim or a strike can place an incident: resolve those
        hot = {n + d for n, s in enumerate(read) if s.victims or s.attack for d in (-1, 0, 1)}
        places = _places_by_window(text, lang, read, hot)
        parts, aggregates = [], []
        previous_aggregate = False
        year = dates_mod.year_named(text, lang) if published is None else None
        # most documents have neither cue anywhere: one search of the whole text spares one
        # per sentence (the looser patterns match wherever the exact ones can)
        superseded = _SUPERSEDED_ANYWHERE.search(text) is not None
        recall = _RECALL_ANYWHERE.search(text) is not None
        denial = _DENIAL_WORD.search(text) is not None
        starts = [h.start for h in places]
        if starts != sorted(starts):
            starts = []  # not in text order: _within falls back to a scan
        for s in read:
            a, b = s.start, s.end
            here = _within(places, starts, a, b)
            found = finder.find(text, a, b, published, year)
            if dateline and a < dateline[1]:
                # "Kharkiv, 14 March 2024 — ...": when the story was filed, not the event
                found = [d for d in found if d.end <= dateline[0] or d.start >= dateline[1]]
            if superseded and _SUPERSEDED.search(text, a, b):
                # "Earlier reports put the toll at one": a figure the update replaces
                s.victims, s.weapons, s.attack, s.aggregate_from = [], [], False, None
                found = []
            if previous_aggregate and not found and not here and not s.weapons:
                s.aggregate_from = a  # a statistic running on from the sentence before
            previous_aggregate = s.aggregate_from == a
            cut = s.aggregate_from if s.aggregate_from is not None else b
            if recall and _RECALL.search(text, a, cut):
                # "In March a substation was hit, the official recalled": background, not news
                s.victims = [v for v in s.victims if v.mention.start >= cut]
                s.weapons, s.attack = [], False
            if denial:
                found = _drop_denial_dates(text, a, cut, found)
            quoted = _quoted(text, a, b)
            if quoted and not found and not here:
                # "Ambulances are hit almost every week," a researcher said: a generic quote
                s.victims = [v for v in s.victims if not _inside(v.mention.start, quoted)
                             or (v.count is not None and v.category not in OBJECTS)]
                s.repeat = s.repeat and not all(a2 <= a and b <= b2 for a2, b2 in quoted)
            parts.append(Part(
                s,
                [v for v in s.victims if v.mention.start < cut],
                [d for d in found if d.start < cut],
                [h for h in here if h.start < cut],
                [p for p in s.parties if p.start < cut],
                [w for w in s.weapons if w[0] < cut],
            ))
            if s.aggregate_from is not None:
                aggregates.append(Part(s, [v for v in s.victims if v.mention.start >= cut], [],
                                       [h for h in here if h.start >= cut], [], []))
        return parts, aggregates


def _within(places: list[PlaceHit], starts: list[int], a: int, b: int) -> list[PlaceHit]:
    """The places starting in ``[a, b)``, in order (``starts``: their sorted starts, or empty)."""
    if not starts:
        return [h for h in places if a <= h.start < b]
    return places[bisect_left(starts, a) : bisect_left(starts, b)]


# Verbs of recalling an earlier event: the sentence is background to the news item.
_RECALL = re.compile(
    r"\b(?:recalled|recalling|reminded|напомнил[аи]?|напомнив|нагадав|нагадала|нагадали|нагадавши)\b",
    re.IGNORECASE)
# A figure an update replaces: "earlier reports had put…", "ранее сообщалось о…".
_SUPERSEDED = re.compile(
    r"\b(?:earlier reports?|earlier reported|initially reported|initial reports?|previously reported|"
    r"ранее сообщалось|ранее сообщали|первоначально сообщалось|раніше повідомлялося|раніше повідомляли|"
    r"спочатку повідомлялося)\b",
    re.IGNORECASE)
# The same without word boundaries: a document-wide pre-test that can only match more.
_RECALL_ANYWHERE = re.compile(_RECALL.pattern.replace(r"\b", ""), re.IGNORECASE)
_SUPERSEDED_ANYWHERE = re.compile(_SUPERSEDED.pattern.replace(r"\b", ""), re.IGNORECASE)
# "X denied on Thursday that ...", "Міноборони у вівторок заперечило повідомлення про ...": a date
# before the clause of a denial is the date of the denial, not of the event denied.
_DENIAL = re.compile(
    r"(?P<gap>[^.;:]*?\b(?:denied|denies|rejected|опроверг(?:ло|ла|ли)?|отрицает|заперечи(?:ло|ла|ли|в)|спростува(?:ло|ла|ли|в))\b"
    r"[^.;:]{0,40}?)\b(?:that|что|що|reports|сообщения|повідомлення)\b",
    re.IGNORECASE)

# Every denial above contains one of these stems: without any, no sentence needs the search.
_DENIAL_WORD = re.compile(r"denied|denies|rejected|опроверг|отрицает|заперечи|спростува",
                          re.IGNORECASE)


def _drop_denial_dates(text: str, start: int, end: int,
                       found: list[dates_mod.DateHit]) -> list[dates_mod.DateHit]:
    m = _DENIAL.match(text, start, end)
    spans = [m.span("gap")] if m else []
    return [d for d in found if not any(a <= d.start < b for a, b in spans)]


_QUOTE = re.compile(r"[\"“«„]([^\"”»“]{8,})[\"”»“]")


def _quoted(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of direct quotations in a sentence (an unclosed quote runs to its end)."""
    spans = [(m.start(), m.end()) for m in _QUOTE.finditer(text, start, end)]
    opened = text[start:end].lstrip()[:1]
    if not spans and opened in "\"“«„":
        spans.append((start, end))
    return spans


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def _segment(parts: list[Part]) -> list[Segment]:
    segments: list[Segment] = []
    cur: Segment | None = None
    for part in parts:
        event = part.strong or part.weak
        if cur is None:
            if event or part.context:
                cur = Segment([part])
            continue
        if event and cur.strong and part.strong and _new_incident(cur, part):
            segments.append(cur)
            cur = Segment([part])
        else:
            cur.parts.append(part)
    if cur is not None:
        segments.append(cur)
    return segments


def _new_incident(cur: Segment, part: Part) -> bool:
    if part.s.attack and any(d.after_days for d in part.dates):
        return True  # "Two days later, a convoy came under fire": a strike of another day
    date = next((d for d in part.dates if d.span is not None), None)
    have = cur.date()
    if date is not None and have is not None and date.span != have.span:
        return True
    city = next((h for h in part.places if h.kind == "city"), None)
    have_city = cur.city()
    return city is not None and have_city is not None and city.key != have_city.key


def _claims(text: str, segments: list[Segment], parts: list[Part], lang: str,
            filed: dates_mod.DateHit | None = None) -> list[Claim]:
    protected = [seg for seg in segments if _victims(seg)]
    chosen = protected or [seg for seg in segments if _is_context(seg)]
    first = next((n for n, p in enumerate(parts) if p.strong), len(parts))
    lead = parts[:first]
    lead_place = best([h for p in lead for h in p.places])
    lead_country = lead_place.resolved.place.country if lead_place else None
    lead_party = _party_of(lead, lead_country) or _party_of([p for p in parts if _ALL_ITEMS.search(
        text[p.s.start : p.s.end])], lead_country)
    claims = []
    previous_date = next((d for p in lead for d in p.dates if d.span), None) or filed
    # a lead over several incidents is a summary: its weapon words are not each item's weapon
    summary = {id(p) for p in lead} if len(chosen) > 1 else set()
    for seg in chosen:
        if any(p.s.negative for p in seg.parts) and not any(p.weapons for p in seg.parts):
            continue
        date = seg.date() or _days_after(seg, previous_date) or previous_date
        previous_date = date
        claims.append(_claim(text, seg, date, lead_party, lead_place, lang, summary))
    return claims


def _days_after(seg: Segment, before: dates_mod.DateHit | None) -> dates_mod.DateHit | None:
    """The day of a segment dated only from the one before: "On 15 August ... Two days later,
    a convoy came under fire" is 17 August (it took the 15th)."""
    later = next((d for p in seg.parts for d in p.dates if d.after_days), None)
    if later is None or later.after_days is None or before is None or before.span is None \
            or before.span.precision != "day" or before.span.start is None or before.span.end is None:
        return None
    shift = dt.timedelta(days=later.after_days)
    return replace(later, span=DateSpan(before.span.start + shift, before.span.end + shift, "day"))


#: Places are resolved in windows of this many characters, sentences whole: the other place
#: names in a window are its context. Comparing every place name of a long text with every
#: other made a 270 KB text take 15 s and 2 MB several minutes; a window keeps it linear, and
#: news reports are far shorter than one window.
PLACE_WINDOW_CHARS = 50_000


def _places_by_window(text: str, lang: str, read: list[Sentence], hot: set[int]) -> list[PlaceHit]:
    """The places of the ``hot`` sentences of ``read``, resolved a window at a time."""
    out: list[PlaceHit] = []
    n = 0
    while n < len(read):
        first = n
        while n < len(read) and (n == first or read[n].end - read[first].start <= PLACE_WINDOW_CHARS):
            n += 1
        whole = first == 0 and n == len(read)  # a report: all of it is context, as ever
        w0, w1 = (0, len(text)) if whole else (read[first].start, read[n - 1].end)
        wanted = [(s.start - w0, s.end - w0) for k, s in enumerate(read[first:n], first) if k in hot]
        if wanted:
            out.extend(replace(h, start=h.start + w0, end=h.end + w0)
                       for h in find_places(text[w0:w1], lang, wanted))
    return out


def _is_context(seg: Segment) -> bool:
    return any(p.weapons for p in seg.parts) and any(p.places for p in seg.parts) and any(
        p.dates for p in seg.parts
    )


def _event_end(sentence: Sentence) -> int:
    """Where a sentence's report of an event ends: where a statistic in it begins, if one
    does (a sentence that is all statistic gives no event text, and no evidence span)."""
    if sentence.aggregate_from is None:
        return sentence.end
    return min(sentence.end, sentence.aggregate_from)


def _claim(text: str, seg: Segment, date: dates_mod.DateHit | None, lead_party: PartyRef | None,
           lead_place: PlaceHit | None, lang: str, summary: set[int] | None = None) -> Claim:
    place_hit = _place_of(seg)
    if place_hit is None or place_hit.tag or (place_hit.kind == "country" and lead_place is not None):
        place_hit = lead_place or place_hit
    place = place_hit.resolved.place if place_hit else Place()
    party = _party_of(seg.parts, place.country) or lead_party
    mutual = any(p.s.mutual_blame for p in seg.parts)
    perpetrator = Perpetrator()
    if party is not None and not mutual:
        perpetrator = Perpetrator(text[party.start : party.end], _code_at(party, place.country))
    weapon = _weapon_of(seg, summary or set())
    victims = _victims(seg)
    repeat = any(p.s.repeat and not p.s.negative for p in seg.parts)
    evidence = [Evidence(p.s.start, end, text[p.s.start : end], "sentence")
                for p in seg.parts if (end := _event_end(p.s)) > p.s.start]
    claim = Claim(
        date=date.span if date and date.span else DateSpan(),
        place=place,
        victims=victims,
        weapon=weapon,
        repeat_strike=repeat,
        perpetrator=perpetrator,
        evidence=evidence,
        extractor=RuleExtractor.name,
        extractor_version=VERSION,
        description=evidence[0].text[:500] if evidence else None,
    )
    if claim.date.precision == "day":  # a time of day without its day places nothing
        claim.time_of_day = dates_mod.time_of_day(" ".join(e.text for e in evidence))
    claim.killed, claim.injured = claim.totals()
    claim.confidence = _confidence(claim)
    return claim


def _weapon_of(seg: Segment, lead: set[int]) -> str | None:
    """The first weapon of the segment, not counting the ``lead`` (ids of summary parts).

    A summary line over several items ("окупанти 312 разів обстріляли…") names the weapons of
    the day; each item names the one that hit it ("В Оріхові дрон атакував…").
    """
    own = sorted(w for p in seg.parts if id(p) not in lead for w in p.weapons)
    weapons = own or sorted(w for p in seg.parts for w in p.weapons)
    if weapons:
        return weapons[0][1]
    return "unknown" if any(p.s.attack for p in seg.parts) else None


def _place_of(seg: Segment) -> PlaceHit | None:
    every = [h for p in seg.parts for h in p.places if not h.tag]
    if not every:
        return best([h for p in seg.parts for h in p.places])
    headers = {id(h) for p in seg.parts for h in p.places if len(p.s.tokens) <= 4 and not p.victims}
    # a channel header ("Белгород.") gives way to a settlement named in the story
    story = [h for h in every if id(h) not in headers]
    if any(h.kind == "city" for h in story):
        return best(story)
    return best(every)


def _party_of(parts: list[Part], country: str | None) -> PartyRef | None:
    """The first party named in ``parts`` at a place in ``country``, those named as who struck
    ("by", a force word) before a group's name alone; failing one, the first mention ("the
    enemy", another war's epithet), which names none.

    A group's name stands alone where a country word needs a force word: "an ambulance in a
    Hezbollah stronghold was hit by an Israeli strike" alleged Hezbollah, as its mirror
    "an ambulance in an Israeli town was hit by a Hezbollah rocket" does."""
    found = [r for p in parts for r in p.parties]
    named = [r for r in found if r.party is not None
             and (r.party in GENERIC_PARTIES or _code_at(r, country) is not None)]
    if named:
        return min(named, key=lambda r: r.rank == 2)  # the first one of the best kind
    return found[0] if found else None


def _code_at(party: PartyRef, country: str | None) -> str | None:
    """The party code ``party`` names at a place in ``country``."""
    code = party.party
    if code in GENERIC_PARTIES:
        return GENERIC_PARTIES[code].get(country or "")
    if code and code.startswith("?"):  # "occupiers" names no party outside its own war
        return code[1:] if country in EPITHET_COUNTRIES[code[1:]] else None
    return code


def _resolve(v: VictimRef, cats: set[str], orgs: set[str],
             people: set[str] | None = None, named: set[str] | None = None) -> str | None:
    """The category of a victim word; ``people`` are the person categories the segment's other
    words resolve to (used only for a bare "staff"/"crew member"), ``named`` the protected people
    it names at all, hurt or not ("when rescuers arrived: three volunteers were killed")."""
    c = v.category
    if not c.startswith("?"):
        return c
    ambulance = "ambulance" in cats or "medic" in orgs or "medic" in cats
    facility = "health_facility" in cats
    if c == "?medic":
        return "health_worker" if facility and not ambulance else "medic"
    if c == "?clinician":
        return "medic" if ambulance and not facility else "health_worker"
    if c == "?driver":
        if ambulance:
            return "medic"
        return v.org if v.org in ("aid_worker", "rescuer", "firefighter") else None
    if c == "?deminer":
        return {"rescuer": "rescuer", "aid_worker": "aid_worker"}.get(v.org or "")
    # ?member: the organisation nearby, else the one kind of person the segment names
    if v.org and v.org not in ("health_worker",) or (v.org == "health_worker" and facility):
        return v.org
    humans = {x for x in cats if x not in OBJECTS} | (people or set())
    if not humans:
        humans = named or set()
    return next(iter(humans)) if len(humans) == 1 else None


def _victims(seg: Segment) -> list[Victim]:
    refs = [v for p in seg.parts for v in p.victims]
    cats = {v.category for v in refs if not v.category.startswith("?") and (v.hit or v.harm)}
    orgs = {v.org for v in refs if v.org} | {o for p in seg.parts for _, o in p.s.orgs}
    # "Two paramedics were killed ... A third crew member was injured": a sentence about staff
    # alone continues with the people the segment already names (beside other people in the
    # same sentence, "a doctor and two staff members", the staff stay unresolved)
    people = {c for v in refs if v.category in ("?medic", "?clinician", "?driver") and (v.hit or v.harm)
              for c in [_resolve(v, cats, orgs)] if c and c not in OBJECTS}
    named = {v.category for v in refs if not v.category.startswith("?") and v.category not in OBJECTS}
    per_sentence: dict[str, list[dict[str, int | None | bool]]] = {}
    for p in seg.parts:
        sums: dict[str, dict[str, int | None | bool]] = {}
        alone = all(v.category == "?member" for v in p.victims)
        for v in p.victims:
            cat = _resolve(v, cats, orgs, people if alone else None, named)
            if cat is None and _crew(p, v) and ("ambulance" in cats or "medic" in orgs):
                cat = "medic"  # "two other crew members" of a hit ambulance are its EMS crew
            if cat is None:
                continue
            if cat in OBJECTS:
                if v.hit:
                    sums.setdefault(cat, {})
                continue
            if v.harm is None and not v.hit:
                continue
            acc = sums.setdefault(cat, {})
            if v.harm == "zero":
                acc["zero"] = True
            elif v.harm in ("killed", "injured"):
                old = acc.get(v.harm)
                acc[v.harm] = v.count if old is None else (old if v.count is None else int(old) + v.count)  # type: ignore[operator]
                acc[v.harm + "_seen"] = True
        for cat, acc in sums.items():
            per_sentence.setdefault(cat, []).append(acc)
    out = []
    order = ["ambulance", "health_facility", "medic", "health_worker", "patient", "firefighter",
             "rescuer", "aid_worker"]
    for cat in sorted(per_sentence, key=order.index):
        accs = per_sentence[cat]
        killed = _max(a.get("killed") for a in accs)
        injured = _max(a.get("injured") for a in accs)
        if cat not in OBJECTS and any(a.get("zero") for a in accs):
            killed = 0 if killed is None and not any(a.get("killed_seen") for a in accs) else killed
            injured = 0 if injured is None and not any(a.get("injured_seen") for a in accs) else injured
        out.append(Victim(cat, killed, injured))
    return out


def _crew(p: Part, v: VictimRef) -> bool:
    """Whether a staff word is "crew"/"бригада"/"екіпаж" (the crew of a vehicle)."""
    words = {t.text.lower() for t in p.s.tokens[v.mention.i : v.mention.j]}
    return bool(words & _CREW_WORDS)


_CREW_WORDS = {"crew", "crews", "бригады", "бригади", "экипажа", "екіпажу"}


def _max(values: object) -> int | None:
    known = [int(v) for v in values if isinstance(v, int) and not isinstance(v, bool)]  # type: ignore[attr-defined]
    return max(known) if known else None


def _confidence(claim: Claim) -> float:
    score = 0.4
    score += 0.1 if claim.date.start else 0.0
    score += 0.1 if claim.place.geonameid else 0.0
    score += 0.15 if any(v.killed or v.injured for v in claim.victims) else 0.0
    score += 0.1 if claim.weapon not in (None, "unknown") else 0.0
    score += 0.05 if claim.perpetrator.party else 0.0
    return round(min(score, 0.95), 2)


def _aggregate(text: str, part: Part, lang: str, doc_orgs: list[str]) -> Claim | None:
    cats = {v.category for v in part.victims if not v.category.startswith("?")}
    # a running total often names its organisation in another sentence ("the society said")
    orgs = {v.org for v in part.victims if v.org} | {o for _, o in part.s.orgs}
    # the most named organisation; a tie goes to the one named first (never to set order)
    fallback = max(dict.fromkeys(doc_orgs), key=doc_orgs.count) if doc_orgs else None
    totals: dict[str, dict[str, int]] = {}
    damaged: dict[str, int] = {}
    for v in part.victims:
        if v.category == "?member" and v.org is None:
            v.org = next((o for _, o in part.s.orgs), None) or fallback
        cat = _resolve(v, cats, orgs)
        if cat is None or v.count is None:
            continue
        if cat in OBJECTS:
            if v.hit:
                damaged[cat] = max(damaged.get(cat, 0), v.count)
            continue
        if v.harm not in ("killed", "injured"):
            continue
        acc = totals.setdefault(cat, {})
        acc[v.harm] = max(acc.get(v.harm, 0), v.count)
    if not totals and not damaged:
        return None
    victims = [Victim(c, t.get("killed"), t.get("injured")) for c, t in totals.items()]
    victims += [Victim(c, affected=n, harm="damaged") for c, n in damaged.items()]
    start = part.s.aggregate_from or part.s.start
    place_hit = best(part.places)
    claim = Claim(
        victims=victims,
        place=place_hit.resolved.place if place_hit else Place(),
        is_aggregate=True,
        evidence=[Evidence(start, part.s.end, text[start : part.s.end], "aggregate")],
        extractor=RuleExtractor.name,
        extractor_version=VERSION,
        confidence=0.6,
    )
    claim.killed, claim.injured = claim.totals()
    return claim
