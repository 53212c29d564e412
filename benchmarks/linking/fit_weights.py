"""Fit the linking weights by logistic regression on generated reports with known truth.

Every candidate pair that blocking yields on the tuning corpora is one example (same true
event or not); its features are the evidence terms of :func:`rescuewatch.link.score.evidence`
plus the text terms. The weights of the terms the generator can teach are fitted with a
quadratic pull towards the earlier hand-set values (``--prior``), so that no term turns into a
veto on the strength of one generator's habits; the others keep their hand-set values (see
:class:`rescuewatch.link.score.Weights`). Then, on the same tuning corpora, the whole linking
path (scoring, clustering, attaching lone claims) runs for a small grid of the bias offset, the
mean bar of clustering and the attach bar and margin; among the settings whose mean pairwise
F1 is within ``--tolerance`` of the best, the most precise wins (a wrong merge costs an analyst
more than a missed one). The result is printed as the ``Weights`` defaults to paste into
``rescuewatch/link/score.py``.

Usage::

    python benchmarks/linking/fit_weights.py [--seeds 7 11] [--events 3000] [--prior 0.0005]

Only tuning seeds belong here; held-out seeds are for ``evaluate.py`` afterwards.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize

sys.path.insert(0, str(Path(__file__).resolve().parent))

from evaluate import metrics, write_corpus  # noqa: E402
from generate import generate  # noqa: E402

from rescuewatch.link import pipeline as pl  # noqa: E402
from rescuewatch.link.blocking import slab_pairs, slabs  # noqa: E402
from rescuewatch.link.cluster import cluster  # noqa: E402
from rescuewatch.link.score import (  # noqa: E402
    DEFAULT_WEIGHTS,
    TERMS,
    TEXT_TERMS,
    Weights,
    add_text_term,
    evidence,
    score_pairs,
    text_similarity,
)
from rescuewatch.store import Store  # noqa: E402

#: Terms the generator cannot teach (it has no injured counts, repeat strikes or gazetteer
#: ids), and perpetrators, kept weak by design whatever the data say.
HAND_SET = ("same_geonameid", "injured", "injured_gap", "injured_both_zero", "party_same",
            "party_differ", "repeat_both", "repeat_differ")
#: The hand-tuned weights of the earlier scoring, in this linear form: the prior of the fit.
PRIOR = {"same_day": 2.6, "day_apart": -0.3, "day_apart_coarse": -1.5, "place_close": 0.4,
         "place_far": -3.3, "same_region": -0.4, "place_name": 3.3, "place_name_known": -1.0,
         "categories": 2.3, "categories_disjoint": -6.0, "context_vs_protected": -2.0,
         "killed": 2.4, "killed_gap": -7.2, "killed_both_zero": 0.6, "weapon_same": 1.4,
         "weapon_differ": -1.3, "text": 2.5, "text_known": -0.5}
NAMES = (*TERMS, *TEXT_TERMS)


def corpus_examples(seed: int, events: int) -> dict[str, Any]:
    """Features, candidate pairs, term values and truth of one generated corpus."""
    store = Store.open(f"sqlite:///{Path(tempfile.mkdtemp()) / 'fit.db'}")
    truth = write_corpus(store, generate(events, seed))
    with store.transaction() as conn:
        f, texts = pl._load_all(conn, lambda _stage: None)
    must = pl._same_event_rows(f)
    signatures = pl._stored_texts(texts, f)
    pairs = np.concatenate([slab_pairs(f, cut, None) for cut in slabs(f)])
    a, b = pairs[:, 0], pairs[:, 1]
    values = evidence(f, a, b)
    sigs = signatures.of(np.arange(f.n))
    sim = text_similarity(sigs[a], sigs[b])
    values["text"] = np.nan_to_num(sim)
    values["text_known"] = ~np.isnan(sim)
    x = np.column_stack([np.asarray(values[name], dtype=np.float64) for name in NAMES])
    label = np.array([truth[int(i)] for i in f.ids.tolist()])
    store.dispose()
    return {"f": f, "pairs": pairs, "x": x, "y": label[a] == label[b], "truth": truth,
            "must": must, "texts": signatures}


def fit(x: np.ndarray, y: np.ndarray, prior_strength: float) -> tuple[dict[str, float], float]:
    """Fitted term weights and intercept (log-odds of "same event")."""
    free = [k for k, name in enumerate(NAMES) if name not in HAND_SET]
    fixed = np.array([DEFAULT_WEIGHTS.term(n) if n in HAND_SET else 0.0 for n in NAMES])
    offset = x @ fixed
    design = np.column_stack([x[:, free], np.ones(len(x))])
    prior = np.array([PRIOR[NAMES[k]] for k in free] + [0.0])
    pull = np.r_[np.full(len(free), prior_strength), 0.0]
    target = y.astype(np.float64)

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = design @ w + offset
        value = np.mean(np.logaddexp(0.0, z) - target * z) + np.sum(pull * (w - prior) ** 2)
        grad = design.T @ (1.0 / (1.0 + np.exp(-z)) - target) / len(z) + 2 * pull * (w - prior)
        return float(value), grad

    found = minimize(loss, prior.copy(), jac=True, method="L-BFGS-B").x
    weights = {NAMES[k]: round(float(found[i]), 2) for i, k in enumerate(free)}
    return weights, float(found[-1])


def pairwise(corpus: dict[str, Any], w: Weights) -> dict[str, float]:
    """Metrics of the full scoring and clustering path with weights ``w``."""
    f, pairs = corpus["f"], corpus["pairs"]
    scores = add_text_term(f, pairs, score_pairs(f, pairs, w), corpus["texts"], w)
    labels = cluster(f, pairs, scores, w.threshold, average=w.average,
                     must_link=corpus["must"], attach=(w.attach, w.attach_margin))
    ids = f.ids.tolist()
    return metrics(corpus["truth"], {ids[k]: int(labels[k]) for k in range(f.n)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 11])
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--prior", type=float, default=0.0005)
    parser.add_argument("--offsets", type=float, nargs="+", default=[0.0, 0.25, 0.5])
    parser.add_argument("--averages", type=float, nargs="+", default=[2.5, 2.75, 3.0, 3.25])
    parser.add_argument("--attach", type=float, nargs="+", default=[0.5, 1.0])
    parser.add_argument("--margins", type=float, nargs="+", default=[0.5, 1.0])
    parser.add_argument("--tolerance", type=float, default=0.001)
    args = parser.parse_args()
    corpora = [corpus_examples(seed, args.events) for seed in args.seeds]
    fitted, intercept = fit(np.concatenate([c["x"] for c in corpora]),
                            np.concatenate([c["y"] for c in corpora]), args.prior)
    tried: list[tuple[float, float, Weights]] = []
    for offset, average, bar, margin in itertools.product(args.offsets, args.averages,
                                                          args.attach, args.margins):
        # A score of ``threshold`` then means log-odds of -offset.
        w = dataclasses.replace(DEFAULT_WEIGHTS, **fitted, average=average, attach=bar,
                                attach_margin=margin,
                                bias=round(intercept + DEFAULT_WEIGHTS.threshold + offset, 2))
        results = [pairwise(c, w) for c in corpora]
        f1 = float(np.mean([r["pairwise_f1"] for r in results]))
        precision = float(np.mean([r["pairwise_precision"] for r in results]))
        tried.append((f1, precision, w))
        print(f"offset {offset:+.2f} average {average:.2f} attach {bar:.2f}/{margin:.2f}: "
              + "; ".join(f"seed {s} P {r['pairwise_precision']:.4f} R {r['pairwise_recall']:.4f} "
                          f"F1 {r['pairwise_f1']:.4f} B3 {r['bcubed_f1']:.4f}"
                          for s, r in zip(args.seeds, results, strict=True)), flush=True)
    top = max(f1 for f1, _p, _w in tried)
    f1, precision, chosen = max((t for t in tried if t[0] >= top - args.tolerance),
                                key=lambda t: t[1])
    print(f"\nChosen: mean pairwise F1 {f1:.4f} (best {top:.4f}), precision {precision:.4f}.")
    print("Weights to use:")
    for name in ("bias", *fitted, "average", "attach", "attach_margin"):
        print(f"    {name}: float = {getattr(chosen, name)}")


if __name__ == "__main__":
    main()
