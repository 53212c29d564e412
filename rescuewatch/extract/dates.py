"""Dates in report text, resolved against the publication date.

Absolute dates ("19 октября 2024 года", "on 20 June 2023", "31-го грудня", "31/12/2024") resolve
as written (a slashed date of two numbers up to 12 in English text gives no day: either may be
the month). Relative ones
("yesterday", "позавчера", "минулого тижня", "on Tuesday", "в ночь на 3 июня") resolve against
the publication date *P*: a weekday is the last such day before *P*; a day and month without a
year take *P*'s year unless that lands after *P*; "in May" is the most recent May (month
precision); a night or "the past 24 hours" is the two days around it. Without *P* a relative
date stays unknown (``None``), never today's date. "N days ago" goes through dateparser with
*P* as its ``RELATIVE_BASE``. "Two days later", "на следующий день" count from the event told
before (:attr:`DateHit.after_days`; the pipeline resolves them).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from rescuewatch.extract.numbers import NUMBER_WORDS
from rescuewatch.model import DateSpan, check_date

_MONTHS = {
    "en": [
        r"jan(?:uary|\.)?", r"feb(?:ruary|\.)?", r"mar(?:ch|\.)?", r"apr(?:il|\.)?", r"may",
        r"june?", r"july?", r"aug(?:ust|\.)?", r"sep(?:tember|t\.?|\.)?", r"oct(?:ober|\.)?",
        r"nov(?:ember|\.)?", r"dec(?:ember|\.)?",
    ],
    "ru": [
        r"январ[ьяею]", r"феврал[ьяею]", r"март[ауе]?", r"апрел[ьяею]", r"ма[йяею]",
        r"июн[ьяею]", r"июл[ьяею]", r"август[ауе]?", r"сентябр[ьяею]", r"октябр[ьяею]",
        r"ноябр[ьяею]", r"декабр[ьяею]",
    ],
    "uk": [
        r"січ(?:ень|ня|ні)", r"лют(?:ий|ого|ому)", r"берез(?:ень|ня|ні)", r"квіт(?:ень|ня|ні)",
        r"трав(?:ень|ня|ні)", r"черв(?:ень|ня|ні)", r"лип(?:ень|ня|ні)", r"серп(?:ень|ня|ні)",
        r"верес(?:ень|ня|ні)", r"жовт(?:ень|ня|ні)", r"листопад(?:а|і|у)?", r"груд(?:ень|ня|ні)",
    ],
}
# Weekday forms (regular expressions): accusative after "в/у" ("в пятницу", "у п'ятницю") and,
# in Ukrainian, the genitive after "минулого/минулої" ("минулої п'ятниці", "минулого вівторка").
_AP = "['’ʼ]"
_WEEKDAYS = {
    "en": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
    "ru": ["понедельник", "вторник", "среду", "четверг", "пятницу", "субботу", "воскресенье"],
    "uk": ["понеділок", "вівторок", "середу", "четвер", f"п{_AP}ятницю", "суботу", "неділю"],
}
_WEEKDAYS_GEN = {
    "en": None,
    "ru": None,
    "uk": ["понеділка", "вівторка", "середи", "четверга", f"п{_AP}ятниці", "суботи", "неділі"],
}
# "last Friday", "в прошлую пятницу", "в минувший вторник", "у минулу п'ятницю", "минулої п'ятниці"
_WEEKDAY_PREP = {
    "en": r"(?:(?:on|last|early on|late on|early|late|on last)\s+)?",
    "ru": r"(?:во?\s+(?:(?:прошл(?:ый|ую|ое)|минувш(?:ий|ую|ее))\s+)?)",
    "uk": r"(?:(?:у|в)\s+(?:минул(?:ий|у|е)\s+)?)",
}
_WEEKDAY_GEN_PREP = {"uk": r"(?:минул(?:ого|ої)\s+)"}
_REL = {
    "en": {
        "today": r"today|this (?:morning|afternoon|evening)|tonight|earlier today",
        "yesterday": r"yesterday",
        "day_before": r"the day before yesterday",
        "night": r"last night|overnight|during the night",
        "past_24h": r"(?:in |over )?the (?:past|last) 24 hours",
        "last_week": r"last week",
        "this_week": r"this week|earlier this week",
        "last_month": r"last month",
    },
    "ru": {
        "today": r"сегодня",
        "yesterday": r"вчера",
        "day_before": r"позавчера",
        # bare "ночью" as bare "вночі": a report and its mirror in the other language date alike
        "night": r"(?:(?:этой|минувшей|прошлой|сегодняшней) )?ночью",
        "past_24h": r"за (?:минувшие|прошедшие|последние|истекшие) сутки",
        "last_week": r"на (?:прошлой|минувшей) неделе",
        "this_week": r"на этой неделе",
        "last_month": r"в прошлом месяце",
    },
    "uk": {
        "today": r"сьогодні",
        "yesterday": r"вчора|учора",
        "day_before": r"позавчора",
        "night": r"вночі|уночі|(?:цієї|минулої|сьогоднішньої) ночі",
        "past_24h": r"(?:за )?минул(?:ої|у) доб(?:и|у)",
        "last_week": r"минулого тижня|на минулому тижні",
        "this_week": r"цього тижня|на цьому тижні",
        "last_month": r"минулого місяця",
    },
}
#: After a day's digits: "31st", "31-го декабря", "31-го грудня", "1-е января".
_ORDINAL = {"en": r"(?:st|nd|rd|th)?", "ru": r"(?:-?(?:го|е|ое))?", "uk": r"(?:-?(?:го|е))?"}
_YEAR_WORD = {"en": r"", "ru": r"(?:\s*(?:года|году|г\.))?", "uk": r"(?:\s*(?:року|р\.))?"}
_NIGHT_TO = {
    "en": r"(?:on )?the night (?:of|to|into) (?:\d{1,2}\s*(?:to|-|–|into)\s*)?",
    "ru": r"в ночь (?:на|с \d{1,2} на) ",
    "uk": r"(?:у|в) ніч (?:на|проти|з \d{1,2} на) ",
}
_IN_MONTH = {"en": r"(?:in|during|early|late|mid-|in early|in late|in mid-)\s*", "ru": r"(?:в|во)\s+", "uk": r"(?:у|в)\s+"}
_AGO = {
    "en": r"(\d+|two|three|four|five|six|seven|ten) days? ago",
    "ru": r"(\d+|два|три|четыре|пять|шесть) (?:дня|дней|день) назад",
    "uk": r"(\d+|два|три|чотири|п'ять|шість) (?:дні|днів|день) тому",
}
#: A day counted from the event told before: "two days later", "на следующий день",
#: "через три дні". Its day is known only from that event (see :attr:`DateHit.after_days`).
_LATER = {
    "en": r"(?:(?P<ln>\d+|a|one|two|three|four|five|six|seven) days? later|the (?:next|following) day)",
    "ru": r"(?:(?:через|спустя) (?P<ln>\d+|два|три|четыре|пять|шесть|семь) (?:дня|дней)|"
          r"на следующий день|на другой день|на следующие сутки)",
    "uk": r"(?:через (?P<ln>\d+|два|три|чотири|п'ять|шість|сім) (?:дні|днів)|наступного дня|"
          r"на наступний день|наступної доби)",
}
HEADER = re.compile(
    r"^\s*(?:published|date|опубликовано|дата публикации|опубліковано|дата публікації|дата)\s*:\s*"
    r"(\d{4})-(\d{2})-(\d{2})\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_REPORTED = re.compile(
    r"\b(?:said|says|reported|announced|stated|told [\w ]{1,20}|confirmed|сообщил\w*|заявил\w*|"
    r"рассказал\w*|повідомил\w*|заявив\w*|заявила|розповів\w*)\s*(?:that\s*)?$",
    re.IGNORECASE,
)
_DATELINE = re.compile(r"^[A-ZА-ЯІЇЄҐ'’ -]{3,},\s*$")


@dataclass(frozen=True, slots=True)
class DateHit:
    """A date phrase: offsets into the text, the phrase, how it resolved, and the rule used."""

    start: int
    end: int
    text: str
    span: DateSpan | None
    rule: str
    #: days after the event told before ("two days later"): the pipeline dates it from there
    after_days: int | None = None


class DateFinder:
    """Finds and resolves the date phrases of one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        month = "(?:" + "|".join(_MONTHS[lang]) + ")"
        self.months = [
            re.compile(rf"(?<![\w-]){m}(?![\w-])") for m in _MONTHS[lang]
        ]
        yw = _YEAR_WORD[lang]
        ordinal = _ORDINAL[lang]
        parts = [
            rf"(?P<nightto>{_NIGHT_TO[lang]}(?P<nd>\d{{1,2}})\s+{month})",
            r"(?P<iso>(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2}))",
            r"(?P<dotted>(?P<dd>\d{1,2})\.(?P<dm>\d{1,2})\.(?P<dy>\d{4}))",
            r"(?P<slashed>(?P<sa>\d{1,2})/(?P<sb>\d{1,2})/(?P<sy>\d{4}))",
            rf"(?P<dmy>(?P<d1>\d{{1,2}}){ordinal}(?:\s+of)?\s+{month},?\s+(?P<y1>\d{{4}}){yw})",
            rf"(?P<mdy>{month}\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{{4}}))"
            if lang == "en" else r"(?P<mdy>(?!x)x)(?P<d2>x)?(?P<y2>x)?",
            rf"(?P<dm_>(?P<d3>\d{{1,2}}){ordinal}(?:\s+of)?\s+{month})(?![\w-])",
            rf"(?P<md_>{month}\s+(?P<d4>\d{{1,2}})(?:st|nd|rd|th)?)(?!\d)"
            if lang == "en" else r"(?P<md_>(?!x)x)(?P<d4>x)?",
            rf"(?P<my>(?:{_IN_MONTH[lang]})?{month},?\s+(?P<y5>\d{{4}}){yw})",
            rf"(?P<mon>{_IN_MONTH[lang]}{month})(?![\w-])",
            rf"(?P<year>(?:in|в|у|во)\s+(?P<y6>(?:19|20)\d\d)(?!\d){yw})",
            rf"(?P<ago>{_AGO[lang]})",
            rf"(?P<later>{_LATER[lang]})",
        ]
        for rule, pattern in _REL[lang].items():
            parts.append(rf"(?P<{rule}>{pattern})")
        gen = _WEEKDAYS_GEN[lang]
        forms = [w if gen is None else
                 rf"{_WEEKDAY_PREP[lang]}{w}|{_WEEKDAY_GEN_PREP[lang]}{gen[i]}"
                 for i, w in enumerate(_WEEKDAYS[lang])]
        if gen is None:
            wd = "|".join(f"(?P<w{i}>{w})" for i, w in enumerate(forms))
            parts.append(rf"(?P<weekday>{_WEEKDAY_PREP[lang]}(?:{wd}))")
        else:
            wd = "|".join(f"(?P<w{i}>{w})" for i, w in enumerate(forms))
            parts.append(rf"(?P<weekday>{wd})")
        # matched on lower-cased text: much faster than IGNORECASE on Unicode
        self.pattern = re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w])")

    def find(self, text: str, start: int, end: int, published: dt.date | None,
             year_hint: int | None = None) -> list[DateHit]:
        """Date phrases in ``text[start:end]`` (offsets index ``text``).

        Without a publication date, a day and month without a year ("on 12 January") take
        ``year_hint``, the year the document names elsewhere ("January 2020: ..."), if any.
        """
        hits = []
        low = text[start:end].lower()
        if len(low) != end - start:  # a rare letter whose lower case is longer: keep offsets
            low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text[start:end])
        for m in self.pattern.finditer(low):
            a, b = start + m.start(), start + m.end()
            rule = self._rule(m)
            if _DATELINE.match(text[start:a]) and text[b : b + 3].strip()[:1] in "-–—":
                continue  # "DONETSK, Jan 31 -": the dateline is when the story was filed
            if _REPORTED.search(text[max(start, a - 30) : a]):
                continue  # "the group said on Friday": when it was said, not when it happened
            base = published
            if base is None and year_hint and rule in ("dm_", "md_", "mon"):
                base = dt.date(year_hint, 12, 31)
            later = _after_days(m, self.lang) if rule == "later" else None
            hits.append(DateHit(a, b, text[a:b], self._resolve(m, base), rule, later))
        return hits

    @staticmethod
    def _rule(m: re.Match[str]) -> str:
        for name in ("nightto", "iso", "dotted", "slashed", "dmy", "mdy", "dm_", "md_", "my", "mon", "year", "ago", "later",
                     "today", "yesterday", "day_before", "night", "past_24h", "last_week", "this_week",
                     "last_month", "weekday"):
            if m.group(name):
                return name
        return "?"

    def _month(self, m: re.Match[str]) -> int:
        for i, rx in enumerate(self.months):
            if rx.search(m.group()):
                return i + 1
        raise ValueError("no month name")

    def _resolve(self, m: re.Match[str], p: dt.date | None) -> DateSpan | None:
        rule = self._rule(m)
        try:
            return _RESOLVERS[rule](self, m, p)
        except (ValueError, KeyError, OverflowError):
            return None


