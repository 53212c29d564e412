"""Rules added after the fourth generalisation round (an analyst ingesting self-written news
text): "one" as a count whose noun is left out.

Every sentence here was written for these tests (none is copied from a report, none is a
passage of the labelled sets); place rules come as mirror pairs.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rescuewatch.model import Claim
from tests.extract.conftest import victims

Extract = Callable[..., list[Claim]]
PUB = "2025-03-26"  # a Wednesday


def one(extract: Extract, text: str, lang: str, published: str | None = PUB) -> Claim:
    claims = [c for c in extract(text, published, lang) if not c.is_aggregate]
    assert len(claims) == 1, [(c.place, c.victims) for c in claims]
    return claims[0]


# --- "three were killed and one injured": "one" opening its own clause is a count -----------

ELIDED_ONE = [
    ("Three aid workers were killed and one was injured when their convoy was hit near Sumy on "
     "Monday.",
     "Three aid workers were killed and one was injured when their convoy was hit near Belgorod on "
     "Monday.", "aid_worker", (3, 1)),
    ("Two paramedics were killed and one injured in Kherson on Monday.",
     "Two paramedics were killed and one injured in Donetsk on Monday.", "medic", (2, 1)),
    ("A drone hit a fire engine in Nikopol on Monday; two firefighters were hurt and one killed.",
     "A drone hit a fire engine in Horlivka on Monday; two firefighters were hurt and one killed.",
     "firefighter", (1, 2)),
]


@pytest.mark.parametrize(("first", "mirror", "cat", "counts"), ELIDED_ONE)
def test_one_opening_a_coordinated_clause_counts(extract: Extract, first: str, mirror: str,
                                                 cat: str, counts: tuple[int, int]) -> None:
    for text in (first, mirror):
        assert victims(one(extract, text, "en"))[cat] == counts


def test_one_with_its_noun_is_not_counted_twice(extract: Extract) -> None:
    c = one(extract, "Two paramedics were injured in Kherson on Monday, and one ambulance was "
                     "destroyed.", "en")
    assert victims(c)["medic"] == (None, 2)
