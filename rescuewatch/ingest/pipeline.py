"""Ingest: read inputs with their readers and write documents and claims to the store.

Each input is written in one transaction: it lands whole or not at all. Identical bytes are
recognised by their SHA-256 and reported as duplicates without being read again.
"""

from __future__ import annotations

import datetime as dt
import gc
import marshal
import multiprocessing
import os
import pickle
import queue
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager, nullcontext, suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from rescuewatch.errors import InputError, RescuewatchError, no_room, os_reason
from rescuewatch.ingest.base import InputFile, Parcel, ReadContext, choose_reader
from rescuewatch.ingest.chunks import ChunkMark
from rescuewatch.ingest.tables import TableReader
from rescuewatch.store import Store
from rescuewatch.store.claims import (
    RowBatch,
    add_claims,
    deferred_indexes,
    insert_batch,
    next_claim_id,
    set_original_keys,
    sqlite_batches,
    sqlite_pragmas,
    with_document_keys,
)
from rescuewatch.store.writeback import early_writeback

MAX_URL_BYTES = 50 * 1024 * 1024
#: A URL's answer that has come slower than MIN_FETCH_RATE bytes a second on average once
#: FETCH_GRACE_SECONDS have passed is given up on: the read timeout (30 s) only bounds the
#: silence between two bytes, and a server sending one every few seconds kept an ingest going.
FETCH_GRACE_SECONDS = 60.0
MIN_FETCH_RATE = 1024
#: Dataset files at least this large (uncompressed: :attr:`InputFile.content_size`) are
#: parsed in worker processes (:func:`worker_count`) while this one inserts, in a bulk
#: transaction (SQLite only, where ``fork`` is available; ``RESCUEWATCH_INGEST_WORKER=0``
#: turns the workers off). On the 2-core benchmark machine one worker cut wall time by
#: 15-19 % at 100,000 and 1,000,000 rows for 8-16 % more CPU
#: (benchmarks/ingest/RESULTS-ingest.md); small files do not gain.
PARALLEL_MIN_BYTES = 8 * 2**20
WORKER_ENV = "RESCUEWATCH_INGEST_WORKER"
#: Parsing workers by default, when the reader can share a file's chunks among several (see
#: :mod:`rescuewatch.ingest.chunks`) and there are as many cores. On 2 cores, two instead of
#: one took a million ACLED rows from ~21.6 s to 16.5-21.2 s (typically ~18 s) and 100,000
#: from ~2.8 s to 2.2-2.6 s (benchmarks/ingest/RESULTS-ingest.md, seventh round); with the
#: main process inserting, more would share the same two cores.
WORKERS = 2
MAX_WORKERS = 8
#: Young-generation garbage collector threshold while rows are built and inserted.
BULK_GC_THRESHOLD = 100_000
#: Serialised batches the worker may hold while the parent is busy (a few MB each).
OUTBOX_BATCHES = 2
#: SQLite page cache during a bulk insert (KiB, as ``PRAGMA cache_size`` takes it negated):
#: large enough that the claims indexes stay in memory instead of being spilled again and again.
BULK_CACHE_KIB = 131072
#: The same when every insert appends (the date indexes deferred): enough for the pages
#: being filled; the rest are written out early (see :func:`_bulk_settings`).
APPEND_CACHE_KIB = 8192
#: Bytes a row is taken to need when a dataset file's rows are guessed from its size: more
#: than rows take (ACLED's ~350), so the guess is low and errs toward keeping the indexes.
BYTES_PER_ROW = 1000


@dataclass
class InputReport:
    """What happened to one input."""

    origin: str
    format: str
    status: str  # "ingested", "duplicate" or "skipped"
    documents: int = 0
    duplicates: int = 0
    claims: int = 0
    skipped_rows: int = 0
    sha256: str = ""
    #: why an option given had no effect (a duplicate is not read again with other options)
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class IngestReport:
    inputs: list[InputReport] = field(default_factory=list)

    @property
    def claims(self) -> int:
        return sum(i.claims for i in self.inputs)

    @property
    def documents(self) -> int:
        return sum(i.documents for i in self.inputs)

    def to_json(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "claims": self.claims,
            "duplicates": sum(i.duplicates for i in self.inputs),
            "skipped_rows": sum(i.skipped_rows for i in self.inputs),
            "inputs": [i.to_json() for i in self.inputs],
        }


