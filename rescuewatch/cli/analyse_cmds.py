"""``rescuewatch analyse repeat-strikes|knox|trends|coverage`` and ``rescuewatch report``."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable
from typing import Any, TypeVar

import click

from rescuewatch.cli.common import (
    MEASURE,
    SEED,
    check_categories,
    check_country,
    check_span,
    db_option,
    json_option,
    make_progress,
    open_store,
    print_json,
    safe,
)

F = TypeVar("F", bound=Callable[..., Any])
_DATE = click.DateTime(formats=["%Y-%m-%d"])
#: Enough for p-values down to 1e-5; more only costs time (a billion ran for days, silently).
MAX_PERMUTATIONS = 99_999


def _trimmed(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A name without the spaces around it, as stored ones are kept: " Kharkiv" (pasted, or
    quoted with a space) matched nothing, and the analyses ran on no incident."""
    if value is None:
        return None
    if not value.strip():
        raise click.BadParameter("is empty; leave the option out to take every one")
    return value.strip()


def filter_options(func: F) -> F:
    """The event filters shared by every analysis."""
    options = [
        click.option("--category", metavar="CATS", callback=check_categories,
                     help="Victim categories, comma-separated (any matches); 'responders' = "
                          "ambulance, medic, firefighter, rescuer."),
        click.option("--country", metavar="ISO2", callback=check_country,
                     help="Country code, e.g. UA, RU, SY."),
        click.option("--admin1", metavar="NAME", callback=_trimmed,
                     help="First-level area, as stored."),
        click.option("--since", type=_DATE, help="First day (YYYY-MM-DD), inclusive."),
        click.option("--until", type=_DATE, help="Last day (YYYY-MM-DD), inclusive."),
        click.option("--perpetrator", metavar="PARTY", callback=_trimmed,
                     help="Party alleged by at least one source (an allegation only): its "
                          "code, or the words of sources that give no code, as 'trends --by "
                          "perpetrator' lists them."),
        click.option("--certainty-min",
                     type=click.Choice(["rumour", "possible", "probable", "confirmed"]),
                     help="Lowest certainty grade kept."),
        click.option("--protected-only", is_flag=True,
                     help="Leave out context events (strikes without protected victims)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _filter(opts: dict[str, Any]) -> Any:
    from rescuewatch.analyse.events import EventFilter

    def day(value: dt.datetime | None) -> dt.date | None:
        return value.date() if value else None

    check_span(opts.get("since"), opts.get("until"))

    flt = EventFilter(
        category=opts.get("category"), country=opts.get("country"), admin1=opts.get("admin1"),
        since=day(opts.get("since")), until=day(opts.get("until")),
        perpetrator=opts.get("perpetrator"), certainty_min=opts.get("certainty_min"),
        protected_only=bool(opts.get("protected_only")),
    )
    flt.to_store()  # the categories were checked by the option (check_categories)
    return flt


def _events(db: str | None, opts: dict[str, Any]) -> tuple[Any, Any]:
    from rescuewatch.analyse.events import load_events

    store = _store(db)
    return store, load_events(store, _filter(opts))


def _store(db: str | None) -> Any:
    """The store, after a note on standard error when claims wait to be linked: the analyses
    read incidents, and counts that silently miss the latest import would mislead, as would
    claims counted as incidents (two sources on one strike count twice) without a word."""
    store = open_store(db, create=False)
    _note_unlinked(store)
    return store


def _note_unlinked(store: Any) -> None:
    from rescuewatch.store.analysis import claims_left_out, has_incidents

    if not has_incidents(store):
        if claims_left_out(store, linked_or_not=True):
            click.echo("note: no claim is linked yet, so each claim counts as an incident of its "
                       "own (ids are claim ids; an event two sources report counts twice); run "
                       "`rescuewatch link` (and `assess`) first", err=True)
        return
    waiting = claims_left_out(store)
    if waiting:
        click.echo(f"note: {waiting} claim(s) ingested since the last `rescuewatch link` belong "
                   "to no incident yet and are left out; run `rescuewatch link` (and `assess`) "
                   "to include them", err=True)


def _records(frame: Any) -> list[dict[str, Any]]:
    """A DataFrame as JSON-ready records: ISO dates, ``null`` for every missing value."""
    return list(json.loads(frame.to_json(orient="records", date_format="iso")))


def _table(title: str, frame: Any, columns: list[str], limit: int | None = None) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # Text, not str: Rich would read stored text ("[/]", "[Kharkiv]") as markup.
    table = Table(title=Text(safe(title)), show_lines=False)
    for col in columns:
        table.add_column(Text(safe(col)), overflow="fold")
    shown = frame if limit is None else frame.head(limit)
    for row in shown.loc[:, columns].itertuples(index=False, name=None):
        table.add_row(*(Text(safe(_cell(v))) for v in row))
    Console(soft_wrap=False).print(table)
    if limit is not None and len(frame) > limit:
        click.echo(f"... {len(frame) - limit} more row(s); use --limit or --json")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.4g}"
    if hasattr(value, "strftime"):
        try:
            return str(value.strftime("%Y-%m-%d"))
        except ValueError:
            return ""
    text = str(value)
    return "" if text in ("<NA>", "NaT", "nan") else text


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def analyse() -> None:
    """Find patterns: repeat strikes, space-time clustering, trends and media coverage.

    Every analysis reads the incidents of the store (or its claims, one per incident, when
    `rescuewatch link` has not run) and takes the same filters. Results are leads and
    statistics for analysts, never findings about any party.

    \b
    Examples:
      rescuewatch analyse repeat-strikes --category responders
      rescuewatch analyse knox --distance 500 --days 1 --seed 1
      rescuewatch analyse trends --by weapon --country SD --json
      rescuewatch analyse coverage --since 2024-01-01
    """


@analyse.command("repeat-strikes")
@filter_options
@click.option("--window-minutes", type=MEASURE, default=60, show_default=True,
              help="Longest gap to an earlier strike when both times are known.")
@click.option("--radius", "radius_m", type=MEASURE, default=500,
              show_default=True, help="Metres for 'the same place' with precise coordinates.")
@click.option("--day-window", type=click.IntRange(min=0), default=1, show_default=True,
              help="Calendar days back to look when times are unknown (0 = same day).")
@click.option("--town-km", type=MEASURE, default=5.0, show_default=True,
              help="Kilometres for 'the same town' with town-precise locations.")
@click.option("--facility-hours", type=MEASURE, default=12.0, show_default=True,
              help="Longest gap for a facility hit after a strike with casualties.")
@click.option("--min-confidence", type=click.Choice(["low", "medium", "high"]), default="low",
              show_default=True, help="Leave out candidates below this confidence.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True,
              help="Rows shown in the table (--json prints all).")
@db_option
@json_option
def repeat_strikes(window_minutes: float, radius_m: float, day_window: int, town_km: float,
                   facility_hours: float, min_confidence: str, limit: int, db: str | None,
                   as_json: bool, **opts: Any) -> None:
    """List earlier strikes at places where responders were hit: candidates for review.

    For each incident that hit medics, ambulances, firefighters or rescuers, earlier events at
    the same place (context events included) are listed with the basis of the match, a
    confidence level and the reason. Where times or places are imprecise, lower-confidence
    candidates say why. A health facility hit after a nearby strike with casualties, and
    claims whose text describes a repeat strike, are listed too. A candidate is not a finding.

    --category, --perpetrator and --certainty-min choose the incidents scanned; the earlier
    strikes are looked for among every event of the area and period (--protected-only leaves
    context events out of them).

    \b
    Examples:
      rescuewatch analyse repeat-strikes
      rescuewatch analyse repeat-strikes --country SY --window-minutes 90 --radius 300
      rescuewatch analyse repeat-strikes --min-confidence medium --json > candidates.json
    """
    from rescuewatch.analyse.events import load_events
    from rescuewatch.analyse.repeat import CONFIDENCE, RepeatStrikes

    with make_progress() as progress:
        progress.add_task("loading events and scanning for repeat strikes", total=None)
        flt = _filter(opts)
        rs = RepeatStrikes(window_minutes, radius_m, day_window, town_km,
                           facility_hours=facility_hours)
        context = _context_filter(flt, rs.reach_days)
        store = _store(db)
        scanned = load_events(store, flt)
        # without those filters the incidents scanned are all the events: read them once
        events = scanned if context == flt else load_events(store, context)
        rs.fit(events, store=store, targets=scanned["incident_id"])
    cand = rs.candidates_
    cand = cand[cand["confidence"].map(CONFIDENCE.index) >= CONFIDENCE.index(min_confidence)]
    if as_json:
        # the summary counts every candidate; the list holds those at --min-confidence
        summary = {**rs.summary_, "min_confidence": min_confidence, "listed": len(cand)}
        print_json({"summary": summary, "candidates": _records(cand)})
        return
    s = rs.summary_
    click.echo(f"{s['incidents_scanned']} incident(s) with responders or facilities hit among "
               f"{s['events']} event(s); {len(cand)} candidate(s) for review")
    if not len(cand):
        return
    shown = cand.head(limit).assign(
        gap=[_gap_text(g, u) for g, u in zip(cand["gap"].head(limit),
                                             cand["gap_unit"].head(limit), strict=True)],
        distance_m=cand["distance_m"].head(limit).round(0),
    )
    shown = shown.rename(columns={"incident_id": "incident", "earlier_id": "earlier",
                                  "incident_date": "date", "place_name": "place",
                                  "distance_m": "metres"})
    _table("Repeat-strike candidates (for review, not findings)", shown,
           ["incident", "earlier", "date", "place", "gap", "metres", "basis", "confidence"])
    if len(cand) > limit:
        click.echo(f"... {len(cand) - limit} more candidate(s); use --limit or --json")
    click.echo("Why:")
    for row in shown.itertuples(index=False):
        earlier = "" if _cell(row.earlier) == "" else f" <- {row.earlier}"
        click.echo(f"  {row.incident}{earlier}: {row.reason}")


def _context_filter(flt: Any, days_back: int) -> Any:
    """The events an earlier strike may be among: the filter's area and period (from
    ``days_back`` days before ``--since``), any victims, alleged perpetrator and grade."""
    import dataclasses

    # days_back may reach past year 1 (--window-minutes 1e12): then no lower bound at all
    within = flt.since is not None and days_back < (flt.since - dt.date.min).days
    since = flt.since - dt.timedelta(days=days_back) if within else None
    return dataclasses.replace(flt, category=None, perpetrator=None, certainty_min=None,
                               since=since)


def _gap_text(gap: Any, unit: Any) -> str:
    if gap is None or (isinstance(gap, float) and math.isnan(gap)):
        return ""
    if unit == "minutes":
        return f"{gap:.0f} min"
    return "same day" if gap == 0 else f"{gap:.0f} d"


@analyse.command("knox")
@filter_options
@click.option("--points", "points_file", type=click.Path(exists=True, dir_okay=False),
              help="CSV of events with columns lat,lon,date or projected x,y,t (metres, days) "
                   "instead of the store (the filters above do not apply to it).")
@click.option("--distance", type=MEASURE, help="Knox distance, metres (<=).")
@click.option("--days", type=MEASURE, help="Knox time gap, days (<=).")
@click.option("--space-bands", metavar="EDGES",
              help="Near-repeat distance band edges in metres, e.g. 0,0,100,200,400.")
@click.option("--time-bands", metavar="EDGES",
              help="Near-repeat time band edges in days, e.g. 0,0,7,14,21.")
@click.option("--beyond", is_flag=True, help="Add a band past the last edges.")
@click.option("--permutations", type=click.IntRange(0, MAX_PERMUTATIONS), default=999,
              show_default=True,
              help="Monte Carlo permutations of event times (0: the Poisson approximation "
                   "only).")
@click.option("--seed", type=SEED, default=0, show_default=True,
              help="Seed of the permutations: the same seed gives the same p-values (and the "
                   "report's, for the same bands).")
@db_option
@json_option
def knox(points_file: str | None, distance: float | None, days: float | None,
         space_bands: str | None, time_bands: str | None, beyond: bool, permutations: int,
         seed: int, db: str | None, as_json: bool, **opts: Any) -> None:
    """Test whether strikes cluster in space and time beyond chance (Knox, near-repeat).

    --distance and --days give the classic Knox test: pairs of events within both limits,
    compared with random permutations of the event times (p = (k + 1) / (P + 1), one-sided).
    --space-bands and --time-bands give the near-repeat matrix of Ratcliffe's calculator;
    bands are (lo, hi] and the first one [lo, hi]. With neither, the Knox test runs with
    500 m and 1 day. Events from the store need day-precise dates and a point finer than a
    district or "within about 25 km" (many events on one centroid or town point would look
    like clusters). Latitudes and longitudes are projected area by area, each around its own
    centre, so events in countries far apart keep their distances.

    \b
    Examples:
      rescuewatch analyse knox --distance 500 --days 1 --seed 7
      rescuewatch analyse knox --space-bands 0,0,500,1000,2000 --time-bands 0,0,1,7,14 --json
      rescuewatch analyse knox --points strikes.csv --distance 1000 --days 3
    """
    from rescuewatch.analyse.knox import Knox, NearRepeat

    if points_file:
        given = [name for name, value in opts.items() if value not in (None, False)]
        if given:
            flag = "--" + given[0].replace("_", "-")
            raise click.UsageError(f"{flag} filters the store's events; it does not apply to "
                                   "--points (filter the file instead)")
    bands = space_bands is not None or time_bands is not None
    if bands and (space_bands is None or time_bands is None):
        raise click.UsageError("--space-bands and --time-bands go together")
    if (distance is None) != (days is None):
        raise click.UsageError("--distance and --days go together")
    if not bands and distance is None:
        distance, days = 500.0, 1.0
    s_edges = _edges(space_bands, "--space-bands") if bands else []
    t_edges = _edges(time_bands, "--time-bands") if bands else []
    near_m = max([distance or 0.0, *s_edges])
    x, y, t, origin, left_out = _knox_points(points_file, db, opts, near_m)
    out: dict[str, Any] = {"source": origin, "n": int(len(t)), "left_out": left_out,
                           "seed": seed}
    with make_progress() as progress:
        progress.add_task(f"{permutations} permutations", total=None)
        if distance is not None and days is not None:
            out["knox"] = Knox(x, y, t, distance, days, permutations=permutations,
                               rng=seed).to_json()
        if bands:
            # The seed itself, as the report uses it: a seed and bands give the report's
            # p-values, with or without the Knox test beside (each draws from its own copy).
            nr = NearRepeat(x, y, t, s_edges, t_edges, permutations=permutations, rng=seed,
                            beyond=beyond)
            out["near_repeat"] = nr.to_json()
    if as_json:
        print_json(out)
        return
    _print_knox(out)


def _knox_points(points_file: str | None, db: str | None, opts: dict[str, Any],
                 near_m: float) -> tuple[Any, Any, Any, str, int]:
    """The events' points, each area projected around its own centre: one projection over
    several countries would stretch distances far from its centre (11 % at 5,000 km)."""
    from rescuewatch.analyse.events import event_points
    from rescuewatch.analyse.points import read_points_csv

    if points_file:
        pts = read_points_csv(points_file, near_m=near_m)
        return pts.x, pts.y, pts.t, points_file, 0
    _store, events = _events(db, opts)
    pts, used = event_points(events, near_m=near_m)
    return pts.x, pts.y, pts.t, "store", len(events) - len(used)


def _edges(text: str | None, name: str) -> list[float]:
    from rescuewatch.analyse.knox import check_edges
    from rescuewatch.errors import InputError

    try:
        edges = [float(v) for v in (text or "").split(",") if v.strip()]
    except ValueError:
        raise InputError(f"band edges must be numbers separated by commas, got {text!r}",
                         field=name) from None
    try:  # checked here, before the events are read, and as one line, not a traceback
        check_edges(edges, name)
    except ValueError:
        raise InputError(f"band edges must be two or more finite numbers from 0 up, each above "
                         f"the one before (only the first two may be equal), got {text!r}",
                         field=name, hint="e.g. " + ("0,0,7,14,21" if "time" in name
                                                     else "0,0,100,200,400")) from None
    return edges


def _print_knox(out: dict[str, Any]) -> None:
    click.echo(f"{out['n']} event(s) from {out['source']}")
    if out["left_out"]:
        click.echo(f"({out['left_out']} event(s) without a day-precise date or a point placed "
                   "closer than a district or about 25 km left out)")
    if out["n"] < 2:  # no pair: a p of 1 would read as "no clustering"
        click.echo("fewer than two events: no pairs, so nothing to test")
        return
    if "knox" in out:
        k = out["knox"]
        obs, exp = k["observed"], k["expected"]
        click.echo(f"Knox test: distance <= {k['delta_m']:g} m, gap <= {k['tau_days']:g} day(s), "
                   f"{k['permutations']} permutations, seed {out['seed']}")
        click.echo(f"  pairs close in space and time: {obs[0][0]} (expected {exp[0][0]:.2f}); "
                   f"close in space only: {obs[0][1]}; in time only: {obs[1][0]}; "
                   f"neither: {obs[1][1]}")
        if k["permutations"]:
            ratio = "n/a" if k["ratio"] is None else f"{k['ratio']:.2f}"
            click.echo(f"  Knox ratio {ratio}, one-sided p = {k['p_value']:.4g}")
        else:  # (0 + 1) / (0 + 1) = 1 would read as "no clustering at all"
            click.echo("  no permutations, so no Knox ratio or permutation p-value; Poisson "
                       f"approximation p = {k['p_poisson']:.4g}")
    if "near_repeat" in out:
        import pandas as pd

        frame = pd.DataFrame(out["near_repeat"]["cells"])
        for col in ("space_lo", "space_hi", "time_lo", "time_hi"):
            frame[col] = frame[col].astype(object).where(frame[col].notna(), float("inf"))
        shown = ["space_lo", "space_hi", "time_lo", "time_hi", "observed"]
        if out["near_repeat"]["permutations"]:  # expected, ratio and p come from permutations
            shown += ["expected", "ratio", "p_value"]
        _table(f"Near-repeat matrix (bands (lo, hi], first band [lo, hi]; seed {out['seed']})",
               frame, shown)


@analyse.command("trends")
@filter_options
@click.option("--by", type=click.Choice(["category", "weapon", "country", "admin1",
                                         "perpetrator", "certainty"]),
              default="category", show_default=True, help="What to break counts down by.")
@click.option("--zeros", is_flag=True,
              help="Add zero rows for months without events of a key (for charts).")
@db_option
@json_option
def trends(by: str, zeros: bool, db: str | None, as_json: bool, **opts: Any) -> None:
    """Count incidents and casualties per month, by category, weapon, area, party or grade.

    An incident with two categories (or weapons, or alleged perpetrators) counts under each.
    Casualties are ranges over the sources: killed_min..killed_max.

    \b
    Examples:
      rescuewatch analyse trends
      rescuewatch analyse trends --by perpetrator --category responders
      rescuewatch analyse trends --by admin1 --country UA --since 2024-01-01 --json
    """
    from rescuewatch.analyse.trends import monthly_counts

    _store, events = _events(db, opts)
    counts = monthly_counts(events, by, complete=zeros)
    if as_json:
        print_json({"by": by, "undated": counts.attrs.get("undated", 0),
                    "rows": _records(counts)})
        return
    _table(f"Incidents per month by {by}", counts,
           ["month", "key", "incidents", "killed_min", "killed_max", "injured_min",
            "injured_max"])
    undated = int(counts.attrs.get("undated", 0))
    if undated:
        click.echo(f"{undated} incident(s) without a month (dated only to the year, or "
                   "undated) left out; their casualties are not in these rows")


@analyse.command("coverage")
@filter_options
@click.option("--matrix", "show_matrix", is_flag=True,
              help="Also print which groups reported each incident.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True,
              help="Incidents shown in the --matrix table (--json prints all).")
@db_option
@json_option
def coverage(show_matrix: bool, limit: int, db: str | None, as_json: bool,
             **opts: Any) -> None:
    """Show which coverage groups of the source registry reported each incident.

    Groups come from the source registry (`rescuewatch sources`); every group is treated
    alike. A low share can mean a group's outlets were not collected: it describes the
    corpus, not the media.

    \b
    Examples:
      rescuewatch analyse coverage
      rescuewatch analyse coverage --category responders --matrix
      rescuewatch analyse coverage --country IL --json
    """
    from rescuewatch.analyse.coverage import Coverage

    store = _store(db)
    cov = Coverage().fit(store, _filter(opts))
    if as_json:
        matrix = cov.matrix_.reset_index()
        print_json({"incidents": len(cov.matrix_), "rates": _records(cov.rates_),
                    "matrix": _records(matrix)})
        return
    click.echo(f"{len(cov.matrix_)} incident(s)")
    _table("Coverage by group", cov.rates_,
           ["group", "incidents_reported", "share", "only_group", "sources"])
    if show_matrix:
        frame = cov.matrix_.replace({True: "x", False: ""}).reset_index()
        _table("Who reported what", frame.head(limit), list(frame.columns))
        if len(frame) > limit:
            click.echo(f"... {len(frame) - limit} more incident(s); use --limit or --json")


@click.command()
@click.option("--out", "out", type=click.Path(dir_okay=False), default="report.html",
              show_default=True, help="The HTML file to write; - writes it to standard output.")
@click.option("--seed", type=SEED, default=0, show_default=True,
              help="Seed of the permutation tests, for reproducible p-values.")
@click.option("--title", default=None, help="Title of the report.")
@click.option("--permutations", type=click.IntRange(9, MAX_PERMUTATIONS), default=None,
              help="Permutations of the near-repeat test [default: 999]; fewer for a quick look "
                   "at a very dense store.")
@db_option
@json_option
def report(out: str, seed: int, title: str | None, permutations: int | None, db: str | None,
           as_json: bool) -> None:
    """Write one self-contained HTML report that works without internet.

    Summary figures, a map, monthly charts, the near-repeat heat map, repeat-strike
    candidates with their evidence, the coverage matrix, methods and credits.

    \b
    Examples:
      rescuewatch report --out report.html
      rescuewatch report --out responders-2024.html --seed 7 --title "Attacks on responders, 2024"
      rescuewatch report --out quick.html --permutations 99
    """
    import importlib.util

    if importlib.util.find_spec("rescuewatch.report.build") is None:
        raise click.ClickException("the report builder (rescuewatch.report.build) is missing")
    from rescuewatch.report.build import check_report_path, write_report

    if out == "-" and as_json:
        raise click.UsageError("--json and --out - would both write to standard output; "
                               "give --out a file")
    store = open_store(db, create=False)
    check_report_path(out)  # not after the analyses
    _note_unlinked(store)
    result = write_report(store, out, seed=seed, title=title, permutations=permutations)
    if as_json:
        print_json({"out": out, "result": result})
        return
    click.echo(f"report written to {'standard output' if out == '-' else out}", err=out == "-")
