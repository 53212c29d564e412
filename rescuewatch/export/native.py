"""rescuewatch's own interchange format: every claim field, as CSV or JSON Lines.

One record per claim (or per incident with ``--level incidents``). The first column (CSV) or
the first key (JSON Lines) is ``rescuewatch_schema``, whose value names the record kind
(``claims`` or ``incidents``); ``schema_version`` follows. The reader in
:mod:`rescuewatch.ingest.native` recognises a file by that marker and turns claim records back
into the same claims. Text is written exactly as stored: unlike the HXL and ACLED exports, no
spreadsheet-formula defusing is applied, because the round trip must be exact.

In CSV an empty cell is null, lists and objects are JSON, booleans are ``true``/``false`` and
floats are written with Python's shortest round-tripping ``repr``. CSV cannot tell an empty
string from null, so an empty text reads back as null; JSON Lines keeps the difference.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

from rescuewatch.errors import InputError
from rescuewatch.model import (
    INTEGER_MAX,
    Claim,
    DateSpan,
    Evidence,
    Perpetrator,
    Place,
    Victim,
    check_date,
)

MARKER = "rescuewatch_schema"
SCHEMA_VERSION = "1.0"
CLAIMS = "claims"
INCIDENTS = "incidents"

#: Claim columns and their kinds, in file order (the marker and version come first).
CLAIM_COLUMNS: dict[str, str] = {
    MARKER: "str",
    "schema_version": "str",
    "claim_id": "int",
    "incident_id": "int",
    "date_start": "date",
    "date_end": "date",
    "date_precision": "str",
    "time_of_day": "str",
    "place_text": "str",
    "place_name": "str",
    "country": "str",
    "admin1": "str",
    "lat": "float",
    "lon": "float",
    "geonameid": "int",
    "place_precision": "str",
    "categories": "json",
    "victims": "json",
    "killed": "int",
    "injured": "int",
    "weapon": "str",
    "repeat_strike": "bool",
    "perpetrator_text": "str",
    "perpetrator_party": "str",
    "is_aggregate": "bool",
    "event_type": "str",
    "description": "str",
    "reported_certainty": "str",
    "confidence": "float",
    "evidence": "json",
    "row_ref": "str",
    "extractor": "str",
    "extractor_version": "str",
    "original": "json",
    "document_sha256": "str",
    "document_origin": "str",
    "document_format": "str",
    "document_title": "str",
    "document_published": "date",
    "source_key": "str",
    "source_name": "str",
    "source_kind": "str",
    "source_affiliation": "str",
}

INCIDENT_COLUMNS: dict[str, str] = {
    MARKER: "str",
    "schema_version": "str",
    "incident_id": "int",
    "date_start": "date",
    "date_end": "date",
    "date_precision": "str",
    "place_name": "str",
    "country": "str",
    "admin1": "str",
    "lat": "float",
    "lon": "float",
    "place_precision": "str",
    "categories": "json",
    "weapons": "json",
    "killed_min": "int",
    "killed_max": "int",
    "injured_min": "int",
    "injured_max": "int",
    "repeat_strike": "bool",
    "protected": "bool",
    "perpetrators": "json",
    "n_claims": "int",
    "n_sources": "int",
    "sources": "json",
    "certainty": "str",
    "certainty_rationale": "str",
    "certainty_locked": "bool",
    "review_status": "str",
    "created_at": "str",
    "updated_at": "str",
}


# --- records ---------------------------------------------------------------------------------


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def claim_record(claim: Claim, extra: Mapping[str, Any]) -> dict[str, Any]:
    """One claim as a JSON-ready record in :data:`CLAIM_COLUMNS` order."""
    return {
        MARKER: CLAIMS,
        "schema_version": SCHEMA_VERSION,
        "claim_id": claim.id,
        "incident_id": claim.incident_id,
        "date_start": _iso(claim.date.start),
        "date_end": _iso(claim.date.end),
        "date_precision": claim.date.precision,
        "time_of_day": claim.time_of_day,
        "place_text": claim.place.text,
        "place_name": claim.place.name,
        "country": claim.place.country,
        "admin1": claim.place.admin1,
        "lat": claim.place.lat,
        "lon": claim.place.lon,
        "geonameid": claim.place.geonameid,
        "place_precision": claim.place.precision,
        "categories": claim.categories,
        "victims": [
            {"category": v.category, "killed": v.killed, "injured": v.injured,
             "affected": v.affected, "harm": v.harm}
            for v in claim.victims
        ],
        "killed": claim.killed,
        "injured": claim.injured,
        "weapon": claim.weapon,
        "repeat_strike": claim.repeat_strike,
        "perpetrator_text": claim.perpetrator.text,
        "perpetrator_party": claim.perpetrator.party,
        "is_aggregate": claim.is_aggregate,
        "event_type": claim.event_type,
        "description": claim.description,
        "reported_certainty": claim.reported_certainty,
        "confidence": claim.confidence,
        "evidence": [
            {"start": e.start, "end": e.end, "text": e.text, "field": e.field}
            for e in claim.evidence
        ],
        "row_ref": claim.row_ref,
        "extractor": claim.extractor,
        "extractor_version": claim.extractor_version,
        "original": claim.original,
        "document_sha256": extra.get("document_sha256"),
        "document_origin": extra.get("document_origin"),
        "document_format": extra.get("document_format"),
        "document_title": extra.get("document_title"),
        "document_published": _iso(extra.get("document_published")),
        "source_key": extra.get("source_key"),
        "source_name": extra.get("source_name"),
        "source_kind": extra.get("source_kind"),
        "source_affiliation": extra.get("source_affiliation"),
    }


def incident_record(row: Mapping[str, Any]) -> dict[str, Any]:
    """One incident row (from :mod:`rescuewatch.store.exports`) as a JSON-ready record."""
    out: dict[str, Any] = {MARKER: INCIDENTS, "schema_version": SCHEMA_VERSION}
    for column in INCIDENT_COLUMNS:
        if column in out:
            continue
        value = row.get("id") if column == "incident_id" else row.get(column)
        if column in ("categories", "weapons"):
            value = [v for v in (value or "").split(",") if v]
        elif column in ("repeat_strike", "protected", "certainty_locked") and value is not None:
            value = bool(value)
        elif isinstance(value, dt.date | dt.datetime):
            value = value.isoformat()
        out[column] = value
    return out


# --- CSV cells -------------------------------------------------------------------------------


def to_cell(value: Any) -> str:
    """A record value as a CSV cell (null → empty, JSON for lists and objects)."""
    kind = type(value)
    if kind is str:  # the common case first: this runs for every cell of every row
        return value  # type: ignore[no-any-return]
    if kind is int:
        return str(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def loads(text: str | bytes) -> Any:
    """JSON as RFC 8259 has it: ``NaN``, ``Infinity`` (which Python's parser accepts by
    default) and a number too large for a float (``1e999``) are refused, since no store keeps them alike (PostgreSQL keeps NaN, SQLite makes
    it NULL) and no JSON export could write them back."""
    return json.loads(text, parse_constant=_no_constant, parse_float=_finite)


def _finite(cell: str) -> float:
    number = float(cell)
    if not math.isfinite(number):
        raise ValueError(f"{cell[:40]!r} is not a finite number")
    return number


def from_cell(cell: str, kind: str, *, row: int, field: str, path: str) -> Any:
    """A CSV cell back as the JSON-ready value it was written from."""
    if cell == "":
        return None
    try:
        if kind == "int":
            return int(cell)
        if kind == "float":
            return _finite(cell)
        if kind == "bool":
            if cell not in ("true", "false"):
                raise ValueError(f"expected true or false, got {cell[:40]!r}")
            return cell == "true"
        if kind == "json":
            return loads(cell)
        if kind == "date":
            return dt.date.fromisoformat(cell).isoformat()
    except ValueError as exc:
        raise InputError(f"not a valid {kind}: {exc}", path=path, row=row, field=field) from exc
    except RecursionError:  # json's parser recurses once per level of nesting
        raise InputError(f"not a valid {kind}: nested too deeply", path=path, row=row,
                         field=field) from None
    return cell


#: Column kinds whose values the csv module writes as :func:`to_cell` would (``None`` empty,
#: numbers by ``repr``, texts as they are), so that only the other cells go through Python.
_CSV_AS_IS = frozenset({"str", "int", "float", "date"})


def write_csv(records: Iterable[dict[str, Any]], out: TextIO,
              columns: Mapping[str, str] | Iterable[str]) -> int:
    """Write records as RFC 4180 CSV with a header row; returns the record count.

    ``columns`` names the columns in order; given as :data:`CLAIM_COLUMNS` (name -> kind), the
    cells of text and number columns are handed to the csv module as they are, which halves
    the time of a claims export against a Python call per cell."""
    names = list(columns)
    kinds = columns if isinstance(columns, Mapping) else {}
    converted = [i for i, name in enumerate(names) if kinds.get(name) not in _CSV_AS_IS]
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(names)
    count = 0
    for record in records:
        row = list(map(record.get, names))
        for i in converted:
            row[i] = to_cell(row[i])
        writer.writerow(row)
        count += 1
    return count


def write_jsonl(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    """Write one compact JSON object per line (UTF-8, not ASCII-escaped)."""
    count = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        out.write("\n")
        count += 1
    return count


# --- back to claims --------------------------------------------------------------------------


def _date(value: Any, field: str) -> dt.date | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{field}: expected an ISO date, got {value!r}")
    try:
        return check_date(dt.date.fromisoformat(value), value)
    except ValueError as exc:
        raise ValueError(f"{field}: {exc}") from None


def _opt(record: Mapping[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, bool) and kind is not bool:
        raise ValueError(f"{key}: expected {getattr(kind, '__name__', kind)}, got a boolean")
    if kind is float and isinstance(value, int):
        return float(value)
    if not isinstance(value, kind):
        raise ValueError(f"{key}: unexpected value {str(value)[:60]!r}")
    return value


def _evidence(span: Mapping[str, Any]) -> Evidence:
    start, end = _opt(span, "start", int), _opt(span, "end", int)
    if start is None or end is None or not 0 <= start <= end:
        # offsets into the document's text: a span cannot end before it starts
        raise ValueError(f"evidence: a span needs 0 <= start <= end, got {start!r}, {end!r}")
    return Evidence(start, end, str(_opt(span, "text", str)), _opt(span, "field", str))


def _country(record: Mapping[str, Any]) -> str | None:
    """An ISO 3166-1 alpha-2 code as the store keeps it (upper case): a claim under an
    unknown or lower-case code would be missed by every filter and count by country. The
    codes ISO leaves to users (AA, QM-QZ, XA-XZ, ZZ) are kept: a store may use them for an
    area without a code of its own, as many datasets do for Kosovo (XK)."""
    from rescuewatch.ingest.countries import country_code

    value = _opt(record, "country", str)
    if value is not None and not (_user_assigned(value) or (
            len(value) == 2 and country_code(value) == value)):
        raise ValueError(f"country: {value[:20]!r} is not an ISO 3166-1 alpha-2 code such as 'UA'")
    return value  # type: ignore[no-any-return]


def _user_assigned(code: str) -> bool:
    return code in ("AA", "ZZ") or (len(code) == 2 and code.isascii() and (
        code[0] == "X" and code[1].isupper() or code[0] == "Q" and "M" <= code[1] <= "Z"))


def _geonameid(record: Mapping[str, Any]) -> int | None:
    value = _opt(record, "geonameid", int)
    if value is not None and value < 1:  # GeoNames numbers its places from 1
        raise ValueError(f"geonameid: not a GeoNames id: {value}")
    return value  # type: ignore[no-any-return]


def record_to_claim(record: Mapping[str, Any]) -> Claim:
    """The claim a claim record describes.

    The claim's ``original`` becomes the record itself (the exported row, JSON columns decoded),
    so the exporting store's claim id, incident id, document and source stay with the claim;
    the exported ``original`` value is ``claim.original["original"]``. ``incident_id`` is not
    restored: incident ids belong to the exporting store. Raises ``ValueError`` naming the
    field on a bad value.
    """
    _check_fits(record)
    victims = [
        Victim(
            category=str(_opt(v, "category", str)),
            killed=_opt(v, "killed", int),
            injured=_opt(v, "injured", int),
            affected=_opt(v, "affected", int),
            harm=_opt(v, "harm", str),
        )
        for v in _list(record, "victims")
    ]
    evidence = [_evidence(e) for e in _list(record, "evidence")]
    return Claim(
        date=DateSpan(_date(record.get("date_start"), "date_start"),
                      _date(record.get("date_end"), "date_end"), _opt(record, "date_precision", str)),
        time_of_day=_time_of_day(record),
        place=Place(
            text=_opt(record, "place_text", str), name=_opt(record, "place_name", str),
            country=_country(record), admin1=_opt(record, "admin1", str),
            lat=_opt(record, "lat", float), lon=_opt(record, "lon", float),
            geonameid=_geonameid(record), precision=_opt(record, "place_precision", str),
        ),
        victims=victims,
        killed=_opt(record, "killed", int),
        injured=_opt(record, "injured", int),
        weapon=_opt(record, "weapon", str),
        repeat_strike=_opt(record, "repeat_strike", bool),
        perpetrator=Perpetrator(_opt(record, "perpetrator_text", str),
                                _opt(record, "perpetrator_party", str)),
        is_aggregate=bool(_opt(record, "is_aggregate", bool)),
        evidence=evidence,
        confidence=_confidence(record),
        row_ref=_opt(record, "row_ref", str),
        extractor=_opt(record, "extractor", str),
        extractor_version=_opt(record, "extractor_version", str),
        reported_certainty=_opt(record, "reported_certainty", str),
        event_type=_opt(record, "event_type", str),
        description=_opt(record, "description", str),
        original=dict(record),
    )


def _time_of_day(record: Mapping[str, Any]) -> str | None:
    """``HH:MM`` as the store keeps it: a time such as ``25:99`` would shift the event into
    the next day in the analyses, which read it as a duration."""
    value = _opt(record, "time_of_day", str)
    if value is not None and not (len(value) == 5 and value[2] == ":" and value[:2].isdigit()
                                  and value[3:].isdigit() and value[:2] < "24" and value[3:] < "60"
                                  and value.isascii()):
        raise ValueError(f"time_of_day: {value[:20]!r} is not a time HH:MM")
    return value  # type: ignore[no-any-return]


def _confidence(record: Mapping[str, Any]) -> float | None:
    value = _opt(record, "confidence", float)
    if value is not None and not 0.0 <= value <= 1.0:  # NaN fails the comparison too
        raise ValueError(f"confidence: {value} outside 0..1")
    return value  # type: ignore[no-any-return]


def _check_fits(record: Mapping[str, Any]) -> None:
    """Refuse a value the store cannot keep on every database (see
    :func:`rescuewatch.store.schema.misfit`): an export file is untrusted input."""
    from rescuewatch.store import schema

    # the exporting store's incident id is not restored (see record_to_claim)
    claim = {key: value for key, value in record.items() if key != "incident_id"}
    parts: list[tuple[str, Any, Mapping[str, Any]]] = [("", schema.claims, claim)]
    victims = _list(record, "victims")
    parts += [("victims.", schema.claim_victims, v) for v in victims]
    parts += [("evidence.", schema.evidence, e) for e in _list(record, "evidence")]
    for prefix, table, values in parts:
        bad = schema.misfit(table, values)
        if bad is not None:
            raise ValueError(f"{prefix}{bad[0]}: {bad[1]}")
    for count in ("killed", "injured"):  # a claim's own figure is the sum over its victims
        total = sum(v[count] for v in victims if type(v.get(count)) is int)
        if total > INTEGER_MAX:
            raise ValueError(f"victims.{count}: their sum, {total}, is out of range")


def _list(record: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = record.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ValueError(f"{key}: expected a list of objects")
    return value
