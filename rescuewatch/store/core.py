"""Opening, migrating and writing the store: the one place that speaks SQL.

A store is any SQLAlchemy URL: by default a SQLite file ``rescuewatch.db`` in the working
directory, in WAL mode; PostgreSQL through psycopg 3 for shared deployments. Every input is
written in one transaction, so a failed or interrupted ingest leaves the store as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import getpass
import hashlib
import json
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    LargeBinary,
    Select,
    cast,
    create_engine,
    event,
    func,
    insert,
    inspect,
    select,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, DBAPIError, OperationalError

from rescuewatch import __version__
from rescuewatch.errors import IntegrityError, StoreError
from rescuewatch.model import Source
from rescuewatch.store import schema as s
from rescuewatch.store.text_match import add_text_functions

DEFAULT_URL = "sqlite:///rescuewatch.db"
CHUNK = 1 << 20  # blob chunk size: large enough to be cheap, small enough to stream
#: How long a SQLite connection waits for another's lock before giving up.
BUSY_TIMEOUT_MS = 30000
#: Page size of a new SQLite store (bytes). A claim row with its original values is about
#: 1.3 KB, three to a default 4 KB page; with 16 KB pages SQLite splits and writes a quarter as
#: many pages, and a bulk ingest took about a tenth less CPU (benchmarks/ingest). SQLite
#: ignores the setting for a store that already exists: it keeps the page size it was made with.
PAGE_SIZE = 16384


def resolve_url(url: str | None) -> str:
    """The store URL: the argument, else ``RESCUEWATCH_DB``, else a SQLite file in the cwd.

    A bare path (``data/monitor.db``) is taken as a SQLite file, as written: the characters
    a URL would read as an escape or a query (``%``, ``?``) are escaped.
    """
    url = url or os.environ.get("RESCUEWATCH_DB") or DEFAULT_URL
    if "://" not in url:
        url = "sqlite:///" + url.replace("%", "%25").replace("?", "%3F")
    return url


#: The PostgreSQL advisory lock every write transaction takes (advisory locks belong to one
#: database, so stores on the same server do not wait for each other).
WRITE_LOCK_KEY = 0x7265736375  # "rescu"

_EXAMPLE_URL = "postgresql+psycopg://user@host/rescuewatch"


def _shown(url: str) -> str:
    """``url`` fit for an error message, which may be pasted into a ticket: its password as ***."""
    return re.sub(r"(://[^/@:]*:)[^/@]*@", r"\1***@", url)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # first: switching to WAL waits for a bulk ingest's rollback journal (see transaction())
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute(f"PRAGMA page_size={PAGE_SIZE}")  # before WAL, which fixes it in a new file
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()
    add_text_functions(dbapi_conn)


def _rollback_journal(raw: Any) -> bool:
    """Switch an idle SQLite connection to a rollback journal if no other has the file open."""
    raw.execute("PRAGMA busy_timeout=0")  # another connection open: keep WAL, do not wait
    try:
        (mode,) = raw.execute("PRAGMA journal_mode=DELETE").fetchone()
    except sqlite3.OperationalError:
        mode = "wal"
    finally:
        raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return str(mode).lower() == "delete"


def _end_bulk(raw: Any, journal: bool) -> None:
    """Foreign keys checked again and, after a rollback journal, the write-ahead log back.

    Done on the driver's connection itself: after an interrupted commit SQLAlchemy's wrapper
    refuses any use (which would hide the interruption behind its own error), and this
    connection goes back to the pool, where it must check foreign keys again.
    """
    with contextlib.suppress(sqlite3.Error):
        if raw.in_transaction:  # the rollback itself was interrupted; the pragma needs none open
            raw.rollback()
        raw.execute("PRAGMA foreign_keys=ON")
    if journal:
        _write_ahead_log(raw)


def _write_ahead_log(raw: Any) -> None:
    # a reader that opened the file meanwhile blocks the switch; its own connect sets WAL
    with contextlib.suppress(sqlite3.OperationalError):
        raw.execute("PRAGMA journal_mode=WAL")


def _check_sqlite_file(path: Path, create: bool) -> None:
    """Refuse a missing or empty file unless creating: SQLite would make a new store of it,
    and a command that only reads would report on that empty store as if on the real one."""
    if path.is_dir():  # SQLite says only "unable to open database file"
        raise StoreError(f"{path} is a folder, not a store file",
                         hint=f"name a file in it: --db sqlite:///{path / 'rescuewatch.db'}")
    if not create:
        hint = "run `rescuewatch ingest` or `rescuewatch run` first, or pass --db"
        if not path.exists():
            raise StoreError(f"no store at {path}", hint=hint)
        if path.is_file() and path.stat().st_size == 0:
            raise StoreError(f"{path} is empty: not a rescuewatch store", hint=hint)
    if foreign := _foreign_tables(path):
        shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
        raise StoreError(f"{path} is another application's SQLite database (tables {shown}), "
                         "not a rescuewatch store",
                         hint="give --db a rescuewatch store, or a new file name to start one")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file where a folder should be, a folder that cannot be written
        nearest = next(p for p in path.parents if p.exists())  # "/" at the latest
        reason = f"{nearest} is a file" if not nearest.is_dir() else exc.strerror or str(exc)
        raise StoreError(f"cannot make the store's folder {path.parent}: {reason}",
                         hint="give --db a path whose folders exist or can be made") from None


def _remove_unmade(path: Path) -> None:
    """Remove the SQLite file ``path`` (and its log and journal) that opening a new store
    made but could not migrate (a full disk, ...): a command that failed leaves no store where
    there was none. Kept: a file with tables, and one another process is writing (making the
    same store, its tables not committed yet), whose lock refuses the exclusive one here.
    Through a symbolic link (the store wanted on another disk) the file it names goes, as
    SQLite made that one and its companions there; the link, the user's, stays."""
    path = path.resolve()
    try:
        con = sqlite3.connect(f"{path.as_uri()}?mode=rw", uri=True, timeout=0,
                              isolation_level=None)
    except sqlite3.Error:
        return
    try:
        con.execute("BEGIN EXCLUSIVE")
        if not _tables(con):
            for companion in ("", "-wal", "-shm", "-journal"):
                with contextlib.suppress(OSError):
                    path.with_name(path.name + companion).unlink()
    except sqlite3.Error:
        return
    finally:
        con.close()


