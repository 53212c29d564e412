"""A real uvicorn server for a store, on a free port, in a background thread."""

from __future__ import annotations

import importlib.util
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn

from rescuewatch.store import Store
from rescuewatch.web.app import create_app
from tests.pg import pg_bindir, temporary_postgres

#: The stores a web test runs on: parametrise a fixture with these and give it to
#: :func:`served_on`.
BACKENDS = [
    "sqlite",
    pytest.param("postgresql", marks=pytest.mark.skipif(
        pg_bindir() is None or importlib.util.find_spec("psycopg") is None,
        reason="no PostgreSQL server binaries or psycopg 3 here")),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(store: Store) -> Iterator[str]:
    """The base URL of the web app serving ``store`` while the block runs."""
    port = free_port()
    config = uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


def served_on(backend: str, folder: Path, seed: Callable[[Store], None]) -> Iterator[str]:
    """The base URL of a server of a new store that ``seed`` fills: a SQLite file in
    ``folder`` (``backend`` "sqlite") or a throw-away PostgreSQL server ("postgresql")."""
    def served(url: str) -> Iterator[str]:
        store = Store.open(url)
        try:
            seed(store)
            with serving(store) as address:
                yield address
        finally:
            store.dispose()

    if backend == "sqlite":
        yield from served(f"sqlite:///{folder / 'web.db'}")
    else:
        with temporary_postgres() as url:
            yield from served(url)
