"""The :class:`Gazetteer`: find, resolve and look up places offline."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from . import index as index_mod
from .index import CAND_INFLECTED
from .matcher import Hit, attach_district, drop_overlapping, scan
from .normalize import normalize_name, script_of
from .resolve import resolve_mentions
from .sources import KINDS
from .translit import latin_variants
from .types import GeoEntry, PlaceMention, ResolvedPlace
from .variants import fold_key

MAX_CANDIDATES = 60


class Gazetteer:
    """An offline gazetteer of GeoNames places (population ≥ 500), first-level areas and
    countries, with names in English, Russian and Ukrainian (and many other spellings).

    Use :meth:`load` (cached, shared per process) rather than the constructor.

    Parameters
    ----------
    index : dict
        A built index (see :mod:`rescuewatch.geo.index`).
    """

    _shared: ClassVar[Gazetteer | None] = None
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, index: dict[str, Any]) -> None:
        self._ix = index
        self._entries: dict[int, GeoEntry] = {}

    @classmethod
    def load(cls, path: Path | None = None, rebuild: bool = False) -> Gazetteer:
        """The process-wide gazetteer, loaded from the cache file (built when missing).

        Parameters
        ----------
        path : Path, optional
            Cache file to use instead of the default (see :func:`index.cache_path`);
            giving one returns a fresh, unshared gazetteer.
        rebuild : bool, default False
            Rebuild the index even if a cache file exists.

        Returns
        -------
        Gazetteer
            The gazetteer.
        """
        if path is not None or rebuild:
            return cls(index_mod.load_or_build(path, rebuild=rebuild))
        with cls._lock:
            if cls._shared is None:
                cls._shared = cls(index_mod.load_or_build())
            return cls._shared

    def __len__(self) -> int:
        return len(self._ix["geonameid"])

    @property
    def key_count(self) -> int:
        """Number of distinct normalised names and name forms indexed."""
        return len(self._ix["key_len"])

    def entry(self, i: int) -> GeoEntry:
        """The entry with internal number ``i``."""
        cached = self._entries.get(i)
        if cached is not None:
            return cached
        ix = self._ix
        kind = KINDS[int(ix["kind"][i])]
        cc, a1 = ix["country"][i], ix["admin1"][i]
        entry = GeoEntry(
            geonameid=int(ix["geonameid"][i]),
            name=ix["name"][i],
            country=cc,
            admin1_code=a1,
            admin1=ix["admin1_names"].get(f"{cc}.{a1}") if a1 else None,
            lat=float(ix["lat"][i]),
            lon=float(ix["lon"][i]),
            population=int(ix["population"][i]),
            kind=kind,
        )
        self._entries[i] = entry
        return entry

    def _candidates(self, key_id: int) -> tuple[list[GeoEntry], bool]:
        lo, hi = int(self._ix["cand_ptr"][key_id]), int(self._ix["cand_ptr"][key_id + 1])
        hi = min(hi, lo + MAX_CANDIDATES)
        flags = self._ix["cand_flags"][lo:hi]
        entries = [self.entry(int(e)) for e in self._ix["cand_entry"][lo:hi]]
        inflected = bool(len(flags)) and all(int(f) & CAND_INFLECTED for f in flags)
        return entries, inflected

    def find(self, text: str, lang: str | None = None) -> list[PlaceMention]:
        """Place names in a text, with their candidate entries.

        Parameters
        ----------
        text : str
            Report text in English, Russian, Ukrainian (or mixed).
        lang : str, optional
            Language hint (``"en"``, ``"ru"``, ``"uk"``). Matching is the same for every
            language, so the hint is accepted for interface stability only.

        Returns
        -------
        list of PlaceMention
            Mentions in text order; ``start``/``end`` index the original text.
        """
        del lang
        hits = scan(self._ix, text)
        hits = self._with_districts(text, hits)
        mentions = []
        for hit in hits:
            cands, inflected = self._candidates(hit.key_id)
            if hit.district:
                cands = [c for c in cands if c.kind == "city"]
            mentions.append(
                PlaceMention(
                    hit.start, hit.end, text[hit.start : hit.end], cands, hit.district, inflected
                )
            )
        return mentions

    def _with_districts(self, text: str, hits: list[Hit]) -> list[Hit]:
        out = list(hits)
        for hit in hits:
            if hit not in out:
                continue
            cands, _ = self._candidates(hit.key_id)
            if not any(c.kind == "city" for c in cands):
                continue
            wide = attach_district(text, hit)
            if wide is None:
                continue
            out = drop_overlapping([wide if h is hit else h for h in out], wide)
        return sorted(out, key=lambda h: h.start)

    def resolve(
        self, mentions: Sequence[PlaceMention], context_text: str | None = None
    ) -> list[ResolvedPlace]:
        """Choose one entry for each mention, explaining the choice.

        Parameters
        ----------
        mentions : sequence of PlaceMention
            From :meth:`find`.
        context_text : str, optional
            More text of the same document (title, other paragraphs) whose place names
            help to choose between homonyms.

        Returns
        -------
        list of ResolvedPlace
            One per mention, in order, each with a :class:`rescuewatch.model.Place` and ``why``.
        """
        context = self.find(context_text) if context_text else []
        return resolve_mentions(mentions, context)

    def geocode(self, text: str, lang: str | None = None) -> list[ResolvedPlace]:
        """:meth:`find` then :meth:`resolve` on one text."""
        return self.resolve(self.find(text, lang))

    def lookup(self, name: str, country: str | None = None) -> list[GeoEntry]:
        """Entries with exactly this name (any spelling or case form the index knows).

        Parameters
        ----------
        name : str
            A place name as a dataset gives it ("Horlivka", "Горловка", "Donetsk Oblast").
        country : str, optional
            ISO 3166-1 alpha-2 code to keep only that country's entries.

        Returns
        -------
        list of GeoEntry
            The most populous first; empty when the name is unknown.
        """
        out: list[GeoEntry] = []
        seen: set[int] = set()
        for automaton, key in self._lookup_keys(name):
            key_id = automaton.get(key, -1)
            if key_id < 0:
                continue
            for entry in self._candidates(int(key_id))[0]:
                if entry.geonameid not in seen and (
                    country is None or entry.country == country.upper()
                ):
                    seen.add(entry.geonameid)
                    out.append(entry)
        return sorted(out, key=lambda e: -e.population)

    def _lookup_keys(self, name: str) -> list[tuple[Any, str]]:
        plain, folded = self._ix["automaton"], self._ix.get("fold_automaton")
        key = normalize_name(name)
        keys = [(plain, key)]
        if script_of(name) == "cyrillic":
            keys += [(plain, normalize_name(v)) for v in sorted(latin_variants(name))]
        elif folded is not None:
            keys += [(folded, k) for k in sorted(fold_key(key))]
        return keys