def _tables(con: sqlite3.Connection) -> list[str]:
    rows = con.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return sorted(str(name) for (name,) in rows)


def _foreign_tables(path: Path) -> list[str]:
    """The tables of a SQLite file that has tables but no migration record, else []; a record
    of a migration this code does not know raises its :class:`StoreError`.

    Read on a read-only connection of its own, before the engine's: opening it as a store would
    switch the file to WAL, and migrate rescuewatch's tables into it.
    """
    if not path.is_file() or path.stat().st_size == 0:
        return []
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return []  # the engine names what is wrong with the file
    try:
        names = _tables(con)
        revisions = ({str(r) for (r,) in con.execute("SELECT version_num FROM alembic_version")}
                     if "alembic_version" in names else set())
    except sqlite3.Error:
        return []
    finally:
        con.close()
    if "alembic_version" not in names:
        return names
    if unknown := sorted(revisions - _known_revisions()):
        raise _unknown_revision(unknown, str(path))
    return []


@functools.cache
def _migrations() -> Any:
    """The migration scripts (Alembic's ScriptDirectory), read once a process."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(Path(__file__).parent / "migrations"))


def _known_revisions() -> set[str]:
    return {rev.revision for rev in _migrations().walk_revisions()}


def _unknown_revision(unknown: list[str], database: str | None) -> StoreError:
    # Alembic would end in a traceback ("Can't locate revision")
    return StoreError(
        f"the store is at migration {', '.join(unknown)}, which rescuewatch {__version__} does "
        "not know: a newer rescuewatch made it, or another application", path=database,
        hint="install a newer rescuewatch, or give --db another store")


#: SQLite's primary result codes for a file another connection holds, one that cannot be
#: written, and one that cannot be opened (a read-only folder, where -wal and -shm cannot be made)
_BUSY, _LOCKED, _READONLY, _CANTOPEN = 5, 6, 8, 14
#: SQLite's primary result codes for a disk I/O error (among them a write past the file size
#: limit, EFBIG, which SQLite reports as SQLITE_IOERR_WRITE) and a full disk (ENOSPC)
_IOERR, _FULL = 10, 13
_CORRUPT = 11  #: SQLite's code for a damaged file (a malformed page); not a database is 26
#: SQLite's extended codes of an I/O error that a full disk or a size limit can cause: writing,
#: syncing, resizing a file or the -shm index (SQLITE_IOERR itself, _WRITE, _FSYNC, _DIR_FSYNC,
#: _TRUNCATE, _SHMSIZE). The others (reading, locking, out of memory ...) are no lack of room.
_WRITE_IOERRS = frozenset({10, 778, 1034, 1290, 1546, 4874})
#: PostgreSQL's SQLSTATE for a statement the user has no privilege for
_NO_PRIVILEGE = "42501"


def store_error(exc: BaseException, database: str | None) -> StoreError | None:
    """The one-line error for a store that is busy, read-only or out of disk space, else
    None: a driver error would otherwise reach the user as a traceback."""
    return _sqlite_error(exc, database) or _server_disk_full(exc)


#: PostgreSQL's SQLSTATE for a disk full (class 53, insufficient resources)
_DISK_FULL = "53100"


def _server_disk_full(exc: BaseException) -> StoreError | None:
    orig = getattr(exc, "orig", exc)
    if getattr(orig, "sqlstate", None) != _DISK_FULL:
        return None
    first = (str(orig).splitlines() or [""])[0]  # the rest is the server's own HINT
    return StoreError(
        f"cannot write the store: the database server's disk is full ({first})",
        hint="free space on the server's disk that holds its data directory (or the "
             "tablespace named), then run this again; what it was writing when it stopped "
             "was not stored")


def _sqlite_error(exc: BaseException, database: str | None) -> StoreError | None:
    """The one-line error for a SQLite store that is busy, read-only or out of disk space,
    else None.

    Named by SQLite's result code, not its wording: a driver error would otherwise reach the
    user as a traceback.
    """
    orig = getattr(exc, "orig", exc)
    code = getattr(orig, "sqlite_errorcode", None)
    if not isinstance(orig, sqlite3.Error) or code is None:
        return None
    if code & 0xFF in (_BUSY, _LOCKED):
        return StoreError(
            f"the store is busy: another process kept it locked for over {BUSY_TIMEOUT_MS // 1000} s",
            path=database, hint="run this again once the other command, an ingest for instance, "
                                "has finished; what this one was writing was not stored",
        )
    if code & 0xFF in (_READONLY, _CANTOPEN):
        return StoreError(
            f"the store cannot be written: {orig}", path=database,
            hint="SQLite writes files beside the store (-wal, -shm) even to read it: make the file "
                 "and its folder writable, or copy the store to a writable folder",
        )
    if code & 0xFF == _FULL or code in _WRITE_IOERRS:
        return disk_error(f"SQLite: {orig}", code & 0xFF == _FULL, database)
    if code & 0xFF == _IOERR:
        return _io_error(f"SQLite: {orig}, {getattr(orig, 'sqlite_errorname', code)}", database)
    if code & 0xFF == _CORRUPT:
        return damaged_store(f"SQLite: {orig}", database)
    return None


def damaged_store(detail: str, database: str | None) -> StoreError:
    """The store's file is damaged (a page overwritten, a disk that lost a write)."""
    return StoreError(
        f"the store is damaged ({detail})", path=database,
        hint="restore it from a backup; `sqlite3 STORE 'PRAGMA integrity_check'` lists the "
             "damaged pages")


