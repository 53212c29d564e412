"""A second pass after clustering: claims left alone join the one incident they clearly match.

The greedy clustering of :mod:`rescuewatch.link.cluster` merges only along pairs that reach
the threshold. A report that matches every report of an event moderately (a vaguer date, a
respelled place, a count that moved) can fall short with each of them and stay alone, although
together they make a strong case. This pass gives such a claim to an incident when

- its mean score over all the incident's claims (pairs never scored count as
  :data:`~rescuewatch.link.cluster.UNSCORED`) reaches ``bar``;
- no other incident it could join comes within ``margin`` of that mean (an ambiguous claim
  stays alone: a wrong merge is worse for an analyst than a missed one);
- the merged incident keeps every bound of the clustering: one country, dates within a day,
  places within twice the widest tolerance, no two claims of one document, no analyst's
  cannot-link.

Only claims that are alone and not already part of a stored incident move. Decisions are
taken on the clustering's result and applied best first (ties by the order-independent claim
rank), each re-checked against the incident as it then stands, so the outcome does not depend
on input order. A claim another claim has just joined stays where it is, and a claim whose
only evidence was a lone claim that has moved elsewhere stays alone.
"""

from __future__ import annotations

import math

import numpy as np

from rescuewatch.link.blocking import GAP_DAYS, diagonal_km
from rescuewatch.link.features import Features


def attach_alone(
    f: Features, pairs: np.ndarray, scores: np.ndarray, labels: np.ndarray, *, bar: float,
    margin: float, unscored: float, floor: float, fixed: np.ndarray | None = None,
    cannot: np.ndarray | None = None,
) -> np.ndarray:
    """Labels after lone claims joined the incident they clearly match (see module doc).

    Parameters
    ----------
    f
        Features of the claims.
    pairs, scores
        Scored candidate pairs (indices into ``f``).
    labels
        Cluster label (a claim index) of every claim, from clustering.
    bar, margin
        The mean score a claim needs with an incident, and its lead over any other incident.
    unscored, floor
        Score counted for a pair never scored, and the lowest score kept as an edge.
    fixed
        Per claim, the stored incident it belongs to (-1 for none); those claims never move.
    cannot
        Analysts' cannot-links as ``(k, 2)`` index pairs.
    """
    fixed = np.full(f.n, -1, dtype=np.int64) if fixed is None else fixed
    cannot = np.empty((0, 2), dtype=np.int64) if cannot is None else cannot
    size = np.bincount(labels, minlength=f.n)
    alone = (size[labels] == 1) & (fixed < 0)
    options = _options(f, pairs, scores, labels, size, alone, floor, unscored, bar - margin)
    if options[0].size == 0:
        return labels
    state = _State(f, labels, cannot, unscored, pairs, scores, floor, options[0])
    chosen = _choose(state, *options, bar, margin)
    for x, target in chosen:
        state.move(x, target, bar)
    return np.asarray(state.labels, dtype=np.int64)


