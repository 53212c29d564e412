"""Clustering scored pairs into incidents without chaining unrelated events together.

A greedy union-find takes pairs from the best score down and merges two clusters only when the
merged cluster still satisfies complete-linkage bounds:

- dates: every two claims' spans overlap or are at most one day apart
  (``max(lo) - min(hi) <= 1``, exactly the pairwise condition, for all members at once);
- space: the bounding box of the members' points spans at most twice the widest tolerance;
- one country;
- no two claims of one document (a document's rows are distinct events);
- no analyst's cannot-link between the two sides; no two fixed incidents (in incremental
  mode, the reviewed ones).

and, when either cluster already holds several claims, average linkage: the mean score over
all pairs across the two (a pair never scored, or scored below :data:`EDGE_FLOOR`, counts as
:data:`UNSCORED`) must reach the ``average`` bar (by default the threshold). So A~B and B~C put
C with A only when C is also within those bounds of A and close to A on average. Order of input
does not matter: ties in score are broken by an order-independent claim rank.

Merges happen only along accepted pairs, so each connected component of accepted pairs is
clustered on its own: isolated pairs at once with array operations, the rest by the greedy
loop, split between two worker processes on large inputs (the result is the same).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from rescuewatch.link.attach import attach_alone
from rescuewatch.link.blocking import GAP_DAYS, KM_PER_DEG, diagonal_km
from rescuewatch.link.features import Features
from rescuewatch.link.parallel import ordered_map, workers_for

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
        # Per root: the documents and the members of a cluster of several claims.
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
        n, get = self.n, self.edges.get
        total = 0.0
        for i in ma:
            for j in mb:
                total += get(i * n + j if i < j else j * n + i, UNSCORED)
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
        return self.docs.get(r) or {self.document[r]}

    def allowed(self, ra: int, rb: int) -> bool:
        fa, fb = self.fixed[ra], self.fixed[rb]
        if fa >= 0 and fb >= 0 and fa != fb:
            return False
        ca, cb = self.country[ra], self.country[rb]
        if ca >= 0 and cb >= 0 and ca != cb:
            return False
        lo, hi = self.lo, self.hi
        if (lo[ra] if lo[ra] > lo[rb] else lo[rb]) - (hi[ra] if hi[ra] < hi[rb] else hi[rb]) \
                > GAP_DAYS:
            return False
        if not self._space_ok(ra, rb):
            return False
        docs = self.docs
        if ra in docs or rb in docs:
            if not self._docs(ra).isdisjoint(self._docs(rb)):
                return False
        elif self.document[ra] == self.document[rb]:
            return False
        return not self._forbidden(ra, rb) and self._average_ok(ra, rb)

    def _space_ok(self, ra: int, rb: int) -> bool:
        lat_min = min(self.lat_min[ra], self.lat_min[rb])
        if lat_min == math.inf:
            return True
        diag = diagonal_km(lat_min, max(self.lat_max[ra], self.lat_max[rb]),
                           min(self.lon_min[ra], self.lon_min[rb]),
                           max(self.lon_max[ra], self.lon_max[rb]))
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
        size = self.size
        if size[ra] < size[rb] or (size[ra] == size[rb] and rb < ra):
            ra, rb = rb, ra
        self.parent[rb] = ra
        size[ra] += size[rb]
        lo, hi = self.lo, self.hi
        if lo[rb] > lo[ra]:
            lo[ra] = lo[rb]
        if hi[rb] < hi[ra]:
            hi[ra] = hi[rb]
        if self.lat_min[rb] != math.inf:
            self.lat_min[ra] = min(self.lat_min[ra], self.lat_min[rb])
            self.lat_max[ra] = max(self.lat_max[ra], self.lat_max[rb])
            self.lon_min[ra] = min(self.lon_min[ra], self.lon_min[rb])
            self.lon_max[ra] = max(self.lon_max[ra], self.lon_max[rb])
        if self.tol[rb] > self.tol[ra]:
            self.tol[ra] = self.tol[rb]
        if self.country[ra] < 0:
            self.country[ra] = self.country[rb]
        if self.fixed[ra] < 0:
            self.fixed[ra] = self.fixed[rb]
        # The larger cluster's document set and member list grow in place.
        docs, members = self.docs, self.members
        docs_a = docs.get(ra)
        if docs_a is None:
            docs_a = docs[ra] = {self.document[ra]}
        docs_b = docs.pop(rb, None)
        if docs_b is None:
            docs_a.add(self.document[rb])
        else:
            docs_a.update(docs_b)
        if self.forbid:
            merged = self.forbid.pop(ra, set()) | self.forbid.pop(rb, set())
            if merged:
                self.forbid[ra] = merged
        members_a = members.get(ra)
        if members_a is None:
            members_a = members[ra] = [ra]
        members_b = members.pop(rb, None)
        if members_b is None:
            members_a.append(rb)
        else:
            members_a.extend(members_b)
        return ra

    def run(self, pairs: list[list[int]]) -> None:
        """Take the pairs in order, merging wherever the bounds allow.

        The cheap bounds of :meth:`allowed` are inlined here (this loop runs once per accepted
        pair, up to a million times); the rest goes through the methods.
        """
        find, union = self.find, self.union
        parent, fixed, country = self.parent, self.fixed, self.country
        lo, hi, docs, document = self.lo, self.hi, self.docs, self.document
        lat_min, lat_max, lon_min, lon_max = self.lat_min, self.lat_max, self.lon_min, self.lon_max
        tol, members = self.tol, self.members
        inf, cos, radians, hypot = math.inf, math.cos, math.radians, math.hypot
        for a, b in pairs:
            ra = a if parent[a] == a else find(a)
            rb = b if parent[b] == b else find(b)
            if ra == rb:
                continue
            fa, fb = fixed[ra], fixed[rb]
            if fa >= 0 and fb >= 0 and fa != fb:
                continue
            ca, cb = country[ra], country[rb]
            if ca >= 0 and cb >= 0 and ca != cb:
                continue
            if (lo[ra] if lo[ra] > lo[rb] else lo[rb]) - (hi[ra] if hi[ra] < hi[rb] else hi[rb]) \
                    > GAP_DAYS:
                continue
            y0 = lat_min[ra] if lat_min[ra] < lat_min[rb] else lat_min[rb]
            if y0 != inf:
                y1 = lat_max[ra] if lat_max[ra] > lat_max[rb] else lat_max[rb]
                x0 = lon_min[ra] if lon_min[ra] < lon_min[rb] else lon_min[rb]
                x1 = lon_max[ra] if lon_max[ra] > lon_max[rb] else lon_max[rb]
                diag = KM_PER_DEG * hypot(y1 - y0, (x1 - x0) * cos(radians(0.5 * (y0 + y1))))
                if diag > 2.0 * (tol[ra] if tol[ra] > tol[rb] else tol[rb]) + 1e-9:
                    continue
            if ra in docs or rb in docs:
                if not self._docs(ra).isdisjoint(self._docs(rb)):
                    continue
            elif document[ra] == document[rb]:
                continue
            if self.forbid and self._forbidden(ra, rb):
                continue
            if (ra in members or rb in members) and not self._average_ok(ra, rb):
                continue
            union(ra, rb)


def cluster(
    f: Features,
    pairs: np.ndarray,
    scores: np.ndarray,
    threshold: float,
    *,
    must_link: Iterable[tuple[int, int]] = (),
    cannot_link: Iterable[tuple[int, int]] = (),
    fixed: np.ndarray | None = None,
    average: float | None = None,
    attach: tuple[float, float] | None = None,
) -> np.ndarray:
    """Cluster label (a claim index) of every claim.

    Parameters
    ----------
    f
        Features of the claims.
    pairs, scores
        Candidate pairs (indices) and their scores; pairs scoring below :data:`EDGE_FLOOR` may
        be left out (they count as :data:`UNSCORED` anyway).
    threshold
        Pairs scoring below it are not linked.
    must_link, cannot_link
        Analysts' decisions as index pairs: must-links are applied first and unconditionally;
        cannot-links are never crossed.
    fixed
        Per claim, the stored incident it is kept in (-1 for a claim free to move): claims of
        one incident start together, and two such incidents are never merged.
    average
        The mean score two clusters of several claims must reach to merge (default
        ``threshold``).
    attach
        ``(bar, margin)`` for the second pass of :mod:`rescuewatch.link.attach`, which lets a
        claim left alone join the one incident it clearly matches; ``None`` skips it.

    Notes
    -----
    Merges only ever happen along accepted pairs, must-links and existing incidents, so each
    connected component of those links is clustered on its own. Most components are a single
    accepted pair of two free claims: their one possible merge is decided for all of them at
    once with array operations; only the others go through the greedy loop.
    """
    fixed = np.full(f.n, -1, dtype=np.int64) if fixed is None else fixed
    must = np.array(list(must_link), dtype=np.int64).reshape(-1, 2)
    cannot = np.array(list(cannot_link), dtype=np.int64).reshape(-1, 2)
    labels = _cluster(f, pairs, scores, threshold, must, cannot, fixed,
                      threshold if average is None else average)
    if attach is None:
        return labels
    return attach_alone(f, pairs, scores, labels, bar=attach[0], margin=attach[1],
                        unscored=UNSCORED, floor=EDGE_FLOOR, fixed=fixed, cannot=cannot)


def _cluster(f: Features, pairs: np.ndarray, scores: np.ndarray, threshold: float,
             must: np.ndarray, cannot: np.ndarray, fixed: np.ndarray,
             mean: float) -> np.ndarray:
    """The constrained clustering proper (see :func:`cluster`)."""
    keep = scores >= threshold
    accepted = pairs[keep].astype(np.int64)
    acc_scores = scores[keep]
    groups = _fixed_chains(fixed)
    comp, sizes = _components(f.n, np.concatenate((accepted, must, groups)))
    special = np.zeros(f.n, dtype=bool)
    special[fixed >= 0] = True
    special[must.ravel()] = True
    special[cannot.ravel()] = True
    special_comp = np.zeros(sizes.size, dtype=bool)
    special_comp[comp[special]] = True
    ca = comp[accepted[:, 0]] if accepted.size else np.zeros(0, dtype=np.int64)
    simple = (sizes[ca] == 2) & ~special_comp[ca]
    parent = np.arange(f.n, dtype=np.int64)
    _merge_simple(f, accepted[simple], parent)
    hard = sizes > 2
    hard |= special_comp
    if not hard[ca].any() and not must.size and not groups.size:
        return parent
    accepted, acc_scores = accepted[~simple], acc_scores[~simple]
    # Components are independent: split them in two halves of about equal work for two cores.
    workers = workers_for(f.n)
    share = _shares(comp[accepted[:, 0]], sizes.size, workers)

    def one(k: int) -> np.ndarray:
        part = hard & (share == k)
        mine = part[comp[accepted[:, 0]]]
        return _greedy(f, pairs, scores, mean, accepted[mine], acc_scores[mine], comp, part,
                       parent, must, cannot, fixed)

    results = ordered_map(one, workers, workers)
    out = results[0]
    for k, labels in enumerate(results[1:], start=1):
        taken = (share == k)[comp]
        out[taken] = labels[taken]
    return out


def _shares(pair_comp: np.ndarray, n_comp: int, parts: int) -> np.ndarray:
    """Which of ``parts`` workers takes each component, balancing accepted pairs."""
    if parts <= 1:
        return np.zeros(n_comp, dtype=np.int64)
    work = np.bincount(pair_comp, minlength=n_comp) + 1
    return np.minimum(parts * (np.cumsum(work) - 1) // int(work.sum()), parts - 1)


def _fixed_chains(fixed: np.ndarray) -> np.ndarray:
    """Links chaining the claims of each existing incident, as ``(k, 2)`` index pairs."""
    order = np.argsort(fixed, kind="stable")
    order = order[fixed[order] >= 0]
    if order.size < 2:
        return np.empty((0, 2), dtype=np.int64)
    same = fixed[order[1:]] == fixed[order[:-1]]
    return np.column_stack((order[:-1][same], order[1:][same])).astype(np.int64)


def _components(n: int, links: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Connected component of every claim and the size of every component."""
    graph = coo_matrix((np.ones(links.shape[0], dtype=np.int8), (links[:, 0], links[:, 1])),
                       shape=(n, n))
    _count, comp = connected_components(graph, directed=False)
    return comp.astype(np.int64), np.bincount(comp)


