"""Projection, dates and the points CSV reader."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from rescuewatch.analyse.knox import Knox
from rescuewatch.analyse.points import EARTH_RADIUS_M, days_since, project, read_points_csv
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
    ],
)
def test_bad_rows_name_file_row_and_column(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "events.csv"
    path.write_text(text)
    with pytest.raises(InputError, match=message) as info:
        read_points_csv(path)
    assert "\n" not in str(info.value)
