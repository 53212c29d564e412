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
    text: str, *, published: dt.date | str | None = None, lang: str | None = None,
    extractor: str = "rules",
) -> list[Claim]:
    """The claims of one text by the named extractor (default: the offline rule-based one).

    ``published`` is a :class:`datetime.date` or an ISO date (``"2024-03-07"``); ``lang`` is
    ``"en"``, ``"ru"``, ``"uk"``, or ``None``/``"auto"`` to detect it. Anything else raises
    :class:`ValueError`: a date given as text used to fail deep inside date resolution, and an
    unknown language silently gave no claims at all.
    """
    from rescuewatch.extract.base import get_extractor
    from rescuewatch.extract.language import LANGS

    if isinstance(published, str):
        given = published
        try:
            published = dt.date.fromisoformat(given)
        except ValueError as exc:
            raise ValueError(f"published={given[:40]!r} is not an ISO date "
                             "(give 'YYYY-MM-DD' or a datetime.date)") from exc
    elif isinstance(published, dt.datetime):
        published = published.date()
    elif published is not None and not isinstance(published, dt.date):
        raise ValueError(f"published must be a datetime.date or 'YYYY-MM-DD', not "
                         f"{type(published).__name__}")
    lang = lang.lower() if isinstance(lang, str) else lang
    if lang == "auto":
        lang = None
    if lang is not None and lang not in LANGS:
        raise ValueError(f"lang={lang[:40]!r} is not supported "
                         f"(give one of {', '.join(LANGS)}, or None to detect it)")
    return get_extractor(extractor).extract(text, published=published, lang=lang)


__all__ = ["SCHEMA_PATH", "extract_text"]
