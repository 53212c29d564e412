"""Plugin discovery: entry points of installed distributions, found as importlib finds them."""

from __future__ import annotations

import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from rescuewatch.plugins import entry_points_of


def install(site: Path, name: str, version: str, entry_points_txt: str | None) -> None:
    """A distribution's metadata as pip leaves it in site-packages (``*.dist-info``)."""
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
                                   encoding="utf-8")
    if entry_points_txt is not None:
        (info / "entry_points.txt").write_text(entry_points_txt, encoding="utf-8")


def test_entry_points_of_a_group_are_those_importlib_finds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    install(first, "rw-sudan-reader", "1.0",
            "[rescuewatch.readers]\nsudan = rw_sudan.reader:SudanReader\n"
            "[console_scripts]\nrw-sudan = rw_sudan.cli:main\n")
    install(first, "rw-other", "0.1", "[rescuewatch.extractors]\nother = rw_other:Other\n")
    install(first, "rw-no-plugins", "2.0", None)
    # the same distribution again further down the path: hidden by the first copy
    install(second, "rw_Sudan.Reader", "0.9", "[rescuewatch.readers]\nold = rw_sudan.old:Old\n")
    monkeypatch.setattr(sys, "path", [str(first), str(second), *sys.path])

    found = entry_points_of("rescuewatch.readers")
    assert [(ep.name, ep.value) for ep in found] == [("sudan", "rw_sudan.reader:SudanReader")]
    assert found == list(entry_points(group="rescuewatch.readers"))
    assert [ep.name for ep in entry_points_of("rescuewatch.extractors")] == ["other"]
    assert entry_points_of("console_scripts.none") == []
