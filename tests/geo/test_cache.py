"""The cached index: round trip, staleness and cold-start time."""

from __future__ import annotations

import errno
import gc
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from rescuewatch.geo import Gazetteer
from rescuewatch.geo import index as index_mod

ROOT = Path(__file__).resolve().parents[2]


def test_round_trip(gaz: Gazetteer, tmp_path: Path) -> None:
    path = tmp_path / "g.pkl"
    index_mod.save_index(gaz._ix, path)
    again = Gazetteer.load(path=path)
    text = "Удар по Горловке и Kharkiv."
    assert [r.place for r in again.geocode(text)] == [r.place for r in gaz.geocode(text)]


def test_cache_dir_respects_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESCUEWATCH_CACHE", str(tmp_path / "c"))
    path = index_mod.cache_path()
    assert path is not None and path.parent == tmp_path / "c"
    assert path.name.startswith("gazetteer-") and path.suffix == ".pkl"


def test_key_changes_with_code_version(monkeypatch: pytest.MonkeyPatch) -> None:
    before = index_mod.cache_key()
    monkeypatch.setattr(index_mod, "INDEX_VERSION", "geo-index-test")
    assert index_mod.cache_key() != before


def test_corrupt_cache_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "bad.pkl"
    path.write_bytes(b"not a pickle")
    monkeypatch.setattr(index_mod, "build_index", lambda: {"version": "rebuilt"})
    assert index_mod.load_or_build(path) == {"version": "rebuilt"}
    assert path.stat().st_size > len(b"not a pickle")


@pytest.mark.slow
def test_full_build_into_empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """(How long a build takes is measured in benchmarks/geo, not here.)"""
    monkeypatch.setenv("RESCUEWATCH_CACHE", str(tmp_path))
    gaz = Gazetteer.load(rebuild=True)
    assert (tmp_path / f"gazetteer-{index_mod.cache_key()}.pkl").exists()
    assert len(gaz) > 230_000


def test_new_process_loads_the_cache_without_building(gaz: Gazetteer) -> None:
    """A new process with the cache present reads it and builds nothing (its load time is
    measured in benchmarks/geo/bench_gazetteer.py)."""
    code = (
        "import rescuewatch.geo.index as index\n"
        "def refuse():\n"
        "    raise SystemExit('the gazetteer was built again')\n"
        "index.build_index = refuse\n"
        "from rescuewatch.geo import Gazetteer\n"
        "print(len(Gazetteer.load()))\n"
    )
    Gazetteer.load()  # the cache as it is now (another process may have replaced it meanwhile)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=dict(os.environ),
                         capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr[-500:]
    assert int(out.stdout) == len(gaz)


def test_stale_cache_files_are_removed(gaz: Gazetteer, tmp_path: Path) -> None:
    """All but the newest other caches go: another installed version's recent one stays, so
    that two versions on one machine do not rebuild each other's cache on every run."""
    others = [tmp_path / f"gazetteer-{n:016d}.pkl" for n in range(4)]
    for age, other in enumerate(others):
        other.write_bytes(b"old")
        os.utime(other, (1_000_000 + age, 1_000_000 + age))  # the last written is the newest
    index_mod.save_index({"version": "x"}, tmp_path / "gazetteer-1111111111111111.pkl")
    assert (tmp_path / "gazetteer-1111111111111111.pkl").exists()
    assert [o.exists() for o in others] == [False, False, True, True]


def test_collector_is_back_on_after_a_build_that_failed() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), index_mod._collector_paused():
        assert not gc.isenabled()
        raise RuntimeError("build failed")
    assert gc.isenabled()


def test_collector_stays_off_when_the_caller_had_turned_it_off() -> None:
    gc.disable()
    try:
        with index_mod._collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.skipif(
    sys.implementation.name != "cpython"
    or not (platform.machine() in ("x86_64", "AMD64") or sys.platform == "darwin"),
    reason="dawg2 is installed only where it has wheels (pyproject.toml)")
def test_pymorphy3_reads_its_dictionaries_with_the_compiled_dawg() -> None:
    """The first build of the index spends most of its pymorphy3 time in dictionary lookups,
    ~1.5 times as long with the pure-Python reader (benchmarks/geo/RESULTS-gazetteer.md)."""
    import pymorphy3.dawg

    assert pymorphy3.dawg.EXTENSION_AVAILABLE


def test_no_writable_cache_folder_is_said_in_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Each command would otherwise spend the build's half a minute again, unexplained."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("RESCUEWATCH_CACHE", str(blocker / "cache"))
    monkeypatch.setattr(index_mod, "build_index", lambda: {"version": "built"})
    assert index_mod.load_or_build() == {"version": "built"}
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "warning: no folder to keep the gazetteer index in" in err
    assert f"RESCUEWATCH_CACHE={blocker / 'cache'}" in err and "built again" in err


def test_a_cache_that_cannot_be_written_is_said_and_leaves_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(index_mod, "build_index", lambda: {"version": "built"})
    # a full disk or a read-only folder fails the same way: the write raises OSError
    monkeypatch.setattr(index_mod.pickle, "dump", _no_space)
    path = tmp_path / "gazetteer-0000000000000000.pkl"
    assert index_mod.load_or_build(path) == {"version": "built"}
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"could not keep the gazetteer index in {path} (No space left on device)" in err
    assert list(tmp_path.iterdir()) == []
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    error = index_mod.save_index({"version": "x"}, blocker / "sub" / "g.pkl")
    assert isinstance(error, NotADirectoryError | FileExistsError)


def _no_space(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
