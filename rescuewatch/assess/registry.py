"""The source registry: publishers with their kind, country, affiliation and coverage group.

The registry a user versions is a CSV file (columns :data:`FIELDS`); ``rescuewatch sources
import`` writes it into the store and ``sources export`` writes the store's sources back out.
A documented default registry (``sources.default.csv``) ships with the package and fills in
sources the store knows only by key: it matches a source's key, a web domain (``en.tass.ru``
finds ``tass.ru``) or an alias. A source found nowhere keeps ``affiliation = unknown`` and is
graded as a weak independent source, which the rationale says.

Affiliation is a party code: ISO 3166-1 alpha-2 for a state party (``UA``, ``RU``, ``IL``),
``<ISO2>-<SHORT>`` for a non-state party (``SD-RSF``) and for each side of a civil war
(``SY-GOV``, ``SY-OPP``; ``SD-SAF``; ``MM-MIL``), or ``independent`` / ``unknown``: the codes
the text extractor gives alleged perpetrators, so that a source and a party it names match.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from rescuewatch.errors import InputError
from rescuewatch.export.writers import defuse
from rescuewatch.ingest.text import name_key
from rescuewatch.model import SOURCE_KINDS
from rescuewatch.store import incidents as db
from rescuewatch.store import schema as s
from rescuewatch.store.core import Store

FIELDS: tuple[str, ...] = ("key", "name", "kind", "country", "affiliation", "coverage_group",
                           "aliases", "notes")
AFFILIATION = re.compile(r"^(?:[A-Z]{2}(?:-[A-Z0-9]{2,12})?|independent|unknown)$")
MAX_FIELD = 500


@dataclass(frozen=True)
class Entry:
    """One publisher in a registry file."""

    key: str
    name: str
    kind: str = "unknown"
    country: str | None = None
    affiliation: str = "unknown"
    coverage_group: str | None = None
    aliases: tuple[str, ...] = ()
    notes: str | None = None

    def store_values(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "country": self.country,
                "affiliation": self.affiliation, "coverage_group": self.coverage_group,
                "aliases": ";".join(self.aliases) or None, "notes": self.notes}

    @classmethod
    def of_source(cls, source: Mapping[str, Any]) -> Entry:
        """The entry a stored source amounts to (a row of :func:`db.list_sources`)."""
        return cls(key=source["key"], name=source["name"], kind=source["kind"],
                   country=source["country"], affiliation=source["affiliation"],
                   coverage_group=source["coverage_group"],
                   aliases=split_aliases(source.get("aliases")), notes=source.get("notes"))


def split_aliases(cell: str | None) -> tuple[str, ...]:
    """The aliases of a registry cell or a stored source (``a;b``), lower case."""
    return tuple(a.strip().lower() for a in (cell or "").split(";") if a.strip())


def is_party(affiliation: str | None) -> bool:
    """Whether an affiliation names a party to a conflict (not independent, not unknown)."""
    return bool(affiliation) and affiliation not in ("independent", "unknown")


def check_affiliation(value: str, *, path: str | None = None, row: int | None = None,
                      field: str = "affiliation") -> str:
    """``value`` if it is a party code; ``field`` is the column, or the option that gave it."""
    if not AFFILIATION.match(value):
        raise InputError(
            f"affiliation {value!r} is not a party code", path=path, row=row, field=field,
            hint="use ISO-2 (RU, UA), <ISO2>-<SHORT> (SD-RSF), independent or unknown",
        )
    return value


def check_country(value: str, *, path: str | None = None, row: int | None = None,
                  field: str = "country") -> str:
    """``value`` as an upper-case ISO 3166-1 alpha-2 code, in either case as ``--country`` of
    the exports takes it; an alpha-3 code (``RUS``) is refused with the alpha-2 to use."""
    from rescuewatch.ingest.countries import alpha2, alpha2_hint

    if code := alpha2(value):
        return code
    raise InputError(f"country {value[:40]!r} is not an ISO 3166-1 alpha-2 code", path=path,
                     row=row, field=field, hint=alpha2_hint(value))


def check_length(name: str, value: str | None, *, path: str | None = None,
                 row: int | None = None, field: str | None = None) -> None:
    """Refuse a value of registry column ``name`` longer than the store keeps: SQLite would keep
    it, but PostgreSQL refused it mid-command with a traceback (a key of 300 characters, say).
    ``field`` is the option that gave it, if not a column; "" for an argument."""
    column = s.sources.c.get(name)
    limit = min(getattr(getattr(column, "type", None), "length", None) or MAX_FIELD, MAX_FIELD)
    if value is not None and len(value) > limit:
        raise InputError(f"the source's {name.replace('_', ' ')} is {len(value)} characters long",
                         path=path, row=row, field=name if field is None else field,
                         hint=f"shorten it to at most {limit} characters")


def check_kind(value: str, *, path: str | None = None, row: int | None = None) -> str:
    if value not in SOURCE_KINDS:
        raise InputError(f"unknown source kind {value!r}", path=path, row=row, field="kind",
                         hint="one of " + ", ".join(SOURCE_KINDS))
    return value


def parse(text: str, origin: str) -> list[Entry]:
    """Entries of a registry CSV; a bad row raises :class:`InputError` naming row and field."""
    reader = csv.DictReader(io.StringIO(text))
    missing = {"key", "name"} - set(reader.fieldnames or ())
    if missing:
        raise InputError(f"registry lacks column(s) {', '.join(sorted(missing))}", path=origin,
                         hint="columns: " + ",".join(FIELDS))
    entries: list[Entry] = []
    seen: set[str] = set()
    for number, raw in enumerate(reader, start=2):
        row = {k: _value((v or "").strip()) for k, v in raw.items() if k}
        for name, value in row.items():
            if name != "country":  # checked below, with the alpha-2 code for an alpha-3 one
                check_length(name, value, path=origin, row=number)
        key = row.get("key", "")
        if not key:
            raise InputError("empty source key", path=origin, row=number, field="key")
        if key in seen:
            raise InputError(f"source {key!r} listed twice", path=origin, row=number, field="key")
        seen.add(key)
        country = row.get("country") or None
        if country is not None:
            country = check_country(country, path=origin, row=number)
        entries.append(Entry(
            key=key, name=row.get("name") or key,
            kind=check_kind(row.get("kind") or "unknown", path=origin, row=number),
            country=country,
            affiliation=check_affiliation(row.get("affiliation") or "unknown", path=origin,
                                          row=number),
            coverage_group=row.get("coverage_group") or None,
            aliases=split_aliases(row.get("aliases")),
            notes=row.get("notes") or None,
        ))
    return entries


def _cell(value: str) -> str:
    """``value`` as a registry cell, defused as the HXL and ACLED exports are: a source name is
    whatever a report's "Source:" line said, and a spreadsheet would run ``=HYPERLINK(...)``."""
    # A quote also before the quotes of a value such as "'=1": :func:`_value` takes one quote
    # off, and so gives every value back exactly.
    rest = value.lstrip("'")
    return "'" + value if defuse(rest) != rest else value


