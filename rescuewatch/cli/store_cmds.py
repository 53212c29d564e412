"""Commands that fill, inspect and export the store: ingest, stats, verify, export."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from rescuewatch.cli.common import (
    DAY,
    check_categories,
    check_country,
    check_span,
    db_option,
    echo,
    json_option,
    known_encoding,
    make_progress,
    open_store,
    print_json,
    safe,
)
from rescuewatch.ingest.date_order import DATE_ORDERS

FORMATS = [
    "auto", "text", "html", "telegram", "acled", "ucdp", "insecurity-insight", "who-ssa",
    "rescuewatch",
]


def ingest_options(func: Any) -> Any:
    for option in reversed(
        [
            click.option("--format", "fmt", type=click.Choice(FORMATS), default="auto", show_default=True,
                         help="Input format; auto detects it from the content."),
            click.option("--skip-bad-rows", is_flag=True,
                         help="Import the good rows and record every bad one with its reason."),
            click.option("--published", type=DAY, default=None,
                         help="Publication date of text documents that carry none (YYYY-MM-DD)."),
            click.option("--lang", type=click.Choice(["auto", "en", "ru", "uk"]), default="auto",
                         show_default=True, help="Language of text documents."),
            click.option("--encoding", default=None, callback=known_encoding,
                         help="Text encoding of CSV and text inputs when not UTF-8 (e.g. "
                              "cp1251); workbooks carry their own."),
            click.option("--date-order", type=click.Choice(DATE_ORDERS), default=None,
                         help="Order of slashed dates (4/2/2023) in datasets: day or month "
                              "first. Default: as the file's first rows show, else the "
                              "format's usual order."),
        ]
    ):
        func = option(func)
    return func


def read_context(skip_bad_rows: bool, published: dt.datetime | None, lang: str,
                 encoding: str | None, date_order: str | None = None) -> Any:
    from rescuewatch.ingest.base import ReadContext

    return ReadContext(
        skip_bad_rows=skip_bad_rows,
        published=published.date() if published else None,
        lang=None if lang == "auto" else lang,
        encoding=encoding,
        date_order=date_order,
    )


def run_ingest(db: str | None, paths: tuple[str, ...], fmt: str, ctx: Any,
               lasting: bool = True) -> Any:
    """Ingest with a progress display; shared by ``ingest`` and ``run`` (which may use a
    store in memory: ``lasting`` False)."""
    from rescuewatch.ingest.pipeline import expand, ingest

    origins = expand(list(paths))  # a typo in a path fails before the store is touched
    store = open_store(db, lasting=lasting)
    with make_progress(auto_refresh=False) as progress:
        task = progress.add_task("ingest", total=len(origins))
        rows = progress.add_task("rows", total=None)
        ctx.on_rows = lambda n: progress.update(rows, advance=n, refresh=True)

        def on_input(origin: str) -> None:
            progress.update(task, advance=1, description=f"ingest {origin[-40:]}", refresh=True)

        report = ingest(store, origins, fmt=fmt, ctx=ctx, on_input=on_input)
    return store, report


@click.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH|URL...")
@ingest_options
@db_option
@json_option
def ingest(paths: tuple[str, ...], fmt: str, skip_bad_rows: bool, published: dt.datetime | None,
           lang: str, encoding: str | None, date_order: str | None, db: str | None,
           as_json: bool) -> None:
    """Read files, folders and URLs into the store.

    Each input is stored in one transaction: a bad input leaves the store as it was. The raw
    bytes are kept unaltered under their SHA-256; ingesting the same bytes again does nothing.

    \b
    Examples:
      rescuewatch ingest ../shared/data/ucdp_ged191_syria_2016-01_2019-11.csv.gz
      rescuewatch ingest reports/ --lang uk --published 2024-03-01
      rescuewatch ingest acled_export.csv --skip-bad-rows --json
    """
    _, report = run_ingest(db, paths, fmt, read_context(skip_bad_rows, published, lang, encoding,
                                                        date_order))
    if as_json:
        print_json(report.to_json())
        return
    for item in report.inputs:
        if item.status == "duplicate":
            note = f"; {item.note}" if item.note else ""
            echo(f"{safe(item.origin)}: already stored (sha256 {item.sha256[:12]}), "
                 f"nothing to do{note}")
            continue
        line = f"{safe(item.origin)}: {item.format}, {item.documents} document(s), {item.claims} claim(s)"
        if item.duplicates:
            line += f", {item.duplicates} duplicate document(s) skipped"
        if item.skipped_rows:
            line += f", {item.skipped_rows} bad row(s) skipped (see `rescuewatch skipped`)"
        if item.note:
            line += f"; {item.note}"
        echo(line)


@click.command()
@db_option
@json_option
def stats(db: str | None, as_json: bool) -> None:
    """Count sources, documents, claims and incidents, by format and victim category.

    By category, aggregate statements ("19 medics killed since 2022") and the claims of
    rejected incidents are left out, and the killed and injured of an incident are counted
    once, by its lowest claim; "unknown" (null in JSON) where no claim gives a number.

    \b
    Examples:
      rescuewatch stats
      rescuewatch stats --json --db postgresql+psycopg://monitor@localhost/rescuewatch
    """
    from rescuewatch.store.claims import stats as store_stats

    data = store_stats(open_store(db, create=False))
    if as_json:
        print_json(data)
        return
    echo(
        f"{data['sources']} sources, {data['documents']} documents, {data['claims']} claims "
        f"({data['protected_claims']} about protected people, {data['aggregate_claims']} aggregate), "
        f"{data['incidents']} incidents"
        + (f" ({data['rejected_incidents']} rejected by a reviewer, left out of analyses, report "
           "and exports)" if data["rejected_incidents"] else "")
        + (f"; {data['skipped_rows']} bad row(s) left out by --skip-bad-rows (see `rescuewatch "
           "skipped`)" if data["skipped_rows"] else "")
    )
    for fmt, counts in data["by_format"].items():
        echo(f"  {fmt:<20} {counts['documents']:>6} documents {counts['claims']:>9} claims "
                   f"{counts['incidents']:>9} incidents")
    for cat, counts in data["by_category"].items():
        killed, injured = (("unknown" if n is None else n) for n in (counts["killed"],
                                                                      counts["injured"]))
        echo(f"  {cat:<20} {counts['claims']:>6} claims {killed:>7} killed {injured:>7} injured "
             f"{counts['incidents']:>7} incidents")


@click.command()
@db_option
@json_option
def verify(db: str | None, as_json: bool) -> None:
    """Re-hash every stored document; exit non-zero on any mismatch or missing item.

    A SQLite store's file is checked first (SQLite's quick check): a damaged page elsewhere,
    among the claims say, stops it with exit code 4 too.

    \b
    Example:
      rescuewatch verify
    """
    from rescuewatch.errors import IntegrityError
    from rescuewatch.store.core import damaged_store

    store = open_store(db, create=False)
    damage = store.damage()
    if damage:
        if as_json:
            print_json({"checked": 0, "problems": [], "damage": damage})
        more = ("" if len(damage) == 1 else ", and more faults" if len(damage) >= 10
                else f", and {len(damage) - 1} more fault(s)")
        found = damaged_store(f"SQLite's quick check: {damage[0]}{more}", None)
        raise IntegrityError(found.message + "; no document was re-hashed",
                             path=store.engine.url.database, hint=found.hint)
    problems = []
    checked = 0
    for record in store.verify():
        checked += 1
        if record["status"] != "ok":
            problems.append(record)
            if not as_json:
                # safe(): a file name may hold a line break, and forge a line of the report
                echo(f"{record['status'].upper()}: document {record['document_id']} "
                     f"{safe(record['origin'])} (sha256 {record['sha256']})", err=True)
    if as_json:
        print_json({"checked": checked, "problems": problems})
    elif not problems:
        echo(f"{checked} documents verified: every stored copy matches its SHA-256")
    if problems:
        raise IntegrityError(f"{len(problems)} of {checked} stored documents failed verification")


@click.command()
@click.option("--format", "fmt", required=True,
              type=click.Choice(["hxl-csv", "geojson", "acled-csv", "csv", "jsonl", "parquet"]),
              help="Output format.")
@click.option("--level", type=click.Choice(["claims", "incidents"]), default="claims", show_default=True,
              help="Export every claim, or one row per incident.")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), default="-",
              help="Output file (default: standard output; parquet needs a file).")
@click.option("--protected-only", is_flag=True, help="Only claims about protected people.")
@click.option("--country", default=None, callback=check_country,
              help="Only this country (ISO 3166-1 alpha-2).")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Only rows starting on or after this date (YYYY-MM-DD).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Only rows starting on or before this date (YYYY-MM-DD).")
@click.option("--category", metavar="CATS", callback=check_categories, default=None,
              help="Only rows with one of these victim categories, comma-separated; "
                   "'responders' = ambulance, medic, firefighter, rescuer.")
@db_option
def export(fmt: str, level: str, output: str, protected_only: bool, country: str | None,
           since: dt.datetime | None, until: dt.datetime | None, category: str | None,
           db: str | None) -> None:
    """Write claims or incidents as HXL CSV, GeoJSON, ACLED-style CSV, CSV, JSON Lines or Parquet.

    The `csv` and `jsonl` formats are rescuewatch's own: `rescuewatch ingest` reads them back
    into the same claims.

    \b
    Examples:
      rescuewatch export --format hxl-csv -o claims-hxl.csv
      rescuewatch export --format geojson --level incidents -o incidents.geojson
      rescuewatch export --format jsonl | head
      rescuewatch export --format acled-csv --country SY --since 2019-01-01 -o sy-2019.csv
    """
    from rescuewatch.export import write_export

    check_span(since, until)
    store = open_store(db, create=False)
    left_out = 0

    def count_left_out(claim: Any) -> None:
        nonlocal left_out
        left_out += 1

    count = write_export(store, fmt, output, level=level, protected_only=protected_only,
                         country=country, since=since.date() if since else None,
                         until=until.date() if until else None, category=category,
                         on_left_out=count_left_out)
    if output != "-":
        echo(f"wrote {count} {level} to {output}", err=True)
    if level == "incidents" and count == 0:
        # An empty incident file from a store whose claims were never linked looks like "no
        # incidents happened"; say which command builds them.
        from rescuewatch.store.claims import stats

        counts = stats(store)
        if counts["claims"] and not counts["incidents"]:
            echo(f"the store has {counts['claims']} claim(s) but no incidents yet: run "
                 "`rescuewatch link` (and `rescuewatch assess` to grade them) first", err=True)
    if left_out:
        # say so: a reader comparing row counts with another format would otherwise wonder
        echo(f"left out {left_out} aggregate claim{'s' if left_out > 1 else ''} "
                   f"({fmt} has one row per event; the other formats keep them)", err=True)
