"""The command line as a user meets it: help, errors, store selection."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import Result

from rescuewatch.store import Store
from tests.conftest import Invoker, store_file_bytes

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "ingest" / "acled_current.csv"


def test_help_lists_the_commands(rw: Invoker) -> None:
    result = rw("--help")
    assert result.exit_code == 0
    for name in ("ingest", "export", "stats", "verify", "run"):
        assert name in result.output


def test_help_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys; from rescuewatch.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('sqlalchemy', 'numpy', 'pandas', 'rich', 'alembic') if m in sys.modules]\n"
        "print('heavy=' + ','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "heavy="


def test_missing_path_is_a_one_line_error_and_creates_nothing(rw: Invoker, tmp_path: Path) -> None:
    result = rw("ingest", str(tmp_path / "nope.csv"))
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "nope.csv" in lines[0] and "no such file" in lines[0]


def test_commands_reading_a_missing_store_say_how_to_fix_it(tmp_path: Path) -> None:
    invoker = Invoker(f"sqlite:///{tmp_path / 'absent.db'}")
    result = invoker("stats")
    assert result.exit_code != 0
    assert "no store at" in result.output and "rescuewatch ingest" in result.output
    assert not (tmp_path / "absent.db").exists()


def test_bad_store_url_is_reported(tmp_path: Path) -> None:
    result = Invoker("nosuchdialect://x/y")("stats")
    assert result.exit_code != 0
    assert "store" in result.output.lower()


@pytest.mark.parametrize(("url", "hint"), [
    ("mysql://u@127.0.0.1:1/x",
     "SQLite or PostgreSQL (give --db a SQLite file path or a URL such as "
     "postgresql+psycopg://user@host/rescuewatch)"),
    ("postgresql+pg8000://u@127.0.0.1:1/x",
     "(rescuewatch reaches PostgreSQL through psycopg 3: pip install -e '.[postgres]' and give "
     "--db postgresql+psycopg://user@host/rescuewatch)"),
])
def test_a_database_rescuewatch_cannot_use_names_the_ones_it_can(url: str, hint: str) -> None:
    # It said only "No module named 'MySQLdb'" (or 'pg8000'): a driver to install, seemingly.
    result = Invoker(url)("stats")
    assert result.exit_code == 3
    assert result.output.startswith(f"Error: cannot open store '{url}'") and hint in result.output


@pytest.mark.parametrize("url", ["postgresql://analyst:s3cret@db:notaport/rw",
                                 "postgresql+nodriver://analyst:s3cret@db/rw"])
def test_a_malformed_store_url_is_one_line_without_its_password(url: str) -> None:
    # a port that is not a number ended in make_url's ValueError traceback, and the message of
    # an unknown driver showed the password
    line = _one_line_store_error(Invoker(url)("stats"))
    assert "analyst:***@db" in line and "s3cret" not in line
    assert "give --db a SQLite file path or a URL such as" in line


@pytest.mark.parametrize("name", ["b?x=1.db", "c%20d.db", "100%.db"])
def test_a_store_path_is_taken_as_written(tmp_path: Path, name: str) -> None:
    # a bare path was read as a URL: "b?x=1.db" made the store "b" (with SQLAlchemy's
    # warning about the query "x" on standard error), "c%20d.db" the store "c d.db"
    (tmp_path / "report.txt").write_text("A paramedic was injured.", encoding="utf-8")
    invoker = Invoker(str(tmp_path / name))
    result = invoker("ingest", str(tmp_path / "report.txt"))
    assert result.exit_code == 0 and "Warning" not in result.output, result.output
    made = {p.name.removesuffix("-wal").removesuffix("-shm") for p in tmp_path.iterdir()}
    assert made == {name, "report.txt"}
    assert invoker("stats", "--json").exit_code == 0


def test_stats_and_verify_on_an_empty_store(rw: Invoker, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert rw("ingest", str(empty)).exit_code != 0  # an empty file is refused
    result = rw("stats", "--json")
    assert result.exit_code == 0 and '"documents": 0' in result.output
    assert rw("verify").exit_code == 0


def test_stats_say_that_bad_rows_were_left_out(rw: Invoker, tmp_path: Path) -> None:
    # only --json had the count: the summary read as if the whole file were in the store
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    bad = lines[1].split(",")
    bad[header.index("event_date")] = "not a date"
    path = tmp_path / "with_bad_row.csv"
    path.write_text("\n".join([*lines, ",".join(bad)]) + "\n", encoding="utf-8")
    assert rw("ingest", "--skip-bad-rows", str(path)).exit_code == 0
    first = rw("stats").output.splitlines()[0]
    assert first.endswith("; 1 bad row(s) left out by --skip-bad-rows (see `rescuewatch skipped`)")
    assert json.loads(rw("stats", "--json").output)["skipped_rows"] == 1


def damage_the_claims(db_url: str) -> None:
    """Overwrite the first page of the claims table in a SQLite store, as a failing disk might."""
    path = Path(db_url.removeprefix("sqlite:///"))
    data = bytearray(store_file_bytes(db_url))
    con = sqlite3.connect(path)
    try:
        page_size = con.execute("PRAGMA page_size").fetchone()[0]
        root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'claims'").fetchone()[0]
    finally:
        con.close()
    start = (root - 1) * page_size
    data[start:start + page_size] = b"\x55" * page_size
    path.write_bytes(bytes(data))


def test_a_damaged_store_is_one_line_for_export_and_verify(rw: Invoker, tmp_path: Path) -> None:
    assert rw("ingest", str(FIXTURE)).exit_code == 0
    damage_the_claims(rw.db_url)
    # export ended in a traceback ("database disk image is malformed"), exit code 1
    result = rw("export", "--format", "csv", "-o", str(tmp_path / "out.csv"))
    assert result.exit_code == 3 and not (tmp_path / "out.csv").exists()
    assert result.output.startswith("Error: the store is damaged (SQLite: database disk image "
                                    "is malformed)") and len(result.output.splitlines()) == 1
    # verify re-hashed the documents, whose pages were whole, and said all was well
    result = rw("verify")
    assert result.exit_code == 4 and len(result.output.splitlines()) == 1
    assert "the store is damaged (SQLite's quick check: " in result.output
    assert "no document was re-hashed" in result.output
    report = json.loads(rw("verify", "--json").output.split("\nError: ")[0])
    assert report["checked"] == 0 and report["damage"]


def test_folder_notes_are_passed_over_unless_named(tmp_path: Path) -> None:
    from rescuewatch.ingest.pipeline import expand

    (tmp_path / "README.md").write_text("About these reports.", encoding="utf-8")
    (tmp_path / "PROVENANCE.md").write_text("Where they came from.", encoding="utf-8")
    (tmp_path / "report.txt").write_text("A paramedic was injured.", encoding="utf-8")
    assert expand([str(tmp_path)]) == [str(tmp_path / "report.txt")]
    assert expand([str(tmp_path / "README.md")]) == [str(tmp_path / "README.md")]


def test_a_store_and_a_report_in_the_folder_read_are_passed_over(tmp_path: Path) -> None:
    # `rescuewatch run .` writes both into the folder; the next run read them as inputs
    (tmp_path / "report.txt").write_text("A paramedic was injured in Kharkiv.", encoding="utf-8")
    rw = Invoker(f"sqlite:///{tmp_path / 'rescuewatch.db'}")
    assert rw("run", str(tmp_path), "--report", str(tmp_path / "report.html")).exit_code == 0
    (tmp_path / "rescuewatch.db-journal").write_bytes(b"")
    (tmp_path / "page.html").write_text("<html><body>A medic was injured.</body></html>",
                                        encoding="utf-8")
    result = rw("run", str(tmp_path), "--report", str(tmp_path / "report.html"), "--json")
    assert result.exit_code == 0, result.output
    read = [i["origin"] for i in json.loads(result.output)["ingest"]["inputs"]]
    assert read == [str(tmp_path / "page.html"), str(tmp_path / "report.txt")]
    named = rw("ingest", str(tmp_path / "rescuewatch.db"))  # named, it is read (and refused)
    assert named.exit_code == 2 and "not in any known format" in named.output


READING_COMMANDS = [("stats",), ("verify",), ("export", "--format", "csv")]


def _one_line_store_error(result: Result) -> str:
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 3, result.output
    assert len(lines) == 1, result.output
    return lines[0]


@pytest.mark.parametrize("args", [*READING_COMMANDS, ("ingest", "report.txt")])
def test_a_file_that_is_not_a_database_is_a_one_line_store_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "report.txt").write_text("A paramedic was injured.", encoding="utf-8")
    (tmp_path / "notadb.txt").write_bytes(b"hello\n")
    line = _one_line_store_error(Invoker("notadb.txt")(*args))
    assert "notadb.txt is not a rescuewatch store" in line and "file is not a database" in line
    assert "--db" in line  # says how to fix it
    assert (tmp_path / "notadb.txt").read_bytes() == b"hello\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notadb.txt", "report.txt"]


def _refused_app_database(tmp_path: Path, args: tuple[str, ...], *sql: str) -> str:
    """The one-line error of ``args`` run on app.db, made by ``sql`` (in the working folder,
    beside report.txt), after checking that app.db is left byte for byte."""
    (tmp_path / "report.txt").write_text("A paramedic was injured.", encoding="utf-8")
    con = sqlite3.connect(tmp_path / "app.db")
    for statement in sql:
        con.execute(statement)
    con.commit()
    con.close()
    before = (tmp_path / "app.db").read_bytes()
    line = _one_line_store_error(Invoker("app.db")(*args))
    assert (tmp_path / "app.db").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.db", "report.txt"]
    return line


@pytest.mark.parametrize("args", [*READING_COMMANDS, ("link",), ("ingest", "report.txt")])
def test_another_applications_sqlite_file_is_refused_and_left_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    # it was switched to WAL and rescuewatch's tables were migrated into it beside its own
    monkeypatch.chdir(tmp_path)
    line = _refused_app_database(tmp_path, args, "CREATE TABLE notes (body TEXT)")
    assert "app.db is another application's SQLite database (tables notes)" in line
    assert "--db" in line


@pytest.mark.parametrize("args", [*READING_COMMANDS, ("ingest", "report.txt")])
def test_another_applications_alembic_database_is_left_byte_for_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    # refused for its unknown migration only after the engine had switched it to WAL
    monkeypatch.chdir(tmp_path)
    line = _refused_app_database(
        tmp_path, args, "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)",
        "INSERT INTO alembic_version VALUES ('a1b2c3')")
    assert "app.db: the store is at migration a1b2c3, which rescuewatch" in line


@pytest.mark.parametrize("args", [*READING_COMMANDS, ("link",)])
def test_a_store_of_a_newer_rescuewatch_is_refused_in_one_line(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    # Alembic's "Can't locate revision" ended the command in a traceback
    path = tmp_path / "newer.db"
    Store.open(str(path)).dispose()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    con.commit()
    con.close()
    before = store_file_bytes(f"sqlite:///{path}")
    line = _one_line_store_error(Invoker(str(path))(*args))
    assert "the store is at migration 9999_future, which rescuewatch" in line
    assert "install a newer rescuewatch" in line
    assert store_file_bytes(f"sqlite:///{path}") == before


@pytest.mark.parametrize("args", [("ingest", "report.txt"), ("sources", "set", "k", "--reason", "r")])
def test_a_store_under_a_file_is_a_one_line_store_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    # making the store's folder ended in a FileExistsError traceback
    monkeypatch.chdir(tmp_path)
    (tmp_path / "report.txt").write_text("A paramedic was injured.", encoding="utf-8")
    line = _one_line_store_error(Invoker("report.txt/stores/new.db")(*args))
    assert line == ("Error: cannot make the store's folder report.txt/stores: report.txt is a "
                    "file (give --db a path whose folders exist or can be made)")
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///", "sqlite:///:memory:"])
@pytest.mark.parametrize("args", READING_COMMANDS)
def test_commands_reading_refuse_a_store_in_memory(url: str, args: tuple[str, ...]) -> None:
    # they reported on a new, empty store as if on a real one: "0 documents", exit code 0
    line = _one_line_store_error(Invoker(url)(*args))
    assert line == (f"Error: {url} is a store in memory: empty, and gone when a command ends "
                    "(give --db the store's file, such as rescuewatch.db)")


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
@pytest.mark.parametrize("args", [("ingest", "report.txt"), ("sources", "set", "k", "--reason", "r")])
def test_commands_that_only_write_refuse_a_store_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str, args: tuple[str, ...]
) -> None:
    # ingest said "ingested ... 1 claim(s)", exit 0, into a store gone as the command ended
    monkeypatch.chdir(tmp_path)
    (tmp_path / "report.txt").write_text("A paramedic was injured.", encoding="utf-8")
    line = _one_line_store_error(Invoker(url)(*args))
    assert line == (f"Error: {url} is a store in memory: what this command writes is gone when "
                    "it ends (give --db a file, such as rescuewatch.db; run can still report "
                    "from one in memory)")


@pytest.mark.parametrize("options", ["mode=ro", "mode=ro&uri=true", "timeout=5"])
def test_options_in_a_sqlite_url_are_refused(tmp_path: Path, options: str) -> None:
    # "?mode=ro" was ignored under a two-line warning; with "&uri=true" a new, empty file
    # named "store.db?mode=ro" was made and reported on
    Store.open(f"sqlite:///{tmp_path / 'store.db'}").dispose()
    url = f"sqlite:///{tmp_path / 'store.db'}?{options}"
    line = _one_line_store_error(Invoker(url)("stats"))
    names = ", ".join(sorted(part.split("=")[0] for part in options.split("&")))
    assert line == (f"Error: cannot open store '{url}': rescuewatch takes no options in a "
                    f"SQLite URL ({names}) (give --db the file's path alone, such as "
                    "rescuewatch.db)")
    assert [p.name for p in tmp_path.iterdir()] == ["store.db"]


def test_run_may_use_a_store_in_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "report.txt").write_text(
        "On 3 March 2024 a paramedic was injured when an ambulance was shelled in Kharkiv.",
        encoding="utf-8")
    result = Invoker("sqlite://")("run", "report.txt", "--report", "out.html")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out.html").stat().st_size > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.html", "report.txt"]


@pytest.mark.parametrize("args", READING_COMMANDS)
def test_commands_reading_an_empty_file_refuse_it_and_leave_it_empty(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    zero = tmp_path / "zero.db"
    zero.write_bytes(b"")
    line = _one_line_store_error(Invoker(str(zero))(*args))
    assert "zero.db is empty: not a rescuewatch store" in line and "rescuewatch ingest" in line
    assert zero.read_bytes() == b""
    assert [p.name for p in tmp_path.iterdir()] == ["zero.db"]


def test_ingest_makes_a_store_of_an_empty_file_as_of_a_missing_one(tmp_path: Path) -> None:
    zero = tmp_path / "zero.db"
    zero.write_bytes(b"")
    report = tmp_path / "report.txt"
    report.write_text("A paramedic was injured.", encoding="utf-8")
    invoker = Invoker(str(zero))
    assert invoker("ingest", str(report)).exit_code == 0
    result = invoker("stats", "--json")
    assert result.exit_code == 0 and '"documents": 1' in result.output


def test_an_input_already_stored_reports_the_format_it_was_read_in(rw: Invoker) -> None:
    path = str(Path(__file__).resolve().parent.parent / "fixtures" / "ingest" / "acled_api.csv")
    assert rw("ingest", path).exit_code == 0
    again = json.loads(rw("ingest", "--json", path).output)["inputs"][0]
    assert (again["status"], again["format"]) == ("duplicate", "acled")  # was "auto"


def test_a_folder_given_as_the_store_says_so(rw: Invoker, tmp_path: Path) -> None:
    # SQLite said only "unable to open database file", which the read-only hint then explained
    for command in (["stats"], ["ingest", str(FIXTURE)]):
        result = rw(*command, "--db", f"sqlite:///{tmp_path}", db=False)
        assert result.exit_code == 3
        assert "is a folder, not a store file" in result.output
        assert f"--db sqlite:///{tmp_path / 'rescuewatch.db'}" in result.output


def test_a_user_name_too_long_for_the_audit_log_is_refused(
    rw: Invoker, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite kept it; PostgreSQL refused it halfway through the command with a traceback
    monkeypatch.setenv("RESCUEWATCH_USER", "u" * 101)
    result = rw("ingest", str(FIXTURE))
    assert result.exit_code == 3 and "RESCUEWATCH_USER is 101 characters long" in result.output
    monkeypatch.setenv("RESCUEWATCH_USER", "u" * 100)
    assert rw("ingest", str(FIXTURE)).exit_code == 0


def test_stored_text_cannot_drive_the_terminal(rw: Invoker, tmp_path: Path) -> None:
    """A cell or a file name with escape sequences (colour, window title, OSC 52 clipboard),
    a bidirectional override or a line break is shown escaped by the commands that print
    stored text; before, `review show` changed the terminal's title."""
    header = ("event_id_cnty,event_date,year,time_precision,disorder_type,event_type,"
              "sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,"
              "civilian_targeting,iso,region,country,admin1,admin2,admin3,location,latitude,"
              "longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp")
    row = ('UKR1,2024-03-01,2024,1,Political violence,Explosions/Remote violence,'
           'Air/drone strike,"F\x1b]0;pwned\x07",,8,,,0,80,,804,Europe,Ukraine,Kharkiv,,,'
           '"Kha\x1b[31mRED\u202e",49.99,36.23,1,Src,National,A drone hit an ambulance.,1,,'
           '1700000000')
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "evil\x1b[2Jname\nFORGED: 999 claims.csv").write_text(
        f"{header}\n{row}\n", encoding="utf-8")
    ingest = rw("ingest", str(folder))
    assert ingest.exit_code == 0, ingest.output
    assert "\x1b" not in ingest.output and "\\x1b[2J" in ingest.output
    assert not any(line.startswith("FORGED") for line in ingest.output.splitlines())
    assert rw("link").exit_code == 0
    listed, shown = rw("review", "list"), rw("review", "show", "1")
    for result in (listed, shown):
        assert result.exit_code == 0
        assert not set(result.output) & {"\x1b", "\x07", "\u202e"}
        assert "Kha\\x1b[31mRED\\u202e" in result.output  # there, shown as escapes
    assert "F\\x1b]0;pwned\\x07" in shown.output