def _value(cell: str) -> str:
    """The value of a registry cell: without the quote :func:`_cell` put before a formula
    character (a cell such as ``'Ayn`` keeps its quote)."""
    rest = cell.lstrip("'")
    return cell[1:] if cell[:1] == "'" and defuse(rest) != rest else cell


def read_file(path: str | Path) -> list[Entry]:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read registry: {exc.strerror}", path=str(p)) from exc
    except UnicodeDecodeError as exc:
        raise InputError("registry is not UTF-8 text", path=str(p),
                         hint="save it as UTF-8, e.g. 'CSV UTF-8' in a spreadsheet") from exc
    return parse(text, str(p))


def default_entries() -> list[Entry]:
    """The registry shipped with rescuewatch."""
    text = resources.files("rescuewatch.assess").joinpath("sources.default.csv").read_text("utf-8")
    return parse(text, "sources.default.csv")


class Registry:
    """Look-up of entries by key, alias or web domain."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.by_name: dict[str, Entry] = {}
        entries = list(entries)
        for e in entries:
            self.by_name.setdefault(e.key.lower(), e)
            for alias in e.aliases:
                self.by_name.setdefault(alias, e)
                # an alias written as the name a "Source:" line gives ("Outlet X Wire")
                self.by_name.setdefault(name_key(alias), e)
        # After every key and alias, the names a "Source:" line gives: "Source: DSNS" found
        # Ukraine's service by an alias where "Source: EMERCOM" left Russia's unknown, a
        # weak independent voice, so one side's own statements raised a grade.
        for e in entries:
            for name in _names(e.name):
                self.by_name.setdefault(name_key(name), e)

    def find(self, key: str) -> Entry | None:
        name = key.strip().lower()
        name = re.sub(r"^[a-z]+://", "", name).split("/", 1)[0] if "://" in name else name
        if name.startswith("www."):
            name = name[4:]
        if name in self.by_name:
            return self.by_name[name]
        labels = name.split(".")
        for start in range(1, len(labels) - 1):
            found = self.by_name.get(".".join(labels[start:]))
            if found:
                return found
        return None


_PAREN = re.compile(r"^(?P<out>[^()]+?)\s*\((?P<inner>[^()]+)\)$")


def _names(name: str) -> list[str]:
    """A registry name and the short forms it spells out: "TASS", "Ministry of Emergency
    Situations of Russia (EMERCOM)" also as "EMERCOM" and the words before it, "Rapid Support
    Forces (statements)" also without "(statements)". A bracket that is no acronym ("Ministry
    of Health (Gaza)") tells one ministry from another: it stays."""
    m = _PAREN.match(name.strip())
    if not m:
        return [name]
    out, inner = m["out"], m["inner"]
    if inner.isupper() and " " not in inner or inner == "statements":
        return [name, out] + ([inner] if inner != "statements" else [])
    if out.isupper() and " " not in out:  # "SANA (Syrian Arab News Agency)"
        return [name, out, inner]
    return [name]


