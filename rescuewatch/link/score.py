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
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from rescuewatch.link.features import Features

SIGNATURE_WORDS = 8  # 512-bit token signature per claim


@dataclass(frozen=True)
class Weights:
    """Weights of the score terms and the linking threshold (tuned on benchmarks/linking)."""

    same_day: float = 2.6
    day_apart: float = -0.3
    # A week- or month-precision claim already spans its uncertainty: missing it says more.
    day_apart_coarse: float = -1.5
    place_close: float = 0.4
    place_far: float = -3.3
    same_place_name: float = 3.3
    name_base: float = 0.3
    same_region: float = -0.4
    categories: float = 2.3
    categories_disjoint: float = -6.0
    context_vs_protected: float = -2.0
    killed: float = 2.4
    killed_slope: float = 3.0
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
    average: float = 2.5  # mean score over all cross pairs two clusters need to merge
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
    apart = np.where(both_days, w.day_apart, w.day_apart_coarse)
    return np.where(gap > 0, apart, np.where(both_days, w.same_day, 0.0))


def _place_term(f: Features, a: np.ndarray, b: np.ndarray, w: Weights) -> np.ndarray:
    points = (f.region[a] == 0) & (f.region[b] == 0)
    dist = np.linalg.norm(f.xyz[a] - f.xyz[b], axis=1)
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


_TRIGRAMS: dict[int, tuple[list[str], np.ndarray]] = {}


def _trigram_table(names: list[str]) -> np.ndarray:
    """Trigram signatures of a place-name table, computed once per table."""
    cached = _TRIGRAMS.get(id(names))
    if cached is None or cached[0] is not names:
        _TRIGRAMS.clear()
        table = np.array([_trigrams(name) for name in names], dtype=np.uint64).reshape(-1, 4)
        cached = _TRIGRAMS[id(names)] = (names, table)
    return cached[1]


def place_name_similarity(f: Features, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Character-trigram Jaccard of the two claims' place names (NaN where one is missing).

    Trigrams absorb transliteration and spelling variants (Teir Maaleh / Tir Maala).
    """
    if not f.place_names:
        return np.full(a.shape[0], np.nan)
    table = _trigram_table(f.place_names)
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
_SIZE = SIGNATURE_WORDS * 64


def _token_bits(token: str) -> int:
    if token.isdigit():
        return 0
    return (1 << (zlib.crc32(token.encode()) % _SIZE)) | (
        1 << (zlib.crc32(b"~" + token[:4].encode()) % _SIZE))


class Signer:
    """512-bit sets of a text's words and word stems (4-letter prefixes), for Jaccard.

    Each distinct word is hashed once (reports reuse a small vocabulary), which makes a
    signature cost little more than splitting the text into words. (Pooling a batch's words
    and OR-ing their masks with NumPy was tried: no faster, and it needs more memory.)
    """

    def __init__(self) -> None:
        self.cache: dict[str, int] = {}

    def bits(self, text: str) -> int:
        cache = self.cache
        bits = 0
        for token in set(_WORD.findall(text.lower())):
            mask = cache.get(token)
            if mask is None:
                mask = cache[token] = _token_bits(token)
            bits |= mask
        return bits

    def many(self, texts: Sequence[str | None]) -> np.ndarray:
        """Signatures of several texts as a ``(len(texts), SIGNATURE_WORDS)`` uint64 array."""
        width = _SIZE // 8
        out = bytearray(len(texts) * width)
        for k, text in enumerate(texts):
            if text:
                out[k * width : (k + 1) * width] = self.bits(text).to_bytes(width, "little")
        return np.frombuffer(bytes(out), dtype=np.uint64).reshape(len(texts), SIGNATURE_WORDS)


def signature(text: str) -> np.ndarray:
    """The signature of one text (see :class:`Signer`)."""
    return Signer().many([text])[0].copy()


class TextSignatures:
    """Claims' text signatures, computed on demand and at most once per claim.

    ``fetch`` returns the texts of some claims (by index into the features), ``None`` where a
    claim has no text.
    """

    def __init__(self, n: int, fetch: Callable[[np.ndarray], Sequence[str | None]]) -> None:
        self.sigs = np.zeros((n, SIGNATURE_WORDS), dtype=np.uint64)
        self.done = np.zeros(n, dtype=bool)
        self.fetch = fetch
        self.signer = Signer()

    def of(self, index: np.ndarray) -> np.ndarray:
        need = np.unique(index[~self.done[index]])
        if need.size:
            self.sigs[need] = self.signer.many(self.fetch(need))
            self.done[need] = True
        return self.sigs


def text_similarity(sig_a: np.ndarray, sig_b: np.ndarray) -> np.ndarray:
    """Jaccard similarity of signature rows (NaN where either text is empty)."""
    inter = np.bitwise_count(sig_a & sig_b).sum(axis=1, dtype=np.int32).astype(np.float64)
    union = np.bitwise_count(sig_a | sig_b).sum(axis=1, dtype=np.int32).astype(np.float64)
    empty = (~sig_a.any(axis=1)) | (~sig_b.any(axis=1))
    sim = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    return np.where(empty, np.nan, sim)


def add_text_term(f: Features, pairs: np.ndarray, scores: np.ndarray, texts: TextSignatures,
                  w: Weights = DEFAULT_WEIGHTS) -> np.ndarray:
    """Add the text term, in place, to the pairs near the threshold; returns ``scores``."""
    near = np.flatnonzero(np.abs(scores - w.threshold) <= w.text_band)
    if near.size == 0:
        return scores
    a, b = pairs[near, 0], pairs[near, 1]
    sigs = texts.of(np.concatenate((a, b)))
    sim = text_similarity(sigs[a], sigs[b])
    term = np.where(np.isnan(sim), 0.0,
                    np.clip(w.text * (np.nan_to_num(sim) - w.text_base), -0.5, 1.2))
    scores[near] += term
    return scores