def test_verify_shows_a_file_name_on_one_line(rw: Invoker, tmp_path: Path) -> None:
    # a name with a line break printed a line of its own, here one that denies the damage
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a\nevery stored copy matches its SHA-256.txt").write_text(
        "A drone struck an ambulance in Kharkiv on 3 March 2024, killing a paramedic.",
        encoding="utf-8")
    assert rw("ingest", str(folder)).exit_code == 0
    with sqlite3.connect(rw.db_url.removeprefix("sqlite:///")) as con:
        con.execute("UPDATE blobs SET data = x'00'")
    result = rw("verify")
    assert result.exit_code == 4
    lines = result.output.splitlines()
    assert len(lines) == 2 and lines[0].startswith("MISMATCH: document 1 ")
    assert "in/a\\x0aevery stored copy" in lines[0]


def test_a_file_forced_into_the_wrong_format_says_which_one_it_is_in(rw: Invoker,
                                                                      tmp_path: Path) -> None:
    # "missing column (is this an ACLED export?)" did not say the file reads fine without
    # --format; the store stays empty either way.
    ucdp = Path(__file__).resolve().parents[2] / "examples" / "datasets" / \
        "ucdp_ged191_syria_aleppo_2016-04-20_2016-05-05.csv"
    result = rw("ingest", "--format", "acled", str(ucdp))
    assert result.exit_code == 2
    assert result.output.strip().endswith(
        "missing column (is this an ACLED export?; without --format acled, it reads as ucdp)")
    # a header bad in the format that detection finds too: no note
    short = tmp_path / "short.csv"
    short.write_text("event_id_cnty,event_date,year\nX1,2020-01-01,2020\n", encoding="utf-8")
    for args in (("--format", "acled", str(short)), (str(short),)):
        result = rw("ingest", *args)
        assert result.exit_code == 2 and "is this an ACLED export?)" in result.output
        assert "without --format" not in result.output
    assert rw("ingest", "--format", "ucdp", str(ucdp)).exit_code == 0


