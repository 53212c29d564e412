"""``rescuewatch serve``: the web app and API."""

from __future__ import annotations

import click

from rescuewatch.cli.common import db_option, open_store


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (use 0.0.0.0 only behind an authenticating proxy).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535),
              help="Port to listen on.")
@db_option
def serve(host: str, port: int, db: str | None) -> None:
    """Run the web app (incidents, claims, evidence, map) and its JSON API.

    The app is read-only: changes go through `rescuewatch review`, which audits them.
    The API is described at /docs (OpenAPI: /openapi.json).

    \b
    Examples:
      rescuewatch serve
      rescuewatch serve --port 8080 --db postgresql+psycopg://monitor@localhost/rescuewatch
    """
    import uvicorn

    from rescuewatch.web.app import create_app

    app = create_app(open_store(db, create=False))
    _check_free(host, port)
    click.echo(f"serving on http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _check_free(host: str, port: int) -> None:
    """Say in one line that the address is taken (uvicorn logs a traceback line and exits 3,
    after "serving on" was printed), or that --host names no address of this machine."""
    import errno
    import os
    import socket

    from rescuewatch.errors import InputError

    try:
        socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        # a host that does not resolve, or is not this machine's, is not the port's fault
        if isinstance(exc, socket.gaierror) or exc.errno == errno.EADDRNOTAVAIL:
            reason = os.strerror(exc.errno) if exc.errno == errno.EADDRNOTAVAIL else exc.strerror
            raise InputError(f"cannot listen on {host}: {reason}", field="--host",
                             hint="give an address of this machine, such as 127.0.0.1") from None
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        raise InputError(f"cannot listen on {host}:{port}: {reason}", field="--port",
                         hint="another program uses it: stop it or give another --port") from None
