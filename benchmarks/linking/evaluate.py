"""Linking quality on generated multi-source reports: pairwise and B-cubed precision/recall/F1.

Usage::

    python benchmarks/linking/evaluate.py [--events 3000] [--seed 7] [--db /tmp/eval.db]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import Corpus, generate  # noqa: E402

from rescuewatch.link.pipeline import link_store  # noqa: E402
from rescuewatch.store import Store  # noqa: E402
from rescuewatch.store import schema as s  # noqa: E402
from rescuewatch.store.claims import add_claims  # noqa: E402


def write_corpus(store: Store, corpus: Corpus) -> dict[int, int]:
    """Store every document; returns ``{claim_id: truth}``."""
    truth: dict[int, int] = {}
    with store.transaction() as conn:
        for source, label, reports in corpus.documents:
            raw = f"{source.key}/{label}".encode()
            sha = hashlib.sha256(raw).hexdigest()
            store.put_blob(conn, sha, [raw])
            doc = store.add_document(conn, {"sha256": sha, "source_id": store.source_id(conn, source),
                                            "origin": label, "format": "text", "size": len(raw)})
            claims = [r.claim for r in reports]
            add_claims(conn, doc, claims)
            for c, r in zip(claims, reports, strict=True):
                assert c.id is not None
                truth[c.id] = r.truth
    return truth


def metrics(truth: dict[int, int], predicted: dict[int, int]) -> dict[str, float]:
    """Pairwise and B-cubed precision, recall and F1."""
    def pairs(labels: dict[int, int]) -> int:
        return sum(n * (n - 1) // 2 for n in Counter(labels.values()).values())

    joint = Counter((truth[c], predicted[c]) for c in truth)
    tp = sum(n * (n - 1) // 2 for n in joint.values())
    p_pairs, t_pairs = pairs(predicted), pairs(truth)
    precision = tp / p_pairs if p_pairs else 1.0
    recall = tp / t_pairs if t_pairs else 1.0
    t_size = Counter(truth.values())
    p_size = Counter(predicted.values())
    b_p = sum(joint[(truth[c], predicted[c])] / p_size[predicted[c]] for c in truth) / len(truth)
    b_r = sum(joint[(truth[c], predicted[c])] / t_size[truth[c]] for c in truth) / len(truth)
    return {
        "pairwise_precision": round(precision, 4), "pairwise_recall": round(recall, 4),
        "pairwise_f1": round(2 * precision * recall / (precision + recall or 1), 4),
        "bcubed_precision": round(b_p, 4), "bcubed_recall": round(b_r, 4),
        "bcubed_f1": round(2 * b_p * b_r / (b_p + b_r or 1), 4),
        "claims": len(truth), "true_events": len(t_size), "incidents": len(p_size),
    }


def predicted_incidents(store: Store) -> dict[int, int]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(s.claims.c.id, s.claims.c.incident_id)).all()
    return {int(c): int(i) if i is not None else -int(c) for c, i in rows}


def run(events: int, seed: int, db: str | None) -> dict[str, object]:
    corpus = generate(events, seed)
    path = db or str(Path(tempfile.mkdtemp()) / "eval.db")
    store = Store.open(f"sqlite:///{path}")
    truth = write_corpus(store, corpus)
    started = time.perf_counter()
    summary = link_store(store, full=True)
    elapsed = time.perf_counter() - started
    result = metrics(truth, predicted_incidents(store))
    by_group = defaultdict(list)
    for c, t in truth.items():
        by_group[t > 0].append(c)
    result.update({"events_sampled": events, "seed": seed, "link_seconds": round(elapsed, 3),
                   "candidate_pairs": summary["candidate_pairs"]})
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", default=None)
    args = parser.parse_args()
    print(json.dumps(run(args.events, args.seed, args.db), indent=2))


if __name__ == "__main__":
    main()