def _io_error(detail: str, database: str | None) -> StoreError:
    """The store's files could not be read or locked (a failing device, a network file system
    without locks): no lack of room, so no advice to free space."""
    folder = _store_file(database)[1]
    return StoreError(
        f"cannot read or lock the store's files ({detail})", path=database,
        hint=f"check the device and file system holding {folder} (the system log names a "
             "failing disk); SQLite needs working file locks, which some network file systems "
             "lack: keep the store on a local disk")


def disk_error(detail: str, full: bool, database: str | None) -> StoreError:
    """The store's file, its log or its journal could not be written: ``full`` when the
    disk is known to be full, else it may also be past a size limit or failing. Not named by
    ``path``: an ingest names the input whose transaction was rolled back there."""
    store, folder = _store_file(database)
    # SQLite tells ENOSPC (FULL) from other write errors; EFBIG, a size limit, is one of those
    what = ("the disk is full" if full
            else "the disk is full, a file reached the size limit (ulimit -f), or the device failed")
    return StoreError(
        f"cannot write {store}: {what} ({detail})",
        hint=f"free space on the device holding {folder}, then run this again; what it was "
             "writing when it stopped was not stored",
    )


def _store_file(database: str | None) -> tuple[str, str]:
    """The store's file and its folder as an error names them."""
    if not database or database == ":memory:":
        return "the store", "the store"
    store = os.path.abspath(database)
    return store, os.path.dirname(store)


