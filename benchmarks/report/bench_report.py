"""Report rendering speed and size: N synthetic incidents in a SQLite store, end to end.

Usage::

    python benchmarks/report/bench_report.py [N] [--permutations P ...] [--browser]

Builds a store of N incidents (default 100,000) with their claims, written straight through
the store API (linking is not what is measured), then times ``write_report`` for each
number of permutations (default 999 and 99) and prints seconds per section, the total and
the file size and the peak memory of the process writing the report (a fresh interpreter,
so that building the store does not count). With ``--browser`` it also opens the report in headless Chromium (the system
binary) and times how long the page takes until the map is drawn.

Synthetic data: two mirror-image conflict areas (parties "AA" and "BB", each alleged by a
source of the other side), 400 towns each; incidents are spread around towns (80 %) or
uniformly (20 %) over three years; 30 % hit protected people; a quarter carry a time of day;
a quarter have a second claim from another source.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import multiprocessing
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from rescuewatch.model import Claim, DateSpan, Perpetrator, Place, Source, Victim
from rescuewatch.report.build import write_report
from rescuewatch.report.sections import ReportOptions
from rescuewatch.store import Store
from rescuewatch.store.claims import add_claims
from rescuewatch.store.incidents import insert_incidents

AREAS = (("XA", 48.0, 37.0, "AA", "BB"), ("XB", 51.0, 36.0, "BB", "AA"))
SOURCES = [Source(f"src-{k}", f"Source {k}", "news_agency", None, "independent", f"group-{k % 4}")
           for k in range(8)]
CATEGORIES = ("medic", "ambulance", "rescuer", "health_facility", "firefighter", "aid_worker")


def synthetic(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    area = rng.integers(0, 2, n)
    towns = rng.uniform(-1.5, 1.5, (2, 400, 2))
    town = rng.integers(0, 400, n)
    near = rng.random(n) < 0.8
    offset = np.where(near[:, None], rng.normal(0, 0.01, (n, 2)), rng.uniform(-2, 2, (n, 2)))
    base = np.array([[a[1], a[2]] for a in AREAS])[area]
    where = base + np.where(near[:, None], towns[area, town], 0) + offset
    return {
        "area": area, "lat": where[:, 0], "lon": where[:, 1],
        "day": rng.integers(0, 3 * 365, n), "protected": rng.random(n) < 0.3,
        "category": rng.integers(0, len(CATEGORIES), n), "killed": rng.integers(0, 4, n),
        "minute": np.where(rng.random(n) < 0.25, rng.integers(0, 1440, n), -1),
        "source": rng.integers(0, len(SOURCES), n), "second": rng.random(n) < 0.25,
    }


def _claim(d: dict[str, np.ndarray], i: int, party: str | None, incident: int) -> Claim:
    day = dt.date(2022, 1, 1) + dt.timedelta(days=int(d["day"][i]))
    victims = [Victim(CATEGORIES[d["category"][i]], killed=int(d["killed"][i]))] \
        if d["protected"][i] else []
    minute = int(d["minute"][i])
    return Claim(
        date=DateSpan(day, day, "day"),
        place=Place(name=f"Town {d['area'][i]}-{i % 400}", country=AREAS[d["area"][i]][0],
                    admin1="Region", lat=float(d["lat"][i]), lon=float(d["lon"][i]),
                    precision="exact"),
        victims=victims, killed=int(d["killed"][i]) if victims else None,
        time_of_day=f"{minute // 60:02d}:{minute % 60:02d}" if minute >= 0 else None,
        weapon=("drone", "artillery", "missile")[i % 3], perpetrator=Perpetrator(None, party),
        incident_id=incident,
    )


def build(store: Store, n: int) -> None:
    d = synthetic(n)
    ids = np.arange(1, n + 1)
    claims: dict[int, list[Claim]] = {k: [] for k in range(len(SOURCES))}
    rows: list[dict[str, Any]] = []
    for i in range(n):
        code, lat, lon, alleged, _other = AREAS[d["area"][i]]
        party = alleged if d["protected"][i] else None
        src = int(d["source"][i])
        claims[src].append(_claim(d, i, party, int(ids[i])))
        by = [SOURCES[src].key]
        if d["second"][i]:
            other = (src + 1 + i % 7) % len(SOURCES)
            claims[other].append(_claim(d, i, party, int(ids[i])))
            by.append(SOURCES[other].key)
        day = dt.date(2022, 1, 1) + dt.timedelta(days=int(d["day"][i]))
        killed = int(d["killed"][i]) if d["protected"][i] else None
        rows.append({
            "id": int(ids[i]), "date_start": day, "date_end": day, "date_precision": "day",
            "place_name": f"Town {d['area'][i]}-{i % 400}", "country": code, "admin1": "Region",
            "lat": float(lat := d["lat"][i]), "lon": float(lon := d["lon"][i]),
            "place_precision": "exact",
            "categories": CATEGORIES[d["category"][i]] if d["protected"][i] else "",
            "weapons": ("drone", "artillery", "missile")[i % 3],
            "killed_min": killed, "killed_max": killed, "injured_min": None, "injured_max": None,
            "repeat_strike": False, "protected": bool(d["protected"][i]),
            "perpetrators": json.dumps([{"party": party, "text": None, "alleged_by": sorted(by)}])
            if party else None,
            "n_claims": len(by), "n_sources": len(by),
            "certainty": ("possible", "probable")[len(by) - 1],
        })
        del lat, lon
    with store.transaction() as conn:
        insert_incidents(conn, rows)
        for k, source in enumerate(SOURCES):
            raw = f"bench document {k}".encode()
            sha = hashlib.sha256(raw).hexdigest()
            sid = store.source_id(conn, source)
            store.put_blob(conn, sha, [raw])
            doc = store.add_document(conn, {"sha256": sha, "source_id": sid, "origin": f"bench:{k}",
                                            "format": "text", "size": len(raw)})
            add_claims(conn, doc, claims[k])


def browser_seconds(path: Path) -> float | None:
    import shutil

    exe = shutil.which("chromium")
    if exe is None:
        return None
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe)
        page = b.new_page(viewport={"width": 1280, "height": 900})
        started = time.perf_counter()
        page.goto(path.as_uri())
        page.wait_for_selector("#map[data-ready]", timeout=120_000)
        seconds = time.perf_counter() - started
        b.close()
    return seconds


def _report_job(url: str, out: str, perms: int, queue: Any) -> None:
    store = Store.open(url)
    summary = write_report(store, out, seed=0, options=ReportOptions(permutations=perms))
    store.dispose()
    summary["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put(summary)


def report_in_child(url: str, out: Path, perms: int) -> dict[str, Any]:
    """Run ``write_report`` in a fresh interpreter, so its peak memory is its own."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_report_job, args=(url, str(out), perms, queue))
    proc.start()
    summary: dict[str, Any] = queue.get()
    proc.join()
    return summary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int, nargs="?", default=100_000)
    parser.add_argument("--permutations", type=int, nargs="+", default=[999, 99])
    parser.add_argument("--browser", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(f"sqlite:///{tmp}/bench.db")
        started = time.perf_counter()
        build(store, args.n)
        print(f"store of {args.n:,} incidents built in {time.perf_counter() - started:.1f} s")
        for perms in args.permutations:
            out = Path(tmp) / f"report-{perms}.html"
            summary = report_in_child(f"sqlite:///{tmp}/bench.db", out, perms)
            sections = ", ".join(f"{k} {v:.2f}" for k, v in summary["sections"].items())
            print(f"permutations={perms}: {summary['seconds']:.2f} s, "
                  f"{summary['bytes'] / 1e6:.1f} MB, peak RSS {summary['peak_rss_mb']:.0f} MB; "
                  f"{sections}")
            if args.browser:
                seconds = browser_seconds(out)
                print(f"  Chromium: map drawn {seconds:.2f} s after navigation"
                      if seconds is not None else "  Chromium: not found")
        store.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the benchmark process (building the store) {peak:.0f} MB")


if __name__ == "__main__":
    main()
