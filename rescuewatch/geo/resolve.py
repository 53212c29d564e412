"""Choose one entry per mention, using the rest of the document as context.

Each candidate gets a score (higher wins):

* ``log10(population + 10)``: bigger places are mentioned more often;
* ``+6`` when its first-level area (oblast, governorate, state) is named in the document,
  ``+2.5`` when its country is named (or is the country of other places already resolved);
* ``+4 / +3 / +1.5`` when it lies within 30 / 100 / 300 km of a place resolved with
  confidence (a mention with one candidate, or a clear leader) or of the middle of a
  first-level area named in the text: the "anchors";
* ``+0.5`` when the text has the name itself rather than a case form;
* for a mention that names a city with a district, only cities count.

Anchors are resolved first, then every other mention, so "Zaitseve" next to "Horlivka"
resolves to the Zaitseve near Horlivka. The reason for each choice is kept as ``why``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from rescuewatch.model import Place

from .types import GeoEntry, PlaceMention, ResolvedPlace

ADMIN1_BONUS = 6.0
COUNTRY_BONUS = 2.5
NEAR_BONUSES = ((30.0, 4.0), (100.0, 3.0), (300.0, 1.5))
EXACT_BONUS = 0.5
CLEAR_LEAD = 10.0  # population ratio that makes a leader an anchor
EARTH_KM = 6371.0


def haversine_km(lat1: float, lon1: float, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Great-circle distances in km from one point to many."""
    p1, p2 = math.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(lon2) - math.radians(lon1)
    a = np.sin(dphi / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return np.asarray(2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


class Context:
    """What a document says about where it is: areas, countries and anchor places."""

    def __init__(self, mentions: Sequence[PlaceMention]) -> None:
        self.admin1: set[tuple[str, str]] = set()
        self.countries: set[str] = set()
        self.anchors: list[GeoEntry] = []
        for m in mentions:
            self._take(m)

    def _take(self, mention: PlaceMention) -> None:
        cands = _usable(mention)
        if not cands:
            return
        kinds = {c.kind for c in cands}
        if kinds == {"admin1"}:
            self.admin1.update((c.country, c.admin1_code) for c in cands)
            self.countries.update(c.country for c in cands)
            if len(cands) == 1:
                self.anchors.append(cands[0])
        elif kinds == {"country"}:
            self.countries.update(c.country for c in cands)
        elif _is_anchor(cands):
            self.anchors.append(cands[0])
            self.countries.add(cands[0].country)

    def without(self, mention: PlaceMention) -> Context:
        """This context minus the anchor contributed by ``mention`` itself."""
        other = Context([])
        other.admin1, other.countries = set(self.admin1), set(self.countries)
        own = set(mention.candidates)
        other.anchors = [a for a in self.anchors if a not in own]
        return other


def _usable(mention: PlaceMention) -> list[GeoEntry]:
    if mention.district:
        return [c for c in mention.candidates if c.kind == "city"] or mention.candidates
    return mention.candidates


def _is_anchor(cands: list[GeoEntry]) -> bool:
    if len(cands) == 1:
        return True
    first, second = cands[0].population, cands[1].population
    return first >= 50_000 and first >= CLEAR_LEAD * max(second, 1)


def resolve_mentions(
    mentions: Sequence[PlaceMention], context: Sequence[PlaceMention] = ()
) -> list[ResolvedPlace]:
    """Resolve each mention to one entry with a reason.

    Parameters
    ----------
    mentions : sequence of PlaceMention
        Mentions to resolve (from :meth:`Gazetteer.find`).
    context : sequence of PlaceMention, optional
        Further mentions from the same document, used only as context.

    Returns
    -------
    list of ResolvedPlace
        One per mention, in the same order; a mention without candidates gets a
        :class:`Place` with only ``text`` set.
    """
    ctx = Context([*mentions, *context])
    return [_resolve_one(m, ctx.without(m)) for m in mentions]


def _resolve_one(mention: PlaceMention, ctx: Context) -> ResolvedPlace:
    cands = _usable(mention)
    if not cands:
        return ResolvedPlace(mention, Place(text=mention.text), None, "no gazetteer entry")
    scored = [(_score(c, mention, ctx), c) for c in cands]
    best_score, best = max(scored, key=lambda sc: sc[0][0])
    why = _why(best, best_score[1], len(cands), mention)
    return ResolvedPlace(mention, to_place(best, mention), best, why, round(best_score[0], 3))


def _score(entry: GeoEntry, mention: PlaceMention, ctx: Context) -> tuple[float, list[str]]:
    score = math.log10(entry.population + 10)
    reasons: list[str] = []
    if entry.kind == "city" and (entry.country, entry.admin1_code) in ctx.admin1:
        score += ADMIN1_BONUS
        reasons.append(f"in {entry.admin1}, named in the text")
    if entry.country in ctx.countries:
        score += COUNTRY_BONUS
        if not reasons:
            reasons.append(f"in {entry.country}, the country of the text's places")
    near = _nearest_anchor(entry, ctx) if entry.kind == "city" else None
    if near is not None:
        km, anchor = near
        bonus = next((b for limit, b in NEAR_BONUSES if km <= limit), 0.0)
        if bonus:
            score += bonus
            reasons.append(f"{km:.0f} km from {anchor.name}")
    if not mention.inflected:
        score += EXACT_BONUS
    return score, reasons


def _nearest_anchor(entry: GeoEntry, ctx: Context) -> tuple[float, GeoEntry] | None:
    anchors = [a for a in ctx.anchors if a.geonameid != entry.geonameid]
    if not anchors:
        return None
    dist = haversine_km(
        entry.lat, entry.lon, np.array([a.lat for a in anchors]), np.array([a.lon for a in anchors])
    )
    i = int(np.argmin(dist))
    return float(dist[i]), anchors[i]


def _why(entry: GeoEntry, reasons: list[str], n: int, mention: PlaceMention) -> str:
    head = "only candidate" if n == 1 else f"best of {n} candidates"
    parts = [head, *reasons]
    if n > 1 and not reasons:
        parts.append(f"largest population ({entry.population:,})")
    if mention.district:
        parts.append(f"district '{mention.district}' kept as text")
    return "; ".join(parts)


def to_place(entry: GeoEntry, mention: PlaceMention) -> Place:
    """The :class:`rescuewatch.model.Place` for an entry chosen for a mention."""
    precision = {"city": "city", "admin1": "admin1", "country": "country"}[entry.kind]
    if mention.district and entry.kind == "city":
        precision = "district"
    return Place(
        text=mention.text,
        name=entry.name,
        country=entry.country,
        admin1=entry.admin1 if entry.kind != "country" else None,
        lat=round(entry.lat, 5),
        lon=round(entry.lon, 5),
        geonameid=entry.geonameid,
        precision=precision,
    )