def _server_ended(exc: BaseException, database: str | None) -> StoreError | None:
    """The one-line error for a PostgreSQL server that ended a command, else None: the
    connection lost, the server shut down or restarted, a timeout its administrator set.

    psycopg raises an OperationalError for each, which reached the user as a traceback of some
    90 lines; the transaction it was in is rolled back by the server.
    """
    orig = getattr(exc, "orig", None)
    if not isinstance(exc, OperationalError) or not type(orig).__module__.startswith("psycopg"):
        return None
    reason = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    return StoreError(f"the database server ended the command: {reason}", path=database,
                      hint="check that the server is running and run the command again; what "
                           "it had not committed was rolled back")


def command_error(exc: BaseException, database: str | None) -> StoreError | None:
    """:func:`store_error`, or for a command under way a connection the PostgreSQL server
    ended. Not for opening the store, where the same error means a server that cannot be
    reached and :func:`_open_error` says how to name it."""
    return store_error(exc, database) or _server_ended(exc, database)


def _open_error(engine: Engine, exc: DatabaseError) -> StoreError:
    """The one-line error for a store that cannot be opened or migrated."""
    if (known := store_error(exc, engine.url.database)) is not None:
        return known
    if type(exc.orig) is sqlite3.DatabaseError:  # no subclass: the file is no SQLite database
        return StoreError(
            f"{engine.url.database} is not a rescuewatch store",
            hint=f"SQLite: {exc.orig}; give --db a rescuewatch store, or a new file name to start one",
        )
    server = engine.dialect.name != "sqlite"  # a server's URL can be wrong, or it down
    return StoreError(f"cannot open or migrate the store: {exc.orig}",
                      hint="check that the database server is running and that --db names its "
                           "host, port, user and database rightly" if server else None)


def _counters_after_last_row(conn: Connection) -> None:
    """Point every id counter (sequence) of the store just after its table's last row.

    PostgreSQL does not roll back a sequence with the transaction that drew from it, so after
    a failed or interrupted input the next run, document or source got a later number than on
    SQLite, which numbers a row after the last one: ``skipped --run N`` and the exports then
    differed. Holding the write lock, this transaction is the only one inserting, so numbering
    from the rows is safe; it also catches up with ids an ingest writes itself (claims).

    A database user allowed to insert but not to set the counters (``USAGE`` on the sequences
    without ``UPDATE``, a common grant for an application's role) still writes: its numbers
    may then skip those of a failed input, as PostgreSQL's own do. Refusing every write for
    the sake of the numbering would be the worse of the two.
    """
    try:
        with conn.begin_nested():  # a savepoint: the refusal must not end the transaction
            conn.execute(_counters_query())
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) != _NO_PRIVILEGE:
            raise


