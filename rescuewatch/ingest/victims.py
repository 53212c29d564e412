"""Which protected categories, and which weapon, a dataset row speaks of.

Datasets say it in two ways: coded columns (``Health Workers Killed``, ``HC Transport``) which
each reader maps itself, and English free text (ACLED ``notes``, Insecurity Insight ``Event
Description``, weapon labels) which this module reads with word-boundary patterns. The patterns
are deliberately plain and party-blind: they look for who or what was affected, never for who
is named as responsible.

A mention is not always harm: "the wounded were taken to hospital" or "according to medics"
names a hospital or medics without saying they were hit. Such phrases are removed before
matching, so a row is only marked as concerning protected people when its text says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Set
from functools import cache
from typing import Any, NamedTuple

from rescuewatch.model import VICTIM_CATEGORIES, Victim

# --- victim categories from English text -----------------------------------------------------

_TERMS: dict[str, tuple[str, ...]] = {
    "ambulance": (r"ambulances?", r"medical (?:vehicles?|convoys?|evacuation vehicles?)"),
    "medic": (
        r"(?:para)?medics?", r"(?:field|combat|military) medics?", r"EMS (?:crews?|workers?|staff)",
        r"emergency medical (?:services?|teams?|crews?|workers?|personnel|technicians?)",
        r"ambulance (?:crews?|drivers?|staff|workers?|teams?|personnel)",
        r"(?:medical|first) responders?", r"paramedical",
    ),
    "health_worker": (
        r"doctors?", r"nurses?", r"surgeons?", r"physicians?", r"midwi(?:fe|ves)", r"pharmacists?",
        r"dentists?", r"health ?(?:care )?(?:workers?|staff|personnel|professionals?)",
        r"medical (?:staff|personnel|workers?|professionals?|students?|team)",
        r"hospital (?:staff|workers?|employees?|director)",
    ),
    "health_facility": (
        r"hospitals?", r"clinics?", r"health ?(?:care )?(?:centres?|centers?|facilit(?:y|ies)|posts?|units?)",
        r"medical (?:centres?|centers?|facilit(?:y|ies)|points?|posts?|complex)",
        r"polyclinics?", r"maternity (?:ward|home|hospital)s?", r"dispensar(?:y|ies)",
        r"pharmac(?:y|ies)", r"field hospitals?", r"blood banks?",
    ),
    "patient": (r"patients?", r"(?:wounded|injured) (?:being|were being) (?:treated|evacuated)"),
    "firefighter": (
        r"fire ?fighters?", r"firem[ae]n", r"fire (?:brigades?|crews?|engines?|trucks?|stations?|"
        r"services?|department|rescue)",
    ),
    "rescuer": (
        r"rescuers?", r"rescue (?:workers?|teams?|crews?|services?|personnel|units?|vehicles?)",
        r"civil defen[cs]e", r"white helmets", r"search[- ]and[- ]rescue",
        r"emergency (?:services?|ministry|workers?|service workers?) ?(?:personnel|workers?|staff)?",
        r"state emergency service", r"emergencies ministry", r"ministry of emergenc(?:y|ies)",
        r"first aid (?:team|volunteers?)",
    ),
    "aid_worker": (
        r"aid (?:workers?|convoys?|agency|agencies|staff|volunteers?|organi[sz]ations?)",
        r"humanitarian (?:workers?|staff|personnel|convoys?|volunteers?|organi[sz]ations?|"
        r"agency|agencies|team|mission)",
        r"relief (?:workers?|convoys?|staff)", r"(?:I?NGO|UN) (?:workers?|staff|employees?|personnel)",
        r"red (?:cross|crescent) (?:workers?|staff|volunteers?|team|personnel)",
        r"deminers?",
    ),
}

_CARE_PLACES = (r"(?:hospitals?|clinics?|medical (?:centres?|centers?|facilit(?:y|ies)|points?)|"
                r"health (?:centres?|centers?|facilit(?:y|ies)|posts?)|ambulances?|medics?|"
                r"paramedics?|doctors?)\b")

#: Responders as notes name them doing their work or reporting it (see :data:`_NOT_HARM_SOURCE`)
_RESPONDERS = (r"(?:fire ?fighters?|firem[ae]n|fire (?:services?|brigades?|department)|rescuers?|"
               r"rescue (?:workers?|teams?|crews?|services?)|"
               r"(?:state )?emergency (?:services?|workers?|service workers?)|"
               r"civil defen[cs]e(?: teams?| workers?| volunteers?)?|white helmets|"
               r"(?:para)?medics?|ambulance crews?)")
#: what responders do at a scene once it is over: putting out a fire, bringing out the dead
_RESPONSE = (r"(?:extinguished|put out|pulled|recovered|retrieved|rescued|locali[sz]ed|"
             r"contained)")

#: Phrases that name a protected category without saying it was affected: patients brought to
#: a hospital, a hospital or medics quoted as the source of a casualty count, responders who
#: put out a fire or pulled out the dead, none of whom were hurt.
_NOT_HARM_SOURCE = (
    r"\b(?:taken|took|takes|taking|rushed|brought|transferred|transported|evacuated|admitted|sent|moved|"
    r"referred|carried|airlifted|succumbed|died|dying|treated|treatment|receiving care|"
    r"rushing|bringing|transferring|transporting|evacuating|carrying)"
    r"(?: \w+){0,3} (?:to|in|at|by) (?:an? |the |nearby |local |several |two |a nearby )?"
    r"(?:\w+ ){0,2}" + _CARE_PLACES +
    # journeys: going to or coming from a hospital is no harm to it ("returned fire" is)
    r"|\b(?:on (?:his|her|their|its|the) way|en route|return(?:ing|ed)(?! fire)|"
    r"travell?(?:ing|ed)|walking|dropp(?:ing|ed)(?: \w+){0,3} off)"
    r"(?: \w+){0,3} (?:to|from|at) (?:an? |the |nearby |local )?(?:\w+ ){0,2}" + _CARE_PLACES +
    # caring for patients names them without saying they were harmed
    r"|\b(?:treating|tending(?: to)?|caring for|attending to|visiting|meet(?:ing)?|"
    r"provid(?:e|es|ed|ing) [\w-]+(?: [\w-]+)? (?:to|for))(?: [\w-]+){0,2} patients?\b"
    r"|\b(?:according to|citing|cited|told|quoted|reported by|said)(?: \w+){0,3} "
    r"(?:hospital|medical|health|medics?|paramedics?|doctors?|rescuers?|civil defen[cs]e|"
    r"emergency services?)\b(?: \w+){0,2}"
    r"|\b(?:hospital|medical|health|rescue|civil defen[cs]e|emergency service) "
    r"(?:sources?|officials?|authorities|ministry|spokesm[ae]n|spokesperson|director|chief)\b"
    r"(?: (?:said|says|reported|stated|told))?"
    r"|\b(?:doctors without borders|physicians for human rights|ministry of health|"
    r"health ministry|medecins sans frontieres)\b"
    # responders at work once the attack is over ("firefighters extinguished the fire",
    # "rescuers pulled 12 bodies from the rubble"; not "rescuers who pulled ... were hit")
    r"|\b" + _RESPONDERS + r" (?:(?!who |that |which )[\w-]+ )?" + _RESPONSE + r"\b"
    r"|\b" + _RESPONSE + r"(?: out)? by (?:the )?(?:[\w-]+ )?" + _RESPONDERS + r"\b"
    # responders as the source of a count ("emergency services said four people were killed")
    r"|\b(?:" + _RESPONDERS + r"|doctors?|nurses?|hospital staff|medical staff) "
    r"(?:said|says|reported|stated|confirmed|announced)\b"
    # ... or carrying and treating the wounded ("ambulances took the injured to hospital")
    r"|\b(?:ambulances?|(?:para)?medics?|ambulance crews?) (?:took|transported|carried|"
    r"evacuated|rushed|treated) (?:the |\d+ |two |three |several |many )?(?:other )?"
    r"(?:injured|wounded|victims|casualties|people)\b"
    r"(?: to (?:an? |the |nearby |local )?(?:\w+ ){0,2}" + _CARE_PLACES + ")?"
    # and those the text says were not hurt
    r"|\bno (?:[\w-]+ )?" + _RESPONDERS + r" (?:were|was) (?:reported )?"
    r"(?:killed|injured|wounded|hurt|harmed)\b"
    r"|\bno (?:casualties|injuries|deaths) (?:among|to) (?:the )?" + _RESPONDERS + r"\b"
)

#: category -> pattern (text, compiled by :func:`patterns`), in vocabulary order.
_CATEGORY_SOURCES: tuple[tuple[str, str], ...] = tuple(
    (category, r"\b(?:" + "|".join(terms) + r")\b") for category, terms in _TERMS.items()
)
#: Lower-case fragments at least one of which every term of a category contains. Most rows
#: name no protected category; a few substring tests settle that far faster than the patterns.
_STEMS: dict[str, tuple[str, ...]] = {
    "ambulance": ("ambulanc", "medical "),
    "medic": ("medic", "ems ", "emergency medical", "ambulanc", "responder"),
    "health_worker": ("doctor", "nurse", "surgeon", "physician", "midwi", "pharmacist", "dentist",
                      "health", "medical ", "hospital "),
    "health_facility": ("hospital", "clinic", "health", "medical ", "dispensar", "pharmac",
                        "maternity", "blood bank"),
    "patient": ("patient", "wounded", "injured"),
    "firefighter": ("fire",),
    "rescuer": ("rescue", "civil defen", "white helmet", "emergenc", "first aid"),
    "aid_worker": ("aid ", "humanitarian", "relief", "ngo ", "un ", "red cross", "red crescent",
                   "deminer"),
}

assert {c for c, _ in _CATEGORY_SOURCES} <= set(VICTIM_CATEGORIES) and set(_STEMS) == set(_TERMS)


def _automaton(stems: dict[str, tuple[str, ...]]) -> Any:
    """An Aho-Corasick automaton finding every stem in one pass; each stem carries the keys
    (categories or weapons) whose terms contain it."""
    import ahocorasick

    keys: dict[str, set[str]] = {}
    for key, fragments in stems.items():
        for fragment in fragments:
            keys.setdefault(fragment, set()).add(key)
    automaton = ahocorasick.Automaton()
    for fragment, owners in keys.items():
        automaton.add_word(fragment, frozenset(owners))
    automaton.make_automaton()
    return automaton


#: Lower-case fragments at least one of which every match of :data:`_NOT_HARM_SOURCE`
#: contains (a verb of its first branch, a journey word of its second, a verb of its third,
#: a word of its fourth, the second word of its fifth, or a name of its sixth). An ASCII text holding none of them is left as it is by
#: ``patterns().not_harm.sub``.
_NOT_HARM_STEMS = (
    "taken", "rushed", "brought", "transferred", "transported", "evacuated", "admitted", "sent",
    "moved", "referred", "carried", "airlifted", "succumbed", "died", "dying", "treated",
    "treatment", "receiving care", "rushing", "bringing", "transferring", "transporting",
    "evacuating", "carrying", " way", "en route", "return", "travel", "walking", "dropp",
    "treating", "tending", "caring", "attending", "visiting", "meet", "provid",
    "according to", "citing", "cited", "told", "quoted",
    "reported by", "said", "source", "official", "authorities", "ministry", "spokesm",
    "spokesperson", "director", "chief", "doctors without borders", "physicians for human rights",
    "medecins sans frontieres", "extinguished", "put out", "pulled", "recovered", "retrieved",
    "rescued", "locali", "contained", "says", "stated", "confirmed", "announced", "no ",
    "took", "takes", "taking", "transported", "carried", "evacuated", "rushed", "treated",
    "reported",
)
#: The only words after which a ``not_harm`` match can end inside a word ("hospital sources
#: reported" in "... reportedly"): then the text after the removed phrase starts mid-word.
_MIDWORD_STEMS = ("said", "says", "reported", "stated", "told")
_MIDWORD_SOURCE = r"(?:said|says|reported|stated|told)\w"
_NOT_HARM_KEY, _MIDWORD_KEY = " not_harm", " midword"  # cannot clash with a category name

_CATEGORY_STEMS = _automaton(_STEMS)
_CATEGORY_KEYS = frozenset(_STEMS)


def _stem_hits(automaton: Any, low: str) -> set[str]:
    hits: set[str] = set()
    for _, owners in automaton.iter(low):
        hits |= owners
    return hits


def categories_in_text(text: str | None) -> list[str]:
    """The protected categories an English text says were affected, in vocabulary order."""
    if not text:
        return []
    if not text.isascii():  # Unicode case folding: keep to the general path
        found_stems = _stem_hits(_CATEGORY_STEMS, text.lower())
        if not found_stems:
            return []
        return _categories_cleaned(text, found_stems)
    hits = _ascii_hits(text)
    if hits.isdisjoint(_CATEGORY_KEYS):
        return []
    # Removing not-harm phrases (word to word, replaced by a space) cannot create a match that
    # the text itself lacks, unless a removed phrase ends inside a word (``midword``). So a text
    # matching no category pattern as it stands gives none, without the costly substitution.
    compiled = patterns()
    if _MIDWORD_KEY in hits and compiled.midword.search(text):
        return _categories_cleaned(text, hits)
    found = [(category, pattern) for category, pattern in compiled.categories
             if category in hits and pattern.search(text)]
    if not found:
        return []
    if _NOT_HARM_KEY not in hits:  # nothing to remove: the text is its own cleaned form
        return [category for category, _ in found]
    cleaned = compiled.not_harm.sub(" ", text)
    return [category for category, pattern in found if pattern.search(cleaned)]


def _categories_cleaned(text: str, hits: Set[str]) -> list[str]:
    """The categories among ``hits`` whose pattern matches ``text`` without not-harm phrases."""
    compiled = patterns()
    cleaned = compiled.not_harm.sub(" ", text)
    return [category for category, pattern in compiled.categories
            if category in hits and pattern.search(cleaned)]


def victims_from_text(text: str | None, known: Iterable[str] = ()) -> list[Victim]:
    """Victims without counts for the categories ``text`` names and ``known`` does not hold."""
    have = set(known)
    return [UNCOUNTED[c] for c in categories_in_text(text) if c not in have]


#: One victim without counts per category: immutable, so every claim can share it.
UNCOUNTED: dict[str, Victim] = {c: Victim(c) for c in VICTIM_CATEGORIES}


_PROFESSION_MEDIC_SOURCE = (
    r"para ?medic|ambulance|\bmedics?\b|emergency medical|first responder|\bEMT\b"
)


def profession_category(professions: str | None) -> str:
    """``medic`` when every listed profession is an EMS one (paramedic, ambulance driver,
    field medic), else ``health_worker``: a mixed or unknown list cannot be split."""
    if not professions:
        return "health_worker"
    parts = [p.strip() for p in re.split(r"[,;/]", professions) if p.strip()]
    if parts and all(patterns().profession_medic.search(_uncamel(p)) for p in parts):
        return "medic"
    return "health_worker"


def _uncamel(text: str) -> str:
    """``AmbulanceDriver`` -> ``Ambulance Driver`` (some releases write labels in CamelCase)."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)


