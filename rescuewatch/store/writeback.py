"""Flushing a SQLite store's file to disk while a bulk transaction is still writing it.

A bulk ingest writes hundreds of megabytes into the database file during its transaction
(pages that no longer fit SQLite's page cache). The kernel keeps them in memory, writing
dirty pages back only once they are 30 s old, so the commit's ``fsync`` waits for nearly all
of them at once: 2-3 s at the end of a million ACLED rows on the benchmark machine
(benchmarks/ingest/RESULTS-ingest.md, eighth round). :func:`early_writeback` flushes the
file ten times a second from a background thread instead, so the disk writes while the ingest
still computes, and the commit then waits for the last pages only.

Only SQLite's own descriptors of the file are flushed, found in ``/proc/self/fd``: opening
another one and closing it would release every POSIX lock this process holds on the file,
SQLite's included. Flushing early never changes what a crash leaves behind: the kernel may
write any of these pages back at any moment anyway, and SQLite writes none before its
journal allows it. Where ``/proc/self/fd`` does not exist, nothing is done.

A flush that fails (pages the disk could not take) fails the transaction: the kernel reports
such an error once for each open file, and the file is SQLite's, whose own ``fsync`` at the
commit would then succeed.
"""

from __future__ import annotations

import errno
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from sqlalchemy import Connection

from rescuewatch.errors import StoreError, os_reason
from rescuewatch.store.core import disk_error

#: Seconds between two flushes.
WRITEBACK_EVERY = 0.1
#: The flushing thread's name (it shows in ``threading.enumerate()``).
THREAD_NAME = "rescuewatch-writeback"
_FD_DIR = "/proc/self/fd"


@contextmanager
def early_writeback(conn: Connection, every: float = WRITEBACK_EVERY) -> Iterator[None]:
    """Flush the SQLite file under ``conn`` (and its write-ahead log) every ``every`` seconds
    while the block runs.

    Start it after any ``fork``: it runs a thread until the block ends, however it ends.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    descriptors = sqlite_descriptors(conn.engine.url.database)
    if not descriptors:
        yield
        return
    stop = threading.Event()
    failed: list[OSError] = []
    flusher = threading.Thread(target=_flush, args=(descriptors, stop, every, failed),
                               name=THREAD_NAME, daemon=True)
    flusher.start()
    try:
        yield
    finally:
        stop.set()
        flusher.join()
    if failed:  # only when the block ended well: its own error goes first
        raise _lost_writes(failed[0], conn.engine.url.database)


def sqlite_descriptors(database: str | None) -> list[int]:
    """This process's open descriptors of the SQLite file ``database`` and of its
    write-ahead log (none for an in-memory database, or without ``/proc/self/fd``)."""
    if not database or database == ":memory:" or not os.path.isdir(_FD_DIR):
        return []
    path = os.path.realpath(database)
    found = []
    for name in os.listdir(_FD_DIR):
        with suppress(OSError):  # a descriptor closed meanwhile
            if os.readlink(os.path.join(_FD_DIR, name)) in (path, f"{path}-wal"):
                found.append(int(name))
    return found


#: errno values of pages the kernel could not write back: the disk failed or filled up
#: (a file system that allocates space only then, NFS, a thin-provisioned volume)
LOST_WRITES = (errno.EIO, errno.ENOSPC, errno.EDQUOT)


def _flush(descriptors: list[int], stop: threading.Event, every: float,
           failed: list[OSError]) -> None:
    """Flush ``descriptors`` until ``stop``; the first write-back error goes to ``failed``.

    Such an error is reported once for each open file, and these are SQLite's own: swallowed
    here, SQLite's fsync at the commit would succeed and the commit claim pages that never
    reached the disk.
    """
    while not stop.wait(every):
        for fd in descriptors:
            try:
                os.fdatasync(fd)
            except OSError as exc:
                # other errors: another connection's descriptor closed meanwhile (EBADF), its
                # number taken by something that cannot be flushed (EINVAL); no harm done
                if exc.errno in LOST_WRITES:
                    failed.append(exc)
                    return


def _lost_writes(exc: OSError, database: str | None) -> StoreError:
    return disk_error(f"writing it out: {os_reason(exc)}", exc.errno == errno.ENOSPC, database)