HUGE = str(2**64)


@pytest.mark.parametrize("args", [
    ("review", "show", HUGE), ("review", "reject", HUGE, "--reason", "r"),
    ("review", "merge", "1", HUGE, "--reason", "r"), ("review", "certainty", HUGE, "confirmed",
                                                     "--reason", "r"),
    ("review", "reject", "1", "--claim", HUGE, "--reason", "r"),
    ("audit", "--incident", HUGE), ("skipped", "--run", HUGE),
])
def test_an_id_beyond_what_a_store_keeps_is_a_usage_error(rw: Invoker, args: tuple[str, ...]) -> None:
    # the driver's OverflowError ended these in a traceback
    assert rw("ingest", str(FIXTURE)).exit_code == 0
    result = rw(*args)
    assert result.exit_code == 2, result.output
    assert f"'{HUGE}' is not an id: ids are whole numbers from 1 to" in result.output


@pytest.mark.parametrize("args", [("analyse", "knox"), ("report", "--out", "r.html"),
                                  ("run", "--no-report", str(FIXTURE))])
def test_a_negative_seed_is_a_usage_error(rw: Invoker, args: tuple[str, ...]) -> None:
    # numpy refused it with a traceback, after the store had been read
    result = rw(*args, "--seed", "-1")
    assert result.exit_code == 2 and "'--seed': -1 is not in the range x>=0" in result.output