@functools.cache
def _counters_query() -> Select[Any]:
    """The statement of :func:`_counters_after_last_row`, built once: building it (eight
    scalar subqueries) and its cache key took 2 ms, eight times what running it takes, in
    every write transaction."""
    return select(*(func.setval(func.pg_get_serial_sequence(table.name, column.name),
                                select(func.coalesce(func.max(column), 0) + 1).scalar_subquery(),
                                False)
                    for table in s.metadata.sorted_tables
                    if (column := table.autoincrement_column) is not None))


def _document_value(conn: Connection, column: Any, sha256: str) -> Any:
    """``column`` of the document of ``sha256``, or None when none is stored."""
    return conn.execute(select(column).where(s.documents.c.sha256 == sha256)).scalar()


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def actor_name() -> str:
    """Who is acting, for the audit log: ``RESCUEWATCH_USER`` or the login name."""
    try:
        name = os.environ.get("RESCUEWATCH_USER") or getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        return "unknown"
    if len(name) > s.ACTOR_LENGTH:  # SQLite would keep it, PostgreSQL refuse it mid-command
        raise StoreError(f"RESCUEWATCH_USER is {len(name)} characters long",
                         hint=f"give a name of at most {s.ACTOR_LENGTH} characters")
    return name


class Store:
    """A rescuewatch store behind a SQLAlchemy engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str | None = None, *, create: bool = True, lasting: bool = False) -> Store:
        """Open the store at ``url`` and bring its schema to the newest migration.

        With ``create=False`` a missing SQLite file is an error instead of a new store; with
        ``lasting=True`` a SQLite store in memory is (what is written would not outlive it).
        """
        url = resolve_url(url)
        try:
            parsed = make_url(url)
        except (ArgumentError, ValueError) as exc:  # ValueError: a port that is not a number
            raise StoreError(f"cannot read store URL {_shown(url)!r}: {exc}",
                             hint=f"give --db a SQLite file path or a URL such as {_EXAMPLE_URL}") from exc
        kinds = f"a SQLite file path or a URL such as {_EXAMPLE_URL}"
        if parsed.get_backend_name() not in ("sqlite", "postgresql"):
            # the migrations and the bulk paths are written for these two; another database's
            # missing driver ("No module named 'MySQLdb'") would hide that
            raise StoreError(f"cannot open store {_shown(url)!r}: rescuewatch keeps its store in "
                             "SQLite or PostgreSQL", hint=f"give --db {kinds}")
        new_file = None
        if parsed.get_backend_name() == "sqlite":
            if parsed.query:  # "?mode=ro" was ignored; with "&uri=true" a new, empty file
                # named "store.db?mode=ro" was made and read
                raise StoreError(f"cannot open store {_shown(url)!r}: rescuewatch takes no "
                                 f"options in a SQLite URL ({', '.join(sorted(parsed.query))})",
                                 hint="give --db the file's path alone, such as rescuewatch.db")
            db = parsed.database
            if db and db != ":memory:":
                _check_sqlite_file(Path(db), create)
                new_file = None if Path(db).exists() else Path(db)
            elif not create:  # it would be new and empty: report on it as if on the real store
                raise StoreError(f"{_shown(url)} is a store in memory: empty, and gone when a "
                                 "command ends", hint="give --db the store's file, such as "
                                                      "rescuewatch.db")
            elif lasting:  # what the command writes would be gone, yet it would say "stored"
                raise StoreError(f"{_shown(url)} is a store in memory: what this command "
                                 "writes is gone when it ends", hint="give --db a file, such "
                                 "as rescuewatch.db; run can still report from one in memory")
        try:
            engine = create_engine(url, future=True)
        except Exception as exc:  # noqa: BLE001 - missing driver, bad options
            hint = ("rescuewatch reaches PostgreSQL through psycopg 3: pip install -e "
                    f"'.[postgres]' and give --db {_EXAMPLE_URL}"
                    if isinstance(exc, ImportError) else f"give --db {kinds}")
            raise StoreError(f"cannot open store {_shown(url)!r}: {exc}", hint=hint) from exc
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        store = cls(engine)
        try:
            store.upgrade()
        except StoreError:
            if new_file is not None:
                store.dispose()
                _remove_unmade(new_file)
            raise
        return store

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def upgrade(self, revision: str = "head") -> None:
        """Apply the Alembic migrations up to ``revision``."""
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
        try:
            with self.engine.begin() as conn:
                if self._at_head(conn) and revision == "head":
                    return
                # Python's sqlite3 runs CREATE and ALTER outside any transaction unless one was
                # begun explicitly: a migration cut short (a full disk) left a half-made store
                # that no command could open again ("table audit_log already exists")
                self._write_lock(conn)
                if self._at_head(conn) and revision == "head":  # another process migrated it
                    return
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
        except DatabaseError as exc:
            raise _open_error(self.engine, exc) from exc

    def _write_lock(self, conn: Connection) -> None:
        """Take the store's write lock for the rest of ``conn``'s transaction (see
        :meth:`transaction`); on SQLite this also makes its schema changes part of it."""
        if self.dialect == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif self.dialect == "postgresql":  # a lock of this database, until commit
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")

    def _at_head(self, conn: Connection) -> bool:
        from alembic.runtime.migration import MigrationContext

        current = set(MigrationContext.configure(conn).get_current_heads())
        if unknown := sorted(current - _known_revisions()):  # PostgreSQL; SQLite is checked first
            raise _unknown_revision(unknown, self.engine.url.database)
        return current == set(_migrations().get_heads())

    def tables(self) -> list[str]:
        return sorted(inspect(self.engine).get_table_names())

    @contextmanager
    def transaction(self, *, bulk: bool = False) -> Iterator[Connection]:
        """One all-or-nothing unit of work; any exception, Ctrl-C included, rolls it back.

        It holds the store's write lock from its start, so that what it reads is not changed
        by another process before it writes; another writer waits for it (on SQLite up to
        ``BUSY_TIMEOUT_MS``; on PostgreSQL an advisory lock, :data:`WRITE_LOCK_KEY`), readers
        do not.

        ``bulk`` (a large dataset file): on SQLite, when no other connection has the database
        open, the transaction runs with a rollback journal instead of the write-ahead log.
        Pages added to the file are then written once, not to the log and again at the
        checkpoint (about 4 µs a row at a million rows); atomicity is the same, and the store
        goes back to WAL afterwards. Foreign keys are not checked either (about 2 µs a row):
        a bulk transaction inserts a document and rows pointing at it and at each other, all
        numbered by the ingest itself.
        """
        with self.engine.connect() as conn:
            raw: Any = (conn.connection.driver_connection
                        if bulk and self.dialect == "sqlite" else None)
            journal = raw is not None and _rollback_journal(raw)
            if raw is not None:  # takes effect only outside a transaction, hence here
                raw.execute("PRAGMA foreign_keys=OFF")
            try:
                trans = conn.begin()
                try:
                    # the write lock from the first read, not the first write: two links at
                    # once both read "no incidents", numbered the same new ones, and the
                    # second failed on its first insert (UNIQUE constraint, a traceback)
                    self._write_lock(conn)
                    if self.dialect == "postgresql":
                        _counters_after_last_row(conn)
                    yield conn
                except BaseException:
                    trans.rollback()
                    raise
                trans.commit()
            except (DBAPIError, sqlite3.Error) as exc:
                known = command_error(exc, self.engine.url.database)  # busy, full, gone
                if known is None:
                    raise
                raise known from exc
            finally:
                if raw is not None:
                    self._after_bulk(conn, raw, journal)

    def _after_bulk(self, conn: Connection, raw: Any, journal: bool) -> None:
        """Undo a bulk transaction's settings, also when Ctrl-C cut a statement short.

        SQLAlchemy invalidates its connection when an exit exception (Ctrl-C) interrupts a
        statement it runs, closing the driver's connection, which rolls the transaction back.
        Any use of that connection would then raise and hide the interruption, so the log is
        restored by a new connection, whose connect sets WAL.
        """
        if not conn.invalidated:
            _end_bulk(raw, journal)
        elif journal:
            # another connection holding the file blocks the switch; its own connect sets WAL
            with contextlib.suppress(DBAPIError), self.engine.connect():
                pass

    def dispose(self) -> None:
        self.engine.dispose()

    # --- sources -----------------------------------------------------------------------------

    def source_id(self, conn: Connection, source: Source) -> int:
        """The id of ``source`` by its key, creating it if new (existing rows are kept as is)."""
        found = conn.execute(select(s.sources.c.id).where(s.sources.c.key == source.key)).scalar()
        if found is not None:
            return int(found)
        result = conn.execute(
            insert(s.sources).values(
                key=source.key,
                name=source.name,
                kind=source.kind,
                country=source.country,
                affiliation=source.affiliation,
                coverage_group=source.coverage_group,
                created_at=now(),
            )
        )
        return _new_id(result)

    # --- documents and their raw bytes ------------------------------------------------------

    def document_id(self, conn: Connection, sha256: str) -> int | None:
        value = _document_value(conn, s.documents.c.id, sha256)
        return None if value is None else int(value)

    def document_format(self, conn: Connection, sha256: str) -> str | None:
        """The reader that stored the document of ``sha256``, or None when none is stored."""
        value = _document_value(conn, s.documents.c.format, sha256)
        return None if value is None else str(value)

    def document_language(self, conn: Connection, sha256: str) -> str | None:
        """The language the document of ``sha256`` was read in (None: none stored, or no text)."""
        value = _document_value(conn, s.documents.c.language, sha256)
        return None if value is None else str(value)

    def put_blob(self, conn: Connection, sha256: str, chunks: Iterable[bytes]) -> int:
        """Store raw bytes under their SHA-256, chunk by chunk; returns the size.

        Raises :class:`IntegrityError` when the bytes do not hash to ``sha256``.
        """
        if conn.execute(select(s.blobs.c.seq).where(s.blobs.c.sha256 == sha256).limit(1)).first():
            return -1
        digest = hashlib.sha256()
        size = 0
        for seq, chunk in enumerate(_rechunk(chunks)):
            digest.update(chunk)
            size += len(chunk)
            conn.execute(insert(s.blobs).values(sha256=sha256, seq=seq, data=chunk))
        if size == 0:
            conn.execute(insert(s.blobs).values(sha256=sha256, seq=0, data=b""))
        if digest.hexdigest() != sha256:
            raise IntegrityError(f"bytes changed while being stored (expected sha256 {sha256})")
        return size

    def iter_blob(self, sha256: str, conn: Connection | None = None) -> Iterator[bytes]:
        """The raw bytes of a document, chunk by chunk, exactly as captured."""
        data = s.blobs.c.data
        # SQLite keeps a value of any type in a BLOB column: text written there by another tool
        # would come back as str (or fail to decode); read every value as the bytes stored
        column = cast(data, LargeBinary) if self.dialect == "sqlite" else data
        query = select(column).where(s.blobs.c.sha256 == sha256).order_by(s.blobs.c.seq)
        if conn is not None:
            yield from (bytes(row[0]) for row in conn.execute(query))
            return
        with self.engine.connect() as own:
            yield from (bytes(row[0]) for row in own.execute(query))

    def read_blob(self, sha256: str) -> bytes:
        return b"".join(self.iter_blob(sha256))

    def add_document(self, conn: Connection, values: dict[str, Any]) -> int:
        values = {"captured_at": now(), **values}
        return _new_id(conn.execute(insert(s.documents).values(**values)))

    # --- runs, skipped rows and the audit log ------------------------------------------------

    def start_run(self, conn: Connection, origin: str, fmt: str | None) -> int:
        result = conn.execute(
            insert(s.ingest_runs).values(
                started_at=now(), origin=origin, format=fmt, actor=actor_name()
            )
        )
        return _new_id(result)

    def finish_run(
        self, conn: Connection, run_id: int, documents: int, claims: int, skipped: int
    ) -> None:
        conn.execute(
            s.ingest_runs.update()
            .where(s.ingest_runs.c.id == run_id)
            .values(finished_at=now(), documents=documents, claims=claims, skipped=skipped)
        )

    def record_skipped(self, conn: Connection, run_id: int, rows: list[dict[str, Any]]) -> None:
        if rows:
            conn.execute(insert(s.skipped_rows),
                         [s.fitted(s.skipped_rows, {"run_id": run_id, **r}) for r in rows])

    def skipped_rows(self, *, run_id: int | None = None, limit: int = 200) -> list[dict[str, Any]]:
        """The rows left out by ``--skip-bad-rows``, newest run first and in file order within
        a run, each with its run's start time and format."""
        k, r = s.skipped_rows.c, s.ingest_runs.c
        query = (select(k.run_id, r.started_at, r.format, k.origin, k.row, k.field, k.reason)
                 .join_from(s.skipped_rows, s.ingest_runs, k.run_id == r.id)
                 .order_by(k.run_id.desc(), k.id).limit(limit))
        if run_id is not None:
            query = query.where(k.run_id == run_id)
        with self.engine.connect() as conn:
            return [dict(row) for row in conn.execute(query).mappings()]

    def has_run(self, run_id: int) -> bool:
        """Whether ingest run ``run_id`` is in the store."""
        with self.engine.connect() as conn:
            query = select(s.ingest_runs.c.id).where(s.ingest_runs.c.id == run_id)
            return conn.execute(query).first() is not None

    def audit(
        self,
        conn: Connection,
        *,
        action: str,
        entity: str,
        entity_id: int | None,
        before: Any = None,
        after: Any = None,
        reason: str | None = None,
        actor: str | None = None,
    ) -> None:
        """Append one entry to the audit log (who, when, before, after, why)."""
        conn.execute(
            insert(s.audit_log).values(
                at=now(),
                actor=actor or actor_name(),
                action=action,
                entity=entity,
                entity_id=entity_id,
                before=None if before is None else json.dumps(before, default=str, sort_keys=True),
                after=None if after is None else json.dumps(after, default=str, sort_keys=True),
                reason=reason,
            )
        )

    # --- integrity ---------------------------------------------------------------------------

    def damage(self) -> list[str]:
        """The faults SQLite's quick check finds in the store's file (none on PostgreSQL)."""
        if self.dialect != "sqlite":
            return []
        try:
            with self.engine.connect() as conn:
                rows = conn.exec_driver_sql("PRAGMA quick_check(10)").scalars().all()
        except DatabaseError as exc:  # a page the check itself cannot read
            if getattr(exc.orig, "sqlite_errorcode", 0) & 0xFF != _CORRUPT:
                raise
            return [str(exc.orig)]
        found = [ln for row in rows for ln in str(row).splitlines() if not ln.startswith("*** ")]
        return [] if found == ["ok"] else found

    def verify(self) -> Iterator[dict[str, Any]]:
        """Re-hash every stored document; yield one record per document with its status.

        ``status`` is ``ok``, ``missing`` (no bytes stored) or ``mismatch`` (bytes altered).
        """
        query = select(s.documents.c.id, s.documents.c.sha256, s.documents.c.origin).order_by(
            s.documents.c.id
        )
        with self.engine.connect() as conn:
            docs = conn.execute(query).all()
            for doc_id, sha, origin in docs:
                digest = hashlib.sha256()
                seen = False
                for chunk in self.iter_blob(sha, conn):
                    seen = True
                    digest.update(chunk)
                status = "ok" if digest.hexdigest() == sha else "mismatch"
                if not seen:
                    status = "missing"
                yield {"document_id": doc_id, "sha256": sha, "origin": origin, "status": status}

    def count(self, table: str) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(s.metadata.tables[table])).scalar() or 0)


def _new_id(result: Any) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _rechunk(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Regroup arbitrary pieces into ``CHUNK``-sized blocks (the last may be shorter)."""
    buf = bytearray()
    for piece in chunks:
        buf += piece
        while len(buf) >= CHUNK:
            yield bytes(buf[:CHUNK])
            del buf[:CHUNK]
    if buf:
        yield bytes(buf)
