"""Commands that write, run by two processes at once on one SQLite store."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import Invoker

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "ingest" / "acled_current.csv"


def test_two_links_at_once_both_succeed(tmp_path: Path) -> None:
    # Both read "no incidents" before either wrote, numbered the same new incidents, and the
    # second failed on its first insert: "UNIQUE constraint failed: incidents.id", a traceback.
    db = tmp_path / "store.db"
    url = f"sqlite:///{db}"
    assert Invoker(url)("ingest", str(FIXTURE)).exit_code == 0
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a third writer, mid-transaction, holds both back
    links = [subprocess.Popen([sys.executable, "-m", "rescuewatch", "link", "--db", url],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    time.sleep(5)  # time for both to start and read the claims
    other.execute("COMMIT")
    other.close()
    outputs = [link.communicate(timeout=60) for link in links]
    assert [link.returncode for link in links] == [0, 0], outputs
    assert sorted(out.split(":")[0] for out, _ in outputs) == ["full linking",
                                                               "incremental linking"]
