"""HXL-tagged CSV for the Humanitarian Data Exchange: a header row, then a hashtag row.

Hashtags come from the HXL core dictionary (https://hxlstandard.org); attributes refine them,
and the few that HXL does not define (``+perp``, ``+alleged``, ``+claim``) follow the practice
of Insecurity Insight's HDX releases. Columns whose values are not dates or numbers stay off
``#date`` and ``#affected``, so libhxl's default schema (which types those tags) accepts the
file. Text is written on one line (:func:`one_line`), which that schema also asks for. See
docs/exports.md for the column list.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rescuewatch.model import VICTIM_CATEGORIES


def one_line(row: Mapping[str, Any]) -> dict[str, Any]:
    """``row`` with every run of whitespace in its texts (line breaks too) made one space.

    libhxl's default schema warns on a line break, a double space or a space at either end of
    a cell ("Found extra whitespace"); certainty rationales are several lines, and source texts
    keep their double spaces. The other formats keep texts exactly.
    """
    return {k: " ".join(v.split()) if isinstance(v, str) else v for k, v in row.items()}


_COUNT_TITLES = {"killed": "killed", "injured": "injured", "affected": "other harm (count)"}

#: flat claim key -> (header, HXL hashtag with attributes)
CLAIM_TAGS: dict[str, tuple[str, str]] = {
    "claim_id": ("Claim ID", "#meta+id+claim"),
    "incident_id": ("Incident ID", "#event+id"),
    "date_start": ("Date (start)", "#date+start"),
    "date_end": ("Date (end)", "#date+end"),
    "date_precision": ("Date precision", "#meta+date_precision"),
    "time_of_day": ("Time of day", "#meta+time"),
    "country_iso3": ("Country (ISO 3166-1 alpha-3)", "#country+code+v_iso3"),
    "country": ("Country (ISO 3166-1 alpha-2)", "#country+code+v_iso2"),
    "admin1": ("Admin 1", "#adm1+name"),
    "place_name": ("Location", "#loc+name"),
    "place_text": ("Location as written by the source", "#loc+name+reported"),
    "geonameid": ("GeoNames ID", "#loc+code+v_geonames"),
    "lat": ("Latitude", "#geo+lat"),
    "lon": ("Longitude", "#geo+lon"),
    "place_precision": ("Geo precision", "#geo+precision"),
    "categories": ("Victim categories", "#group+victim+type"),
    "killed": ("Killed", "#affected+killed+total"),
    "injured": ("Injured", "#affected+injured+total"),
    **{
        f"{n}_{c}": (f"{c.replace('_', ' ').capitalize()} {_COUNT_TITLES[n]}",
                     f"#affected+{n}+{c}" if n != "affected" else f"#affected+other_harm+{c}")
        for c in VICTIM_CATEGORIES
        for n in ("killed", "injured", "affected")
    },
    "harms": ("Other harms by category", "#impact+harm"),
    "weapon": ("Weapon", "#event+weapon"),
    "repeat_strike": ("Repeat strike on responders", "#event+repeat_strike"),
    "protected": ("Protected persons or objects affected", "#meta+protected"),
    "perpetrator_alleged_text": ("Perpetrator as alleged by the source", "#group+perp+alleged+name"),
    "perpetrator_alleged_party": ("Perpetrator party code as alleged", "#group+perp+alleged+code"),
    "is_aggregate": ("Aggregate statement", "#meta+aggregate"),
    "event_type": ("Event type as given by the source", "#event+type"),
    "description": ("Description", "#description"),
    "reported_certainty": ("Certainty as reported by the source", "#meta+certainty+reported"),
    "confidence": ("Extraction confidence", "#meta+confidence"),
    "evidence_text": ("Evidence", "#description+evidence"),
    "source_key": ("Source key", "#meta+source+code"),
    "source_name": ("Source", "#meta+source"),
    "source_kind": ("Source kind", "#meta+source+type"),
    "source_affiliation": ("Source affiliation", "#meta+source+affiliation"),
    "document_sha256": ("Document SHA-256", "#meta+document+sha256"),
    "document_origin": ("Document origin", "#meta+document+url"),
    "document_format": ("Document format", "#meta+document+type"),
    "document_title": ("Document title", "#meta+document+name"),
    "document_published": ("Document published", "#date+published"),
    "row_ref": ("Row in the source dataset", "#meta+row_ref"),
    "extractor": ("Extractor", "#meta+extractor"),
    "extractor_version": ("Extractor version", "#meta+extractor+version"),
}

INCIDENT_TAGS: dict[str, tuple[str, str]] = {
    "incident_id": ("Incident ID", "#event+id"),
    "date_start": ("Date (start)", "#date+start"),
    "date_end": ("Date (end)", "#date+end"),
    "date_precision": ("Date precision", "#meta+date_precision"),
    "country_iso3": ("Country (ISO 3166-1 alpha-3)", "#country+code+v_iso3"),
    "country": ("Country (ISO 3166-1 alpha-2)", "#country+code+v_iso2"),
    "admin1": ("Admin 1", "#adm1+name"),
    "place_name": ("Location", "#loc+name"),
    "lat": ("Latitude", "#geo+lat"),
    "lon": ("Longitude", "#geo+lon"),
    "place_precision": ("Geo precision", "#geo+precision"),
    "categories": ("Victim categories", "#group+victim+type"),
    "weapons": ("Weapons", "#event+weapon"),
    "killed_min": ("Killed (lowest claim)", "#affected+killed+min"),
    "killed_max": ("Killed (highest claim)", "#affected+killed+max"),
    "injured_min": ("Injured (lowest claim)", "#affected+injured+min"),
    "injured_max": ("Injured (highest claim)", "#affected+injured+max"),
    "repeat_strike": ("Repeat strike on responders", "#event+repeat_strike"),
    "protected": ("Protected persons or objects affected", "#meta+protected"),
    "perpetrators_alleged": ("Perpetrators as alleged, with alleging sources",
                             "#group+perp+alleged+name"),
    "n_claims": ("Claims", "#meta+claims+num"),
    "n_sources": ("Sources", "#meta+sources+num"),
    "sources": ("Source keys", "#meta+source+code"),
    "certainty": ("Certainty", "#meta+certainty"),
    "certainty_rationale": ("Certainty rationale", "#meta+certainty+rationale"),
    "certainty_locked": ("Certainty set by an analyst", "#meta+certainty+locked"),
    "review_status": ("Review status", "#status+review"),
}
