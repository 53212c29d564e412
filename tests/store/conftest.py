"""Fixtures of the store tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.pg import temporary_postgres


@pytest.fixture(scope="module")
def pg_server() -> Iterator[str]:
    """A throw-away PostgreSQL server for one test module (its tests skip without binaries)."""
    with temporary_postgres() as url:
        yield url
