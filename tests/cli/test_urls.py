"""Ingesting URLs from a real local web server: raw bytes kept, clear errors, store untouched."""

from __future__ import annotations

import contextlib
import hashlib
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select

from rescuewatch.store import Store
from rescuewatch.store import schema as s
from tests.conftest import Invoker, store_file_bytes

PAGE = b"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Ambulance struck near a market</title>
<meta property="article:published_time" content="2024-05-14T09:00:00Z">
</head><body><nav>Home | World | Contact</nav><article><h1>Ambulance struck near a market</h1>
<p>An ambulance was hit by a drone on Monday near the central market of Kramatorsk, the
regional health department said. One paramedic was killed and two were injured.</p>
<p>The department said the crew had been called to help people wounded earlier that
morning. No independent confirmation was available.</p></article>
<footer>Example outlet, all rights reserved</footer></body></html>"""


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        if self.path == "/story.html":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(PAGE)))
            self.end_headers()
            self.wfile.write(PAGE)
        elif self.path == "/trickle.txt":  # a byte at a time, each well within the timeout
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            with contextlib.suppress(OSError):
                for _ in range(100):
                    self.wfile.write(b"a")
                    self.wfile.flush()
                    time.sleep(0.1)
        elif self.path.startswith("/status/"):
            self.send_error(int(self.path.rsplit("/", 1)[1]))
        else:
            self.send_error(404)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_url_is_fetched_and_its_bytes_kept(rw: Invoker, db_url: str, server: str) -> None:
    result = rw("ingest", f"{server}/story.html")
    assert result.exit_code == 0, result.output
    store = Store.open(db_url, create=False)
    try:
        with store.engine.connect() as conn:
            doc = conn.execute(select(s.documents)).mappings().one()
        assert doc["origin"] == f"{server}/story.html"
        assert doc["sha256"] == hashlib.sha256(PAGE).hexdigest()
        assert store.read_blob(doc["sha256"]) == PAGE
        assert doc["format"] == "html"
        assert "Ambulance struck" in (doc["title"] or "")
        assert all(item["status"] == "ok" for item in store.verify())
    finally:
        store.dispose()


@pytest.mark.parametrize("path", ["missing.html", None])
def test_url_that_fails_is_one_line_and_changes_nothing(
    rw: Invoker, db_url: str, server: str, tmp_path: Path, path: str | None
) -> None:
    seed = tmp_path / "seed.txt"
    seed.write_text("Published: 2024-01-02\n\nA paramedic was injured in Kharkiv.", encoding="utf-8")
    assert rw("ingest", str(seed)).exit_code == 0
    before = store_file_bytes(db_url)
    url = f"{server}/{path}" if path else f"http://127.0.0.1:{_closed_port()}/story.html"
    result = rw("ingest", url)
    assert result.exit_code != 0
    error = result.output.strip().splitlines()
    assert len(error) == 1 and url in error[0], result.output
    assert ("HTTP 404" in error[0]) if path else ("could not fetch" in error[0])
    assert store_file_bytes(db_url) == before


@pytest.mark.parametrize(("status", "advice"), [
    (404, "check the address"), (403, "needs a login"), (503, "try again later"),
    (408, "try again later")])  # the server timed out: the address may well be right
def test_an_http_error_says_what_to_do(rw: Invoker, server: str, status: int,
                                       advice: str) -> None:
    result = rw("ingest", f"{server}/status/{status}")
    assert result.exit_code == 2
    assert f"HTTP {status}" in result.output and advice in result.output


def test_a_server_that_trickles_its_answer_is_given_up_on(
        rw: Invoker, db_url: str, server: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # a byte every few seconds never reached the 30-second read timeout: the ingest waited
    # for as long as the server went on
    from rescuewatch.ingest import pipeline

    monkeypatch.setattr(pipeline, "FETCH_GRACE_SECONDS", 1.0)
    seed = tmp_path / "seed.txt"
    seed.write_text("Published: 2024-01-02\n\nA paramedic was injured in Kharkiv.", encoding="utf-8")
    assert rw("ingest", str(seed)).exit_code == 0
    before = store_file_bytes(db_url)
    started = time.monotonic()
    result = rw("ingest", f"{server}/trickle.txt")
    assert time.monotonic() - started < 5
    assert result.exit_code == 2
    error = result.output.strip().splitlines()
    assert len(error) == 1 and "/trickle.txt: the server sends too slowly" in error[0], error
    assert store_file_bytes(db_url) == before
