"""Read one sentence: lexicon mentions, victims with counts and harms, weapons, parties, cues.

The rules are linguistic, not tuned to particular sentences: a count is the number written
just before a victim word (or "a"/singular = 1, plural without a number = unknown); a harm is
the nearest harm word in the same clause; an object (ambulance, hospital) is a victim only in
a clause that says it was struck or damaged; a party word names a perpetrator only next to a
force or weapon word, or after a blame phrase. The same rules run for every party.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence, Set
from dataclasses import dataclass, field

from rescuewatch.extract import cues
from rescuewatch.extract import dates as dates_mod
from rescuewatch.extract.lexicon import Lexicon
from rescuewatch.extract.numbers import NUMBER_WORDS, VAGUE, bound_before, value
from rescuewatch.extract.tokens import Token

_CLAUSE_BREAK = re.compile(r"[,;:()\u2014\u2013]|\s-\s")
OBJECTS = ("ambulance", "health_facility")
NUMBER_KEYS = {lang: frozenset(words) for lang, words in NUMBER_WORDS.items()}
_GENITIVE_COUNTRY = {"украины", "россии", "рф", "україни", "росії", "израиля", "ізраїлю"}
#: The last word of an armed group's proper name ("Arakan Army", "Kachin Independence Army"),
#: which alone is also the generic word for a state's army.
_NAME_HEADS = {"army", "armies", "military", "force", "forces", "armed forces"}
#: Capitalised words that start a sentence or date it, not part of a group's name.
_NOT_NAME = {"the", "a", "an", "on", "in", "at", "by", "and", "when", "after", "as", "then",
             "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
             "january", "february", "march", "april", "may", "june", "july", "august",
             "september", "october", "november", "december", "yesterday", "today", "overnight"}
_SKIP_BEFORE_NUMBER = {"of", "our", "its", "their", "the", "his", "her", "these", "those", "из",
                       "них", "их", "з", "їх", "whom", "which"}


@dataclass(slots=True)
class Mention:
    """A lexicon phrase found in a sentence (token range, char span, kinds)."""

    i: int
    j: int
    start: int
    end: int
    kinds: tuple[str, ...]
    index: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for k in self.kinds:
            head, sep, _ = k.partition(":")
            self.index.setdefault(head + sep, k)

    def has(self, prefix: str) -> str | None:
        """The first kind starting with ``prefix`` ("victim:", "attack", ...), or None."""
        return self.index.get(prefix)


@dataclass(slots=True)
class VictimRef:
    """A victim word with its count, harm and position."""

    category: str  # a category, or "?medic", "?clinician", "?driver", "?member", "?deminer"
    mention: Mention
    count: int | None
    harm: str | None = None  # "killed", "injured", "zero"
    hit: bool = False  # its clause says it was struck or damaged
    org: str | None = None  # the category an organisation word nearby points to
    clause: int = 0


@dataclass(slots=True)
class PartyRef:
    start: int
    end: int
    party: str | None  # a code, "?ARMY"/"?NONSTATE", "?<code>" (an epithet), None: "the enemy"
    #: how plainly the words name who struck: 0 after a blame ("hit by Hezbollah"), 1 with a
    #: force, weapon or strike word ("Hezbollah rocket", "Hamas fired"), 2 a group's name alone
    #: ("in a Hezbollah stronghold"), which a country word never is
    rank: int = 1


@dataclass
class Sentence:
    """Everything the rules read in one sentence."""

    start: int
    end: int
    tokens: list[Token]
    mentions: list[Mention]
    victims: list[VictimRef] = field(default_factory=list)
    attack: bool = False
    weapons: list[tuple[int, str]] = field(default_factory=list)
    parties: list[PartyRef] = field(default_factory=list)
    repeat: bool = False
    negative: bool = False
    mutual_blame: bool = False
    aggregate_from: int | None = None  # char offset where an aggregate statement starts
    orgs: list[tuple[int, str]] = field(default_factory=list)
    #: the character spans of the sentence's date phrases, once asked for (see _in_date)
    date_spans: list[tuple[int, int]] | None = None


def match(tokens: list[Token], lex: Lexicon) -> list[Mention]:
    """Longest lexicon phrases, left to right, not overlapping."""
    out: list[Mention] = []
    by_first = lex.by_first
    i, n = 0, len(tokens)
    while i < n:
        best: tuple[int, tuple[str, ...]] | None = None
        for key in sorted(tokens[i].keys):  # sorted: set order varies with the hash seed
            for phrase, kinds in by_first.get(key, ()):
                size = len(phrase)
                if best is not None and size < best[0]:
                    break
                if i + size <= n and (size == 1 or all(
                        not tokens[i + k].keys.isdisjoint(phrase[k]) for k in range(1, size))):
                    if best is None or size > best[0]:
                        best = (size, kinds)
                    elif size == best[0]:
                        best = (size, tuple(dict.fromkeys(best[1] + kinds)))
                    break
        if best is None:
            i += 1
            continue
        j = i + best[0]
        out.append(Mention(i, j, tokens[i].start, tokens[j - 1].end, best[1]))
        i = j
    return out


def clause_ids(text: str, tokens: list[Token]) -> list[int]:
    """Clause number of every token (a new clause after , ; : dash or brackets)."""
    if not tokens:
        return []
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(text, tokens[0].start, tokens[-1].end)]
    return [bisect_right(breaks, tok.start) for tok in tokens]


def analyse(text: str, start: int, end: int, tokens: list[Token], lex: Lexicon, lang: str) -> Sentence:
    """The :class:`Sentence` for ``text[start:end]``."""
    mentions = match(tokens, lex)
    s = Sentence(start, end, tokens, mentions)
    low = text[start:end].lower()
    s.repeat = bool(cues.REPEAT[lang].search(low))
    s.negative = bool(cues.NEGATIVE[lang].search(low))
    s.mutual_blame = bool(cues.MUTUAL_BLAME.search(low))
    agg = cues.AGGREGATE[lang].search(low)
    clauses = clause_ids(text, tokens)
    if agg:
        s.aggregate_from = _aggregate_start(start + agg.start(), tokens, clauses)
    for m in mentions:
        kind = m.index.get  # ``m.has``, bound once: this loop sees every mention
        weapon = kind("weapon:")
        if kind("attack") or weapon:
            s.attack = True
        if weapon:
            s.weapons.append((m.start, weapon.split(":", 1)[1]))
        org = kind("org:")
        if org:
            s.orgs.append((m.i, org.split(":", 1)[1]))
    earlier = [(start + e.start(), start + e.end()) for e in cues.EARLIER[lang].finditer(low)]
    if earlier and s.weapons:
        # "під час ліквідації наслідків обстрілу ... дрон атакував": the earlier strike's weapon
        # gives way to the one that hit the responders, when the sentence names one
        later = [w for w in s.weapons if not any(a <= w[0] < b for a, b in earlier)]
        s.weapons = later or s.weapons
    if cues.SIMULATED[lang].search(low):
        # the scenario of an exercise ("условный обстрел"): no strike, no weapon
        s.weapons, s.attack, s.negative = [], False, True
    _victims(s, text, clauses, lang)
    _parties(s, lang, clauses)
    return s


def _aggregate_start(offset: int, tokens: list[Token], clauses: list[int]) -> int:
    """An aggregate cue covers its clause and what follows; in the first clause, all."""
    k = next((n for n, t in enumerate(tokens) if t.end > offset), len(tokens) - 1)
    if not tokens or clauses[k] == 0:
        return tokens[0].start if tokens else offset
    first = next(n for n, c in enumerate(clauses) if c == clauses[k])
    return tokens[first].start


def _victims(s: Sentence, text: str, clauses: list[int], lang: str) -> None:
    harms = [(m, m.has("harm:")) for m in s.mentions if m.has("harm:")]
    people = [m for m in s.mentions if m.has("person") and not m.has("victim:")]
    attack_clauses = {clauses[m.i] for m in s.mentions if m.has("attack") or m.has("weapon:")}
    attack_clauses |= {clauses[m.i] for m, h in harms if h == "harm:damaged"}
    victim_starts = [m.i for m in s.mentions if m.has("victim:")]
    covered = {k for m in s.mentions if m.has("victim:") or m.has("person") for k in range(m.i, m.j)}
    for m in s.mentions:
        kind = m.has("victim:")
        if kind is None:
            continue
        category = kind.split(":", 1)[1]
        if s.victims and _modifier(s.victims[-1].mention, m, s.tokens):
            continue  # "members of a volunteer rescue group": one group of people
        if category == "?member" and any(o.i == m.j and o.has("victim:") for o in s.mentions):
            continue  # "a volunteer paramedic", "staff nurses": one person, named by the noun after
        count = _count_before(s, m, text, lang, clauses)
        ref = VictimRef(category, m, count, clause=clauses[m.i])
        ref.hit = clauses[m.i] in attack_clauses
        ref.harm = _harm_for(m, harms, people, clauses, s.tokens, lang, victim_starts, covered)
        ref.org = _org_near(s, m)
        s.victims.append(ref)
    _orphan_numbers(s, text, clauses, lang, harms)


def _modifier(prev: Mention, m: Mention, tokens: list[Token]) -> bool:
    between = [t.text.lower() for t in tokens[prev.j : m.i]]
    return bool(between) and between[0] == "of" and all(
        w in ("of", "a", "an", "the", "its", "our", "their", "his", "her") for w in between)


def _count_before(s: Sentence, m: Mention, text: str, lang: str, clauses: list[int]) -> int | None:
    tokens = s.tokens
    k, skipped = m.i - 1, 0
    org_tokens = {t for i, _ in s.orgs for t in range(i, i + 4)}
    while k >= 0 and skipped <= 3:
        tok = tokens[k]
        if clauses[k] != clauses[k + 1]:
            break
        number = _number(tok, lang)
        if number is not None and _in_date(text, s, tok, lang):
            break  # "On 3 May paramedics ...", "In 2023 medics ...": a day or a year, no count
        if number is not None:
            number, first = _compound(tokens, k, lang, number)
            tok.number = number
            return _range_low(tokens, first, text, lang, number)
        low = tok.text.lower()
        if low in VAGUE[lang]:
            return None
        if low in ("and", "и", "і", "та", "or", "или", "або"):
            break
        if not (low in _SKIP_BEFORE_NUMBER or k in org_tokens or tok.text.isupper() or skipped < 2):
            break
        if any(o.i <= k < o.j and (o.has("harm:") or o.has("attack") or o.has("victim:")) for o in s.mentions):
            break
        skipped += 1
        k -= 1
    number_of = re.search(r"(\d+) the (?:number|total|toll|death toll) of\s+(?:\w+\s+){0,3}$",
                          text[max(0, m.start - 60) : m.start])
    if number_of:
        return int(number_of.group(1))
    head = tokens[m.j - 1] if lang == "en" else tokens[m.i]
    surface = text[m.start : m.end].lower()
    if surface in cues.COLLECTIVE or head.text.lower() in cues.COLLECTIVE:
        return None
    if lang == "en":
        return None if tokens[m.i].plural or head.plural else 1
    # the head of a Russian/Ukrainian phrase comes first ("врач бригады", "сотрудник МЧС")
    return None if tokens[m.i].plural else 1


def _in_date(text: str, s: Sentence, tok: Token, lang: str) -> bool:
    """Whether ``tok`` is part of a date phrase of the sentence ("3 May", "in 2023")."""
    if s.date_spans is None:  # found once a sentence, not once for every number in it
        s.date_spans = [(d.start, d.end)
                        for d in dates_mod.finder(lang).find(text, s.start, s.end, None)]
    return any(start <= tok.start < end for start, end in s.date_spans)


#: Words joining the two ends of a range of counts: "two to four", "от трёх до пяти",
#: "two or three"; "between two and four" takes "and" after "between".
_RANGE_JOIN = {"en": {"to", "or"}, "ru": {"до", "или"}, "uk": {"до", "або", "чи"}}
_RANGE_OPEN = {"en": {"between"}, "ru": {"между"}, "uk": {"між"}}


def _number(tok: Token, lang: str) -> int | None:
    hyphenated = "-" in tok.text and tok.text.split("-", 1)[0].lower() in NUMBER_KEYS[lang]
    return value(tok.keys, tok.text, lang) if (
        tok.text[0].isdigit() or tok.keys & NUMBER_KEYS[lang] or hyphenated) else None


def _compound(tokens: list[Token], k: int, lang: str, number: int) -> tuple[int, int]:
    """The number written in words ending at token ``k`` and its first token: "двадцять два"
    is 22 and "сто двадцать два" 122, where the last word alone gave 2. Each word before is a
    round ten (with less than ten after it) or hundred (with less than a hundred)."""
    first = k
    while first >= 1 and not tokens[first].text[0].isdigit():
        prev = tokens[first - 1]
        v = None if prev.text[0].isdigit() else _number(prev, lang)
        if v is None or not any(lo <= v < 10 * unit and v % unit == 0 and number < unit
                                for unit, lo in ((10, 20), (100, 100))):
            break
        number += v
        prev.number = v  # one count with the word after it, not an orphan of its own
        first -= 1
    return number, first


def _range_low(tokens: list[Token], k: int, text: str, lang: str, number: int) -> int:
    """The lower end of a range of counts ending at token ``k`` ("2-3", "between two and four",
    "от трёх до пяти медиков"), else ``number``. The lower end is what the source is sure of,
    as "at least two" is two: the upper one would state more victims than it reports."""
    low_tok = None
    if k >= 1 and tokens[k - 1].text.isdigit() and tokens[k].text.isdigit() and \
            text[tokens[k - 1].end : tokens[k].start].strip() in ("-", "–", "—"):
        low_tok = tokens[k - 1]
    elif k >= 2:
        join = tokens[k - 1].text.lower()
        if join in _RANGE_JOIN[lang] or (join in ("and", "и", "і", "та") and k >= 3
                                         and tokens[k - 3].text.lower() in _RANGE_OPEN[lang]):
            low_tok = tokens[k - 2]
    low = _number(low_tok, lang) if low_tok is not None else None
    if low is None or low >= number:
        return number
    low_tok.number = low  # type: ignore[union-attr]  # one count, not an orphan of its own
    return low


def _harm_for(m: Mention, harms: list[tuple[Mention, str | None]], people: list[Mention],
              clauses: list[int], tokens: list[Token], lang: str,
              victim_starts: Sequence[int] = (), covered: Set[int] = frozenset()) -> str | None:
    """The harm a victim word takes: the nearest harm word, its own clause first; "zero" when
    that word is negated. ``covered``: the tokens of victim and person words."""
    best: tuple[float, str, Mention] | None = None
    for h, kind in harms:
        if kind == "harm:damaged" or kind is None:
            continue
        if clauses[h.i] != clauses[m.i] and any(
                k != m.i and h.j <= k <= h.j + 2 and clauses[k] == clauses[h.i]
                for k in victim_starts):
            # "An ambulance crew came under fire, ..., killing a paramedic": the harm has its
            # own victim right after it, who is one of the crew, not one more
            continue
        dist = (m.i - h.j + 0.5) if h.j <= m.i else (h.i - m.j)
        if lang == "en" and h.i >= m.j and tokens[h.i].text.lower().endswith("ing"):
            dist += 50  # "killing X and injuring Y": a gerund governs what follows it
        if clauses[h.i] != clauses[m.i]:
            dist += 100 + (0 if h.j <= m.i else 50)
        lo, hi = (h.j, m.i) if h.j <= m.i else (m.j, h.i)
        if any(lo <= p.i < hi for p in people):
            dist += 200  # a person word between them takes the harm
        if best is None or dist < best[0]:
            best = (dist, kind.split(":", 1)[1], h)
    if best is None:
        return None
    # "не пострадали", "nobody was hurt", "no patients were hurt": the harm word the victim
    # takes is negated. Only that one: in "ранены два фельдшера, пациенты не пострадали" the
    # medics' harm is "ранены", and the negation is the patients'.
    h = best[2]
    if _negated(tokens, h.i, lang) or _subject_negated(tokens, h.i, clauses, covered, lang):
        return "zero"
    return best[1]


def _negated(tokens: list[Token], i: int, lang: str) -> bool:
    return any(tokens[k].text.lower() in cues.NEGATION[lang] for k in range(max(0, i - 2), i))


def _subject_negated(tokens: list[Token], i: int, clauses: list[int], covered: Set[int],
                     lang: str) -> bool:
    """Whether the subject before the harm word at ``i`` is negated: "no patients were hurt",
    "no staff or patients were injured", "none of the medics was hurt". The walk back crosses
    auxiliaries, victim and person words (``covered``) and the words joining them, in the
    harm's clause."""
    k, nouns = i - 1, 0
    while k >= 0 and tokens[k].text.lower() in cues.AUXILIARY[lang] and clauses[k] == clauses[i]:
        k -= 1
    while k >= 0 and clauses[k] == clauses[i]:
        low = tokens[k].text.lower()
        if low in cues.NEGATIVE_SUBJECT[lang]:
            return nouns > 0
        if k in covered:
            nouns += 1
        elif low not in cues.SUBJECT_JOINERS[lang]:
            return False
        k -= 1
    return False