def _options(f: Features, pairs: np.ndarray, scores: np.ndarray, labels: np.ndarray,
             size: np.ndarray, alone: np.ndarray, floor: float, unscored: float,
             lowest: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (lone claim, other cluster, mean score) whose mean reaches ``lowest``."""
    keep = scores >= floor
    p = pairs[keep].astype(np.int64)
    s = scores[keep]
    x = np.concatenate((p[:, 0], p[:, 1]))
    y = np.concatenate((p[:, 1], p[:, 0]))
    s2 = np.concatenate((s, s))
    mine = alone[x] & (labels[y] != labels[x])
    x, target, s2 = x[mine], labels[y[mine]], s2[mine]
    if x.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    code, inv = np.unique(x * np.int64(f.n) + target, return_inverse=True)
    total = np.bincount(inv, weights=s2)
    count = np.bincount(inv)
    cx, ct = code // f.n, code % f.n
    mean = (total + unscored * (size[ct] - count)) / size[ct]
    ok = mean >= lowest
    return cx[ok], ct[ok], mean[ok]


def _choose(state: _State, cx: np.ndarray, ct: np.ndarray, mean: np.ndarray, bar: float,
            margin: float) -> list[tuple[int, int]]:
    """Per lone claim, the target it clearly prefers among those it may join, best first."""
    best: dict[int, tuple[float, int]] = {}
    second: dict[int, float] = {}
    for x, t, m in zip(cx.tolist(), ct.tolist(), mean.tolist(), strict=True):
        if not state.allowed(x, t):
            continue
        top = best.get(x)
        if top is None or m > top[0] or (m == top[0] and state.canon[t] < state.canon[top[1]]):
            if top is not None:
                second[x] = max(second.get(x, -math.inf), top[0])
            best[x] = (m, t)
        else:
            second[x] = max(second.get(x, -math.inf), m)
    picked = [(m, state.canon[x], x, t) for x, (m, t) in best.items()
              if m >= bar and m - second.get(x, -math.inf) >= margin]
    picked.sort(key=lambda item: (-item[0], item[1]))
    return [(x, t) for _m, _c, x, t in picked]


class _State:
    """The clusters touched by the pass: members, and the edges of the lone claims."""

    def __init__(self, f: Features, labels: np.ndarray, cannot: np.ndarray, unscored: float,
                 pairs: np.ndarray, scores: np.ndarray, floor: float,
                 movers: np.ndarray) -> None:
        self.f = f
        self.labels: list[int] = labels.tolist()
        self.canon: list[int] = f.canon.tolist()
        self.unscored = unscored
        order = np.argsort(labels, kind="stable")
        starts = np.searchsorted(labels[order], np.arange(f.n + 1))
        self._order, self._starts = order, starts
        self._members: dict[int, list[int]] = {}
        self.forbid: dict[int, set[int]] = {}
        for a, b in cannot.tolist():
            self.forbid.setdefault(a, set()).add(b)
            self.forbid.setdefault(b, set()).add(a)
        self.edges = _edges_of(pairs, scores, floor, movers, f.n)
        self.joined: set[int] = set()  # lone claims another claim has joined

    def members(self, label: int) -> list[int]:
        found = self._members.get(label)
        if found is None:
            found = self._members[label] = self._order[
                self._starts[label]:self._starts[label + 1]].tolist()
        return found

    def allowed(self, x: int, label: int) -> bool:
        group = self.members(label)
        f = self.f
        if any(f.document[m] == f.document[x] for m in group):
            return False
        banned = self.forbid.get(x)
        if banned and not banned.isdisjoint(group):
            return False
        everyone = [*group, x]
        countries = {int(f.country[m]) for m in everyone} - {-1}
        if len(countries) > 1:
            return False
        if max(int(f.lo[m]) for m in everyone) - min(int(f.hi[m]) for m in everyone) > GAP_DAYS:
            return False
        return _space_ok(f, everyone)

    def move(self, x: int, target: int, bar: float) -> None:
        """Let ``x`` join the cluster ``target`` if that still holds as things now stand."""
        label = self.labels[x]
        if label != x or x in self.joined:
            return  # x has moved or another claim has joined it
        if len(self.members(target)) == 1 and self.labels[target] != target:
            return  # its only evidence was a lone claim that has gone elsewhere
        group = self.members(target)
        if not group:
            return  # the target itself has joined another incident
        edges = self.edges.get(x, {})
        mean = sum(edges.get(m, self.unscored) for m in group) / len(group)
        if mean < bar or not self.allowed(x, target):
            return
        group.append(x)
        self._members[x] = []
        self.labels[x] = target
        if len(group) == 2:
            self.joined.add(group[0])


def _edges_of(pairs: np.ndarray, scores: np.ndarray, floor: float, movers: np.ndarray,
              n: int) -> dict[int, dict[int, float]]:
    """Kept edges of the claims that may move, as ``{claim: {other: score}}``."""
    mover = np.zeros(n, dtype=bool)
    mover[movers] = True
    keep = (scores >= floor) & (mover[pairs[:, 0]] | mover[pairs[:, 1]])
    out: dict[int, dict[int, float]] = {}
    moves = mover.tolist()  # Python bools: single lookups in the loop are faster than NumPy's
    for (a, b), s in zip(pairs[keep].tolist(), scores[keep].tolist(), strict=True):
        if moves[a]:
            out.setdefault(a, {})[b] = s
        if moves[b]:
            out.setdefault(b, {})[a] = s
    return out


def _space_ok(f: Features, group: list[int]) -> bool:
    """The members' points fit in twice the widest tolerance (as the clustering requires)."""
    points = [m for m in group if f.region[m] == 0]
    if len(points) < 2:
        return True
    lat = [float(f.lat[m]) for m in points]
    lon = [float(f.lon[m]) for m in points]
    diag = diagonal_km(min(lat), max(lat), min(lon), max(lon))
    return diag <= 2.0 * max(float(f.tol_km[m]) for m in group) + 1e-9
