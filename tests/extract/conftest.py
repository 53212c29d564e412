"""Fixtures for the extraction tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from rescuewatch.extract.base import get_extractor
from rescuewatch.model import Claim


@pytest.fixture(scope="session")
def extract() -> Callable[..., list[Claim]]:
    """``extract(text, "2024-03-07", lang=None)`` with the default extractor (gazetteer cached)."""
    ex = get_extractor()

    def run(text: str, published: str | None = None, lang: str | None = None) -> list[Claim]:
        day = dt.date.fromisoformat(published) if published else None
        return ex.extract(text, published=day, lang=lang)

    return run


def victims(claim: Claim) -> dict[str, tuple[int | None, int | None]]:
    return {v.category: (v.killed, v.injured) for v in claim.victims}


def contract(claim: Claim) -> dict[str, Any]:
    return claim.to_contract({"path": "t", "sha256": "0" * 64, "language": "en"})
