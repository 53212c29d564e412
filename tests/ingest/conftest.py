"""Fixtures of the ingest tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from rescuewatch.ingest import sheet_extent
from tests.conftest import Invoker

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ingest"


@pytest.fixture
def filled(rw: Invoker) -> Invoker:
    """The command runner over a store holding one input, for a refusal to leave as it was
    (a module may give its own)."""
    assert rw("ingest", str(FIXTURES / "who_ssa_export.csv")).exit_code == 0
    return rw


@pytest.fixture
def fresh_verdicts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test looks at its workbook anew (the same bytes come back with other limits)."""
    monkeypatch.setattr(sheet_extent, "_VERDICTS", {})