def _day(d: dt.date) -> DateSpan:
    return DateSpan(d, d, "day")


def _month_span(year: int, month: int) -> DateSpan:
    last = calendar.monthrange(year, month)[1]
    return DateSpan(dt.date(year, month, 1), dt.date(year, month, last), "month")


def _md(year: int, month: int, day: int, p: dt.date | None) -> DateSpan | None:
    if p is None:
        return None
    d = dt.date(year, month, day)
    if d > p:
        d = dt.date(year - 1, month, day)
    return _day(d)


def _slashed(lang: str, a: int, b: int, year: int) -> DateSpan | None:
    """"31/12/2024" and "12/31/2024": a part above 12 is the day. Otherwise Russian and
    Ukrainian text writes the day first; English text either way, so "4/2/2024" says no day."""
    if a > 12 or lang != "en" or a == b:
        return _day(dt.date(year, b, a))
    if b > 12:
        return _day(dt.date(year, a, b))
    return None


def _after_days(m: re.Match[str], lang: str) -> int | None:
    word = m["ln"]
    if word is None:  # "the next day", "на следующий день"
        return 1
    days = int(word) if word.isdigit() else NUMBER_WORDS[lang].get(word)
    return days if days is not None and 0 < days <= 31 else None


def _nightto(f: DateFinder, m: re.Match[str], p: dt.date | None) -> DateSpan | None:
    if p is None:
        return None
    to = _md(p.year, f._month(m), int(m.group("nd")), p + dt.timedelta(days=1))
    if to is None or to.start is None:
        return None
    return DateSpan(to.start - dt.timedelta(days=1), to.start, "day")


