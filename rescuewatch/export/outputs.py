"""Where an export (or a report, or a registry CSV) is written: standard output, a regular
file, or a device or pipe.

A regular file is written beside its target and renamed into place only when complete, so a
failed export never leaves a truncated file that looks finished. A symlink is followed: the
file it points to is replaced and the link stays. A path that exists but is not a regular file
(``/dev/null``, a named pipe ...) cannot be replaced by renaming and is written in place. A new
file gets the usual mode (0666 less the umask); a replaced file keeps its mode.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import secrets
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

from rescuewatch.errors import InputError, RescuewatchError, no_room, os_reason


@contextlib.contextmanager
def text_output(output: str, option: str = "-o") -> Iterator[TextIO]:
    """A UTF-8 text stream to ``output`` ("-" is standard output), given with ``option``."""
    if output == "-":
        with _stdout_text(option) as stream:
            yield stream
        return
    with file_output(output, option) as path, path.open("w", encoding="utf-8", newline="") as stream:
        yield stream


@contextlib.contextmanager
def _stdout_text(option: str) -> Iterator[TextIO]:
    if getattr(sys.stdout, "buffer", None) is None:  # a stream without bytes underneath (rare)
        sys.stdout.flush()
        yield sys.stdout
        sys.stdout.flush()
        return
    with stdout_bytes(option) as raw:
        stream = io.TextIOWrapper(raw, encoding="utf-8", newline="", write_through=False)
        try:
            yield stream
        finally:
            stream.flush()
            stream.detach()


@contextlib.contextmanager
def stdout_bytes(option: str = "-o") -> Iterator[BinaryIO]:
    """Standard output as bytes, every one written or an error raised: a one-line
    :class:`RescuewatchError` (a reader that went away, ``| head``, is left to Click, which
    ends quietly).

    Written through a buffered writer of its own on the descriptor: with PYTHONUNBUFFERED
    (``python -u``) ``sys.stdout.buffer`` is the raw file, whose ``write`` may write only part
    of what it is given (a disk filling up, a pipe closed midway) and say so only in the count
    it returns. A report went out cut short, with "report written" and exit code 0.
    """
    sys.stdout.flush()
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # no descriptor (a test runner's stream)
        buffer = sys.stdout.buffer
        yield buffer
        buffer.flush()
        return
    try:
        with open(fd, "wb", closefd=False) as stream:
            yield stream
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise _unwritable_stdout(option, exc) from exc


@contextlib.contextmanager
def file_output(output: str, option: str = "-o") -> Iterator[Path]:
    """The path to write the export of ``output`` to: a temporary file or ``output`` itself.

    Any ``OSError`` while writing (no such folder, permission denied, disk full ...) becomes a
    one-line :class:`InputError` naming ``output`` and how to fix it with ``option`` (the
    command's option that gave the path). Reading the store raises SQLAlchemy's own errors,
    never a bare ``OSError``, so an ``OSError`` here is the output's.
    """
    try:
        target = _target(output, option)
        if target.exists() and not target.is_file():
            yield target
            return
        with _replacing(target) as tmp:
            yield tmp
    except OSError as exc:
        raise _unwritable(output, option, exc) from exc


def check_output(output: str, option: str = "-o") -> None:
    """Refuse at once a path :func:`file_output` could not write (a folder, a missing folder, a
    SQLite database, a folder without write permission), before a command works for minutes
    and only then fails. Standard output ("-"), devices and pipes pass."""
    if output == "-":
        return
    try:
        target = _target(output, option)
        if not target.exists() or target.is_file():
            _create_beside(target).unlink()
    except OSError as exc:
        raise _unwritable(output, option, exc) from exc


def _unwritable(output: str, option: str, exc: OSError) -> RescuewatchError:
    if no_room(exc):  # not a bad option: the same path works once there is room
        folder = os.path.dirname(os.path.realpath(output))
        return RescuewatchError(
            f"cannot write the file: {os_reason(exc)}", path=output,
            hint=f"free space on the device holding {folder}, or give {option} a file on "
                 "another device")
    return InputError(f"cannot write the file: {exc.strerror or exc}", path=output,
                      hint=f"give {option} a file in a folder you can write to")


def _unwritable_stdout(option: str, exc: OSError) -> RescuewatchError:
    hint = (f"free space on the device it goes to, or give {option} a file on another device"
            if no_room(exc) else None)
    return RescuewatchError(f"cannot write standard output: {os_reason(exc)}", hint=hint)


def _target(output: str, option: str) -> Path:
    # realpath follows every symlink, so the temporary file lands beside the file that will
    # be replaced (a rename replaces a link itself, not what it points to).
    target = Path(os.path.realpath(output))
    if not target.exists() and os.path.exists(output):
        # /dev/stdout on a pipe: its link names "pipe:[N]", no path, but opening it works
        target = Path(output)
    if target.is_dir():
        raise InputError("is a folder, not a file", path=output,
                         hint=f"give {option} a file name inside it")
    if not target.parent.exists():
        raise InputError(f"the folder {target.parent} does not exist", path=output,
                         hint=f"create it first, or give {option} a path in an existing folder")
    if target.is_file() and _is_sqlite(target):  # not a pipe: reading it would wait for a writer
        raise InputError("is a SQLite database, perhaps a store: it is not overwritten",
                         path=output, hint=f"give {option} another file name")
    return target


#: The first bytes of every SQLite database file.
_SQLITE_MAGIC = b"SQLite format 3\x00"


def _is_sqlite(path: Path) -> bool:
    """Whether ``path`` is a SQLite database: the store itself (``-o rescuewatch.db``, a slip
    of the shell's completion) would otherwise be replaced by the export, evidence and all."""
    try:
        with path.open("rb") as fh:
            return fh.read(len(_SQLITE_MAGIC)) == _SQLITE_MAGIC
    except OSError:  # missing, or not readable: nothing to protect that could be told
        return False


@contextlib.contextmanager
def _replacing(target: Path) -> Iterator[Path]:
    mode = _mode(target)
    tmp = _create_beside(target)
    try:
        yield tmp
        if mode is not None:
            os.chmod(tmp, mode)  # only now: a read-only mode would stop the writer opening it
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _mode(path: Path) -> int | None:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return None


def _create_beside(target: Path) -> Path:
    """A new empty file next to ``target``.

    Created with mode 0666 so the umask applies as for any new file (``mkstemp`` would give
    0600); ``O_EXCL`` makes the name ours alone.
    """
    for _ in range(10):
        tmp = target.with_name(_temporary_name(target.name, secrets.token_hex(6)))
        try:
            os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return tmp
    raise FileExistsError(errno.EEXIST, "no free temporary file name", str(target.parent))


#: The longest file name (in bytes) of the usual file systems (ext4, XFS, Btrfs, tmpfs).
NAME_MAX = 255


def _temporary_name(name: str, token: str) -> str:
    """``.NAME.TOKEN.part``, with NAME cut short where the whole would pass :data:`NAME_MAX`:
    a target of 240 bytes or more, a name the file system takes, was refused as too long."""
    suffix = f".{token}.part"
    room = NAME_MAX - 1 - len(suffix.encode())
    head = name.encode()[:room].decode("utf-8", "ignore")  # not in the middle of a character
    return f".{head}{suffix}"
