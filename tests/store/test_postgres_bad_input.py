"""Bad input on PostgreSQL as on SQLite (skipped without a server): a good input, a bad one, and
another good one give the same command output, exit codes and store on both databases.

A failed input must leave the store exactly as it was, numbering included: the runs, documents
and sources of the inputs that follow get the numbers they would have got had the failed input
never been tried, which ``rescuewatch skipped --run N`` and every export show.
"""

from __future__ import annotations

import csv
import gzip
import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from sqlalchemy import Connection, create_engine, text

from tests.cli.test_interrupt import _big_export
from tests.cli.test_urls import _closed_port
from tests.conftest import Invoker
from tests.ingest.test_bad_input import ACLED, acled_with
from tests.pg import pg_bindir
from tests.store.test_postgres_parity import EXAMPLES, _timeless, dump, stores

pytestmark = pytest.mark.skipif(pg_bindir() is None, reason="no PostgreSQL server binaries here")

GOOD_BEFORE = EXAMPLES / "datasets" / "ucdp_ged191_syria_aleppo_2016-04-20_2016-05-05.csv"
GOOD_AFTER = ACLED  # the source the bad inputs would have added: its id is at stake too
WHO_SSA = ACLED.with_name("who_ssa_export.csv")
_PARAMEDIC = "A paramedic was injured in Kharkiv by shelling on 2 January."
#: Commands whose output names runs, documents and sources by their ids.
READERS = [("stats",), ("skipped",), ("skipped", "--run", "2"), ("skipped", "--run", "3"),
           ("verify", "--json"), ("export", "--format", "jsonl", "-o", "-")]


def _write(path: Path, data: bytes) -> list[str]:
    path.write_bytes(data)
    return [str(path)]


def _late_legacy_byte(tmp: Path) -> list[str]:
    """A cp1251 word far past the part of the file its encoding is guessed from."""
    header, *rows = ACLED.read_text(encoding="utf-8").splitlines(True)
    body = [[r for r in rows if r.isascii()][i % 10] for i in range(2000)]
    body[1500] = body[1500].replace("Invented source", "Джерело")
    return _write(tmp / "late.csv", header.encode() + "".join(body).encode("cp1251"))


def _not_a_workbook(tmp: Path) -> list[str]:
    return _write(tmp / "fake.xlsx", b"event_id_cnty,event_date\nthis is not a workbook\n")


def _acled_in(encoding: str) -> Callable[[Path], list[str]]:
    def build(tmp: Path) -> list[str]:
        # "И" is D0 98 in UTF-8, and 0x98 is no cp1251 character
        content = ACLED.read_text(encoding="utf-8").replace("Kharkiv", "Ирпінь")
        return _write(tmp / f"{encoding}.csv", content.encode(encoding))
    return build


def _telegram(tmp: Path, name: str, channel: dict[str, Any], said: str = _PARAMEDIC) -> list[str]:
    message = {"id": 1, "type": "message", "date": "2024-01-02T10:00:00", "text": said}
    return _write(tmp / name, json.dumps({**channel, "messages": [message]}).encode())


