"""``rescuewatch analyse ...`` and ``rescuewatch report`` run in-process on real example data."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from rescuewatch.analyse.repeat import BASES
from tests.conftest import ROOT, Invoker

EXAMPLES = ROOT / "examples" / "datasets"


@pytest.fixture
def filled(rw: Invoker) -> Invoker:
    """A store holding the UCDP and Insecurity Insight samples, linked and graded."""
    result = rw("ingest", str(EXAMPLES))
    if result.exit_code != 0:
        pytest.skip(f"dataset importers not available: {result.output.strip()[:200]}")
    assert rw("link").exit_code == 0
    assert rw("assess").exit_code == 0
    return rw


def _json(rw: Invoker, *args: str) -> Any:
    result = rw(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("sub", ["repeat-strikes", "knox", "trends", "coverage"])
def test_help_has_examples(rw: Invoker, sub: str) -> None:
    result = rw("analyse", sub, "--help", db=False)
    assert result.exit_code == 0 and "Examples:" in result.output
    assert "rescuewatch analyse " + sub in result.output


def test_group_and_report_help(rw: Invoker) -> None:
    assert "Examples:" in rw("analyse", "--help", db=False).output
    assert "Examples:" in rw("report", "--help", db=False).output


def test_repeat_strikes(filled: Invoker) -> None:
    data = _json(filled, "analyse", "repeat-strikes")
    assert data["summary"]["incidents_scanned"] > 0
    assert data["candidates"], "the samples hold same-day strikes near hit responders"
    for cand in data["candidates"]:
        assert cand["basis"] in BASES and cand["confidence"] in ("low", "medium", "high")
        assert cand["reason"] and cand["evidence"]
    medium = _json(filled, "analyse", "repeat-strikes", "--min-confidence", "medium")
    assert len(medium["candidates"]) <= len(data["candidates"])
    # the summary counts them all; it says which it lists (it disagreed with the list before)
    summary = medium["summary"]
    assert summary["listed"] == len(medium["candidates"]) and summary["min_confidence"] == "medium"
    assert summary["listed"] == summary["by_confidence"]["medium"] + summary["by_confidence"]["high"]
    text = filled("analyse", "repeat-strikes", "--limit", "3")
    assert text.exit_code == 0 and "not findings" in text.output and "Why:" in text.output


def test_knox_from_store(filled: Invoker) -> None:
    data = _json(filled, "analyse", "knox", "--distance", "1000", "--days", "2",
                 "--permutations", "99", "--seed", "3")
    knox = data["knox"]
    assert data["source"] == "store" and data["n"] > 100
    assert knox["permutations"] == 99 and 0 < knox["p_value"] <= 1
    assert len(knox["observed"]) == 2 and len(knox["expected"]) == 2
    again = _json(filled, "analyse", "knox", "--distance", "1000", "--days", "2",
                  "--permutations", "99", "--seed", "3")
    assert again == data  # the seed makes it reproducible
    nr = _json(filled, "analyse", "knox", "--space-bands", "0,0,1000,5000",
               "--time-bands", "0,0,7,14", "--permutations", "49", "--seed", "1", "--country",
               "UA")
    assert "knox" not in nr and len(nr["near_repeat"]["cells"]) == 9
    for cell in nr["near_repeat"]["cells"]:
        assert {"observed", "expected", "ratio", "p_value"} <= cell.keys()
    text = filled("analyse", "knox", "--permutations", "19", "--seed", "1")
    assert text.exit_code == 0 and "Knox ratio" in text.output


def test_knox_without_permutations_claims_no_p_value(filled: Invoker) -> None:
    """With 0 permutations the permutation p is (0 + 1) / (0 + 1) = 1, which would read as
    "no clustering": the text says no p was computed, and the matrix shows counts only."""
    text = filled("analyse", "knox", "--permutations", "0")
    assert text.exit_code == 0, text.output
    assert "one-sided p" not in text.output and "no permutations" in text.output
    assert "Poisson approximation p" in text.output
    matrix = filled("analyse", "knox", "--space-bands", "0,1000", "--time-bands", "0,7",
                    "--permutations", "0")
    assert matrix.exit_code == 0 and "observed" in matrix.output
    assert "p_value" not in matrix.output and "ratio" not in matrix.output


def test_knox_points_file(rw: Invoker, tmp_path: Path) -> None:
    geo = tmp_path / "points.csv"
    geo.write_text("lat,lon,date\n10.0,20.0,2024-01-01\n10.001,20.0,2024-01-02\n"
                   "10.5,20.5,2024-03-01\n10.9,20.1,2024-05-01\n", encoding="utf-8")
    data = _json(rw, "analyse", "knox", "--points", str(geo), "--distance", "500", "--days",
                 "1", "--permutations", "19", "--seed", "1")
    assert data["n"] == 4 and data["knox"]["statistic"] == 1
    flat = tmp_path / "xyt.csv"
    flat.write_text("x,y,t\n0,0,0\n10,0,0.5\n5000,0,30\n", encoding="utf-8")
    data = _json(rw, "analyse", "knox", "--points", str(flat), "--space-bands", "0,100",
                 "--time-bands", "0,1", "--permutations", "9")
    assert data["near_repeat"]["cells"][0]["observed"] == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("lat,lon,date\n10,20,yesterday\n", encoding="utf-8")
    result = rw("analyse", "knox", "--points", str(bad))
    assert result.exit_code == 2 and "row 2" in result.output and "date" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_knox_usage_errors(rw: Invoker, tmp_path: Path) -> None:
    flat = tmp_path / "xyt.csv"
    flat.write_text("x,y,t\n0,0,0\n", encoding="utf-8")
    assert rw("analyse", "knox", "--points", str(flat), "--distance", "5").exit_code == 2
    assert rw("analyse", "knox", "--points", str(flat), "--space-bands", "0,1").exit_code == 2
    result = rw("analyse", "knox", "--points", str(flat), "--space-bands", "0,a",
                "--time-bands", "0,1")
    assert result.exit_code == 2 and "--space-bands" in result.output
    # Edges out of order reached NearRepeat and ended in a ValueError traceback.
    for space, time, option, example in (("100,0,5", "0,1", "--space-bands", "0,0,100,200,400"),
                                         ("0,100", "7,1", "--time-bands", "0,0,7,14,21")):
        result = rw("analyse", "knox", "--points", str(flat), "--space-bands", space,
                    "--time-bands", time)
        assert result.exit_code == 2, result.output
        line = result.output.strip()
        assert line.startswith(f"Error: {option}: band edges must be") and "\n" not in line
        assert line.endswith(f"(e.g. {example})")


@pytest.mark.parametrize(("option", "value"), [("--space-bands", "100,50"),
                                               ("--space-bands", "0,inf"),
                                               ("--time-bands", "0,-1"), ("--time-bands", "nan")])
def test_knox_band_edges_the_test_cannot_use_are_one_line(rw: Invoker, tmp_path: Path,
                                                         option: str, value: str) -> None:
    # falling, infinite or negative edges passed the parser and ended in the test's ValueError
    flat = tmp_path / "xyt.csv"
    flat.write_text("x,y,t\n0,0,0\n10,0,1\n", encoding="utf-8")
    bands = {"--space-bands": "0,100", "--time-bands": "0,1", option: value}
    result = rw("analyse", "knox", "--points", str(flat), *(a for kv in bands.items() for a in kv))
    assert result.exit_code == 2
    example = "0,0,7,14,21" if option == "--time-bands" else "0,0,100,200,400"
    assert result.output.strip() == (
        f"Error: {option}: band edges must be two or more finite numbers from 0 up, each above "
        f"the one before (only the first two may be equal), got '{value}' (e.g. {example})")


@pytest.mark.parametrize("args", [("knox", "--distance", "inf", "--days", "1"),
                                  ("knox", "--distance", "1", "--days", "nan"),
                                  ("repeat-strikes", "--radius", "nan"),
                                  ("repeat-strikes", "--window-minutes", "inf")])
def test_distances_and_spans_must_be_finite(rw: Invoker, args: tuple[str, ...]) -> None:
    # click's FloatRange(min=0) let nan and inf through to the analysis, which raised
    result = rw("analyse", *args)
    assert result.exit_code == 2 and "is not a finite number" in result.output


def test_trends(filled: Invoker) -> None:
    data = _json(filled, "analyse", "trends", "--by", "category")
    assert data["by"] == "category" and data["rows"]
    assert all(row["month"][:2] in ("20",) for row in data["rows"])
    ukraine = _json(filled, "analyse", "trends", "--by", "admin1", "--country", "UA")
    total = _json(filled, "analyse", "trends", "--by", "country")
    ua_rows = [r for r in total["rows"] if r["key"] == "UA"]
    assert sum(r["incidents"] for r in ukraine["rows"]) == sum(r["incidents"] for r in ua_rows)
    assert filled("analyse", "trends", "--by", "perpetrator", "--zeros").exit_code == 0


def test_spaces_around_an_area_or_party_filter_are_not_part_of_it(filled: Invoker) -> None:
    """' Donetsk ' (pasted with a space) matched nothing, and the analysis ran on no incident."""
    areas = _json(filled, "analyse", "trends", "--by", "admin1", "--country", "UA")["rows"]
    area = areas[0]["key"]
    exact = _json(filled, "analyse", "trends", "--admin1", area)
    assert exact["rows"]
    assert _json(filled, "analyse", "trends", "--admin1", f" {area} ") == exact
    party = _json(filled, "analyse", "trends", "--by", "perpetrator")["rows"][0]["key"]
    assert (_json(filled, "analyse", "trends", "--perpetrator", f"{party}  ")
            == _json(filled, "analyse", "trends", "--perpetrator", party))
    empty = filled("analyse", "trends", "--admin1", "  ")
    assert empty.exit_code == 2 and "is empty" in empty.output


def test_coverage(filled: Invoker) -> None:
    cov = _json(filled, "analyse", "coverage")
    assert cov["incidents"] > 0 and cov["rates"]
    assert all(0 <= r["share"] <= 1 for r in cov["rates"])
    assert len(cov["matrix"]) == cov["incidents"]
    assert filled("analyse", "coverage", "--matrix").exit_code == 0
    # every incident was printed, thousands of rows on a real store
    shown = filled("analyse", "coverage", "--matrix", "--limit", "3")
    assert shown.exit_code == 0
    assert f"... {cov['incidents'] - 3} more incident(s); use --limit or --json" in shown.output


def test_bad_filters(filled: Invoker) -> None:
    result = filled("analyse", "trends", "--category", "bystander")
    assert result.exit_code == 2 and "bystander" in result.output
    # one check, one message, whichever command takes the option
    exported = filled("export", "--format", "csv", "--category", "bystander")
    def message(output: str) -> str:  # without the "(see '<command> --help')" that follows
        return output.splitlines()[-1].rsplit(" (see ", 1)[0]

    assert message(result.output) == message(exported.output)
    assert filled("analyse", "trends", "--since", "yesterday").exit_code == 2
    # a list that names no category filtered nothing out (and export ran a deprecated or_())
    for command in (("analyse", "trends"), ("export", "--format", "csv")):
        result = filled(*command, "--category", ",")
        assert result.exit_code == 2 and "names no victim category" in result.output


def test_missing_store_is_one_line_error(tmp_path: Path) -> None:
    rw = Invoker(f"sqlite:///{tmp_path / 'none.db'}")
    result = rw("analyse", "trends")
    assert result.exit_code != 0 and "no store" in result.output


def test_report_writes_the_html_file(filled: Invoker, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = filled("report", "--out", str(out), "--seed", "5", "--title", "Test <title>",
                    "--permutations", "19", "--json")
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "Test &lt;title&gt;" in html and "<title>Test <title>" not in html
    assert "seed 5" in html


def test_report_out_dash_writes_to_standard_output(filled: Invoker, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # it wrote a file named "-" (export -o - writes to standard output)
    monkeypatch.chdir(tmp_path)
    result = filled("report", "--out", "-", "--permutations", "9")
    assert result.exit_code == 0, result.output
    assert result.stdout.lstrip().lower().startswith("<!doctype html")
    assert result.stdout.rstrip().endswith("</html>")
    assert "report written to standard output" in result.stderr
    assert not (tmp_path / "-").exists()
    both = filled("report", "--out", "-", "--json")
    assert both.exit_code == 2 and "--json and --out -" in both.output
    run = filled("run", str(EXAMPLES), "--report", "-")
    assert run.exit_code == 2 and "rescuewatch report --out -" in run.output



def _pairs_of(data: Any) -> set[tuple[int, int | None]]:
    return {(c["incident_id"], c["earlier_id"]) for c in data["candidates"]}


def test_repeat_strikes_category_keeps_earlier_context_events(filled: Invoker) -> None:
    """--category chooses the incidents to scan, not the earlier strikes: the first strike of a
    double tap is a context event (no protected victims), which the filter used to drop, so
    `--category responders` (the documented example) found only responder-on-responder pairs."""
    from rescuewatch.analyse.events import EventFilter, load_events
    from rescuewatch.store import Store

    store = Store.open(filled.db_url, create=False)
    try:
        hit = set(load_events(store, EventFilter(category="responders"))["incident_id"])
    finally:
        store.dispose()
    everything = _pairs_of(_json(filled, "analyse", "repeat-strikes"))
    expected = {p for p in everything if p[0] in hit}
    assert any(p[1] is not None and p[1] not in hit for p in expected), "needs a context pair"
    only = _json(filled, "analyse", "repeat-strikes", "--category", "responders")
    assert _pairs_of(only) == expected
    assert only["summary"]["incidents_scanned"] == len(hit)


def test_perpetrator_filter_matches_the_keys_trends_shows(filled: Invoker) -> None:
    """Datasets name perpetrators in words and carry no party code, and `trends --by
    perpetrator` lists those words; `--perpetrator` with one of them found nothing."""
    rows = _json(filled, "analyse", "trends", "--by", "perpetrator")["rows"]
    per_key: dict[str, int] = {}
    for row in rows:
        per_key[row["key"]] = per_key.get(row["key"], 0) + row["incidents"]
    named = sorted((k for k in per_key if k != "not alleged"), key=lambda k: -per_key[k])
    assert named, "the samples name perpetrators"
    for key in named[:3]:
        for typed in (key, key.lower(), f"  {key} "):
            got = _json(filled, "analyse", "trends", "--by", "perpetrator", "--perpetrator", typed)
            keys = {r["key"] for r in got["rows"]}
            assert key in keys, (typed, keys)
            assert sum(r["incidents"] for r in got["rows"] if r["key"] == key) == per_key[key]


def test_tables_print_stored_text_as_written(rw: Invoker, tmp_path: Path) -> None:
    """Rich read stored text in table cells as markup: '[/]' in a place or an actor stopped
    the command with a MarkupError traceback, '[Kharkiv]' vanished, and the near-repeat
    title lost its '[lo, hi]'. Control characters are shown as escapes."""
    source = (ROOT / "tests" / "fixtures" / "ingest" / "acled_current.csv").read_text(
        encoding="utf-8").splitlines()
    header, row, other = source[0], source[1], source[2]
    row = row.replace("Military Forces of Russia (2000-)", "[/]Unit [red]X[/red]\x1b]0;t\x07")
    row = row.replace(",Kharkiv,,,Kharkiv,", ",[Kharkiv],,,[Kharkiv],")
    path = tmp_path / "acled.csv"
    path.write_text(f"{header}\n{row}\n{other}\n", encoding="utf-8")
    assert rw("ingest", str(path), "--format", "acled").exit_code == 0
    perp = rw("analyse", "trends", "--by", "perpetrator")
    assert perp.exit_code == 0, perp.output
    flat = perp.output.replace("\n", "").replace("│", "").replace(" ", "")
    assert "[/]Unit" in flat and "[red]X[/red]" in flat and "\x1b" not in perp.output
    area = rw("analyse", "trends", "--by", "admin1")
    assert area.exit_code == 0 and "[Kharkiv]" in area.output
    nr = rw("analyse", "knox", "--space-bands", "0,0,500", "--time-bands", "0,0,7",
            "--permutations", "9")
    assert nr.exit_code == 0 and "first band [lo, hi]" in nr.output


def test_trends_table_says_how_many_incidents_it_left_out(filled: Invoker) -> None:
    """Incidents dated only to the year are not in any month; --json said how many, the
    table did not, so its totals looked complete (in UCDP Ukraine, one such row holds 431 of
    the 679 deaths of 2014-10's events)."""
    undated = _json(filled, "analyse", "trends")["undated"]
    assert undated > 0, "the Aleppo sample has an event dated only to the year"
    text = filled("analyse", "trends")
    assert text.exit_code == 0
    assert f"{undated} incident(s) without a month" in text.output


def test_knox_points_file_refuses_store_filters(rw: Invoker, tmp_path: Path) -> None:
    """--country, --since, ... filter the store's events; with --points they were ignored
    without a word, and the test ran on every point of the file."""
    geo = tmp_path / "points.csv"
    geo.write_text("lat,lon,date\n10.0,20.0,2024-01-01\n10.001,20.0,2024-01-02\n",
                   encoding="utf-8")
    for option in (("--country", "UA"), ("--since", "2030-01-01"), ("--protected-only",),
                   ("--category", "medic"), ("--certainty-min", "probable")):
        result = rw("analyse", "knox", "--points", str(geo), *option, "--permutations", "9")
        assert result.exit_code == 2, (option, result.output)
        assert option[0] in result.output and "--points" in result.output
    assert rw("analyse", "knox", "--points", str(geo), "--permutations", "9").exit_code == 0


def test_knox_with_fewer_than_two_events_claims_no_p_value(rw: Invoker, tmp_path: Path) -> None:
    """One event makes no pair: 'one-sided p = 1' read as 'no clustering' where nothing was
    tested (as with 0 permutations)."""
    one = tmp_path / "one.csv"
    one.write_text("x,y,t\n0,0,0\n", encoding="utf-8")
    for extra in ((), ("--space-bands", "0,0,100", "--time-bands", "0,0,1")):
        text = rw("analyse", "knox", "--points", str(one), "--permutations", "9", *extra)
        assert text.exit_code == 0, text.output
        assert "p = 1" not in text.output and "p_value" not in text.output
        assert "fewer than two events" in text.output


def test_knox_keeps_distances_in_countries_far_apart(rw: Invoker, tmp_path: Path) -> None:
    """One projection around the centroid of Ukraine and Colombia stretched the Colombian
    pair (480 m apart east-west) past 500 m: the test saw one close pair of two."""
    geo = tmp_path / "points.csv"
    east = {48.5: 0.48 / (111.195 * math.cos(math.radians(48.5))),
            4.6: 0.48 / (111.195 * math.cos(math.radians(4.6)))}
    geo.write_text("lat,lon,date\n"
                   f"48.5,37.5,2024-01-01\n48.5,{37.5 + east[48.5]},2024-01-01\n"
                   f"4.6,-74.1,2024-03-01\n4.6,{-74.1 + east[4.6]},2024-03-01\n",
                   encoding="utf-8")
    data = _json(rw, "analyse", "knox", "--points", str(geo), "--distance", "500", "--days",
                 "0", "--permutations", "9", "--seed", "1")
    assert data["knox"]["statistic"] == 2


def test_knox_permutations_are_bounded(rw: Invoker, tmp_path: Path) -> None:
    # --permutations had no upper bound: 10**8 ran on for hours with no word, as the report's
    # option (9..99,999) never allowed
    flat = tmp_path / "xyt.csv"
    flat.write_text("x,y,t\n0,0,0\n10,0,1\n", encoding="utf-8")
    result = rw("analyse", "knox", "--points", str(flat), "--permutations", "100000")
    assert result.exit_code == 2, result.output
    assert "'--permutations': 100000 is not in the range 0<=x<=99999" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert rw("analyse", "knox", "--points", str(flat), "--permutations", "99999",
              "--seed", "1").exit_code == 0


def test_knox_bands_and_seed_give_the_report_p_values(filled: Invoker) -> None:
    # The matrix drew from seed + 1, so `knox --seed 1` with the report's bands gave other
    # p-values than the report written with --seed 1 said.
    from rescuewatch.analyse.events import load_events
    from rescuewatch.report.sections import ReportOptions, near_repeat
    from rescuewatch.store import Store

    opts = ReportOptions(permutations=99)
    cli = _json(filled, "analyse", "knox", "--seed", "1", "--permutations", "99",
                "--space-bands", ",".join(map(str, opts.space_bands)),
                "--time-bands", ",".join(map(str, opts.time_bands)))["near_repeat"]
    store = Store.open(filled.db_url)
    try:
        report = near_repeat(load_events(store), opts, seed=1)
    finally:
        store.dispose()
    assert cli["n"] == report["n"] > 10
    width = len(opts.time_bands) - 1
    for k, cell in enumerate(cli["cells"]):
        mine = report["rows"][k // width][k % width]
        assert (cell["observed"], round(cell["p_value"], 3)) == (mine["observed"], mine["p"])
    with_knox = _json(filled, "analyse", "knox", "--seed", "1", "--permutations", "99",
                      "--distance", "500", "--days", "1",
                      "--space-bands", ",".join(map(str, opts.space_bands)),
                      "--time-bands", ",".join(map(str, opts.time_bands)))
    assert with_knox["near_repeat"]["cells"] == cli["cells"]


def test_claims_ingested_after_linking_are_not_left_out_silently(rw: Invoker,
                                                                 tmp_path: Path) -> None:
    # Claims imported after `link` belong to no incident, and every analysis and the report
    # left them out without a word: a month of new data was simply missing from the counts.
    first = EXAMPLES / "ucdp_ged_ukraine_donetsk_2015-01-15_2015-02-15.csv"
    assert rw("ingest", str(first)).exit_code == 0
    # before any link each claim counts as an incident: said, not left to be guessed
    result = rw("analyse", "trends", "--json")
    assert result.exit_code == 0 and "note: no claim is linked yet" in result.stderr
    json.loads(result.stdout)
    result = rw("link")
    assert result.exit_code == 0 and "note:" not in result.stderr
    assert rw("ingest", str(EXAMPLES / "ucdp_ged191_syria_aleppo_2016-04-20_2016-05-05.csv")
              ).exit_code == 0
    for args in (("analyse", "trends", "--json"), ("analyse", "knox", "--json"),
                 ("analyse", "repeat-strikes", "--json"), ("analyse", "coverage", "--json"),
                 ("report", "--out", str(tmp_path / "r.html"), "--permutations", "9")):
        result = rw(*args)
        assert result.exit_code == 0, result.output
        assert "note: 73 claim(s) ingested since the last `rescuewatch link`" in result.stderr
        if "--json" in args:
            json.loads(result.stdout)  # the note stays out of the JSON
    assert rw("link").exit_code == 0
    assert "note:" not in rw("analyse", "trends", "--json").stderr


def test_knox_p_values_repeat_without_a_seed_given(rw: Invoker, tmp_path: Path) -> None:
    # Without --seed the permutations came from fresh entropy: p-values changed from run to
    # run and the output ("seed": null) gave no way to repeat them.
    pts = tmp_path / "xyt.csv"
    pts.write_text("x,y,t\n" + "".join(f"{37 * k % 500},{11 * k % 300},{k % 9}\n"
                                       for k in range(40)), encoding="utf-8")
    args = ("analyse", "knox", "--points", str(pts), "--space-bands", "0,0,100,200",
            "--time-bands", "0,0,2,4", "--distance", "150", "--days", "2", "--permutations", "49")
    runs = [_json(rw, *args) for _ in range(3)]
    assert runs[0] == runs[1] == runs[2] and runs[0]["seed"] == 0
    assert runs[0] == _json(rw, *args, "--seed", "0")
    text = rw(*args).output
    assert "49 permutations, seed 0" in text and "seed 0)" in text


@pytest.mark.parametrize("option", [("--window-minutes", "1e12"), ("--day-window", "10000000")])
def test_repeat_strikes_reach_past_year_one_is_no_traceback(filled: Invoker,
                                                             option: tuple[str, str]) -> None:
    # the earlier strikes were read from --since minus the reach: before year 1, OverflowError
    result = filled("analyse", "repeat-strikes", *option, "--since", "2016-04-25", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"]["incidents_scanned"] > 0