def _org_near(s: Sentence, m: Mention) -> str | None:
    near = [(abs(i - m.i), org) for i, org in s.orgs if abs(i - m.i) <= 12 and not (m.i <= i < m.j)]
    return min(near)[1] if near else None


def _orphan_numbers(s: Sentence, text: str, clauses: list[int], lang: str,
                    harms: list[tuple[Mention, str | None]]) -> None:
    """Counts whose victim noun is left out: "two rescuers were killed and three others
    injured", "погибли двое, еще трое ранены", "двоє загинули, ще троє — поранені", and
    partitives "с тремя медиками, двое из них ранены". Each takes the nearest victim before it."""
    if not s.victims or all(not kind or kind == "harm:damaged" for _, kind in harms):
        return  # every orphan needs an earlier victim and a harm to people: skip the token walk
    covered = {k for m in s.mentions for k in range(m.i, m.j) if m.has("victim:") or m.has("person")}
    tokens = s.tokens
    for k, tok in enumerate(tokens):
        if k in covered or tok.number is not None:
            continue
        low = tok.text.lower()
        prev = tokens[k - 1].text.lower() if k else ""
        if low == "other" and prev == "the":
            number: int | None = 1  # "one was killed and the other injured"
        elif tok.text[0].isdigit() or tok.keys & NUMBER_KEYS[lang]:
            number = value(tok.keys, tok.text, lang)
        else:
            continue
        if number is None or low in ("a", "an"):
            continue
        nxt = [t.text.lower() for t in tokens[k + 1 : k + 3]]
        partitive = tuple(nxt) in cues.PARTITIVE[lang]
        if low == "one" and not partitive and not (
                _elided(k, tokens, clauses, lang) and _harm_right_after(k, tokens, text, harms, lang)):
            # "one was killed" is read with its noun; "one of them was injured" here, and so is
            # "three were killed and one (was) injured": a count opening its own clause
            continue
        if low in _ORDINALS and not (prev == "a" and _harm_right_after(k, tokens, text, harms, lang)):
            continue  # "a second strike"; but "two were killed and a third was wounded" counts one
        if nxt and nxt[0] in cues.TIME_UNITS[lang]:
            continue  # "died of his wounds two days later", "через три дня": a time, not people
        after_harm = any(h.j == k and kind and kind != "harm:damaged" for h, kind in harms)
        marked = (prev in cues.ORPHAN_MARK[lang] or (nxt and nxt[0] in cues.ORPHAN_MARK[lang])
                  or low == "other" or after_harm or partitive or low in _ORDINALS)
        if low == "another" and not marked and not (
                _elided(k, tokens, clauses, lang) and _harm_right_after(k, tokens, text, harms, lang)):
            continue  # "another strike"; but "one was killed and another injured" counts one
        if any(j in covered for j in range(k + 1, min(k + 3, len(tokens)))):
            continue
        harm = next((kind for h, kind in harms if kind and kind != "harm:damaged"
                     and clauses[h.i] == clauses[k] and (0 < h.i - k <= 4 or h.j == k)), None)
        if harm is None and marked:
            harm = next((kind for h, kind in harms if kind and kind != "harm:damaged"
                         and clauses[h.i] == clauses[k] and abs(h.i - k) <= 4), None)
        following = _harm_right_after(k, tokens, text, harms, lang)
        if harm is None and following is not None and (marked or _elided(k, tokens, clauses, lang)):
            harm = following  # "ще троє — поранені": a dash stands for the verb
        elided = following is not None and harm == following and _elided(k, tokens, clauses, lang)
        if harm is None or not (marked or elided or _bounded(text, tok, lang)):
            continue
        earlier = [v for v in s.victims if v.mention.i < k and v.category not in OBJECTS]
        if not earlier:
            continue
        ref = earlier[-1]
        if partitive and not _own_harm(ref, harms, clauses):
            ref.harm = None  # "с тремя медиками, двое из них ранены": three is the group, not the hurt
        elif partitive and harm == "harm:killed" and ref.harm == "injured" and ref.count is not None \
                and ref.count > number and not _casualty_word(ref, harms, clauses, tokens):
            # "ранены трое, один из них скончался": of the three wounded one died, two are hurt
            # ("пострадали шесть медиков, двое из них погибли" counts all six: a casualty word)
            ref.count -= number
        s.victims.append(VictimRef(ref.category, Mention(k, k + 1, tok.start, tok.end, ref.mention.kinds),
                                   number, harm.split(":", 1)[1], ref.hit, ref.org, clauses[k]))


