"""Places of a document through the offline gazetteer (:mod:`rescuewatch.geo`).

All place names of a document are found and resolved together, so that the regions and
other places the document names settle homonyms. Country names are kept only as a last
resort, and a name that is part of an organisation ("Syria Civil Defence", "Palestine Red
Crescent") never places an incident.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rescuewatch.geo import Gazetteer, ResolvedPlace
from rescuewatch.geo.resolve import resolve_mentions

_ORG_AFTER = re.compile(
    r"^\W{0,2}(?:civil defen[cs]e|red crescent|red cross|emergenc|ministry|health ministry|"
    r"state emergency|army|armed forces|military|forces|government|regime|мчс|дснс|гсчс|"
    r"минздрав|моз|армі|арми|вооружен|збройн)",
    re.IGNORECASE,
)
RANK = {"city": 0, "admin1": 1, "country": 2}
# A name after a locative preposition ("in Sderot", "в Костянтинівці") is where things
# happened; one after "from" or before "river" is usually not.
_LOCATIVE = re.compile(
    r"(?:\b(?:in|at|near|outside|on|into|of)|(?<![\w])(?:в|во|у|на|под|під|біля|возле|около|поблизу|"
    r"неподалік|із|в районе|в районі))\s+(?:the\s+)?(?:city of\s+|town of\s+|village of\s+)?$",
    re.IGNORECASE,
)
_NOT_PLACE_AFTER = re.compile(r"^\s*(?:river|ріки|річки|реки)\b", re.IGNORECASE)
# "Kyiv-appointed", "Moscow-installed", "Tehran-backed": whose side, not where (as "pro-Kyiv")
_SIDE_AFTER = re.compile(r"^-(?:backed|appointed|installed|aligned|affiliated|allied|supported|"
                         r"sponsored|led|run|controlled|held)\b", re.IGNORECASE)
_SIDE_BEFORE = re.compile(r"\bpro-$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PlaceHit:
    """A resolved place mention: offsets, kind ("city", "admin1", "country") and result."""

    start: int
    end: int
    kind: str
    resolved: ResolvedPlace
    locative: bool = False
    tag: bool = False  # a hashtag ("#Kharkiv"): the topic of a post, not where it happened

    @property
    def key(self) -> int | None:
        return self.resolved.place.geonameid

    @property
    def admin1_key(self) -> tuple[str | None, str | None]:
        entry = self.resolved.entry
        return (entry.country, entry.admin1_code) if entry else (None, None)


def find_places(
    text: str, lang: str | None, wanted: list[tuple[int, int]] | None = None
) -> list[PlaceHit]:
    """Resolved place mentions of ``text`` in text order.

    Parameters
    ----------
    text : str
        The document.
    lang : str or None
        Its language.
    wanted : list of (start, end), optional
        Resolve only the mentions inside these spans (the others still serve as context).
    """
    gaz = Gazetteer.load()
    mentions = gaz.find(text, lang)
    if wanted is None:
        chosen, context = mentions, []
    else:
        inside = [any(a <= m.start < b for a, b in wanted) for m in mentions]
        chosen = [m for m, keep in zip(mentions, inside, strict=True) if keep]
        # the mentions are distinct (no two share a start), so "not chosen" is "not inside"
        context = [m for m, keep in zip(mentions, inside, strict=True) if not keep]
    out = []
    for r in resolve_mentions(chosen, context):
        if r.entry is None:
            continue
        if _noise(r.mention.text, lang):
            continue
        after = text[r.mention.end : r.mention.end + 24]
        if _ORG_AFTER.match(after) or _NOT_PLACE_AFTER.match(after) or _SIDE_AFTER.match(after) \
                or _SIDE_BEFORE.search(text[max(0, r.mention.start - 4) : r.mention.start]):
            continue
        locative = bool(_LOCATIVE.search(text[max(0, r.mention.start - 40) : r.mention.start]))
        if not locative and r.entry.kind == "city" and _adjective_before_noun(r.mention.text, after):
            continue
        tag = text[max(0, r.mention.start - 1) : r.mention.start] == "#"
        out.append(PlaceHit(r.mention.start, r.mention.end, r.entry.kind, r, locative, tag))
    return out


# "Українська сторона", "Российская сторона": an adjective in agreement with the noun after it
# (a party, not the town Українськ in the genitive) unless a region word follows.
_ADJ_END = re.compile(r"(?:ськ|ск|цьк|цк)(?:а|ий|е|ої|ій|ая|ий|ое|ой|ую|у)$", re.IGNORECASE)
_NOUN_AFTER = re.compile(r"^\s+(?!област|облас|район|край|громад|округ)[а-яёіїєґ]{3,}", re.IGNORECASE)


def _adjective_before_noun(name: str, after: str) -> bool:
    return " " not in name and bool(_ADJ_END.search(name)) and bool(_NOUN_AFTER.match(after)) \
        and after.strip()[:1].islower()


def _noise(name: str, lang: str | None) -> bool:
    """A name that is far more often a word of the text than a place."""
    if len(name) <= 4 and name.isupper() and name.isascii():  # "NGO", "UN", "SES": acronyms
        return True
    low = name.lower()
    if low in _COMMON:
        return True
    if lang is not None and " " not in low:
        from rescuewatch.extract.lexicon import lexicon
        from rescuewatch.extract.tokens import en_key

        if lang != "en":
            return False
        by_first = lexicon(lang).by_first
        entries = by_first.get(en_key(low), []) + by_first.get(low, [])
        single = [k for phrase, kinds in entries if len(phrase) == 1 for k in kinds]
        # a party's own name ("Hamas", read as Hamm in Germany) is no place; a country's
        # name or adjective ("Israel", "Ukrainian") can be one
        return bool(single) and not any(k.startswith("party:") and not k.endswith(":actor")
                                        for k in single)
    return False


_COMMON = {"arab", "mai", "four", "five", "six", "seven", "nine", "ten", "man", "mission", "police",
           "tank", "union", "borders", "central", "march", "may", "june", "july", "august", "sunday"}


def best(hits: list[PlaceHit]) -> PlaceHit | None:
    """The most specific place among ``hits`` (a settlement before a region before a country,
    then the first named)."""
    if not hits:
        return None
    return min(
        enumerate(hits),
        key=lambda nh: (nh[1].kind == "country", not nh[1].locative, RANK.get(nh[1].kind, 3), nh[0]),
    )[1]
