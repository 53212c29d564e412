"""The ``rescuewatch`` command line: a thin layer over the library.

Commands live in small modules under ``rescuewatch.cli`` and are imported only when invoked,
so ``rescuewatch --help`` answers at once. Library errors become one line on stderr and a
non-zero exit code.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import io
import logging
import os
import signal
import sys
import threading
from typing import Any

import click

from rescuewatch import __version__

# psycopg logs a warning ("error ignored terminating <psycopg.Pipeline ...>: canceling statement
# due to user request") when Ctrl-C or an error ends a batch of inserts; with no logging set up,
# Python printed it to stderr beside the one-line error that already says what happened. A
# handler of its own, doing nothing, keeps it from that fallback; a program that sets up
# logging (a handler on the root logger) still receives it.
logging.getLogger("psycopg").addHandler(logging.NullHandler())

#: command name -> "module:function" (the module is imported only when the command runs).
COMMANDS: dict[str, tuple[str, str]] = {
    "ingest": ("rescuewatch.cli.store_cmds:ingest", "Read files, folders and URLs into the store."),
    "extract": ("rescuewatch.cli.extract_cmds:extract", "Print the claims found in documents, without a store."),
    "link": ("rescuewatch.cli.link_cmds:link", "Group claims about the same event into incidents."),
    "assess": ("rescuewatch.cli.link_cmds:assess", "Grade the certainty of every incident."),
    "review": ("rescuewatch.cli.review_cmds:review", "List, merge, split, reject and grade incidents by hand."),
    "audit": ("rescuewatch.cli.review_cmds:audit", "Show the audit log of changes."),
    "sources": ("rescuewatch.cli.review_cmds:sources", "Show and edit the source registry."),
    "analyse": ("rescuewatch.cli.analyse_cmds:analyse", "Repeat strikes, space-time clustering, trends, coverage."),
    "report": ("rescuewatch.cli.analyse_cmds:report", "Write the self-contained HTML report."),
    "export": ("rescuewatch.cli.store_cmds:export", "Write claims or incidents as HXL CSV, GeoJSON, ACLED CSV, ..."),
    "stats": ("rescuewatch.cli.store_cmds:stats", "Count sources, documents, claims and incidents."),
    "verify": ("rescuewatch.cli.store_cmds:verify", "Re-hash every stored document and report mismatches."),
    "skipped": ("rescuewatch.cli.runs_cmds:skipped", "List the rows --skip-bad-rows left out, with why."),
    "serve": ("rescuewatch.cli.web_cmds:serve", "Run the web app and API."),
    "run": ("rescuewatch.cli.run_cmd:run", "Run the whole main job on its inputs."),
}


class OneLineError(click.ClickException):
    """A library error shown as ``Error: <file>, row <n>, column '<c>': <what> (<how to fix>)``."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = code  # type: ignore[misc]


def usage_line(exc: click.UsageError) -> click.ClickException:
    """A usage error as one line (exit code 2) that names the help to read, in place of
    Click's usage block, blank line and error (four lines); a bare group still shows its
    help (Click's ``NoArgsIsHelpError``)."""
    if type(exc).__name__ == "NoArgsIsHelpError":
        return exc
    message = " ".join(exc.format_message().split())
    if exc.ctx is not None:
        message = f"{message.rstrip('.')} (see '{exc.ctx.command_path} --help')"
    return OneLineError(message, exc.exit_code)


