"""Write the report: one self-contained HTML file that works with no internet connection.

Everything the page needs is inside the file: the styles, the scripts (Leaflet and the
report's own), the basemap (Natural Earth country boundaries) and the data. Text from the
store reaches the page only through Jinja2's autoescaping, or inside JSON ``<script>``
blocks where every ``<`` is written ``\\u003c`` (so neither ``</script>`` nor ``<!--`` can
occur in them); the page's script shows that text with ``textContent``, never as markup.

Examples
--------
>>> from rescuewatch.store import Store
>>> from rescuewatch.report.build import write_report
>>> write_report(Store.open("sqlite:///rescuewatch.db"), "report.html", seed=0)  # doctest: +SKIP
{'path': 'report.html', 'incidents': 412, 'bytes': 1893112, 'seconds': 1.9, ...}
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from rescuewatch import __version__
from rescuewatch.export.outputs import check_output, file_output, stdout_bytes
from rescuewatch.report import sections as sec
from rescuewatch.report.bidi import contain_bidi
from rescuewatch.report.data import ReportData, load_report_data
from rescuewatch.report.sections import ReportOptions
from rescuewatch.store.core import Store

__all__ = ["ReportOptions", "render_report", "write_report", "json_for_script"]

HERE = Path(__file__).parent
STATIC = HERE / "static"
Progress = Callable[[str], None]


def json_for_script(value: Any) -> Markup:
    """JSON safe to place inside ``<script type="application/json">``.

    ``<`` becomes ``\\u003c`` (still the same JSON string), so the data can never close the
    script element or open an HTML comment, whatever text it holds. U+2028 and U+2029 are
    escaped too, for older JavaScript parsers.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    text = text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


def _asset(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def _inline_safe(text: str, closing: str) -> Markup:
    """Vendored code or styles for an inline element; refuses text that would end it early."""
    if closing in text.lower():
        raise ValueError(f"asset contains {closing!r} and cannot be inlined")
    return Markup(text)


def _assets() -> dict[str, Markup]:
    leaflet_js = re.sub(r"//# sourceMappingURL=\S+\s*$", "", _asset("leaflet.js"))
    # The report draws no image icons or layer switcher: drop the CSS that would ask the
    # (absent) image files for them, so the page makes no request at all.
    leaflet_css = re.sub(r"background-image:\s*url\([^)]*\);?", "", _asset("leaflet.css"))
    leaflet_css = leaflet_css.replace("behavior: url(#default#VML);", "")
    world = json.loads(_asset("world.geojson"))
    return {
        "leaflet_js": _inline_safe(leaflet_js, "</script"),
        "leaflet_css": _inline_safe(leaflet_css, "</style"),
        "report_js": _inline_safe(_asset("report.js"), "</script"),
        "report_css": _inline_safe(_asset("report.css"), "</style"),
        "world_json": json_for_script(world),
    }


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"], default_for_string=True, default=True),
        trim_blocks=True, lstrip_blocks=True, finalize=contain_bidi,
    )
    env.filters["num"] = lambda v: "" if v is None else f"{v:,}"
    env.filters["pct"] = lambda v: "" if v is None else f"{v:.0%}"
    return env


