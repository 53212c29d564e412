"""``rescuewatch run``: the whole main job on its inputs, stage by stage."""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections.abc import Callable
from typing import TypeVar

import click
from click.core import ParameterSource

from rescuewatch.cli.common import SEED, db_option, echo, json_option, print_json, safe
from rescuewatch.cli.store_cmds import ingest_options, read_context, run_ingest
from rescuewatch.errors import RescuewatchError

T = TypeVar("T")


def _has(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _step(name: str, done: list[str], work: Callable[[], T]) -> T:
    """``work()``, the step ``name`` of a run. Its error says which steps before it finished:
    each wrote in transactions of its own, which stay (a full disk at assess, say, keeps the
    inputs stored and linked), so that running it again goes on from there."""
    try:
        result = work()
    except RescuewatchError as exc:
        note = (f"the run stopped at {name}; {', '.join(done)} had finished, and stay stored: "
                "run it again once fixed (stored inputs are skipped)")
        exc.hint = f"{exc.hint}; {note}" if exc.hint else note
        raise
    done.append(name)
    return result


def _refuse_report_options() -> None:
    """With ``--no-report``, refuse the options only the report uses: a ``--report`` file or a
    ``--seed`` that is then ignored would let a script believe a report (or its p-values) was
    written as asked."""
    ctx = click.get_current_context()
    given = [flag for name, flag in (("report_path", "--report"), ("seed", "--seed"))
             if ctx.get_parameter_source(name) not in (ParameterSource.DEFAULT,
                                                       ParameterSource.DEFAULT_MAP, None)]
    if given:
        raise click.UsageError(f"--no-report writes no report, so {' and '.join(given)} would "
                               "be ignored: leave out one or the other")


@click.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH|URL...")
@ingest_options
@click.option("--report", "report_path", type=click.Path(dir_okay=False), default="report.html",
              show_default=True, help="Where to write the HTML report.")
@click.option("--no-report", is_flag=True, help="Stop after assessing; write no report (refused with --report or --seed).")
@click.option("--seed", type=SEED, default=0, show_default=True,
              help="Seed of the permutation tests, for reproducible p-values.")
@db_option
@json_option
def run(paths: tuple[str, ...], fmt: str, skip_bad_rows: bool, published: dt.datetime | None,
        lang: str, encoding: str | None, date_order: str | None, report_path: str,
        no_report: bool, seed: int, db: str | None, as_json: bool) -> None:
    """Run the main job: ingest, extract, link, assess, analyse and report.

    \b
    Examples:
      rescuewatch run examples/
      rescuewatch run reports/ ../shared/data/ucdp_ged191_syria_2016-01_2019-11.csv.gz --report syria.html
    """
    from rescuewatch.store.claims import stats

    if no_report:
        _refuse_report_options()
    if report_path == "-" and not no_report:  # run prints its summary there
        raise click.UsageError("--report - would mix the report with run's summary on standard "
                               "output; give a file, or use `rescuewatch report --out -`")
    if not no_report and _has("rescuewatch.report.build"):
        from rescuewatch.report.build import check_report_path

        check_report_path(report_path, "--report")  # not after ingesting everything
    store, report = run_ingest(db, paths, fmt, read_context(skip_bad_rows, published, lang, encoding,
                                                            date_order), lasting=False)
    summary: dict[str, object] = {"ingest": report.to_json()}
    done = ["ingest"]
    if _has("rescuewatch.link.pipeline"):
        from rescuewatch.link.pipeline import link_store

        summary["link"] = _step("link", done, lambda: link_store(store))
    if _has("rescuewatch.assess.pipeline"):
        from rescuewatch.assess.pipeline import assess_store

        summary["assess"] = _step("assess", done, lambda: assess_store(store))
    if not no_report and _has("rescuewatch.report.build"):
        from rescuewatch.report.build import write_report

        summary["report"] = _step("report", done, lambda: write_report(
            store, report_path, seed=seed, option="--report"))
    summary["store"] = stats(store)
    if as_json:
        print_json(summary)
        return
    counts = summary["store"]
    assert isinstance(counts, dict)
    echo(
        f"ingested {report.documents} document(s) with {report.claims} claim(s) "
        f"from {len(report.inputs)} input(s)"
    )
    for item in report.inputs:
        note = f" ({item.note})" if item.note else ""
        echo(f"  {safe(item.origin)}: {item.status}, {item.format}, {item.claims} claim(s){note}")
    link = summary.get("link")
    if isinstance(link, dict):
        echo(
            f"linked {link.get('claims', 0)} claim(s) into {link.get('incidents', 0)} incident(s) "
            f"({link.get('new_incidents', 0)} new, {link.get('updated_incidents', 0)} updated"
            + (f", {link['removed_incidents']} emptied and removed"
               if link.get("removed_incidents") else "") + ")"
        )
    assess = summary.get("assess")
    if isinstance(assess, dict):
        grades = ", ".join(f"{n} {g}" for g, n in assess.get("by_grade", {}).items() if n)
        echo(f"graded {assess.get('graded', 0)} incident(s): {grades or 'none'}")
    echo(
        f"store: {counts['documents']} documents, {counts['claims']} claims "
        f"({counts['protected_claims']} about protected people), {counts['incidents']} incidents"
    )
    if "report" in summary:
        echo(f"report written to {report_path}")