def _casualty_word(ref: VictimRef, harms: list[tuple[Mention, str | None]], clauses: list[int],
                   tokens: list[Token]) -> bool:
    """Whether the injured-harm word in the victim's clause counts the dead too ("пострадали")."""
    return any(kind == "harm:injured" and clauses[h.i] == ref.clause
               and not tokens[h.i].keys.isdisjoint(cues.CASUALTY) for h, kind in harms)


def _harm_right_after(k: int, tokens: list[Token], text: str,
                      harms: list[tuple[Mention, str | None]], lang: str) -> str | None:
    """The harm a count is the subject of: "three injured", "three were hurt", "троє — поранені"."""
    for h, kind in harms:
        if not kind or kind == "harm:damaged" or not 0 < h.i - k <= 3:
            continue
        between = text[tokens[k].end : tokens[h.i].start].lower()
        words = [w for w in re.split(r"[\s\u2014\u2013-]+", between) if w]
        if all(w in cues.AUXILIARY[lang] for w in words) and "," not in between:
            return kind
    return None


def _elided(k: int, tokens: list[Token], clauses: list[int], lang: str) -> bool:
    """A count that opens a coordinated or new clause ("... and three injured", ": двоє загинули")."""
    if k == 0:
        return False
    return tokens[k - 1].text.lower() in cues.COORDINATOR[lang] or clauses[k] != clauses[k - 1]


