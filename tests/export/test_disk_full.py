"""An export or a report that does not fit on its disk: one line saying to free space, a
non-zero exit, and the file that was there before left whole, with no half file beside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import disk_full as disk

UCDP = "ucdp_ged191_syria_2016-01_2019-11.csv.gz"
#: Room for SQLite's shared-memory file (32 KiB), needed to read the store, and for no export.
LIMIT = 40_000
FORMATS = ["csv", "jsonl", "parquet", "geojson", "hxl-csv", "acled-csv"]
GOOD = "the export of yesterday\n"


@pytest.fixture(scope="module")
def big_store(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    """A store of 16,566 claims and their incidents: every export is megabytes."""
    db = tmp_path_factory.mktemp("store") / "store.db"
    for args in (["ingest", str(shared_data / UCDP)], ["link"]):
        done = disk.run_cli([*args, "--db", str(db)], db.parent)
        assert done.returncode == 0, done.stderr
    return db


def assert_good_file_kept(target: Path) -> None:
    assert target.read_text() == GOOD
    assert disk.leftovers(target.parent, {target.name}) == []  # no .part file


@pytest.mark.parametrize("level", ["claims", "incidents"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_an_export_that_does_not_fit_keeps_the_file_it_was_to_replace(
    big_store: Path, tmp_path: Path, fmt: str, level: str
) -> None:
    target = tmp_path / f"export.{fmt}"
    target.write_text(GOOD)
    result = disk.run_limited(["export", "--db", str(big_store), "--format", fmt, "--level",
                               level, "-o", str(target)], limit=LIMIT, cwd=tmp_path)
    assert result.returncode == 1, result.stderr  # no bad option or input: "anything else"
    line = disk.one_line_error(result)
    assert line.startswith(f"Error: {target}: cannot write the file: File too large ")
    disk.assert_says_free_space(line, tmp_path)
    assert_good_file_kept(target)


def test_a_report_that_does_not_fit_keeps_the_file_it_was_to_replace(
    big_store: Path, tmp_path: Path
) -> None:
    target = tmp_path / "report.html"
    target.write_text(GOOD)
    result = disk.run_limited(["report", "--db", str(big_store), "--out", str(target)],
                              limit=LIMIT, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    disk.assert_says_free_space(disk.one_line_error(result), tmp_path)
    assert_good_file_kept(target)


# PYTHONUNBUFFERED (python -u, set in many containers) makes standard output the raw file,
# whose write() may write only part and say so only in the count it returns; the JSON of
# review list is one write, the last
@pytest.mark.parametrize("unbuffered", ["", "1"])
@pytest.mark.parametrize("command", [["report", "--out", "-"], ["export", "--format", "jsonl"],
                                     ["review", "list", "--json", "--limit", "1000"]])
def test_standard_output_that_does_not_fit_is_an_error_not_a_short_file(
    big_store: Path, tmp_path: Path, command: list[str], unbuffered: str
) -> None:
    target = tmp_path / "redirected"
    with target.open("wb") as stdout:
        result = disk.run_limited([*command, "--db", str(big_store)], limit=LIMIT,
                                  cwd=tmp_path, stdout=stdout,
                                  env={"PYTHONUNBUFFERED": unbuffered})
    assert result.returncode == 1, result.stderr
    line = disk.one_line_error(result)
    assert line.startswith("Error: cannot write ")
    assert ": File too large (free space on the device it goes to" in line


@pytest.mark.slow
def test_an_export_to_a_full_disk_keeps_the_file_it_was_to_replace(
    big_store: Path, tmp_path: Path
) -> None:
    with disk.small_tmpfs(tmp_path / "disk", "1m") as full:
        target = full / "claims.csv"
        target.write_text(GOOD)
        result = disk.run_cli(["export", "--db", str(big_store), "--format", "csv", "-o",
                               str(target)], tmp_path)
        assert result.returncode == 1, result.stderr
        line = disk.one_line_error(result)
        assert "No space left on device" in line
        disk.assert_says_free_space(line, full)
        assert_good_file_kept(target)

