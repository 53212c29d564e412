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
    """Weights of the evidence terms, the linking threshold and the clustering bars.

    A pair's score is ``bias`` plus the sum of each term's weight times its value (see
    :func:`evidence`): a linear log-odds model. The weights marked *fitted* were fitted by
    logistic regression on generated reports of real events
    (``benchmarks/linking/fit_weights.py``, tuning seeds only) with a pull towards the earlier
    hand-set values, so no single term becomes a veto. The others cannot be learnt from that
    generator and stay hand-set: alleged perpetrators (sources of different sides blame
    different parties for one event, so disagreement must not split it), injured counts, repeat
    strikes and gazetteer ids. ``bias`` is set so that a score of ``threshold`` (2.5) means
    about even odds.
    """

    bias: float = 0.94  # fitted intercept + threshold
    same_day: float = 2.53  # fitted
    day_apart: float = -0.2  # fitted
    # A week- or month-precision claim already spans its uncertainty: missing it says more.
    day_apart_coarse: float = -1.72  # fitted
    place_close: float = 0.57  # fitted; times 1 - distance / tolerance (two points)
    place_far: float = -3.22  # fitted; times distance / tolerance, capped at 1
    same_region: float = -0.65  # fitted; one or both given only as the same region
    place_name: float = 3.26  # fitted; times the names' trigram similarity
    place_name_known: float = -1.68  # fitted; when both names are known and comparable
    same_geonameid: float = 2.3
    categories: float = 2.21  # fitted; times the Jaccard of shared victim categories
    categories_disjoint: float = -6.17  # fitted
    context_vs_protected: float = -2.01  # fitted; one names protected victims, one none
    killed: float = 1.56  # fitted; both give a count above zero
    killed_gap: float = -7.74  # fitted; times |a - b| / max(a, b)
    killed_both_zero: float = 1.43  # fitted
    injured: float = 1.0
    injured_gap: float = -2.0
    injured_both_zero: float = 0.25
    weapon_same: float = 1.36  # fitted
    weapon_differ: float = -1.29  # fitted
    # Sources of different sides blame different parties for one event: a weak signal only.
    party_same: float = 0.3
    party_differ: float = -0.3
    repeat_both: float = 0.5
    repeat_differ: float = -0.5
    text: float = 2.56  # fitted; times the Jaccard of the texts' word signatures
    text_known: float = -0.5  # fitted; when both claims have a text
    threshold: float = 2.5
    # Chosen with the fit on the tuning seeds: the mean score over all cross pairs two
    # clusters need to merge, and the bars of the attaching pass.
    average: float = 3.25
    # A claim left alone by clustering joins the one incident it matches on average by at
    # least ``attach`` when no other incident comes within ``attach_margin`` of it.
    attach: float = 0.5
    attach_margin: float = 1.0

    def term(self, name: str) -> float:
        return float(getattr(self, name))


DEFAULT_WEIGHTS = Weights()

#: The structured evidence terms, in the order :func:`evidence` returns them.
TERMS = (
    "same_day", "day_apart", "day_apart_coarse", "place_close", "place_far", "same_region",
    "place_name", "place_name_known", "same_geonameid", "categories", "categories_disjoint",
    "context_vs_protected", "killed", "killed_gap", "killed_both_zero", "injured",
    "injured_gap", "injured_both_zero", "weapon_same", "weapon_differ", "party_same",
    "party_differ", "repeat_both", "repeat_differ",
)
TEXT_TERMS = ("text", "text_known")


def score_pairs(f: Features, pairs: np.ndarray, w: Weights = DEFAULT_WEIGHTS) -> np.ndarray:
    """Score of every candidate pair from the structured evidence (no text yet)."""
    total = np.full(pairs.shape[0], w.bias, dtype=np.float64)
    if pairs.size == 0:
        return total
    for name, value in evidence(f, pairs[:, 0], pairs[:, 1]).items():
        weight = w.term(name)
        if weight:
            total += weight * value
    return total


def evidence(f: Features, a: np.ndarray, b: np.ndarray) -> dict[str, np.ndarray]:
    """Value of every structured term for the pairs ``(a[k], b[k])``, keyed as :data:`TERMS`.

    A term is zero unless both claims state the feature: a report that gives no weapon neither
    supports nor contradicts one that does.
    """
    out = {**_date_terms(f, a, b), **_place_terms(f, a, b), **_category_terms(f, a, b)}
    out.update(_count_terms("killed", f.killed[a], f.killed[b]))
    out.update(_count_terms("injured", f.injured[a], f.injured[b]))
    out.update(_match_terms("weapon", f.weapon[a], f.weapon[b]))
    out.update(_match_terms("party", f.party[a], f.party[b]))
    ra, rb = f.repeat[a], f.repeat[b]
    known = (ra >= 0) & (rb >= 0)
    out["repeat_both"] = known & (ra == 1) & (rb == 1)
    out["repeat_differ"] = known & (ra != rb)
    return out