#: Each bad input as the arguments of ``ingest`` that try it.
BAD: dict[str, Callable[[Path], list[str]]] = {
    "empty": lambda tmp: _write(tmp / "empty.csv", b""),
    "bom-only": lambda tmp: _write(tmp / "bom.csv", b"\xef\xbb\xbf\n"),
    "truncated": lambda tmp: _write(
        tmp / "cut.csv", ACLED.read_bytes()[: ACLED.read_bytes().rindex(b",Invented source")]),
    "truncated-gzip": lambda tmp: _write(
        tmp / "cut.csv.gz", gzip.compress(ACLED.read_bytes() * 20, mtime=0)[:600]),
    "cp1251-late-byte": _late_legacy_byte,
    "wrong-encoding": lambda tmp: ["--encoding", "cp1251", *_acled_in("utf-8")(tmp)],
    "not-a-workbook": _not_a_workbook,
    "not-a-workbook-as-ii": lambda tmp: ["--format", "insecurity-insight",
                                         *_not_a_workbook(tmp)],
    "impossible-date": lambda tmp: [str(acled_with(tmp, 5, "event_date", "2024-02-31"))],
    "latitude-999": lambda tmp: [str(acled_with(tmp, 9, "latitude", "999"))],
    "no-known-format": lambda tmp: _write(tmp / "image.bin",
                                          b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8),
    "wrong-format": lambda tmp: ["--format", "ucdp", str(ACLED)],
    "missing-path": lambda tmp: [str(tmp / "absent.csv")],
    "closed-port": lambda tmp: [f"http://127.0.0.1:{_closed_port()}/story.html"],
    # JSON's \u0000 gives a NUL character where the bytes hold no NUL
    "telegram-nul-in-text": lambda tmp: _telegram(tmp, "text.json", {"name": "Channel"},
                                                  "A medic was\x00 injured in Kharkiv."),
    "telegram-nul-in-channel": lambda tmp: _telegram(tmp, "name.json", {"name": "Chan\x00nel"}),
}
#: Odd inputs that are read, not refused: the same on both all the same.
ODD = {"cp1251": _acled_in("cp1251"), "bom": _acled_in("utf-8-sig"),
       "telegram-long-id": lambda tmp: _telegram(tmp, "id.json", {"id": "9" * 300})}


def _said(rw: Invoker, result: Result) -> tuple[int, str]:
    return result.exit_code, _timeless(result.output.replace(rw.db_url, "<db>"))


def _both(lite: Invoker, pg: Invoker, *args: str) -> tuple[int, str]:
    """What a command says and its exit code, the same on both stores."""
    said = [_said(rw, rw(*args)) for rw in (lite, pg)]
    assert said[1] == said[0], args
    return said[0]


def _good_bad_good(lite: Invoker, pg: Invoker, bad: list[str]) -> tuple[int, str]:
    """Ingest the good input, ``bad``, and the other good input on both; what ``bad`` said."""
    assert _both(lite, pg, "ingest", str(GOOD_BEFORE))[0] == 0
    said = _both(lite, pg, "ingest", *bad)
    assert _both(lite, pg, "ingest", str(GOOD_AFTER))[0] == 0
    return said


def _same_stores(lite: Invoker, pg: Invoker) -> None:
    for args in READERS:
        _both(lite, pg, *args)
    assert dump(pg.db_url) == dump(lite.db_url)


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_input_between_good_ones_leaves_the_same_store(
        case: str, tmp_path: Path, pg_server: str) -> None:
    lite, pg = stores(tmp_path, pg_server)
    code, said = _good_bad_good(lite, pg, BAD[case](tmp_path))
    assert code != 0 and said.startswith("Error: ") and said.count("\n") == 1, said
    _same_stores(lite, pg)


@pytest.mark.parametrize("case", sorted(ODD))
def test_an_odd_encoding_between_good_inputs_is_read_the_same(
        case: str, tmp_path: Path, pg_server: str) -> None:
    lite, pg = stores(tmp_path, pg_server)
    code, said = _good_bad_good(lite, pg, [*ODD[case](tmp_path)])
    assert code == 0 and " 1 document(s)" in said, said
    _same_stores(lite, pg)


@pytest.mark.parametrize("case", ["impossible-date", "latitude-999"])
def test_bad_rows_refused_then_skipped_are_recorded_the_same(
        case: str, tmp_path: Path, pg_server: str) -> None:
    lite, pg = stores(tmp_path, pg_server)
    bad = BAD[case](tmp_path)
    assert _good_bad_good(lite, pg, bad)[0] != 0
    code, said = _both(lite, pg, "ingest", "--skip-bad-rows", *bad)
    assert code == 0 and "1 bad row(s) skipped" in said, said
    _same_stores(lite, pg)
    assert _both(lite, pg, "skipped", "--run", "3")[1].startswith("run 3 (<time>): ")