def _weekday(f: DateFinder, m: re.Match[str], p: dt.date | None) -> DateSpan | None:
    if p is None:
        return None
    wd = next(i for i in range(7) if m.group(f"w{i}"))
    back = (p.weekday() - wd) % 7 or 7
    return _day(p - dt.timedelta(days=back))


def _rel(days: int, span: int = 0):  # type: ignore[no-untyped-def]
    def resolve(f: DateFinder, m: re.Match[str], p: dt.date | None) -> DateSpan | None:
        if p is None:
            return None
        d = p - dt.timedelta(days=days)
        return DateSpan(d - dt.timedelta(days=span), d, "day")

    return resolve


def _week(offset: int):  # type: ignore[no-untyped-def]
    def resolve(f: DateFinder, m: re.Match[str], p: dt.date | None) -> DateSpan | None:
        if p is None:
            return None
        monday = p - dt.timedelta(days=p.weekday()) + dt.timedelta(weeks=offset)
        return DateSpan(monday, min(monday + dt.timedelta(days=6), p), "week")

    return resolve


def _last_month(f: DateFinder, m: re.Match[str], p: dt.date | None) -> DateSpan | None:
    if p is None:
        return None
    first = p.replace(day=1) - dt.timedelta(days=1)
    return _month_span(first.year, first.month)