@pytest.mark.parametrize(("options", "named"), [
    (("--report", "mine.html"), "--report"), (("--seed", "7"), "--seed"),
    (("--report", "mine.html", "--seed", "7"), "--report and --seed"),
])
def test_run_without_a_report_refuses_the_options_of_the_report(
        rw: Invoker, tmp_path: Path, options: tuple[str, ...], named: str) -> None:
    # they were ignored: exit 0, no mine.html, and a script that asked for it none the wiser
    result = rw("run", "--no-report", *options, str(FIXTURE))
    assert result.exit_code == 2
    assert f"--no-report writes no report, so {named} would be ignored" in result.output
    assert not Path(rw.db_url.removeprefix("sqlite:///")).exists()


@pytest.mark.parametrize(("args", "names"), [
    (("ingest", "--bogus"), ("'--bogus'", "'rescuewatch ingest --help'")),
    (("bogus",), ("'bogus'", "'rescuewatch --help'")),
    (("--bogus",), ("'--bogus'", "'rescuewatch --help'")),
    (("export", "--format", "xls"), ("'xls'", "'rescuewatch export --help'")),
    (("export", "--forma", "csv"), ("'--format'", "'rescuewatch export --help'")),
    (("ingest",), ("PATH|URL", "'rescuewatch ingest --help'")),
    (("analyse", "knox", "--space-bands", "1"),
     ("--time-bands", "'rescuewatch analyse knox --help'")),
    (("review", "show"), ("INCIDENT", "'rescuewatch review show --help'")),
])
def test_usage_errors_are_one_line_naming_the_help(rw: Invoker, args: tuple[str, ...],
                                                   names: tuple[str, ...]) -> None:
    result = rw(*args)
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    for name in names:
        assert name in lines[0]


def test_a_bare_group_still_shows_its_help(rw: Invoker) -> None:
    result = rw("analyse")
    assert "Commands:" in result.output and "knox" in result.output