#: What an interruption leaves out, by command: each input, and each step of the other
#: commands, is written in one transaction (an export file is renamed into place when whole).
_NOT_KEPT = {"ingest": "the input being read was not stored",
             "": "what the command was writing was not stored"}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if self._available(name)]

    def _available(self, name: str) -> bool:
        module = COMMANDS[name][0].split(":")[0]
        return importlib.util.find_spec(module) is not None

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS or not self._available(cmd_name):
            return None
        module_name, attr = COMMANDS[cmd_name][0].split(":")
        command = getattr(importlib.import_module(module_name), attr)
        assert isinstance(command, click.Command)
        return command

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:  # an unknown or bad option before the command
            raise usage_line(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        from rescuewatch.cli.common import safe
        from rescuewatch.errors import RescuewatchError, no_room, os_reason

        # safe(): a message quotes file names, URLs and cells, untrusted text whose control
        # characters (an OSC 52 escape writes the terminal's clipboard) must not reach it raw
        try:
            result = super().invoke(ctx)
            sys.stdout.flush()  # here, where a full disk is caught, not at exit (code 120)
            return result
        except click.UsageError as exc:  # an unknown command, or a command's bad option
            raise usage_line(exc) from None
        except RescuewatchError as exc:
            raise OneLineError(safe(exc), exc.exit_code) from exc
        except OSError as exc:
            if not no_room(exc):
                raise
            # a write no command names for itself: standard output, a temporary file
            what = "standard output" if _stdout_failed() else safe(exc.filename or "the output")
            raise OneLineError(f"cannot write {what}: {os_reason(exc)} (free space on "
                               "the device it goes to, then run this again)") from exc
        except KeyboardInterrupt as exc:
            # the shell's codes: 128 + the signal's number
            code = 128 + (signal.SIGTERM if isinstance(exc, Terminated) else signal.SIGINT)
            raise OneLineError(f"interrupted: {_NOT_KEPT.get(ctx.invoked_subcommand or '', _NOT_KEPT[''])}",
                               code) from None
        except Exception as exc:  # a read outside any transaction, on a busy, read-only or
            # gone store
            from rescuewatch.store.core import command_error

            known = command_error(exc, None)
            if known is None:
                raise
            raise OneLineError(safe(known), known.exit_code) from exc

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rescuewatch")
def cli() -> None:
    """Document and analyse attacks on medical and rescue workers in armed conflict.

    Every statement is kept as a claim by a named source; claims about the same event become
    incidents with a certainty grade. The store is a SQLAlchemy URL given with --db on each
    command or RESCUEWATCH_DB, by default the SQLite file rescuewatch.db here.

    \b
    Examples:
      rescuewatch run examples/
      rescuewatch ingest ../shared/data/ucdp_ged191_syria_2016-01_2019-11.csv.gz
      rescuewatch extract report.txt --format jsonl
      rescuewatch export --format hxl-csv --level incidents -o incidents.csv
    """


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the console script."""
    if threading.current_thread() is threading.main_thread():  # where handlers can be set
        signal.signal(signal.SIGTERM, _terminated)
    _whole_writes()
    return cli.main(args=argv, prog_name="rescuewatch")


def _whole_writes() -> None:
    """Standard output and error through a buffered layer, where PYTHONUNBUFFERED (``python
    -u``) left them text straight over the raw file: its ``write`` may take only part of what
    it is given (a disk filling up) and say so only in the count it returns, which the text
    layer ignores. A JSON answer was cut short with exit code 0. Line-buffered, as unbuffered
    output is meant to be seen at once."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if not isinstance(getattr(stream, "buffer", None), io.RawIOBase):
            continue
        stream.flush()
        # the descriptor stays open (closefd=False) for the original stream, which keeps it
        whole = open(stream.fileno(), "w", buffering=1, encoding=stream.encoding,  # noqa: SIM115
                     errors=stream.errors, closefd=False)
        setattr(sys, name, whole)


def _stdout_failed() -> bool:
    """Whether standard output cannot take what waits in its buffer. If so, that is sent to
    /dev/null: Python would try it again at exit, print a second error and exit with 120."""
    try:
        sys.stdout.flush()
        return False
    except OSError:
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        return True


class Terminated(KeyboardInterrupt):
    """``kill`` (SIGTERM), raised where Ctrl-C would be (see :func:`_terminated`)."""


def _terminated(signum: int, frame: Any) -> None:
    """``kill`` (SIGTERM) ends a command as Ctrl-C does: the open transaction is rolled back,
    the parsing workers are stopped, and one line says so. Without this the process died
    silently (the store stayed whole all the same)."""
    raise Terminated