def _own_harm(ref: VictimRef, harms: list[tuple[Mention, str | None]], clauses: list[int]) -> bool:
    """Whether a harm word stands in the victim's own clause ("пострадали 40 медиков, ...")."""
    return any(kind and kind != "harm:damaged" and clauses[h.i] == ref.clause for h, kind in harms)


def _bounded(text: str, tok: Token, lang: str) -> bool:
    return bound_before(text[max(0, tok.start - 24) : tok.start], lang) is not None


def _real_blame(o: Mention, ms: list[Mention], tokens: list[Token]) -> bool:
    """"by" blames only after a strike or a harm ("killed by", "shelled by"), not "occupied by"."""
    if tokens[o.i].text.lower() != "by" or o.j - o.i > 1:
        return True
    return any(p.j == o.i and (p.has("attack") or p.has("harm:") or p.has("weapon:")) for p in ms)


_ADMISSION = {"it", "they", "its", "their"}
#: Ordinals that stand for one more person after "a": "two were killed and a third wounded".
_ORDINALS = {"second", "third", "fourth", "fifth"}


def _speaker(ms: list[Mention], n: int, last: int, tokens: list[Token],
             clauses: list[int]) -> bool:
    """Whether the party named by ``ms[n]`` (to ``ms[last]``, its force word) is the one who
    speaks: right after "according to", or right before a reporting verb in its clause ("the
    IDF said in a statement", "Генштаб ВСУ сообщил"). Not when the verb is followed by "it" or
    "they" ("Hamas said it fired ..."), and not for a weapon or a strike ("Russian shelling
    reported in ...")."""
    m, tail = ms[n], ms[last]
    if n and ms[n - 1].has("per") and 0 <= m.i - ms[n - 1].j <= 2 \
            and clauses[ms[n - 1].i] == clauses[m.i]:
        return True
    if last != n and (tail.has("weapon:") or tail.has("attack")):
        return False
    nxt = ms[last + 1] if last + 1 < len(ms) else None
    if nxt is None or not nxt.has("say") or nxt.i - tail.j > 3 or clauses[nxt.i] != clauses[m.i]:
        return False
    words = [t.text.lower() for t in tokens[nxt.j : nxt.j + 2]]
    return not (words and (words[0] in _ADMISSION or words[0] == "that" and words[1:2]
                           and words[1] in _ADMISSION))


