"""GeoJSON (RFC 7946): a FeatureCollection of Point features, written as a stream.

Coordinates are WGS 84 ``[longitude, latitude]``. A claim or incident without coordinates
(never geocoded, or withheld by its publisher: precision ``censored``) is kept as a feature with
``"geometry": null``, which RFC 7946 (section 3.2) allows, so that a map and a count agree on
what was exported. Properties are flat: one value per key, no nested objects.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any, TextIO


def _geometry(lat: Any, lon: Any) -> dict[str, Any] | None:
    if lat is None or lon is None:
        return None
    lat, lon = float(lat), float(lon)
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    return {"type": "Point", "coordinates": [lon, lat]}


def write_features(records: Iterable[dict[str, Any]], out: TextIO, id_key: str) -> int:
    """Write flat records as a FeatureCollection, one feature per line; returns the count.

    Each record's ``lat``/``lon`` become the geometry and stay in the properties too, so that
    a feature without geometry still says what is known.
    """
    out.write('{"type":"FeatureCollection","features":[\n')
    count = 0
    for record in records:
        feature = {
            "type": "Feature",
            "id": record.get(id_key),
            "geometry": _geometry(record.get("lat"), record.get("lon")),
            "properties": record,
        }
        if count:
            out.write(",\n")
        out.write(json.dumps(feature, ensure_ascii=False, separators=(",", ":"), allow_nan=False))
        count += 1
    out.write("\n]}\n")
    return count
