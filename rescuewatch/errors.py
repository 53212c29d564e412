"""Errors that reach the user as one line naming the file, row and field, and how to fix it."""

from __future__ import annotations

import errno
import os


def warn(message: str) -> None:
    """A one-line warning on standard error (scripts see it too), for what the user should
    know but need not stop for."""
    import sys

    print(f"rescuewatch: warning: {message}", file=sys.stderr, flush=True)


class RescuewatchError(Exception):
    """Base of every error the CLI turns into a one-line message and a non-zero exit."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        row: int | str | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.row = row
        self.field = field
        self.hint = hint

    def __str__(self) -> str:
        where = []
        if self.path:
            where.append(str(self.path))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field:
            # a command-line option is named as typed; "column" is for fields of input rows
            where.append(self.field if self.field.startswith("-") else f"column {self.field!r}")
        text = (", ".join(where) + ": " if where else "") + self.message
        if self.hint:
            text += f" ({self.hint})"
        return text.replace("\n", " ")


class InputError(RescuewatchError):
    """The input cannot be read: wrong format, bad encoding, a bad value in a row."""

    exit_code = 2


class StoreError(RescuewatchError):
    """The store cannot be opened, migrated or written."""

    exit_code = 3


class IntegrityError(RescuewatchError):
    """Stored evidence no longer matches its hash, or is missing."""

    exit_code = 4


#: errno values of a write that found no room: a full disk, a file past the size limit
#: (``ulimit -f``), a full quota
NO_ROOM = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)


def no_room(exc: BaseException) -> bool:
    """Whether ``exc`` is a write that found no room (see :data:`NO_ROOM`)."""
    return isinstance(exc, OSError) and exc.errno in NO_ROOM


def os_reason(exc: OSError) -> str:
    """What went wrong as the system says it ("No space left on device"), without what a
    library wraps around it (pyarrow: "Error writing bytes to file. Detail: [errno 28] ...")."""
    return os.strerror(exc.errno) if exc.errno else str(exc.strerror or exc)