def _named_group(tokens: list[Token], ms: list[Mention], n: int) -> int | None:
    """Where the proper name ends in ``ms[n]`` starts, if ``ms[n]`` ends in an army word ("Army",
    "Forces") and is the last part of a longer capitalised name not in the lexicon."""
    m = ms[n]
    head = " ".join(t.text.lower() for t in tokens[m.i : m.j])
    if not tokens[m.i].text[:1].isupper() or not (
            head in _NAME_HEADS or tokens[m.j - 1].text.lower() in _NAME_HEADS):
        return None
    first = m.i
    while first > 0 and (n == 0 or ms[n - 1].j <= first - 1):
        prev = tokens[first - 1]
        if not prev.text[:1].isupper() or prev.text.lower() in _NOT_NAME \
                or tokens[first].start - prev.end != 1:
            break
        first -= 1
    return tokens[first].start if first < m.i else None


def _parties(s: Sentence, lang: str, clauses: list[int]) -> None:
    ms = s.mentions
    for n, m in enumerate(ms):
        party = m.has("party:")
        enemy = m.has("enemy")
        if not party and not enemy:
            continue
        after = ms[n + 1] if n + 1 < len(ms) and ms[n + 1].i - m.j <= 1 \
            and clauses[ms[n + 1].i] == clauses[m.i] else None
        before = ms[n - 1] if n and m.i - ms[n - 1].j <= 1 and clauses[ms[n - 1].i] == clauses[m.i] else None
        if after is not None and after.i == m.j and not after.has("force") and (
                after.has("org:") or after.has("victim:") or after.has("person")):
            continue  # "Ukrainian paramedics", "ВСУ медики": whose people, not who struck
        force_after = after is not None and (after.has("force") or after.has("weapon:") or (
            after.has("attack") and after.i == m.j)) is not None
        blamed = any(o.has("blame") and 0 <= m.i - o.j <= 3 and _real_blame(o, ms, s.tokens)
                     for o in ms[max(0, n - 3) : n])
        # A country word takes in the force or weapon word after it ("Russian drone"), not a
        # verb ("the opposition shelled"): an actor takes in neither (below), and "the army
        # shelled" must read as its mirror "the opposition shelled" does.
        end = after.end if force_after and after is not None and (after.has("force") or (
            after.has("weapon:") and not after.has("attack"))) else m.end
        if _speaker(ms, n, n + 1 if force_after else n, s.tokens, clauses):
            continue  # "Hamas said ...", "Генштаб ВСУ сообщил ...": who speaks, not who struck
        if enemy:
            if force_after or m.has("force") or s.attack:
                s.parties.append(PartyRef(m.start, end, None))
            continue
        assert party is not None
        code, role = party.split(":")[1], party.split(":")[2]
        name = _named_group(s.tokens, ms, n) if lang == "en" else None
        if name is not None:
            # "the Arakan Army", "the Free Syrian Army": a group the lexicon does not know,
            # whose name ends in a generic word or in another party's name; it names no party
            s.parties.append(PartyRef(name, m.end, None))
            continue
        if role == "group":
            # an armed group named with a country's word that has no party code here ("the
            # Syrian Democratic Forces"): its name, not that country's forces
            s.parties.append(PartyRef(m.start, m.end, None))
        elif role in ("actor", "epithet"):
            # An actor names a force by itself: its words are the alleged perpetrator, without
            # the word after them. Taking that word in made "Israeli forces shelled" (one
            # lexicon phrase, then a verb) read differently from its mirror "Palestinian forces"
            # (a country word taking in its force word).
            s.parties.append(PartyRef(m.start, m.end, "?" + code if role == "epithet" else code,
                                      0 if blamed else 1 if force_after else 2))
        elif role == "adj" and (force_after or blamed):
            s.parties.append(PartyRef(m.start, end, code, 0 if blamed else 1))
        elif role == "adj" and before is not None and (before.has("force") or before.has("weapon:")) \
                and s.tokens[m.i].text.lower() in _GENITIVE_COUNTRY:
            s.parties.append(PartyRef(before.start, m.end, code))
