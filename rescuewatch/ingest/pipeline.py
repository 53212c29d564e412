"""Ingest: read inputs with their readers and write documents and claims to the store.

Each input is written in one transaction: it lands whole or not at all. Identical bytes are
recognised by their SHA-256 and reported as duplicates without being read again.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rescuewatch.errors import InputError
from rescuewatch.ingest.base import InputFile, Parcel, ReadContext, choose_reader
from rescuewatch.store import Store
from rescuewatch.store.claims import add_claims

MAX_URL_BYTES = 50 * 1024 * 1024


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
    early instead of after half the inputs were stored.
    """
    out: list[str] = []
    for origin in origins:
        if is_url(origin):
            out.append(origin)
            continue
        path = Path(origin)
        if path.is_dir():
            files = sorted(
                p for p in path.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            out.extend(str(p) for p in files)
        elif path.exists():
            out.append(origin)
        else:
            raise InputError("no such file or folder", path=origin)
    return out


def is_url(origin: str) -> bool:
    return origin.startswith(("http://", "https://"))


def open_input(origin: str, workdir: Path) -> InputFile:
    """A local file as it is, or a URL fetched into ``workdir`` (raw bytes kept unaltered)."""
    if not is_url(origin):
        return InputFile.from_path(Path(origin))
    import httpx

    target = workdir / "fetched"
    try:
        with httpx.stream("GET", origin, follow_redirects=True, timeout=30.0) as response:
            if response.status_code >= 400:
                raise InputError(f"the server answered HTTP {response.status_code}", path=origin)
            size = 0
            with target.open("wb") as fh:
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > MAX_URL_BYTES:
                        raise InputError(f"larger than {MAX_URL_BYTES // 2**20} MB", path=origin)
                    fh.write(chunk)
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


def ingest(
    store: Store,
    origins: list[str],
    *,
    fmt: str = "auto",
    ctx: ReadContext | None = None,
    on_input: Callable[[str], None] | None = None,
) -> IngestReport:
    """Ingest every input in ``origins`` into ``store``, one transaction per input."""
    report = IngestReport()
    ctx = ctx or ReadContext()
    with tempfile.TemporaryDirectory(prefix="rescuewatch-") as tmp:
        for origin in expand(origins):
            if on_input is not None:
                on_input(origin)
            ctx.skipped = []
            item = open_input(origin, Path(tmp))
            report.inputs.append(ingest_input(store, item, fmt, ctx))
    return report


def ingest_input(store: Store, item: InputFile, fmt: str, ctx: ReadContext) -> InputReport:
    """Read one input and write it in a single transaction."""
    with store.transaction() as conn:
        if store.document_id(conn, item.sha256) is not None:
            return InputReport(item.origin, fmt, "duplicate", duplicates=1, sha256=item.sha256)
        reader = choose_reader(item, fmt)
        result = InputReport(item.origin, reader.name, "ingested", sha256=item.sha256)
        run_id = store.start_run(conn, item.origin, reader.name)
        for parcel in reader.read(item, ctx):
            if store.document_id(conn, parcel.sha256) is not None:
                result.duplicates += 1
                continue
            result.claims += _write_parcel(store, conn, parcel, run_id, item, ctx)
            result.documents += 1
        store.record_skipped(conn, run_id, ctx.skipped)
        result.skipped_rows = len(ctx.skipped)
        if result.documents == 0 and result.duplicates:
            result.status = "duplicate"
        store.finish_run(conn, run_id, result.documents, result.claims, result.skipped_rows)
        return result


def _write_parcel(
    store: Store, conn: Any, parcel: Parcel, run_id: int, item: InputFile, ctx: ReadContext
) -> int:
    source_id = store.source_id(conn, parcel.source)
    store.put_blob(conn, parcel.sha256, parcel.raw())
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
    return add_claims(conn, document_id, parcel.claims, on_batch=ctx.on_rows)


def iter_parcels(origins: list[str], fmt: str = "auto", ctx: ReadContext | None = None) -> Iterator[tuple[InputFile, Parcel]]:
    """Read inputs without a store (for ``rescuewatch extract``)."""
    ctx = ctx or ReadContext()
    with tempfile.TemporaryDirectory(prefix="rescuewatch-") as tmp:
        for origin in expand(origins):
            item = open_input(origin, Path(tmp))
            for parcel in choose_reader(item, fmt).read(item, ctx):
                yield item, parcel
