"""``rescuewatch link`` and ``rescuewatch assess``."""

from __future__ import annotations

import click

from rescuewatch.cli.common import db_option, json_option, make_progress, open_store, print_json


@click.command()
@click.option("--full", is_flag=True,
              help="Relink every claim instead of attaching only new ones (incident ids are kept "
                   "where the incident survives).")
@db_option
@json_option
def link(full: bool, db: str | None, as_json: bool) -> None:
    """Group claims about the same event into incidents.

    Claims from different documents, datasets and languages that agree in time and place
    (within their precision), victims, counts, weapon and wording become one incident. New
    claims attach to existing incidents (and may regroup unreviewed ones nearby); analysts'
    merges, splits and rejections are kept.

    \b
    Examples:
      rescuewatch link
      rescuewatch link --full --json
    """
    from rescuewatch.link.pipeline import link_store

    store = open_store(db, create=False)
    with make_progress() as progress:
        task = progress.add_task("link", total=None)
        summary = link_store(store, full=full,
                             on_stage=lambda name: progress.update(task, description=name))
    if as_json:
        print_json(summary)
        return
    removed = summary.get("removed_incidents", 0)
    click.echo(
        f"{summary['mode']} linking: {summary['claims']} claim(s), "
        f"{summary['new_incidents']} new and {summary['updated_incidents']} updated incident(s), "
        + (f"{removed} emptied incident(s) removed, " if removed else "")
        + f"{summary['claims_assigned']} claim(s) assigned in {summary['seconds']} s"
    )


@click.command()
@db_option
@json_option
def assess(db: str | None, as_json: bool) -> None:
    """Grade the certainty of every incident (rumour, possible, probable, confirmed).

    Grades count independent sources; a party's own statements are context, not
    corroboration (docs/certainty.md). Grades an analyst locked are kept.

    \b
    Examples:
      rescuewatch assess
      rescuewatch assess --json
    """
    from rescuewatch.assess.pipeline import assess_store

    store = open_store(db, create=False)
    with make_progress() as progress:
        task = progress.add_task("assess", total=None)
        summary = assess_store(store, on_batch=lambda n: progress.advance(task, n))
    if as_json:
        print_json(summary)
        return
    grades = ", ".join(f"{n} {g}" for g, n in summary["by_grade"].items())
    click.echo(f"graded {summary['graded']} incident(s): {grades}; "
               f"{summary['locked_kept']} locked by analysts kept")
