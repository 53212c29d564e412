"""``rescuewatch skipped``: the rows an ingest with ``--skip-bad-rows`` left out, and why."""

from __future__ import annotations

import click

from rescuewatch.cli.common import (
    ROW_ID,
    db_option,
    echo,
    json_option,
    open_store,
    print_json,
    safe,
)


@click.command()
@click.option("--run", "run_id", type=ROW_ID, default=None,
              help="Only the rows of this ingest run (the number shown in the list).")
@click.option("--limit", type=click.IntRange(1, 1_000_000), default=200, show_default=True,
              help="At most this many rows.")
@db_option
@json_option
def skipped(run_id: int | None, limit: int, db: str | None, as_json: bool) -> None:
    """List the rows that ingests with --skip-bad-rows left out: file, row, column and reason.

    Newest run first; within a run, in file order.

    \b
    Examples:
      rescuewatch skipped
      rescuewatch skipped --run 3 --json
    """
    store = open_store(db, create=False)
    rows = store.skipped_rows(run_id=run_id, limit=limit)
    if not rows and run_id is not None and not store.has_run(run_id):
        # "no skipped rows in run 99" would say that run went well
        raise click.BadParameter(f"no ingest run {run_id} in this store "
                                 "(`rescuewatch skipped` lists the runs that skipped rows)",
                                 param_hint="--run")
    if as_json:
        for row in rows:
            row["started_at"] = row["started_at"].isoformat(timespec="seconds")
        print_json(rows)
        return
    if not rows:
        echo("no skipped rows" + (f" in run {run_id}" if run_id is not None else ""))
        return
    if len(rows) == limit:
        echo(f"(the first {limit}: pass --limit for more)", err=True)
    for row in rows:
        where = ", ".join(part for part in (
            row["origin"] and safe(row["origin"]), row["row"] and f"row {row['row']}",
            row["field"] and f"column {row['field']!r}") if part)
        echo(f"run {row['run_id']} ({row['started_at']:%Y-%m-%d %H:%M}): {where}: "
                   f"{row['reason']}")
