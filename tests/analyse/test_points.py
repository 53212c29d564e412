"""Projection, dates and the points CSV reader."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from rescuewatch.analyse.knox import Knox
from rescuewatch.analyse.points import (
    EARTH_RADIUS_M,
    days_since,
    project,
    project_apart,
    read_points_csv,
)
from rescuewatch.errors import InputError


def _great_circle(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def test_projection_distances_match_great_circle() -> None:
    rng = np.random.default_rng(0)
    lat = 48.5 + rng.uniform(-1.5, 1.5, 200)  # an area about 330 km across
    lon = 37.5 + rng.uniform(-2, 2, 200)
    x, y, centre = project(lat, lon)
    assert abs(centre[0] - 48.5) < 0.3 and abs(centre[1] - 37.5) < 0.3
    for i, j in rng.integers(0, 200, (100, 2)):
        gc = _great_circle(lat[i], lon[i], lat[j], lon[j])
        assert math.hypot(x[i] - x[j], y[i] - y[j]) == pytest.approx(gc, rel=2e-3, abs=1e-6)
    # Distances from the centre are exact.
    x0, y0, _ = project([centre[0] + 1.0], [centre[1] + 1.0], centre)
    assert math.hypot(x0[0], y0[0]) == pytest.approx(
        _great_circle(centre[0], centre[1], centre[0] + 1.0, centre[1] + 1.0), rel=1e-9
    )


def test_days_since() -> None:
    t, epoch = days_since(["2024-03-01", "2024-03-02T12:00", "2024-02-28"])
    assert epoch == date(2024, 2, 28)
    np.testing.assert_allclose(t, [2.0, 3.5, 0.0])


def test_read_lat_lon_date(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text("lat,lon,date\n48.0,37.8,2024-01-01\n48.001,37.8,2024-01-02\n48.5,38,2024-03-01\n")
    pts = read_points_csv(path)
    assert len(pts) == 3 and pts.epoch == date(2024, 1, 1)
    assert math.hypot(pts.x[0] - pts.x[1], pts.y[0] - pts.y[1]) == pytest.approx(111.2, abs=0.5)
    assert Knox(pts.x, pts.y, pts.t, 200, 1, permutations=0).statistic == 1


def test_read_projected(tmp_path: Path) -> None:
    path = tmp_path / "xy.csv"
    path.write_text("x,y,t\n0,0,0\n3,4,1.5\n")
    pts = read_points_csv(path)
    assert pts.origin is None and pts.t.tolist() == [0.0, 1.5]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("lat,lon,date\n48,37,2024-01-01\n48,abc,2024-01-02\n", r"events\.csv, row 3, column 'lon'"),
        ("lat,lon,date\n48,37,2024-01-01\n95,37,2024-01-02\n", r"row 3, column 'lat'"),
        ("lat,lon,date\n48,37,yesterday\n", r"row 2, column 'date'"),
        ("x,y,t\n1,2,\n", r"row 2, column 't'"),
        ("a,b\n1,2\n", r"row 1: need columns"),
        # an empty file ended in "I/O operation on closed file", a traceback
        ("", r"events\.csv, row 1: need columns lat,lon,date or x,y,t \(found no header\)"),
    ],
)
def test_bad_rows_name_file_row_and_column(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "events.csv"
    path.write_text(text)
    with pytest.raises(InputError, match=message) as info:
        read_points_csv(path)
    assert "\n" not in str(info.value)


#: clusters a continent or an ocean apart: distances from one centre would be stretched by up
#: to a third at the far ones
CLUSTERS = [(48.5, 37.5), (4.6, -74.1), (-33.9, 151.2), (31.5, 34.45), (64.1, -21.9),
            (-0.2, 179.9), (-0.2, -179.9), (89.9, 0.0)]


def test_areas_apart_keep_their_distances() -> None:
    rng = np.random.default_rng(3)
    near = 2_000.0
    lat = np.concatenate([c[0] + rng.normal(0, 0.01, 40) for c in CLUSTERS]).clip(-90, 90)
    lon = np.concatenate([c[1] + rng.normal(0, 0.01, 40) for c in CLUSTERS])
    lon = (lon + 180) % 360 - 180
    x, y = project_apart(lat, lon, near)
    checked = 0
    for i in range(lat.size):
        for j in range(i + 1, lat.size):
            gc = _great_circle(lat[i], lon[i], lat[j], lon[j])
            planar = math.hypot(x[i] - x[j], y[i] - y[j])
            if gc <= near:
                assert planar == pytest.approx(gc, rel=1e-4, abs=1e-6)
                checked += 1
            else:  # never brought closer than the distance that matters
                assert planar > near or planar == pytest.approx(gc, rel=1e-4)
    assert checked > 500
    # across the antimeridian (179.9 and -179.9: 22 km apart) is one area, not two
    x2, y2 = project_apart([-0.2, -0.2], [179.99, -179.99], 5_000)
    assert math.hypot(x2[0] - x2[1], y2[0] - y2[1]) == pytest.approx(
        _great_circle(-0.2, 179.99, -0.2, -179.99), rel=1e-6)


def test_one_projection_stretched_what_areas_apart_keep() -> None:
    # a pair 480 m apart in Ukraine and another in Colombia, each on one day: within 500 m
    lat = [48.5, 48.5, 4.6, 4.6]
    lon = [37.5, 37.5 + 0.48 / (111.195 * math.cos(math.radians(48.5))), -74.1,
           -74.1 + 0.48 / (111.195 * math.cos(math.radians(4.6)))]
    t = [0.0, 0.0, 40.0, 40.0]
    x, y, _ = project(lat, lon)
    assert Knox(x, y, t, 500, 0, permutations=0).statistic < 2  # what one centre gave
    ax, ay = project_apart(lat, lon, 500)
    assert Knox(ax, ay, t, 500, 0, permutations=0).statistic == 2