def apply_defaults(store: Store, conn: Connection, entries: Iterable[Entry] | None = None) -> int:
    """Fill in sources the store knows nothing about (kind and affiliation unknown).

    They are looked up by key and alias first among the store's own sources that carry
    aliases (a registry the user imported), then in ``entries`` (the default registry).
    Sources a user has described are never overwritten. Each fill is audited.
    """
    sources = db.list_sources(conn)
    own = [Entry.of_source(source) for source in sources if _describes(source)]
    defaults = default_entries() if entries is None else list(entries)
    registry = Registry([*own, *defaults])
    filled = 0
    for source in sources:
        if _describes(source):
            continue
        entry = registry.find(source["key"])
        if entry is None:
            continue
        values = entry.store_values()
        # a name the store made up (the key, or the URL a Source: line gave) gives way
        named = source["name"] != source["key"] and "://" not in source["name"]
        values["name"] = source["name"] if named else entry.name
        if source["aliases"] or source["notes"]:  # the source's own, if it has any
            del values["aliases"], values["notes"]
        before, after = db.upsert_source(conn, source["key"], values)
        whence = "an imported" if any(entry is e for e in own) else "the default"
        store.audit(conn, action="registry-default", entity="source", entity_id=source["id"],
                    before=before, after=after, reason=f"filled from {whence} source registry")
        filled += 1
    return filled


def _describes(source: Mapping[str, Any]) -> bool:
    """Whether a stored source says anything a fill could take from (kind or affiliation)."""
    return source["kind"] != "unknown" or source["affiliation"] != "unknown"


def import_entries(store: Store, entries: Iterable[Entry], reason: str) -> dict[str, int]:
    """Create or update sources from registry entries in one transaction (audited)."""
    created = changed = 0
    with store.transaction() as conn:
        for entry in entries:
            before, after = db.upsert_source(conn, entry.key, entry.store_values())
            if before == after:
                continue
            created += before is None
            changed += before is not None
            store.audit(conn, action="source-import", entity="source", entity_id=after["id"],
                        before=before, after=after, reason=reason)
    return {"created": created, "changed": changed}


def export_csv(store: Store) -> str:
    """The store's sources as a registry CSV (aliases and notes as stored, else from the default
    registry);
    a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
    ``'``, which :func:`parse` takes off again."""
    defaults = Registry(default_entries())
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(FIELDS), lineterminator="\n")
    writer.writeheader()
    with store.engine.connect() as conn:
        for source in db.list_sources(conn):
            entry = defaults.find(source["key"])
            row = {
                "key": source["key"], "name": source["name"], "kind": source["kind"],
                "country": source["country"] or "", "affiliation": source["affiliation"],
                "coverage_group": source["coverage_group"] or "",
                "aliases": source["aliases"] or (
                    ";".join(entry.aliases) if entry and entry.key == source["key"] else ""),
                "notes": source["notes"] or (
                    entry.notes if entry and entry.key == source["key"] and entry.notes else ""),
            }
            writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue()
