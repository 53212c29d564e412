"""A throw-away PostgreSQL server for tests, started from the machine's own binaries.

The server listens only on a Unix socket in a temporary folder (no TCP port), runs as the
``postgres`` system user when the tests run as root (initdb refuses root), and is stopped
and removed at the end of the session.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def pg_bindir() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists():
            return Path(candidate)
    return None


@contextmanager
def temporary_postgres() -> Iterator[str]:
    """Start a PostgreSQL cluster; yield a SQLAlchemy URL (psycopg 3) to a fresh database."""
    bindir = pg_bindir()
    if bindir is None:
        raise RuntimeError("no PostgreSQL server binaries found")
    root = Path(tempfile.mkdtemp(prefix="rw-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
        os.chmod(root, 0o755)
        as_user = ["runuser", "-u", "postgres", "--"]
    user = "postgres" if as_user else os.environ.get("USER", "postgres")

    def run(*args: str) -> None:
        subprocess.run([*as_user, *args], check=True, capture_output=True, timeout=120)

    run(str(bindir / "initdb"), "-D", str(data), "-U", user, "--auth=trust", "-E", "UTF8")
    run(str(bindir / "pg_ctl"), "-D", str(data), "-w", "-l", str(root / "log"), "-o",
        f"-k {sock} -c listen_addresses='' -c fsync=off", "start")
    try:
        run(str(bindir / "createdb"), "-h", str(sock), "-U", user, "rescuewatch")
        yield f"postgresql+psycopg://{user}@/rescuewatch?host={sock}"
    finally:
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)
