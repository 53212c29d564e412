"""Extract: report text in English, Russian and Ukrainian → sourced, geocoded claims.

>>> import datetime as dt
>>> from rescuewatch.extract import extract_text
>>> claims = extract_text("On Tuesday, a drone struck an ambulance in Kherson, injuring two "
...                       "paramedics.", published=dt.date(2024, 3, 7))   # doctest: +SKIP
>>> [(v.category, v.injured) for v in claims[0].victims]                 # doctest: +SKIP
[('ambulance', None), ('medic', 2)]

Modules: :mod:`.base` (the pluggable :class:`Extractor` interface, registry and the
``rescuewatch.extractors`` entry point group), :mod:`.pipeline` (the default rule-based
extractor), :mod:`.rules`, :mod:`.lexicon`, :mod:`.cues`, :mod:`.numbers`, :mod:`.dates`,
:mod:`.places`, :mod:`.language`, :mod:`.tokens`. ``claim.schema.json`` is the JSON Schema of
one line of ``rescuewatch extract --format jsonl``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rescuewatch.model import Claim

SCHEMA_PATH = Path(__file__).with_name("claim.schema.json")


def extract_text(
    text: str, *, published: dt.date | None = None, lang: str | None = None, extractor: str = "rules"
) -> list[Claim]:
    """The claims of one text by the named extractor (default: the offline rule-based one)."""
    from rescuewatch.extract.base import get_extractor

    return get_extractor(extractor).extract(text, published=published, lang=lang)


__all__ = ["SCHEMA_PATH", "extract_text"]