def _merge_simple(f: Features, p: np.ndarray, parent: np.ndarray) -> None:
    """Merge isolated accepted pairs of free claims that pass the country and space bounds."""
    if p.size == 0:
        return
    a, b = p[:, 0], p[:, 1]
    ok = (f.country[a] < 0) | (f.country[b] < 0) | (f.country[a] == f.country[b])
    both = (f.region[a] == 0) & (f.region[b] == 0)
    lat_span = np.abs(f.lat[a] - f.lat[b])
    lon_span = np.abs(f.lon[a] - f.lon[b])
    cos = np.cos(np.radians(0.5 * (f.lat[a] + f.lat[b])))
    diag = KM_PER_DEG * np.hypot(lat_span, lon_span * cos)
    limit = 2.0 * np.maximum(f.tol_km[a], f.tol_km[b]).astype(np.float64) + 1e-9
    ok &= ~both | (np.nan_to_num(diag, nan=np.inf) <= limit)
    root = np.minimum(a[ok], b[ok])
    parent[a[ok]] = root
    parent[b[ok]] = root


def _greedy(f: Features, pairs: np.ndarray, scores: np.ndarray, threshold: float,
            accepted: np.ndarray, acc_scores: np.ndarray, comp: np.ndarray, hard: np.ndarray,
            parent: np.ndarray, must: np.ndarray, cannot: np.ndarray,
            fixed: np.ndarray) -> np.ndarray:
    """The greedy constrained union-find over the components that need it.

    It works on those components' claims only, renumbered 0..k-1, so its lists stay small.
    """
    claims = np.flatnonzero(hard[comp])
    local = np.full(f.n, -1, dtype=np.int64)
    local[claims] = np.arange(claims.size)
    sub = f.take(claims)
    uf = _Clusters(sub, fixed[claims])
    uf.threshold = threshold
    for a, b in local[cannot].tolist():
        if a >= 0 and b >= 0:
            uf.forbid.setdefault(a, set()).add(b)
            uf.forbid.setdefault(b, set()).add(a)
    # Claims of an existing incident start as one cluster; an analyst's must-link too.
    for a, b in local[np.concatenate((_fixed_chains(fixed), must))].tolist():
        if a < 0 or b < 0:
            continue  # another worker's component
        ra, rb = uf.find(a), uf.find(b)
        if ra != rb:
            uf.union(ra, rb)
    # Only pairs inside one hard component scoring at least EDGE_FLOOR can lift an average;
    # lower ones count as UNSCORED, which errs towards keeping clusters apart.
    la, lb = local[pairs[:, 0]], local[pairs[:, 1]]
    inside = (scores >= EDGE_FLOOR) & (la >= 0) & (lb >= 0)
    inside &= comp[pairs[:, 0]] == comp[pairs[:, 1]]
    codes = la[inside] * np.int64(sub.n) + lb[inside]
    uf.edges = dict(zip(codes.tolist(), scores[inside].tolist(), strict=True))
    del la, lb, inside, codes
    if accepted.size:
        lo_rank = np.minimum(f.canon[accepted[:, 0]], f.canon[accepted[:, 1]])
        hi_rank = np.maximum(f.canon[accepted[:, 0]], f.canon[accepted[:, 1]])
        order = np.lexsort((hi_rank, lo_rank, -acc_scores))
        uf.run(local[accepted[order]].tolist())
    roots = np.array(uf.parent, dtype=np.int64)
    while True:
        grand = roots[roots]
        if np.array_equal(grand, roots):
            break
        roots = grand
    out = parent.copy()
    out[claims] = claims[roots]
    return out