def render_report(
    data: ReportData,
    out: str | Path,
    *,
    seed: int = 0,
    title: str | None = None,
    progress: Progress | None = None,
    options: ReportOptions | None = None,
    option: str = "--out",
) -> dict[str, Any]:
    """Compute the report's sections from ``data`` and write the HTML file ``out``.

    Parameters
    ----------
    data : ReportData
        The tables to show (see :func:`rescuewatch.report.data.load_report_data`).
    out : str or Path
        The HTML file to write (replaced atomically).
    seed : int
        Seed of the near-repeat permutation test.
    title : str, optional
        Title of the report.
    progress : callable, optional
        Called with the name of each section as it starts.
    options : ReportOptions, optional
        Bands, permutations and table sizes.
    option : str
        The command's option that named ``out``, for an error to name (``run --report``).

    Returns
    -------
    dict
        ``path``, ``incidents``, ``bytes``, ``seconds`` and ``sections`` (seconds per section).
    """
    options = options or ReportOptions()
    say = progress or (lambda _name: None)
    timings: dict[str, float] = {}
    started = time.perf_counter()

    def timed(name: str, fn: Callable[[], Any]) -> Any:
        say(name)
        t0 = time.perf_counter()
        result = fn()
        timings[name] = round(time.perf_counter() - t0, 3)
        return result

    ev = data.events
    context: dict[str, Any] = {
        "title": title or "Attacks on medical and rescue workers: incidents as reported",
        "generated": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "version": __version__, "seed": seed, "options": options,
        "notes": list(data.notes or []),
        "summary": timed("summary", lambda: sec.summary(ev, data.counts)),
        "map_json": timed("map", lambda: json_for_script(sec.map_payload(ev, data.alleged))),
        "charts": timed("charts", lambda: sec.monthly_charts(ev)),
        "near_repeat": timed("near_repeat", lambda: sec.near_repeat(ev, options, seed)),
        "candidates": timed("repeat_strikes", lambda: None if data.candidates is None else
                            sec.repeat_candidates(data.candidates, ev, options.max_candidates)),
        "coverage": timed("coverage", lambda: sec.coverage_view(
            data.coverage_matrix, data.coverage_rates, options.max_coverage_rows)),
        "sources": data.sources or [], "datasets": data.datasets or [],
    }
    context.update(timed("assets", _assets))
    html = timed("render", lambda: _environment().get_template("page.html").render(**context))
    size = timed("write", lambda: _write(out, html, option))
    return {
        "path": str(out), "incidents": len(ev), "bytes": size,
        "seconds": round(time.perf_counter() - started, 3), "sections": timings,
    }


def write_report(
    store: Store,
    out: str | Path,
    *,
    seed: int = 0,
    title: str | None = None,
    progress: Progress | None = None,
    options: ReportOptions | None = None,
    permutations: int | None = None,
    option: str = "--out",
) -> dict[str, Any]:
    """Write the report of ``store`` to ``out``; see :func:`render_report` for the arguments.

    ``permutations`` (if given) overrides ``options.permutations``, the Monte Carlo
    permutations of the near-repeat test (default 999).

    Returns a small summary: ``path``, ``incidents``, ``bytes``, ``seconds`` and seconds per
    step (``sections``: reading the store and fitting the analyses included).
    """
    started = time.perf_counter()
    say = progress or (lambda _name: None)
    options = options or ReportOptions()
    if permutations is not None:
        options = dataclasses.replace(options, permutations=permutations)
    say("load")
    loading: dict[str, float] = {}
    data = load_report_data(store, loading)
    result = render_report(data, out, seed=seed, title=title, progress=progress, options=options,
                           option=option)
    result["sections"] = {**loading, **result["sections"]}
    result["seconds"] = round(time.perf_counter() - started, 3)
    return result


def check_report_path(out: str | Path, option: str = "--out") -> None:
    """Refuse at once a path the report could not be written to (a missing folder, as
    ``export -o`` does), before the analyses run (minutes on a large store) and, in ``run``,
    before the ingest. ``-`` (standard output) passes."""
    check_output(str(out), option)


def _write(out: str | Path, text: str, option: str) -> int:
    """Write the report through a temporary file renamed into place, so that a failed or
    interrupted run leaves no half file, and any path that cannot be written (or is a SQLite
    database, such as the store itself) is a one-line error, as for ``export -o``."""
    data = text.encode("utf-8")
    if str(out) == "-":  # as export -o - does
        with stdout_bytes(option) as stream:
            stream.write(data)
        return len(data)
    with file_output(str(out), option) as path:
        path.write_bytes(data)
    return len(data)
