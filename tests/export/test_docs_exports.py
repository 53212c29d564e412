"""docs/exports.md names every column of every export format."""

from __future__ import annotations

import pytest

from rescuewatch.export.acled import COLUMNS as ACLED_COLUMNS
from rescuewatch.export.hxl import CLAIM_TAGS, INCIDENT_TAGS
from rescuewatch.export.native import CLAIM_COLUMNS, INCIDENT_COLUMNS
from rescuewatch.model import VICTIM_CATEGORIES
from tests.conftest import ROOT

DOC = (ROOT / "docs" / "exports.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("column", sorted(set(CLAIM_COLUMNS) | set(INCIDENT_COLUMNS) | set(ACLED_COLUMNS)))
def test_column_documented(column: str) -> None:
    assert f"`{column}`" in DOC


@pytest.mark.parametrize("key", sorted(set(CLAIM_TAGS) | set(INCIDENT_TAGS)))
def test_hashtag_documented(key: str) -> None:
    tag = {**CLAIM_TAGS, **INCIDENT_TAGS}[key][1]
    category = next((c for c in VICTIM_CATEGORIES if tag.endswith("+" + c)), None)
    if category:  # per-category columns are documented by pattern
        assert tag.replace(category, "CATEGORY") in DOC and f"`{category}`" in DOC
    else:
        assert f"`{tag}`" in DOC