# --- weapons --------------------------------------------------------------------------------

#: weapon -> pattern (text, compiled by :func:`patterns`), most specific platform first:
#: "Aerial Bomb: Drone" and "Firearm: Drone" are drone attacks, "Aerial Bomb: Missile" a missile.
_WEAPON_SOURCES: tuple[tuple[str, str], ...] = (
    ("drone", r"\b(?:drones?|UAVs?|unmanned aerial|quadcopters?|loitering munitions?|"
              r"kamikaze drones?|shaheds?|geran|lancet)\b"),
    ("missile", r"\b(?:missiles?|ballistic|cruise missiles?|iskander|kalibr|tochka|"
                r"guided rockets?)\b"),
    ("airstrike", r"\b(?:air ?strikes?|air raids?|aerial (?:bomb(?:s|ing)?|attacks?|strikes?)|"
                  r"planes?|aircraft|warplanes?|jets?|helicopters?|barrel bombs?|glide bombs?|"
                  r"bomb(?:ed|ing)? from the air|air/drone strike)\b"),
    ("artillery", r"\b(?:artillery|shell(?:s|ing|ed)?|mortars?|rockets?|MLRS|grads?|"
                  r"multiple rocket|howitzers?|tank fire|heavy weapons?)\b"),
    ("mine_ied", r"\b(?:(?:land)?mines?|IEDs?|improvised explosive|explosive devices?|"
                 r"car bombs?|VBIEDs?|booby[- ]trap(?:s|ped)?|landmine|remote explosive)\b"),
    ("small_arms", r"\b(?:fire ?arms?|guns?|gunfire|gunmen|rifles?|bullets?|snipers?|shot|"
                   r"shooting|RPGs?|machine ?guns?|individual weapons?|small arms)\b"),
    ("other", r"\b(?:arson|knife|knives|machetes?|daggers?|stones?|sticks|fist|blunt|"
              r"grenades?|tasers?|liquid|unarmed|set (?:on )?fire|setting fire|chemical|"
              r"beaten|beating|unspecified explosive|other weapons?|explosives?)\b"),
)
#: Lower-case fragments that every term of a weapon pattern contains (a cheap pre-test).
_WEAPON_STEMS: dict[str, tuple[str, ...]] = {
    "drone": ("drone", "uav", "unmanned", "quadcopter", "loitering", "shahed", "geran", "lancet"),
    "missile": ("missile", "ballistic", "iskander", "kalibr", "tochka", "guided rocket"),
    "airstrike": ("air", "aerial", "plane", "aircraft", "jet", "helicopter", "bomb"),
    "artillery": ("artillery", "shell", "mortar", "rocket", "mlrs", "grad", "multiple rocket",
                  "howitzer", "tank fire", "heavy weapon"),
    "mine_ied": ("mine", "ied", "improvised explosive", "explosive device", "car bomb",
                 "booby", "remote explosive"),
    "small_arms": ("fire", "gun", "rifle", "bullet", "sniper", "shot", "shooting", "rpg",
                   "individual weapon", "small arms"),
    "other": ("arson", "knife", "knives", "machete", "dagger", "stone", "stick", "fist",
              "blunt", "grenade", "taser", "liquid", "unarmed", "fire", "chemical", "beat",
              "explosive", "other weapon"),
}
_WEAPON_STEMS_AC = _automaton(_WEAPON_STEMS)
#: Longer fragments for ASCII text, where a lower-case substring test is exact: "air" and
#: "fire" alone are in many texts naming no air strike, firearm or arson.
_ASCII_WEAPON_STEMS: dict[str, tuple[str, ...]] = {
    **_WEAPON_STEMS,
    "airstrike": ("air strike", "airstrike", "air raid", "air/drone strike", "aerial", "plane",
                  "aircraft", "jet", "helicopter", "bomb"),
    "small_arms": ("firearm", "fire arm", "gun", "rifle", "bullet", "sniper", "shot", "shooting",
                   "rpg", "individual weapon", "small arms"),
    "other": tuple(f for f in _WEAPON_STEMS["other"] if f != "fire")
    + ("set fire", "set on fire", "setting fire"),
}
#: For ASCII text: the category stems, the not-harm guards and the weapon stems in one
#: automaton, so that notes read both for victims and for the weapon are scanned once.
_ASCII_STEMS_AC = _automaton(
    {**_STEMS, _NOT_HARM_KEY: _NOT_HARM_STEMS, _MIDWORD_KEY: _MIDWORD_STEMS,
     **_ASCII_WEAPON_STEMS}
)
assert _CATEGORY_KEYS.isdisjoint(_ASCII_WEAPON_STEMS)
#: The last text scanned and its hits (one entry: the reader asks twice about each row).
_last_scan: tuple[str, frozenset[str]] = ("", frozenset())