def expand(origins: list[str]) -> list[str]:
    """Files and URLs named, with folders replaced by the files under them (sorted).

    Every local path is checked before anything is read, so a typo fails the whole command
    early instead of after half the inputs were stored. Inside a folder, hidden files and a
    folder's own notes (README, LICENSE, PROVENANCE, NOTICE, CHANGELOG, SHA256SUMS) are passed
    over: they describe the data, they are not reports. So are rescuewatch's own outputs (see
    :func:`_is_own_output`). Named on the command line, any file is read.
    """
    out: list[str] = []
    for origin in origins:
        if not origin:  # Path("") is the working folder: read whole, as if "." were named
            raise InputError("an empty path names no file or folder",
                             hint="an unset shell variable gives one; name the folder itself, "
                                  "such as . for this one")
        if is_url(origin):
            out.append(origin)
            continue
        path = Path(origin)
        if path.is_dir():
            files = sorted(
                p for p in path.rglob("*")
                if p.is_file() and not _is_folder_note(p.name) and not _is_own_output(p)
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not files:
                raise InputError("the folder holds no files to read", path=origin,
                                 hint="hidden files and notes such as README are passed over")
            out.extend(str(p) for p in files)
        elif path.exists():
            out.append(origin)
        else:
            raise InputError("no such file or folder", path=origin)
    return out


FOLDER_NOTES = ("readme", "license", "licence", "provenance", "notice", "changelog",
                "sha256sums", "md5sums")


def _is_folder_note(name: str) -> bool:
    return name.lower().split(".", 1)[0] in FOLDER_NOTES


SQLITE_MAGIC = b"SQLite format 3\x00"
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")
REPORT_MARK = b'<meta name="generator" content="rescuewatch'


def _is_own_output(path: Path) -> bool:
    """A store (any SQLite database, with its journal files) or a rescuewatch HTML report.

    ``rescuewatch run .`` puts both into the folder it reads: the next run stopped on the
    database ("not in any known format") and read the report as a news page, turning the
    store's own figures into new claims.
    """
    for companion in SQLITE_COMPANIONS:
        if path.name.endswith(companion):
            return _starts_with(path.with_name(path.name.removesuffix(companion)), SQLITE_MAGIC)
    if path.suffix.lower() in (".html", ".htm"):
        with suppress(OSError), path.open("rb") as fh:
            return REPORT_MARK in fh.read(2048)
    return _starts_with(path, SQLITE_MAGIC)


def _starts_with(path: Path, magic: bytes) -> bool:
    with suppress(OSError), path.open("rb") as fh:
        return fh.read(len(magic)) == magic
    return False


def is_url(origin: str) -> bool:
    return origin.startswith(("http://", "https://"))


def _http_hint(status: int) -> str:
    if status in (401, 403, 407):
        return "the page needs a login or refuses this client: save it from a browser and ingest the file"
    if status in (408, 429) or status >= 500:  # 408: the server timed out waiting
        return "the server is busy or failing: try again later, or save the page and ingest the file"
    if status in (404, 410):
        return "check the address (the server has nothing there)"
    return "check the address"


def open_input(origin: str, workdir: Path) -> InputFile:
    """A local file as it is, or a URL fetched into ``workdir`` (raw bytes kept unaltered)."""
    if not is_url(origin):
        return InputFile.from_path(Path(origin))
    import httpx

    target = workdir / "fetched"
    try:
        with httpx.stream("GET", origin, follow_redirects=True, timeout=30.0) as response:
            if response.status_code >= 400:
                raise InputError(f"the server answered HTTP {response.status_code}", path=origin,
                                 hint=_http_hint(response.status_code))
            _save(response, target, origin)
            media_type = response.headers.get("content-type")
    except httpx.HTTPError as exc:
        raise InputError(
            f"could not fetch: {exc.__class__.__name__}: {exc}",
            path=origin,
            hint="check the address and that this machine is online, or save the page and ingest the file",
        ) from exc
    item = InputFile.from_path(target, origin=origin)
    item.media_type = media_type
    item.fetched_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    return item


def _save(response: Any, target: Path, origin: str) -> None:
    """The body of ``response`` (fetched from ``origin``) written to ``target``, a file in a
    temporary folder, which a full disk fills as well as the store's."""
    size = 0
    started = time.monotonic()
    try:
        with target.open("wb") as fh:
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_URL_BYTES:
                    raise InputError(f"larger than {MAX_URL_BYTES // 2**20} MB", path=origin)
                fh.write(chunk)
                elapsed = time.monotonic() - started
                if elapsed > FETCH_GRACE_SECONDS and size < MIN_FETCH_RATE * elapsed:
                    raise InputError(
                        f"the server sends too slowly ({size:,} bytes in {elapsed:.0f} s)",
                        path=origin, hint="try again later, or save the page and ingest the file")
    except OSError as exc:
        hint = (f"free space on the device holding {target.parent.parent}, or set TMPDIR to "
                "a folder on another device" if no_room(exc) else None)
        raise RescuewatchError(f"cannot keep the fetched copy: {os_reason(exc)}", path=origin,
                               hint=hint) from exc


def ingest(
    store: Store,
    origins: list[str],
    *,
    fmt: str = "auto",
    ctx: ReadContext | None = None,
    on_input: Callable[[str], None] | None = None,
) -> IngestReport:
    """Ingest every input in ``origins`` into ``store``, one transaction per input.

    A bad input stops the run; the inputs before it stay stored, and its error says so.
    """
    report = IngestReport()
    ctx = ctx or ReadContext()
    worker_count()  # a bad setting is refused before any input, not at the first large one
    inputs = expand(origins)
    with tempfile.TemporaryDirectory(prefix="rescuewatch-") as tmp:
        for number, origin in enumerate(inputs):
            if on_input is not None:
                on_input(origin)
            ctx.skipped = []
            item: InputFile | None = None
            try:
                item = open_input(origin, Path(tmp))
                report.inputs.append(ingest_input(store, item, fmt, ctx))
            except RescuewatchError as exc:
                exc.path = exc.path or origin  # an error that came without naming it
                if item is not None:
                    _say_detected_format(exc, item, fmt)
                _say_what_was_stored(exc, number, len(inputs) - number - 1)
                raise
    return report


def _say_detected_format(error: RescuewatchError, item: InputFile, fmt: str) -> None:
    """Add to the hint of an error on a file's header, read with a ``--format`` other than the
    one detection finds, which format that is: the reader's own hint ("is this an ACLED
    export?") does not say the file is fine, only forced into the wrong reader."""
    if fmt == "auto" or error.row not in (None, 1):
        return
    try:
        detected = choose_reader(item, "auto").name
    except RescuewatchError:
        return
    if detected != fmt:
        note = f"without --format {fmt}, it reads as {detected}"
        error.hint = f"{error.hint}; {note}" if error.hint else note


def _say_what_was_stored(error: RescuewatchError, before: int, after: int) -> None:
    """Add to ``error``'s hint which other inputs of the run were stored and which not read."""
    if not before and not after:
        return
    parts = [f"the {before} input(s) before it are in the store"] if before else []
    if after:
        parts.append(f"the {after} after it were not read")
    note = " and ".join(parts) + "; run it again once fixed: stored inputs are skipped"
    error.hint = f"{error.hint}; {note}" if error.hint else note


def ingest_input(store: Store, item: InputFile, fmt: str, ctx: ReadContext) -> InputReport:
    """Read one input and write it in a single transaction.

    A file whose chunks the workers could not share (:class:`UnevenShares`: bare quotes
    inside unquoted cells) is rolled back and read again by one worker; the rows reported to
    ``ctx.on_rows`` meanwhile are taken back.
    """
    report = ctx.on_rows
    written = 0

    def counting(rows: int) -> None:
        nonlocal written
        written += rows
        if report is not None:
            report(rows)

    ctx.on_rows = counting
    try:
        return _ingest_input(store, item, fmt, ctx, share=True)
    except UnevenShares:
        if report is not None and written:
            report(-written)
        ctx.skipped = []
        return _ingest_input(store, item, fmt, ctx, share=False)
    finally:
        ctx.on_rows = report


def _ingest_input(store: Store, item: InputFile, fmt: str, ctx: ReadContext,
                  share: bool) -> InputReport:
    with store.transaction(bulk=item.content_size >= PARALLEL_MIN_BYTES) as conn:
        stored_as = store.document_format(conn, item.sha256)
        if stored_as is not None:  # the format it was read in, not the "auto" asked for
            return InputReport(item.origin, stored_as, "duplicate", duplicates=1,
                               sha256=item.sha256, note=_unapplied(store, conn, item, ctx))
        reader = choose_reader(item, fmt)
        result = InputReport(item.origin, reader.name, "ingested", sha256=item.sha256)
        run_id = store.start_run(conn, item.origin, reader.name)
        bulk = isinstance(reader, TableReader)
        other_language = undated = 0
        for parcel in reader.read(item, ctx):
            if store.document_id(conn, parcel.sha256) is not None:
                result.duplicates += 1
                continue
            result.claims += _write_parcel(store, conn, parcel, run_id, item, ctx, bulk, share)
            result.documents += 1
            other_language += _in_other_language(parcel, ctx)
            undated += parcel.language is not None and parcel.published is None
        result.note = "; ".join(note for note in (
            other_language and f"{other_language} document(s) read as {ctx.lang} by --lang look "
                               "written in another language: their claims may be missing",
            # without a publication date "yesterday" has no day: say so, not only leave it empty
            undated and f"{undated} document(s) carry no publication date: their relative dates "
                        "('yesterday', 'on Monday') stay unknown; pass --published") if note)
        store.record_skipped(conn, run_id, ctx.skipped)
        result.skipped_rows = len(ctx.skipped)
        if result.documents == 0 and result.duplicates:
            result.status = "duplicate"
        store.finish_run(conn, run_id, result.documents, result.claims, result.skipped_rows)
        return result


def _in_other_language(parcel: Parcel, ctx: ReadContext) -> bool:
    """Whether a text read with ``--lang`` is plainly in another language (English text read
    as Ukrainian, Russian with "ы" and "э" but no "і" read as Ukrainian): its extractor finds
    little or nothing there, and the input used to report its zero claims without a word."""
    if ctx.lang in (None, "auto") or not parcel.text or parcel.language != ctx.lang:
        return False
    from rescuewatch.extract.language import clear_language

    plain = clear_language(parcel.text)
    if plain == "cyrillic":
        return ctx.lang == "en"
    return plain is not None and plain != ctx.lang


def _unapplied(store: Store, conn: Any, item: InputFile, ctx: ReadContext) -> str:
    """What a duplicate input's ``--lang`` would have changed: identical bytes are never read
    again, so a text read first in another language keeps the claims found then."""
    if ctx.lang in (None, "auto"):
        return ""
    stored = store.document_language(conn, item.sha256)
    if stored is None or stored == ctx.lang:
        return ""
    return (f"it was read as {stored} text, and identical bytes are never read again, "
            f"so --lang {ctx.lang} does not apply")


def _write_parcel(
    store: Store, conn: Any, parcel: Parcel, run_id: int, item: InputFile, ctx: ReadContext,
    bulk: bool = False, share: bool = True,
) -> int:
    source_id = store.source_id(conn, parcel.source)
    document_id = store.add_document(
        conn,
        {
            "sha256": parcel.sha256,
            "source_id": source_id,
            "run_id": run_id,
            "origin": parcel.origin,
            "format": parcel.format,
            "title": parcel.title,
            "published": parcel.published,
            "language": parcel.language,
            "media_type": parcel.media_type or item.media_type,
            "size": parcel.size,
            "text": parcel.text,
            **({"captured_at": item.fetched_at} if item.fetched_at else {}),
        },
    )
    if conn.dialect.name != "sqlite":
        store.put_blob(conn, parcel.sha256, parcel.raw())
        return add_claims(conn, document_id, parcel.claims, on_batch=ctx.on_rows)
    batches: Iterator[RowBatch]
    first_id = next_claim_id(conn)
    if parcel.row_batches is not None:
        set_original_keys(conn, document_id, parcel.original_keys)
        batches = parcel.row_batches(first_id, document_id)
    else:
        # the first claim is read here, before any fork: its original's keys are the document's
        keys, claims = with_document_keys(parcel.claims)
        set_original_keys(conn, document_id, keys)
        batches = sqlite_batches(claims, first_id, document_id, keys)
    workers = worker_count() if bulk and item.content_size >= PARALLEL_MIN_BYTES and can_fork() else 0
    source: Any = _parsed_by(workers if share else min(workers, 1), parcel, batches, ctx,
                             first_id, document_id)
    written = 0
    with closing(source):  # the workers have started reading; on an error here they stop
        store.put_blob(conn, parcel.sha256, parcel.raw())
        with _bulk_settings(conn, item.content_size // BYTES_PER_ROW if bulk else 0):
            for batch in source:
                n = insert_batch(conn, batch)
                written += n
                if ctx.on_rows is not None:
                    ctx.on_rows(n)
    return written


def _parsed_by(workers: int, parcel: Parcel, batches: Iterator[RowBatch], ctx: ReadContext,
               first_id: int, document_id: int) -> Iterator[RowBatch] | _Workers:
    """``batches``, or the same batches from ``workers`` worker processes: several when the
    parcel's chunks can be shared (never while skipping bad rows: see
    :func:`~rescuewatch.ingest.chunks.chunked_batches`), else one."""
    shared = parcel.shared_batches
    if workers > 1 and shared is not None and not ctx.skip_bad_rows:
        return _Workers([partial(shared, first_id, document_id, (i, workers))
                         for i in range(workers)], ctx)
    return _Workers([lambda: batches], ctx) if workers else batches


# --- bulk inserts into SQLite -----------------------------------------------------------------


def worker_count() -> int:
    """How many parsing workers a large dataset file gets: ``RESCUEWATCH_INGEST_WORKER`` as a
    number (``0``: none, up to :data:`MAX_WORKERS`), else :data:`WORKERS` where there are as
    many cores, else one."""
    setting = os.environ.get(WORKER_ENV, "").strip().lower()
    if setting in ("0", "false", "no", "off"):
        return 0
    if setting.isdigit():
        return min(int(setting), MAX_WORKERS)
    if setting not in ("", "on", "yes", "true"):  # "two" was taken as unset
        raise InputError(f"{WORKER_ENV}={setting[:20]!r} is not a number of workers",
                         hint=f"set it to 0 (parse in the main process) up to {MAX_WORKERS}, "
                              "or unset it")
    return WORKERS if (os.cpu_count() or 1) >= WORKERS else 1


def can_fork() -> bool:
    """Whether a dataset may be parsed in a forked worker: POSIX ``fork`` and no other threads
    (forking a threaded process can copy a lock held by another thread)."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


@contextmanager
def _bulk_settings(conn: Any, expected_rows: int) -> Iterator[None]:
    """Rarer garbage collection and, for a dataset file of about ``expected_rows`` rows, the
    date indexes built at the end (:func:`deferred_indexes`), a SQLite page cache to suit, and
    the file flushed to disk as it is written
    (:func:`~rescuewatch.store.writeback.early_writeback`; entered here, after the workers
    were forked, as it runs a thread).

    With the date indexes deferred, every insert appends, and a small page cache lets the
    pages written go to the file early, where they are flushed while the ingest goes on;
    otherwise the cache is large enough to keep the indexes in memory. All is restored
    afterwards. None touches durability: ``synchronous`` and the journal stay as the store
    set them. The young-generation GC threshold is raised because a batch allocates millions
    of objects that are all alive (no cycles to find) until it is written.
    """
    raw = conn.connection.driver_connection
    deferring = deferred_indexes(conn, expected_rows) if expected_rows else nullcontext(False)
    flushing = early_writeback(conn) if expected_rows else nullcontext()
    thresholds = _rarer_collections()
    try:
        with flushing, deferring as deferred, \
                sqlite_pragmas(raw, cache_size=-(APPEND_CACHE_KIB if deferred else BULK_CACHE_KIB)):
            yield
    finally:
        gc.set_threshold(*thresholds)


def _rarer_collections() -> tuple[int, ...]:
    """Raise the young-generation GC threshold (see :func:`_bulk_settings`); the old ones."""
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], BULK_GC_THRESHOLD), *thresholds[1:])
    return thresholds


class UnevenShares(RuntimeError):
    """Workers sharing a file disagree on where a chunk starts: the file has to be read by
    one (see :func:`rescuewatch.ingest.chunks.chunked_batches`)."""


class _Workers:
    """Batches computed in forked processes, handed back in order through a pipe each.

    Parsing a file and building its row tuples (pure Python) then runs on other cores while
    this process writes the previous batch to SQLite. ``sources`` are called in the workers,
    one each, and give their batches: a single source gives all of them (claim ids assigned
    in file order by that one worker), several give chunks in turn, each between two
    :class:`~rescuewatch.ingest.chunks.ChunkMark` (``chunked_batches`` with a share); a chunk
    that does not start where the last one ended raises :class:`UnevenShares`. Either way
    the result is the same as without workers. Rows the workers skip are added to
    ``ctx.skipped``; their errors are raised here, the first in file order. The workers start
    at once (so they read while this process stores the file's bytes) and are stopped by
    :meth:`close`, whatever happened (error, Ctrl-C).
    """

    def __init__(self, sources: list[Callable[[], Iterable[RowBatch | ChunkMark]]],
                 ctx: ReadContext) -> None:
        mp = multiprocessing.get_context("fork")
        self.ctx = ctx
        self.receives: list[Any] = []
        self.processes: list[Any] = []
        try:
            for source in sources:
                self._start(mp, source, ctx)
        except BaseException:  # Ctrl-C included: the workers started so far stop
            self.close()
            raise

    def _start(self, mp: Any, source: Callable[[], Iterable[RowBatch | ChunkMark]],
               ctx: ReadContext) -> None:
        receive, send = mp.Pipe(duplex=False)
        self.receives.append(receive)
        # each worker gets the reading ends open so far, its own and its elders', to close
        process = mp.Process(target=_produce, daemon=True,
                             args=(source, send, list(self.receives), ctx))
        try:
            with _sigint_held():
                process.start()
                self.processes.append(process)
        finally:
            send.close()

    def __iter__(self) -> Iterator[RowBatch]:
        turn, ended = 0, None
        while True:
            worker = turn % len(self.receives)
            try:
                data = self.receives[worker].recv_bytes()
            except (EOFError, OSError):  # OSError: the worker was killed in mid-message
                raise self._died(worker) from None
            kind, payload, skipped = _loads(data)
            self.ctx.skipped.extend(skipped)
            if kind == "batch":
                yield payload
            elif kind == "start":  # a shared chunk: it must start where the last one ended
                if ended is not None and payload != ended:
                    raise UnevenShares(f"a chunk starts at line {payload}, not {ended}")
            elif kind == "end":  # the next chunk is the next worker's
                turn, ended = turn + 1, payload
            elif kind == "done":
                return
            else:
                raise _rebuild(payload)

    def _died(self, worker: int) -> RescuewatchError:
        """The one-line error for a worker that ended without a word (killed, out of memory)."""
        process = self.processes[worker]
        process.join(timeout=5)
        code = process.exitcode
        how = f"was killed by signal {-code}" if code is not None and code < 0 else "ended unexpectedly"
        return RescuewatchError(
            f"a parsing worker process {how}; the file was not stored",
            hint=f"run the ingest again; should it recur, short of memory for instance, "
                 f"{WORKER_ENV}=0 parses without workers",
        )

    def close(self) -> None:
        for process in self.processes:
            if process.is_alive():
                process.terminate()
        for process in self.processes:
            process.join()
        for receive in self.receives:
            receive.close()


#: Ctrl-C and kill (SIGTERM), held back while a worker is forked.
_HELD_SIGNALS = {signal.SIGINT, signal.SIGTERM}


@contextmanager
def _sigint_held() -> Iterator[None]:
    """SIGINT and SIGTERM held back while a worker is forked, and delivered after.

    Python runs its at-fork hooks (logging's, ...) in the parent after a fork; Ctrl-C
    landing in one is only printed as "Exception ignored" and the ingest went on to store the
    file. Held, it raises here once the fork is over. The worker unblocks it for itself.
    """
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a held Ctrl-C raises here


def _produce(source: Callable[[], Iterable[RowBatch | ChunkMark]], send: Any,
             receives: list[Any], ctx: ReadContext) -> None:
    """A worker: send each batch of ``source()`` with the rows skipped while it was read."""
    # The fork copied the pipes' reading ends too; closed here, so that when the parent dies
    # (even by SIGKILL) the next send fails with BrokenPipeError instead of blocking forever.
    for receive in receives:
        receive.close()
    # what the parent had is never garbage here: keep collections from walking it again
    gc.freeze()
    _rarer_collections()
    seen = len(ctx.skipped)

    def new_skipped() -> list[dict[str, Any]]:
        nonlocal seen
        fresh = ctx.skipped[seen:]
        seen = len(ctx.skipped)
        return fresh

    outbox = _Outbox(send)
    try:
        # the parent stops a worker with SIGTERM (which the command line turns into Ctrl-C):
        # here it must end the worker at once
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD_SIGNALS)  # held while forking
        for batch in source():
            if isinstance(batch, ChunkMark):
                outbox.put((batch.kind, batch.position, new_skipped()))
            else:
                outbox.put(("batch", batch, new_skipped()))
        outbox.put(("done", None, new_skipped()))
    except BrokenPipeError:  # the parent is gone (killed, or it stopped reading)
        return
    except BaseException as exc:  # noqa: BLE001 - every error goes to the parent, Ctrl-C too
        with suppress(BrokenPipeError):
            outbox.put(("error", _portable(exc), new_skipped()))
    finally:
        outbox.close()


class _Outbox:
    """Messages serialised here and written to the pipe by a thread, in order.

    A batch is megabytes and the pipe holds 64 KiB: written from the worker's own thread, the
    worker would wait while the parent inserts the previous batch, instead of building the
    next one. The writing thread waits instead (the write releases the GIL); at most
    :data:`OUTBOX_BATCHES` serialised batches wait with it, so memory stays flat.
    """

    def __init__(self, send: Any) -> None:
        self.send = send
        self.queue: queue.Queue[bytes | None] = queue.Queue(maxsize=OUTBOX_BATCHES)
        self.broken = False
        self.thread = threading.Thread(target=self._write, daemon=True)
        self.thread.start()

    def put(self, message: tuple[str, Any, list[dict[str, Any]]]) -> None:
        data = _dumps(message)
        while not self.broken:
            with suppress(queue.Full):
                self.queue.put(data, timeout=0.5)
                return
        raise BrokenPipeError

    def _write(self) -> None:
        while (data := self.queue.get()) is not None:
            try:
                self.send.send_bytes(data)
            except OSError:  # the parent is gone: stop, and let put() say so
                self.broken = True
                return

    def close(self) -> None:
        """Wait until everything put is written (or the pipe broke), then close the pipe."""
        while self.thread.is_alive():
            with suppress(queue.Full):
                self.queue.put(None, timeout=0.5)
                break
        self.thread.join()
        self.send.close()


def _dumps(message: Any) -> bytes:
    """``message`` as bytes: marshal when it holds only plain values (a batch of rows: about
    twice as fast as pickle to write, a sixth faster to read), else pickle."""
    try:
        return b"m" + marshal.dumps(message)
    except ValueError:
        return b"p" + pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)


def _loads(data: bytes) -> Any:
    body = memoryview(data)[1:]
    return marshal.loads(body) if data[:1] == b"m" else pickle.loads(body)


def _portable(exc: BaseException) -> Any:
    """An exception in a form that survives the pipe with its file, row and column."""
    if isinstance(exc, RescuewatchError):
        return (type(exc), exc.message,
                {"path": exc.path, "row": exc.row, "field": exc.field, "hint": exc.hint})
    try:
        pickle.dumps(exc)
        return exc
    except Exception:  # noqa: BLE001 - an exception holding something unpicklable
        return RuntimeError(f"{type(exc).__name__}: {exc}")


def _rebuild(payload: Any) -> BaseException:
    if isinstance(payload, tuple):
        cls, message, where = payload
        return cls(message, **where)  # type: ignore[no-any-return]
    return payload  # type: ignore[no-any-return]


def iter_parcels(origins: list[str], fmt: str = "auto", ctx: ReadContext | None = None) -> Iterator[tuple[InputFile, Parcel]]:
    """Read inputs without a store (for ``rescuewatch extract``)."""
    ctx = ctx or ReadContext()
    with tempfile.TemporaryDirectory(prefix="rescuewatch-") as tmp:
        for origin in expand(origins):
            item = open_input(origin, Path(tmp))
            for parcel in choose_reader(item, fmt).read(item, ctx):
                yield item, parcel