def _mon(f: DateFinder, m: re.Match[str], p: dt.date | None) -> DateSpan | None:
    if p is None:
        return None
    month = f._month(m)
    year = p.year if month <= p.month else p.year - 1
    return _month_span(year, month)


def _ago(f: DateFinder, m: re.Match[str], p: dt.date | None) -> DateSpan | None:
    if p is None:
        return None
    import dateparser

    parsed = dateparser.parse(
        m.group(),
        languages=[f.lang],
        settings={"RELATIVE_BASE": dt.datetime.combine(p, dt.time(12)), "PREFER_DATES_FROM": "past"},
    )
    return _day(parsed.date()) if parsed else None


_RESOLVERS = {
    "nightto": _nightto,
    "iso": lambda f, m, p: _day(dt.date(int(m["iy"]), int(m["im"]), int(m["id"]))),
    "dotted": lambda f, m, p: _day(dt.date(int(m["dy"]), int(m["dm"]), int(m["dd"]))),
    "slashed": lambda f, m, p: _slashed(f.lang, int(m["sa"]), int(m["sb"]), int(m["sy"])),
    "dmy": lambda f, m, p: _day(dt.date(int(m["y1"]), f._month(m), int(m["d1"]))),
    "mdy": lambda f, m, p: _day(dt.date(int(m["y2"]), f._month(m), int(m["d2"]))),
    "dm_": lambda f, m, p: _md(p.year, f._month(m), int(m["d3"]), p) if p else None,
    "md_": lambda f, m, p: _md(p.year, f._month(m), int(m["d4"]), p) if p else None,
    "my": lambda f, m, p: _month_span(int(m["y5"]), f._month(m)),
    "mon": _mon,
    "year": lambda f, m, p: DateSpan(dt.date(int(m["y6"]), 1, 1), dt.date(int(m["y6"]), 12, 31), "year"),
    "ago": _ago,
    "later": lambda f, m, p: None,
    "today": _rel(0),
    "yesterday": _rel(1),
    "day_before": _rel(2),
    "night": _rel(0, 1),
    "past_24h": _rel(0, 1),
    "last_week": _week(-1),
    "this_week": _week(0),
    "last_month": _last_month,
    "weekday": _weekday,
}

