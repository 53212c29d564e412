"""Clustering scored pairs into incidents without chaining unrelated events together.

A greedy union-find takes pairs from the best score down and merges two clusters only when the
merged cluster still satisfies complete-linkage bounds:

- dates: every two claims' spans overlap or are at most one day apart
  (``max(lo) - min(hi) <= 1``, exactly the pairwise condition, for all members at once);
- space: the bounding box of the members' points spans at most twice the widest tolerance;
- one country;
- no two claims of one document (a document's rows are distinct events);
- no analyst's cannot-link between the two sides; no two existing incidents (incremental mode).

and, when both clusters already hold several claims, average linkage: the mean score over all
pairs across the two (a pair never scored counts as :data:`UNSCORED`) must reach the threshold.
So A~B and B~C put C with A only when C is also within those bounds of A and close to A on
average. Order of input does not matter: ties in score are broken by an order-independent
claim rank.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from rescuewatch.link.blocking import GAP_DAYS
from rescuewatch.link.features import Features

KM_PER_DEG = 111.32
#: Score assumed for a pair of claims that blocking never paired (far apart or unrelated).
UNSCORED = -3.0
EDGE_FLOOR = 0.0


class _Clusters:
    """Union-find whose roots carry the bounds of their cluster."""

    def __init__(self, f: Features, fixed: np.ndarray) -> None:
        # Python lists, not arrays: the merge loop reads single items, where lists are faster.
        self.parent: list[int] = list(range(f.n))
        self.size: list[int] = [1] * f.n
        self.lo: list[int] = f.lo.astype(np.int64).tolist()
        self.hi: list[int] = f.hi.astype(np.int64).tolist()
        point = f.region == 0
        self.lat_min: list[float] = np.where(point, f.lat, np.inf).tolist()
        self.lat_max: list[float] = np.where(point, f.lat, -np.inf).tolist()
        self.lon_min: list[float] = np.where(point, f.lon, np.inf).tolist()
        self.lon_max: list[float] = np.where(point, f.lon, -np.inf).tolist()
        self.tol: list[float] = f.tol_km.astype(np.float64).tolist()
        self.country: list[int] = f.country.astype(np.int64).tolist()
        self.fixed: list[int] = fixed.astype(np.int64).tolist()
        self.docs: dict[int, set[int]] = {}
        self.document: list[int] = f.document.tolist()
        self.forbid: dict[int, set[int]] = {}  # root -> claim indices it may not join
        self.members: dict[int, list[int]] = {}
        self.edges: dict[int, float] = {}
        self.n = f.n
        self.threshold = 0.0

    def _members(self, r: int) -> list[int]:
        return self.members.get(r) or [r]

    def _average_ok(self, ra: int, rb: int) -> bool:
        ma, mb = self._members(ra), self._members(rb)
        if len(ma) == 1 and len(mb) == 1:
            return True
        n, edges = self.n, self.edges
        total = 0.0
        for i in ma:
            for j in mb:
                key = i * n + j if i < j else j * n + i
                total += edges.get(key, UNSCORED)
        return total / (len(ma) * len(mb)) >= self.threshold

    def find(self, i: int) -> int:
        parent = self.parent
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:
            parent[i], i = root, parent[i]
        return root

    def _docs(self, r: int) -> set[int]:
        return self.docs.get(r) or {int(self.document[r])}

    def allowed(self, ra: int, rb: int) -> bool:
        fa, fb = self.fixed[ra], self.fixed[rb]
        if fa >= 0 and fb >= 0 and fa != fb:
            return False
        ca, cb = self.country[ra], self.country[rb]
        if ca >= 0 and cb >= 0 and ca != cb:
            return False
        if max(self.lo[ra], self.lo[rb]) - min(self.hi[ra], self.hi[rb]) > GAP_DAYS:
            return False
        if not self._space_ok(ra, rb):
            return False
        if not self._docs(ra).isdisjoint(self._docs(rb)):
            return False
        return not self._forbidden(ra, rb) and self._average_ok(ra, rb)

    def _space_ok(self, ra: int, rb: int) -> bool:
        lat_min = min(self.lat_min[ra], self.lat_min[rb])
        lat_max = max(self.lat_max[ra], self.lat_max[rb])
        if lat_min == math.inf:
            return True
        lon_span = max(self.lon_max[ra], self.lon_max[rb]) - min(self.lon_min[ra], self.lon_min[rb])
        lat_span = lat_max - lat_min
        cos = math.cos(math.radians(0.5 * (lat_min + lat_max)))
        diag = KM_PER_DEG * math.hypot(lat_span, lon_span * cos)
        return diag <= 2.0 * max(self.tol[ra], self.tol[rb]) + 1e-9

    def _forbidden(self, ra: int, rb: int) -> bool:
        if not self.forbid:
            return False
        fa, fb = self.forbid.get(ra), self.forbid.get(rb)
        if fa is None and fb is None:
            return False
        members_a = self._members(ra)
        members_b = self._members(rb)
        return bool((fa and not fa.isdisjoint(members_b)) or (fb and not fb.isdisjoint(members_a)))

    def union(self, ra: int, rb: int) -> int:
        if self.size[ra] < self.size[rb] or (self.size[ra] == self.size[rb] and rb < ra):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        self.lo[ra] = max(self.lo[ra], self.lo[rb])
        self.hi[ra] = min(self.hi[ra], self.hi[rb])
        self.lat_min[ra] = min(self.lat_min[ra], self.lat_min[rb])
        self.lat_max[ra] = max(self.lat_max[ra], self.lat_max[rb])
        self.lon_min[ra] = min(self.lon_min[ra], self.lon_min[rb])
        self.lon_max[ra] = max(self.lon_max[ra], self.lon_max[rb])
        self.tol[ra] = max(self.tol[ra], self.tol[rb])
        if self.country[ra] < 0:
            self.country[ra] = self.country[rb]
        if self.fixed[ra] < 0:
            self.fixed[ra] = self.fixed[rb]
        self.docs[ra] = self._docs(ra) | self._docs(rb)
        self.docs.pop(rb, None)
        if self.forbid:
            merged = self.forbid.pop(ra, set()) | self.forbid.pop(rb, set())
            if merged:
                self.forbid[ra] = merged
        self.members[ra] = self._members(ra) + self._members(rb)
        self.members.pop(rb, None)
        return ra


def cluster(
    f: Features,
    pairs: np.ndarray,
    scores: np.ndarray,
    threshold: float,
    *,
    must_link: Iterable[tuple[int, int]] = (),
    cannot_link: Iterable[tuple[int, int]] = (),
    fixed: np.ndarray | None = None,
) -> np.ndarray:
    """Cluster label (a claim index) of every claim.

    Parameters
    ----------
    f
        Features of the claims.
    pairs, scores
        Candidate pairs (indices) and their scores.
    threshold
        Pairs scoring below it are not linked.
    must_link, cannot_link
        Analysts' decisions as index pairs: must-links are applied first and unconditionally;
        cannot-links are never crossed.
    fixed
        Per claim, the existing incident it belongs to (-1 for none): claims of one incident start
        together, and two existing incidents are never merged.
    """
    fixed = np.full(f.n, -1, dtype=np.int64) if fixed is None else fixed
    uf = _Clusters(f, fixed)
    uf.threshold = threshold
    for a, b in cannot_link:
        uf.forbid.setdefault(a, set()).add(b)
        uf.forbid.setdefault(b, set()).add(a)
    # Claims of an existing incident start as one cluster; an analyst's must-link too.
    order = np.argsort(fixed, kind="stable")
    has = fixed[order] >= 0
    grouped = order[has]
    if grouped.size:
        keys = fixed[grouped]
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        ends = np.r_[starts[1:], grouped.size]
        for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
            head = int(grouped[s])
            for other in grouped[s + 1 : e].tolist():
                ra, rb = uf.find(head), uf.find(int(other))
                if ra != rb:
                    uf.union(ra, rb)
    for a, b in must_link:
        ra, rb = uf.find(a), uf.find(b)
        if ra != rb:
            uf.union(ra, rb)
    # Only pairs that could lift an average are remembered; lower ones count as UNSCORED, which
    # errs towards keeping clusters apart and keeps memory small on millions of pairs.
    near = scores >= EDGE_FLOOR
    codes = pairs[near, 0] * np.int64(f.n) + pairs[near, 1]
    uf.edges = dict(zip(codes.tolist(), scores[near].tolist(), strict=True))
    keep = scores >= threshold
    if keep.any():
        p, sc = pairs[keep], scores[keep]
        lo_rank = np.minimum(f.canon[p[:, 0]], f.canon[p[:, 1]])
        hi_rank = np.maximum(f.canon[p[:, 0]], f.canon[p[:, 1]])
        order = np.lexsort((hi_rank, lo_rank, -sc))
        for a, b in p[order].tolist():
            ra, rb = uf.find(a), uf.find(b)
            if ra != rb and uf.allowed(ra, rb):
                uf.union(ra, rb)
    parent = np.array(uf.parent, dtype=np.int64)
    while True:
        grand = parent[parent]
        if np.array_equal(grand, parent):
            return parent
        parent = grand