def _date_terms(f: Features, a: np.ndarray, b: np.ndarray) -> dict[str, np.ndarray]:
    gap = np.maximum(f.lo[a], f.lo[b]).astype(np.int64) - np.minimum(f.hi[a], f.hi[b])
    both_days = (f.date_rank[a] == 0) & (f.date_rank[b] == 0)
    apart = gap > 0
    return {"same_day": ~apart & both_days, "day_apart": apart & both_days,
            "day_apart_coarse": apart & ~both_days}


def _place_terms(f: Features, a: np.ndarray, b: np.ndarray) -> dict[str, np.ndarray]:
    points = (f.region[a] == 0) & (f.region[b] == 0)
    dist = np.linalg.norm(f.xyz[a] - f.xyz[b], axis=1)
    tol = np.maximum(f.tol_km[a] + f.tol_km[b], 1e-6)
    ratio = np.where(points, np.minimum(dist / tol, 1.0), 0.0)
    same_admin = (f.admin1[a] >= 0) & (f.admin1[a] == f.admin1[b])
    name_sim = place_name_similarity(f, a, b)
    # Names are compared only between places of the same kind (two points or two regions):
    # a village and its governorate are named differently by design.
    comparable = (f.region[a] == f.region[b]) & ~np.isnan(name_sim)
    same_geo = ~np.isnan(f.geonameid[a]) & (f.geonameid[a] == f.geonameid[b])
    return {"place_close": points * (1.0 - ratio), "place_far": ratio,
            "same_region": ~points & same_admin,
            "place_name": np.where(comparable, name_sim, 0.0), "place_name_known": comparable,
            "same_geonameid": same_geo & ~comparable}


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


def _category_terms(f: Features, a: np.ndarray, b: np.ndarray) -> dict[str, np.ndarray]:
    ca, cb = f.cats[a], f.cats[b]
    inter = np.bitwise_count(ca & cb).astype(np.float64)
    union = np.bitwise_count(ca | cb).astype(np.float64)
    both = (ca > 0) & (cb > 0)
    jacc = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    return {"categories": np.where(both, jacc, 0.0), "categories_disjoint": both & (inter == 0),
            "context_vs_protected": (ca > 0) != (cb > 0)}


def _count_terms(name: str, x: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    known = ~np.isnan(x) & ~np.isnan(y)
    big = np.maximum(np.nan_to_num(x), np.nan_to_num(y))
    counted = known & (big > 0)
    gap = np.divide(np.abs(np.nan_to_num(x) - np.nan_to_num(y)), big,
                    out=np.zeros_like(big), where=counted)
    return {name: counted, f"{name}_gap": gap, f"{name}_both_zero": known & (big == 0)}


def _match_terms(name: str, x: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    known = (x >= 0) & (y >= 0)
    return {f"{name}_same": known & (x == y), f"{name}_differ": known & (x != y)}


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


def text_band(w: Weights = DEFAULT_WEIGHTS) -> tuple[float, float]:
    """Scores between which the text term can change a decision.

    Below the lower end even the most similar texts cannot lift a pair to the lowest bar
    (attach, average or threshold); above the upper end the least similar cannot drop it below
    the threshold. Texts are compared only inside the band, which saves most comparisons.
    """
    ends = (w.text_known, w.text + w.text_known)
    gain, loss = max(0.0, *ends), max(0.0, -min(ends))
    return min(w.attach, w.average, w.threshold) - gain, w.threshold + loss


def add_text_term(f: Features, pairs: np.ndarray, scores: np.ndarray, texts: TextSignatures,
                  w: Weights = DEFAULT_WEIGHTS) -> np.ndarray:
    """Add the text term, in place, to the pairs inside :func:`text_band`; returns ``scores``."""
    low, high = text_band(w)
    near = np.flatnonzero((scores >= low) & (scores <= high))
    if near.size == 0:
        return scores
    a, b = pairs[near, 0], pairs[near, 1]
    sigs = texts.of(np.concatenate((a, b)))
    sim = text_similarity(sigs[a], sigs[b])
    known = ~np.isnan(sim)
    scores[near] += np.where(known, w.text * np.nan_to_num(sim) + w.text_known, 0.0)
    return scores