def _ascii_hits(text: str) -> frozenset[str]:
    """The keys of every stem in an ASCII ``text`` (lower-cased), remembered for one text."""
    global _last_scan
    last = _last_scan  # read once: another thread may replace it (the pair stays consistent)
    if last[0] is text:
        return last[1]
    hits = frozenset(_stem_hits(_ASCII_STEMS_AC, text.lower()))
    _last_scan = (text, hits)
    return hits


_NO_WEAPON_SOURCE = r"\bnot applicable\b|\bno direct violence\b|^unarmed(?: perpetrator)?$"
_UNKNOWN_WEAPON_SOURCE = r"\bno information\b|\bunknown\b|\bunspecified$|\bnot known\b"


class Patterns(NamedTuple):
    """This module's regular expressions, compiled (all case-insensitive)."""

    not_harm: re.Pattern[str]
    midword: re.Pattern[str]
    categories: tuple[tuple[str, re.Pattern[str]], ...]
    weapons: tuple[tuple[str, re.Pattern[str]], ...]
    no_weapon: re.Pattern[str]
    unknown_weapon: re.Pattern[str]
    profession_medic: re.Pattern[str]


@cache
def patterns() -> Patterns:
    """The patterns, compiled on first use: every dataset ingest imports this module (to
    choose a reader), and compiling them all takes about 10 ms, which an input that has no
    free text to read (a UCDP file) need not pay."""
    def compiled(source: str) -> re.Pattern[str]:
        return re.compile(source, re.IGNORECASE)

    return Patterns(
        compiled(_NOT_HARM_SOURCE), compiled(_MIDWORD_SOURCE),
        tuple((category, compiled(source)) for category, source in _CATEGORY_SOURCES),
        tuple((weapon, compiled(source)) for weapon, source in _WEAPON_SOURCES),
        compiled(_NO_WEAPON_SOURCE), compiled(_UNKNOWN_WEAPON_SOURCE),
        compiled(_PROFESSION_MEDIC_SOURCE),
    )


