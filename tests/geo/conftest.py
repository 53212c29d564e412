"""Fixtures for the gazetteer tests: one gazetteer per session (built once, then cached)."""

from __future__ import annotations

import pytest

from rescuewatch.geo import Gazetteer


@pytest.fixture(scope="session")
def gaz() -> Gazetteer:
    """The shared gazetteer; the first run on a machine builds the cache (about 15 s)."""
    return Gazetteer.load()
