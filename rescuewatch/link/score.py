"""How alike two claims are: a weighted sum of evidence for and against "same event".

Every term is symmetric in the two claims, so a pair scores the same whichever comes first. A
term only counts when both claims state the feature: a report that gives no weapon neither
supports nor contradicts one that does. Alleged perpetrators weigh little, because sources of
different sides blame different parties for the same event, and that disagreement is kept on
the incident, not used to split it.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from rescuewatch.link.blocking import xyz
from rescuewatch.link.features import Features

SIGNATURE_WORDS = 8  # 512-bit token signature per claim


@dataclass(frozen=True)
class Weights:
    """Weights of the score terms and the linking threshold (tuned on benchmarks/linking)."""

    same_day: float = 2.6
    day_apart: float = -0.3
    place_close: float = 0.4
    place_far: float = -3.3
    same_place_name: float = 3.3
    name_base: float = 0.3
    same_region: float = -0.4
    categories: float = 2.3
    categories_disjoint: float = -6.0
    context_vs_protected: float = -2.0
    killed: float = 2.4
    killed_slope: float = 2.0
    injured: float = 1.0
    injured_slope: float = 2.0
    weapon_same: float = 1.4
    weapon_differ: float = -1.3
    # Sources of different sides blame different parties for one event: a weak signal only.
    party_same: float = 0.3
    party_differ: float = -0.3
    repeat_both: float = 0.5
    repeat_differ: float = -0.5
    text: float = 2.5
    text_base: float = 0.0
    threshold: float = 2.5
    text_band: float = 1.5  # pairs within this of the threshold get the text term


DEFAULT_WEIGHTS = Weights()


def score_pairs(f: Features, pairs: np.ndarray, w: Weights = DEFAULT_WEIGHTS) -> np.ndarray:
    """Score of every candidate pair from the structured features (no text yet)."""
    if pairs.size == 0:
        return np.zeros(0)
    a, b = pairs[:, 0], pairs[:, 1]
    total = _date_term(f, a, b, w) + _place_term(f, a, b, w) + _category_term(f, a, b, w)
    total += _count_term(f.killed[a], f.killed[b], w.killed, w.killed_slope)
    total += _count_term(f.injured[a], f.injured[b], w.injured, w.injured_slope)
    total += _match_term(f.weapon[a], f.weapon[b], w.weapon_same, w.weapon_differ)
    total += _match_term(f.party[a], f.party[b], w.party_same, w.party_differ)
    ra, rb = f.repeat[a], f.repeat[b]
    known = (ra >= 0) & (rb >= 0)
    total += np.where(known & (ra == 1) & (rb == 1), w.repeat_both, 0.0)
    total += np.where(known & (ra != rb), w.repeat_differ, 0.0)
    return np.asarray(total, dtype=np.float64)


def _date_term(f: Features, a: np.ndarray, b: np.ndarray, w: Weights) -> np.ndarray:
    gap = np.maximum(f.lo[a], f.lo[b]).astype(np.int64) - np.minimum(f.hi[a], f.hi[b])
    both_days = (f.date_rank[a] == 0) & (f.date_rank[b] == 0)
    return np.where(gap > 0, w.day_apart, np.where(both_days, w.same_day, 0.0))


def _place_term(f: Features, a: np.ndarray, b: np.ndarray, w: Weights) -> np.ndarray:
    points = (f.region[a] == 0) & (f.region[b] == 0)
    coords_a = xyz(f.lat[a], f.lon[a])
    coords_b = xyz(f.lat[b], f.lon[b])
    dist = np.linalg.norm(coords_a - coords_b, axis=1)
    tol = np.maximum(f.tol_km[a] + f.tol_km[b], 1e-6)
    ratio = np.minimum(dist / tol, 1.0)
    term = np.where(points, w.place_close * (1.0 - ratio) + w.place_far * ratio, 0.0)
    same_admin = (f.admin1[a] >= 0) & (f.admin1[a] == f.admin1[b])
    term += np.where(~points & same_admin, w.same_region, 0.0)
    same_geo = ~np.isnan(f.geonameid[a]) & (f.geonameid[a] == f.geonameid[b])
    name_sim = place_name_similarity(f, a, b)
    # Names are compared only between places of the same kind (two points or two regions):
    # a village and its governorate are named differently by design.
    comparable = (f.region[a] == f.region[b]) & ~np.isnan(name_sim)
    term += np.where(comparable, w.same_place_name * (np.nan_to_num(name_sim) - w.name_base), 0.0)
    return np.asarray(term + np.where(same_geo, w.same_place_name * (1.0 - w.name_base), 0.0)
                      * ~comparable)


def _trigrams(name: str) -> np.ndarray:
    padded = f"  {name} "
    bits = np.zeros(256, dtype=bool)
    for k in range(len(padded) - 2):
        bits[zlib.crc32(padded[k : k + 3].encode()) % 256] = True
    return np.packbits(bits, bitorder="little").view(np.uint64)


def place_name_similarity(f: Features, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Character-trigram Jaccard of the two claims' place names (NaN where one is missing).

    Trigrams absorb transliteration and spelling variants (Teir Maaleh / Tir Maala).
    """
    if not f.place_names:
        return np.full(a.shape[0], np.nan)
    table = np.array([_trigrams(name) for name in f.place_names], dtype=np.uint64)
    na, nb = f.place_name[a], f.place_name[b]
    known = (na >= 0) & (nb >= 0)
    sa, sb = table[np.maximum(na, 0)], table[np.maximum(nb, 0)]
    inter = np.bitwise_count(sa & sb).sum(axis=1).astype(np.float64)
    union = np.bitwise_count(sa | sb).sum(axis=1).astype(np.float64)
    sim = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    return np.where(known, sim, np.nan)