def weapon_from_text(text: str | None, *, label: bool = False) -> str | None:
    """The controlled weapon (``drone`` ... ``unknown``) a weapon label or a text names.

    ``label=True`` reads a dataset's weapon column: a label that says there was no violence
    gives ``None``, one that says the weapon is unknown gives ``unknown``, and a label naming
    none of the known kinds gives ``other``. In free text (``label=False``) a text naming no
    weapon gives ``None``. Several kinds at once give the most specific (a drone-dropped
    grenade is a drone attack); "aerial bombing, missiles and shelling" names three kinds of
    explosive weapon and gives ``other``, since the row does not say which.
    """
    if not text:
        return None
    compiled = patterns()
    if label and compiled.no_weapon.search(text):
        return None
    if label and _BLUNT_USE.search(text):  # "Firearm: Blunt Use": a beating, not a shooting
        return "other"
    hits: Set[str] = (_ascii_hits(text) if text.isascii()
                      else _stem_hits(_WEAPON_STEMS_AC, text.lower()))
    found = [weapon for weapon, pattern in compiled.weapons
             if weapon in hits and pattern.search(text)]
    if not found and label:
        return "unknown" if compiled.unknown_weapon.search(text) else "other"
    return weapon_of_kinds(found)


_BLUNT_USE = re.compile(r"\bblunt\b", re.IGNORECASE)


def weapon_of_kinds(found: list[str]) -> str | None:
    """The weapon of a text whose weapon patterns ``found`` match (in :data:`_WEAPON_SOURCES` order)."""
    if not found:
        return None
    if "drone" in found:
        return "drone"
    if "missile" in found and "airstrike" in found and "artillery" not in found:
        return "missile"  # an air-launched missile
    specific = [w for w in found if w != "other"]
    if not specific:
        return "other"
    if len(specific) == 1:
        return specific[0]
    if specific == ["artillery", "small_arms"] or specific == ["mine_ied", "small_arms"]:
        return specific[0]  # explosive weapons with gunfire: the explosive is the attack
    return "other"