def test_a_bad_file_in_a_folder_stops_at_the_same_file(tmp_path: Path, pg_server: str) -> None:
    """The inputs before the bad one stay stored, the same on both; those after are not read."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name in ("a.csv", "c.csv"):
        (folder / name).write_bytes(ACLED.read_bytes().replace(b"UKR9", name[0].encode() * 4))
    with (folder / "a.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[3][rows[0].index("latitude")] = "999"
    with (folder / "b.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    lite, pg = stores(tmp_path, pg_server)
    code, said = _good_bad_good(lite, pg, [str(folder)])
    assert code != 0 and "the 1 input(s) before it are in the store" in said, said
    _same_stores(lite, pg)


#: What stops an ingest while it inserts claims: given the ingest's process, a connection of
#: the test's own to the server, and the server process serving the ingest.
Stop = Callable[[subprocess.Popen[str], Connection, int], None]


def _stopped_while_claims_are_written(db_url: str, path: Path, stop: Stop) -> tuple[int, str]:
    """Ingest ``path`` into PostgreSQL in a process of its own, ``stop`` it once the server
    reports it inserting claims; its exit code and what it said."""
    proc = subprocess.Popen([sys.executable, "-m", "rescuewatch", "ingest", "--db", db_url,
                             str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watch = create_engine(db_url)
    writing = text("SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
                   "AND query LIKE 'INSERT INTO claims%' AND state <> 'idle'")
    server_pid = None
    try:
        deadline = time.monotonic() + 60
        with watch.connect() as conn:
            while proc.poll() is None and time.monotonic() < deadline:
                if (server_pid := conn.execute(writing).scalar()) is not None:
                    stop(proc, conn, server_pid)
                    break
                conn.rollback()  # a transaction sees one snapshot of pg_stat_activity
                time.sleep(0.02)
        assert server_pid is not None, "the ingest finished before it could be stopped"
        _, err = proc.communicate(timeout=60)
    finally:
        watch.dispose()
    return proc.returncode, err


def _ctrl_c(proc: subprocess.Popen[str], conn: Connection, server_pid: int) -> None:
    proc.send_signal(signal.SIGINT)


def _server_ends_it(proc: subprocess.Popen[str], conn: Connection, server_pid: int) -> None:
    conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": server_pid})


@pytest.mark.slow
def test_an_interrupted_ingest_leaves_the_same_store(tmp_path: Path, pg_server: str) -> None:
    lite, pg = stores(tmp_path, pg_server)
    assert _both(lite, pg, "ingest", str(GOOD_BEFORE))[0] == 0
    before = dump(pg.db_url)
    code, err = _stopped_while_claims_are_written(pg.db_url, _big_export(tmp_path, 60_000),
                                                  _ctrl_c)
    assert (code, err) == (128 + signal.SIGINT,
                           "Error: interrupted: the input being read was not stored\n")
    assert dump(pg.db_url) == before
    assert _both(lite, pg, "ingest", str(GOOD_AFTER))[0] == 0
    _same_stores(lite, pg)


@pytest.mark.slow
def test_a_connection_the_server_ends_mid_ingest_is_one_line(tmp_path: Path,
                                                             pg_server: str) -> None:
    # it was a traceback of some 90 lines ending in psycopg's OperationalError
    pg = stores(tmp_path, pg_server)[1]
    assert pg("ingest", str(GOOD_BEFORE)).exit_code == 0
    before = dump(pg.db_url)
    code, err = _stopped_while_claims_are_written(pg.db_url, _big_export(tmp_path, 60_000),
                                                  _server_ends_it)
    assert code == 3 and err.count("\n") == 1, err
    assert err.startswith("Error: ") and "the database server ended the command" in err
    assert "run the command again" in err
    assert dump(pg.db_url) == before
