"""Build the shipped basemap ``static/world.geojson`` from a world-atlas TopoJSON file.

The basemap is Natural Earth's country boundaries (public domain) as packaged in TopoJSON by
the ``world-atlas`` npm package (ISC licence). The report and the web app draw it under the
incidents because map tiles cannot be fetched offline. This module is a maintenance tool, run
once when the basemap is refreshed; nothing calls it at run time::

    cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python -m rescuewatch.report.basemap package/countries-50m.json \\
        rescuewatch/report/static/world.geojson 2 0.03

Coordinates are rounded to ``digits`` decimals (2 decimals is about 1 km, far finer than the
50m source's own precision) and repeated points left by the rounding are dropped, so the file
stays small; points closer than ``step`` degrees (0.03, about 3 km) to the previous one on
the same arc are thinned out, which halves the file without visible change at country scale.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

__all__ = ["topo_to_geojson", "main"]

Ring = list[list[float]]


def _decode_arcs(topo: dict[str, Any], digits: int, step: float) -> list[Ring]:
    """Absolute, rounded coordinates of every arc (delta-decoded when the file is quantized)."""
    transform = topo.get("transform")
    arcs: list[Ring] = []
    for arc in topo["arcs"]:
        points: Ring = []
        x = y = 0.0
        for position in arc:
            if transform:
                x, y = x + position[0], y + position[1]
                lon = x * transform["scale"][0] + transform["translate"][0]
                lat = y * transform["scale"][1] + transform["translate"][1]
            else:
                lon, lat = position[0], position[1]
            points.append([round(lon, digits), round(lat, digits)])
        arcs.append(_thin(points, step))
    return arcs


def _thin(points: Ring, step: float) -> Ring:
    """Drop points closer than ``step`` degrees to the last kept one; keep both ends.

    Thinning each arc (not each ring) keeps shared borders identical on both sides.
    """
    if step <= 0 or len(points) <= 2:
        return points
    kept = [points[0]]
    for p in points[1:-1]:
        last = kept[-1]
        if abs(p[0] - last[0]) >= step or abs(p[1] - last[1]) >= step:
            kept.append(p)
    kept.append(points[-1])
    return kept


def _ring(indices: list[int], arcs: list[Ring]) -> Ring:
    """Join arcs into one ring; a negative index ``~i`` means arc ``i`` reversed."""
    out: Ring = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        for point in arc if not out else arc[1:]:  # arcs share their end points
            if not out or point != out[-1]:
                out.append(point)
    return out


def _polygon(rings: list[list[int]], arcs: list[Ring]) -> list[Ring]:
    out = [_ring(r, arcs) for r in rings]
    # Rounding can collapse a tiny island to fewer than four points: drop it.
    return [r for r in out if len(r) >= 4]


def topo_to_geojson(
    topo: dict[str, Any], object_name: str = "countries", digits: int = 2, step: float = 0.0
) -> dict[str, Any]:
    """Convert one object of a TopoJSON topology to a GeoJSON FeatureCollection.

    Parameters
    ----------
    topo : dict
        The parsed TopoJSON.
    object_name : str
        The object to convert (``countries`` in world-atlas).
    digits : int
        Decimals kept in coordinates.
    step : float
        Thinning distance in degrees (0 keeps every point).

    Returns
    -------
    dict
        A FeatureCollection with a ``name`` property per feature.
    """
    arcs = _decode_arcs(topo, digits, step)
    features = []
    for geom in topo["objects"][object_name]["geometries"]:
        kind = geom.get("type")
        if kind == "Polygon":
            polygons = [_polygon(geom["arcs"], arcs)]
        elif kind == "MultiPolygon":
            polygons = [_polygon(p, arcs) for p in geom["arcs"]]
        else:
            continue
        polygons = [p for p in polygons if p]
        if not polygons:
            continue
        geometry = (
            {"type": "Polygon", "coordinates": polygons[0]}
            if len(polygons) == 1
            else {"type": "MultiPolygon", "coordinates": polygons}
        )
        name = (geom.get("properties") or {}).get("name")
        features.append({"type": "Feature", "properties": {"name": name}, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}


def main(argv: list[str] | None = None) -> int:
    """``python -m rescuewatch.report.basemap TOPOJSON OUT [DIGITS [STEP]]``."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (2, 3, 4):
        print("usage: python -m rescuewatch.report.basemap TOPOJSON OUT.geojson [DIGITS [STEP]]")
        return 2
    topo = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    digits = int(args[2]) if len(args) >= 3 else 2
    step = float(args[3]) if len(args) == 4 else 0.03
    geo = topo_to_geojson(topo, digits=digits, step=step)
    text = json.dumps(geo, separators=(",", ":"), ensure_ascii=False)
    Path(args[1]).write_text(text, encoding="utf-8")
    print(f"{len(geo['features'])} features, {len(text):,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
