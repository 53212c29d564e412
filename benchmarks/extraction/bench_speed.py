"""Speed of the rule-based extractor: documents per second and cold start.

Usage::

    python benchmarks/extraction/bench_speed.py [--docs 300] [--words 600]
    python benchmarks/extraction/bench_speed.py --long    # time on long texts, by size

Documents of about ``--words`` words are built by joining development-set passages of one
language in a shuffled order (fixed seed), so every document differs. Throughput is measured
on one core after start-up (first document excluded); cold start is the wall time of a fresh
Python process that imports the extractor, loads the cached gazetteer and extracts one
document (the gazetteer cache must exist: run the extractor once before).

``--long`` times texts of growing size instead: one "sentence" of victim and place words with
no sentence end (a list, a dump, a hostile document), and one report sentence repeated. Time
that grows in proportion to the size means extraction stays linear.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def documents(n: int, words: int) -> list[tuple[str, str, dt.date]]:
    records = [json.loads(line) for line in (HERE / "passages.jsonl").open(encoding="utf-8")]
    rng = random.Random(7)
    out = []
    for k in range(n):
        lang = ("en", "ru", "uk")[k % 3]
        pool = [r for r in records if r["lang"] == lang]
        rng.shuffle(pool)
        text, used = [], 0
        for r in pool:
            text.append(r["text"])
            used += len(r["text"].split())
            if used >= words:
                break
        out.append(("\n\n".join(text), lang, dt.date.fromisoformat(pool[0]["published"])))
    return out


COLD = """
import time, datetime as dt
t = time.perf_counter()
from rescuewatch.extract.base import get_extractor
claims = get_extractor().extract(TEXT, published=dt.date(2024, 3, 7))
print(time.perf_counter() - t)
"""


LONG_TEXTS = {
    "no sentence end": "ambulance medic killed injured shelled Kharkiv ",
    "one sentence repeated": "A drone hit an ambulance in Kharkiv on Monday, killing a paramedic. ",
}


def long_texts() -> None:
    from rescuewatch.extract.base import get_extractor

    ex = get_extractor()
    ex.extract("A drone hit an ambulance in Kharkiv.", lang="en")  # start-up
    print("| text | characters | seconds | µs per character |\n|---|---:|---:|---:|")
    for name, unit in LONG_TEXTS.items():
        for chars in (50_000, 200_000, 800_000):
            text = unit * (chars // len(unit))
            t = time.perf_counter()
            ex.extract(text, published=dt.date(2024, 3, 7), lang="en")
            took = time.perf_counter() - t
            print(f"| {name} | {len(text):,} | {took:.2f} | {took / len(text) * 1e6:.1f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=300)
    ap.add_argument("--words", type=int, default=600)
    ap.add_argument("--long", action="store_true", help="time long texts by size instead")
    args = ap.parse_args()
    if args.long:
        sys.path.insert(0, str(ROOT))
        long_texts()
        return
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    sys.path.insert(0, str(ROOT))
    from rescuewatch.extract.base import get_extractor

    docs = documents(args.docs, args.words)
    ex = get_extractor()
    for text, lang, published in docs[:3]:  # start-up: load all three languages
        ex.extract(text, published=published, lang=lang)
    t = time.perf_counter()
    cpu = time.process_time()
    claims = 0
    for text, _lang, published in docs:
        claims += len(ex.extract(text, published=published))  # language detected per document
    elapsed = time.perf_counter() - t
    cpu_elapsed = time.process_time() - cpu
    mean_words = sum(len(d[0].split()) for d in docs) / len(docs)
    sample = docs[1][0]
    script = COLD.replace("TEXT", repr(sample))
    import resource

    colds, cold_cpu = [], []
    for _ in range(3):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", script], check=True, cwd=ROOT, capture_output=True)
        colds.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cold_cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    print(f"documents: {len(docs)} (mean {mean_words:.0f} words; en/ru/uk in turn), claims: {claims}")
    print(f"throughput (1 core, after start-up): {len(docs) / elapsed:.0f} docs/s wall, "
          f"{len(docs) / cpu_elapsed:.0f} docs per CPU-second (load average {os.getloadavg()[0]:.1f})")
    print(f"cold start (new process: interpreter + imports + gazetteer + 1 doc), best of 3: "
          f"{min(colds):.2f} s wall, {min(cold_cpu):.2f} s CPU")


if __name__ == "__main__":
    main()