_FINDERS: dict[str, DateFinder] = {}


def finder(lang: str) -> DateFinder:
    """The (cached) date finder of ``lang``."""
    if lang not in _FINDERS:
        _FINDERS[lang] = DateFinder(lang)
    return _FINDERS[lang]


def year_named(text: str, lang: str) -> int | None:
    """The year of the first absolute date (or "in 2023") in ``text``, if any."""
    for hit in finder(lang).find(text, 0, min(len(text), 20_000), None):
        if hit.span is not None and hit.span.start is not None and hit.rule in (
            "iso", "dotted", "slashed", "dmy", "mdy", "my", "year"
        ):
            return hit.span.start.year
    return None


def published_header(text: str) -> tuple[dt.date | None, tuple[int, int] | None]:
    """The date of a "Published: YYYY-MM-DD" line in the first lines, and that line's span."""
    m = HEADER.search(text[:400])
    if not m:
        return None, None
    try:
        return check_date(dt.date(int(m[1]), int(m[2]), int(m[3]))), (m.start(), m.end())
    except ValueError:
        return None, None


# A dateline opening a story's first lines: "Kharkiv, 14 March 2024 —", "KYIV, Jan 31, 2024
# (Agency) -", "Херсон, 3 января 2024 года." — up to four capitalised words, a comma, a date
# with its year, then a dash, a full stop or the end of the line.
_DATELINE_CHARS = 600
_DATELINE_SCAN = 20_000
_DATELINE_PLACE = re.compile(
    r"^[ \t>*_#]*(?P<place>[^\W\d_][\w'’.-]*(?:[ \t-]+[^\W\d_][\w'’.-]*){0,3}),[ \t]*", re.M)
_DATELINE_END = re.compile(r"(?:[ \t]*\([^()\n]{1,40}\))?[ \t]*(?:[-–—]|\.(?=\s|$)|$)", re.M)
_DATELINE_DATES = ("iso", "dotted", "slashed", "dmy", "mdy")
#: first words of "On Monday, 14 March 2024 — ..." and the like: a date, not a place
_NOT_PLACE = frozenset((
    "on", "in", "at", "by", "since", "from", "until", "as", "the", "this", "last", "early", "late",
    "и", "в", "у", "во", "на", "с", "со", "з", "із", "от", "від", "до", "по", "после", "після",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "понедельник", "вторник", "среда", "среду", "четверг", "пятница", "пятницу", "суббота",
    "субботу", "воскресенье", "понеділок", "вівторок", "середа", "середу", "четвер", "п'ятниця",
    "п'ятницю", "субота", "суботу", "неділя", "неділю"))


