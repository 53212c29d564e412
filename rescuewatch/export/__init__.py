"""Exports in the formats the humanitarian field uses (written by rescuewatch.export.writers)."""

from __future__ import annotations

from typing import Any


def write_export(store: Any, fmt: str, output: str, *, level: str = "claims",
                 protected_only: bool = False) -> int:
    """Write the store's claims or incidents to ``output`` in ``fmt``; returns the row count."""
    from rescuewatch.export.writers import write

    return write(store, fmt, output, level=level, protected_only=protected_only)
