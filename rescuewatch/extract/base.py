"""The pluggable extractor interface and its registry.

An *extractor* turns the text of one document into :class:`rescuewatch.model.Claim` objects.
The default is the offline rule-based extractor (:mod:`rescuewatch.extract.pipeline`); others
(for example one backed by a local language model) register under the entry point group
``rescuewatch.extractors`` or with :func:`register`, and are chosen by name.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from typing import ClassVar

from rescuewatch.errors import InputError
from rescuewatch.model import Claim

ENTRY_POINT_GROUP = "rescuewatch.extractors"
DEFAULT_EXTRACTOR = "rules"
#: Longest text (characters) an extractor is asked to read; longer documents are refused.
MAX_TEXT_CHARS = 2_000_000


class Extractor(ABC):
    """Text to claims. Subclasses set ``name`` and ``version`` and implement :meth:`extract`."""

    name: ClassVar[str]
    version: ClassVar[str] = "0"

    @abstractmethod
    def extract(
        self, text: str, *, published: dt.date | None = None, lang: str | None = None
    ) -> list[Claim]:
        """The claims a document makes.

        Parameters
        ----------
        text : str
            The document text; evidence offsets index this string.
        published : datetime.date, optional
            Publication date, the base of relative dates ("yesterday"); without it only
            absolute dates resolve.
        lang : str, optional
            ``"en"``, ``"ru"`` or ``"uk"``; detected when omitted.

        Returns
        -------
        list of Claim
            Incident claims in text order, then aggregate claims.
        """


_EXTRACTORS: dict[str, type[Extractor]] = {}
_INSTANCES: dict[str, Extractor] = {}


def register(cls: type[Extractor]) -> type[Extractor]:
    """Class decorator adding an extractor to the registry under ``cls.name``."""
    _EXTRACTORS[cls.name] = cls
    return cls


def extractors() -> dict[str, type[Extractor]]:
    """Every known extractor: the built-in one and those of the entry point group."""
    import rescuewatch.extract.pipeline  # noqa: F401  (registers the default)
    from rescuewatch.plugins import entry_points_of

    for ep in entry_points_of(ENTRY_POINT_GROUP):
        if ep.name not in _EXTRACTORS:
            register(ep.load())
    return dict(_EXTRACTORS)


def get_extractor(name: str = DEFAULT_EXTRACTOR) -> Extractor:
    """A shared instance of the extractor called ``name``."""
    if name not in _INSTANCES:
        known = extractors()
        if name not in known:
            raise InputError(f"unknown extractor {name!r}", hint=f"choose from {', '.join(sorted(known))}")
        _INSTANCES[name] = known[name]()
    return _INSTANCES[name]


def check_text(text: str, path: str | None = None) -> None:
    """Refuse a text too long to extract from in bounded time and memory."""
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(
            f"text too long to extract from ({len(text):,} characters, limit {MAX_TEXT_CHARS:,})",
            path=path,
            hint="split the document",
        )