def dateline(text: str, lang: str) -> tuple[dt.date | None, tuple[int, int] | None]:
    """The date of a dateline in the first lines of ``text`` and the span of that date, or
    ``(None, None)``.

    A dateline says when the story was filed, not when the event happened: it is the
    publication date of a text that gives none otherwise (the base of its "yesterday" and
    of a "30 December" in a story filed on 2 January), and its date is no event's date. A
    text of several lines so made is a list of incidents ("Kherson, 5 March 2024 — ..."
    line after line), whose dates are the events': it has no dateline.

    >>> dateline("Kharkiv, 14 March 2024 — Two paramedics were hurt yesterday.", "en")
    (datetime.date(2024, 3, 14), (9, 22))
    >>> dateline("On Monday, 14 March 2024 — a drone hit an ambulance.", "en")
    (None, None)
    """
    found = _datelines(text, lang)
    first = next(found, None)
    if first is None or first[1][0] >= _DATELINE_CHARS or next(found, None) is not None:
        return None, None
    span, where = first
    try:
        return check_date(span), where
    except ValueError:
        return None, None


def _datelines(text: str, lang: str) -> Iterator[tuple[dt.date, tuple[int, int]]]:
    """Each line of the first few thousand characters opening as a dateline: its date and
    the date's span."""
    head = text[:_DATELINE_SCAN]
    low = head.lower()
    if len(low) != len(head):  # a rare letter whose lower case is longer: keep offsets
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in head)
    f = finder(lang)
    for m in _DATELINE_PLACE.finditer(head):
        words = [w for w in re.split(r"[ \t-]+", m["place"]) if w]
        if not all(w[0].isupper() for w in words) or any(
                w.lower().replace("’", "'").replace("ʼ", "'") in _NOT_PLACE for w in words):
            continue
        d = f.pattern.match(low, m.end())
        if d is None or f._rule(d) not in _DATELINE_DATES or not _DATELINE_END.match(head, d.end()):
            continue
        span = f._resolve(d, None)
        if span is not None and span.start is not None:
            yield span.start, (d.start(), d.end())


# --- time of day ----------------------------------------------------------------------------

# "14:30", "9:05" (a colon needs no word before it; seconds are passed over); "2 p.m.",
# "2:30 pm"; "в 14.30", "о 9.05", "at 14.30" (a dot only after a time word: "14.03" alone is a
# date). Not a ratio or a score's "2:1" (two minute digits are required).
_TIME_WORD = r"(?:at|around|about|approximately|after|before|в|во|около|примерно в|о|об|близько|приблизно о)"
_TIMES = (
    re.compile(r"(?<![\d:.,])(\d{1,2})(?::(\d{2}))?\s*([ap])\.?\s?m\b\.?", re.I),
    re.compile(r"(?<![\d:.,/])(\d{1,2}):(\d{2})(?::\d{2})?(?![\d/:]|[.,]\d)()"),
    re.compile(rf"(?<!\w){_TIME_WORD}\s+(\d{{1,2}})\.(\d{{2}})(?![\d]|[.,:]\d)()", re.I),
)


def time_of_day(text: str) -> str | None:
    """The first time of day ``text`` gives, as ``HH:MM``, or ``None``.

    >>> time_of_day("At 2:30 p.m. a drone hit an ambulance; at 15:10 it struck again.")
    '14:30'
    >>> time_of_day("Около 14.30 снаряд попал в здание 14.03.2024.")
    '14:30'
    """
    found: list[tuple[int, int, str]] = []
    for rank, pattern in enumerate(_TIMES):  # at one place, "2:30 p.m." before "2:30"
        for m in pattern.finditer(text):
            hour, minute = int(m[1]), int(m[2] or 0)
            if m[3]:  # a.m. / p.m.
                if not 1 <= hour <= 12:
                    continue
                hour = hour % 12 + (12 if m[3].lower() == "p" else 0)
            if hour <= 23 and minute <= 59:
                found.append((m.start(), rank, f"{hour:02d}:{minute:02d}"))
                break
    return min(found)[2] if found else None
