"""Running the command line where files cannot grow, as on a full disk.

:func:`run_limited` runs ``rescuewatch`` in a subprocess with ``RLIMIT_FSIZE``: any write past
the limit fails with EFBIG (SIGXFSZ ignored, as a shell's ``ulimit -f`` would not), and a
write that crosses it is cut short, which is what a disk filling up does too. It needs no
privileges. :func:`small_tmpfs` gives a real ENOSPC where mounting is permitted (root), and
skips the test elsewhere.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import pytest


def run_limited(args: list[str], *, limit: int, cwd: Path, stdout: IO[Any] | int | None = None,
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``rescuewatch args`` in a subprocess that cannot write a file past ``limit`` bytes."""

    def no_larger_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "rescuewatch", *args], cwd=cwd, text=True, timeout=300,
        stdout=subprocess.PIPE if stdout is None else stdout, stderr=subprocess.PIPE,
        preexec_fn=no_larger_files, env={**os.environ, **(env or {})},
    )



#: ``python -c`` program for :func:`run_filling_at`: wraps ``module.function`` so that its
#: ``call``-th call lowers the file size limit to one byte, then runs the command line
_FILLING_AT = """
import functools, importlib, resource, signal, sys
module, name, call, args = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
owner = importlib.import_module(module)
original, calls = getattr(owner, name), []

@functools.wraps(original)
def filling(*a, **kw):
    calls.append(1)
    if len(calls) == call:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1, 1))
    return original(*a, **kw)

setattr(owner, name, filling)
from rescuewatch.cli import main
main(args)
"""


def run_filling_at(target: str, call: int, args: list[str], *,
                   cwd: Path) -> subprocess.CompletedProcess[str]:
    """``rescuewatch args`` in a subprocess whose disk "fills" when ``target``
    (``"module:function"``) is called the ``call``-th time: from then on no write to a file
    succeeds (EFBIG, as past a size limit), whatever the files' sizes. Where a fixed limit
    fails depends on how much each step happens to write; this fails at the step named."""
    module, function = target.split(":")
    return subprocess.run([sys.executable, "-c", _FILLING_AT, module, function, str(call), *args],
                          cwd=cwd, text=True, capture_output=True, timeout=300)

def run_cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``rescuewatch args`` in a subprocess without any limit."""
    return subprocess.run([sys.executable, "-m", "rescuewatch", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=300)


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """The single ``Error: ...`` line a failed command printed (no traceback)."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


def assert_says_free_space(line: str, folder: Path) -> None:
    assert f"free space on the device holding {folder}" in line, line


#: Bytes of a SQLite file's header that count changes rather than hold content: the file
#: change counter (24-27) and the version-valid-for number (92-95). Switching the journal
#: mode moves them (README: a failed bulk input leaves every page as it was but these).
_COUNTERS = (slice(24, 28), slice(92, 96))


def store_pages(path: Path) -> bytes:
    """A SQLite store's bytes, its write-ahead log folded in and its change counters blanked."""
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()
    data = bytearray(path.read_bytes())
    for part in _COUNTERS:
        data[part] = bytes(part.stop - part.start)
    return bytes(data)


def leftovers(folder: Path, keep: set[str]) -> list[str]:
    """Files in ``folder`` other than ``keep``: a journal, a temporary ``.part`` file ..."""
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


@contextmanager
def small_tmpfs(path: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` (``"2m"``) mounted at ``path``: a real full disk. Skips the test
    where mounting is not permitted (not root, or in a container without the capability)."""
    path.mkdir(parents=True, exist_ok=True)
    permitted = os.geteuid() == 0 and shutil.which("mount") is not None
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                             capture_output=True, text=True) if permitted else None
    if mounted is None or mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root and the permission to mount)")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)