def _category_term(f: Features, a: np.ndarray, b: np.ndarray, w: Weights) -> np.ndarray:
    ca, cb = f.cats[a], f.cats[b]
    inter = np.bitwise_count(ca & cb).astype(np.float64)
    union = np.bitwise_count(ca | cb).astype(np.float64)
    both = (ca > 0) & (cb > 0)
    one = (ca > 0) != (cb > 0)
    jacc = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    term = np.where(both & (inter > 0), w.categories * jacc, 0.0)
    term += np.where(both & (inter == 0), w.categories_disjoint, 0.0)
    return np.asarray(term + np.where(one, w.context_vs_protected, 0.0))


def _count_term(x: np.ndarray, y: np.ndarray, weight: float, slope: float) -> np.ndarray:
    known = ~np.isnan(x) & ~np.isnan(y)
    big = np.maximum(np.nan_to_num(x), np.nan_to_num(y))
    rel = np.divide(np.abs(np.nan_to_num(x) - np.nan_to_num(y)), big,
                    out=np.zeros_like(big), where=big > 0)
    term = np.where(big > 0, weight - slope * weight * rel, 0.25 * weight)
    return np.where(known, np.maximum(term, -1.5 * weight), 0.0)


def _match_term(x: np.ndarray, y: np.ndarray, same: float, differ: float) -> np.ndarray:
    known = (x >= 0) & (y >= 0)
    return np.where(known & (x == y), same, np.where(known & (x != y), differ, 0.0))


# --- text --------------------------------------------------------------------------------------

_WORD = re.compile(r"\w{3,}", re.UNICODE)


def signature(text: str) -> np.ndarray:
    """A 512-bit set of the text's words and word stems (4-letter prefixes), for Jaccard."""
    bits = 0
    size = SIGNATURE_WORDS * 64
    for token in set(_WORD.findall(text.lower())):
        if token.isdigit():
            continue
        bits |= 1 << (zlib.crc32(token.encode()) % size)
        bits |= 1 << (zlib.crc32(b"~" + token[:4].encode()) % size)
    return np.frombuffer(bits.to_bytes(size // 8, "little"), dtype=np.uint64).copy()


def text_similarity(sig_a: np.ndarray, sig_b: np.ndarray) -> np.ndarray:
    """Jaccard similarity of signature rows (0 where either text is empty)."""
    inter = np.bitwise_count(sig_a & sig_b).sum(axis=1).astype(np.float64)
    union = np.bitwise_count(sig_a | sig_b).sum(axis=1).astype(np.float64)
    empty = (np.bitwise_count(sig_a).sum(axis=1) == 0) | (np.bitwise_count(sig_b).sum(axis=1) == 0)
    sim = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    return np.where(empty, np.nan, sim)


def add_text_term(
    f: Features, pairs: np.ndarray, scores: np.ndarray, texts: Mapping[int, str],
    w: Weights = DEFAULT_WEIGHTS,
) -> np.ndarray:
    """Add the text term to the pairs near the threshold, given texts by claim id."""
    near = np.flatnonzero(np.abs(scores - w.threshold) <= w.text_band)
    if near.size == 0:
        return scores
    used = np.unique(pairs[near].ravel())
    sigs = np.zeros((f.n, SIGNATURE_WORDS), dtype=np.uint64)
    for i in used.tolist():
        text = texts.get(int(f.ids[i]))
        if text:
            sigs[i] = signature(text)
    sim = text_similarity(sigs[pairs[near, 0]], sigs[pairs[near, 1]])
    term = np.where(np.isnan(sim), 0.0,
                    np.clip(w.text * (np.nan_to_num(sim) - w.text_base), -0.5, 1.2))
    out = scores.copy()
    out[near] += term
    return out


def ambiguous_claims(f: Features, pairs: np.ndarray, scores: np.ndarray,
                     w: Weights = DEFAULT_WEIGHTS) -> np.ndarray:
    """Claim ids whose text is worth reading: those in pairs near the threshold."""
    near = np.abs(scores - w.threshold) <= w.text_band
    return np.asarray(f.ids[np.unique(pairs[near].ravel())])
