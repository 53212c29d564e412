"""Case forms of Russian and Ukrainian place names, generated from the nominative.

pymorphy3 does not know most toponyms, so the gazetteer generates the forms a name takes in
running text (``Горловка`` → ``Горловки, Горловке, Горловку, Горловкой``; ``Харків`` →
``Харкова, Харкові, Харковом``; ``Донецкая область`` → ``Донецкой области``) and indexes
them all. Rules work on the ending of each word and deliberately over-generate: a form that
no one writes costs a little memory and never matches. Multi-word names are inflected slot
by slot (genitive with genitive...), so adjective and noun agree.

Covered: nouns in ``-а/-я`` (with the Ukrainian ``к/г/х`` → ``ц/з/с`` change before ``-і``),
consonant-final nouns (with the Ukrainian ``і`` → ``о/е`` and ``ї`` → ``є`` alternation,
``Київ`` → ``Києва``), soft-sign nouns of both genders, neuter ``-о/-е/-я``, plural names in
``-и/-ы/-і`` (``Суми`` → ``Сумах``), and adjectives of all genders (``Кривий Ріг``,
``Новая Каховка``, ``Зайцеве``), with the fleeting vowel of ``-овь``, ``-ець``/``-ец`` and
``-ок`` (``Белая Церковь`` → ``Белой Церкви``, ``Кременець`` → ``Кременця``).
"""

from __future__ import annotations

from itertools import product

from .translit import guess_cyrillic_language

SLOTS: tuple[str, ...] = ("gen", "dat", "acc", "ins", "loc")
_VELAR_SHIFT = {"к": "ц", "г": "з", "х": "с"}
_MAX_PER_SLOT = 24
_VOWELS = "аеёиоуыэюяіїє"
_INVARIANT_WORDS = frozenset(
    {"на", "над", "при", "под", "під", "у", "в", "де", "ла", "эль", "ель", "аль", "ан"}
)

Forms = dict[str, set[str]]
Table = dict[str, tuple[str, ...]]


def inflect_name(name: str) -> set[str]:
    """All generated case forms of a Cyrillic place name, the nominative included.

    Parameters
    ----------
    name : str
        The nominative, lower-cased and normalised (see :func:`normalize_name`).

    Returns
    -------
    set of str
        The forms, each normalised like the input.
    """
    words = name.split(" ")
    if not words or any(not w for w in words):
        return {name}
    lang = guess_cyrillic_language(name) or _guess_by_ending(words)
    out = {name}
    for lg in (lang,) if lang else ("ru", "uk"):
        per_word = [_word_forms(w, i == len(words) - 1, lg) for i, w in enumerate(words)]
        for slot in SLOTS:  # compounds like "Хан-Юнис": only the last word declines
            out.update(" ".join([*words[:-1], last]) for last in per_word[-1][slot])
            choices = [sorted(f[slot]) for f in per_word]
            for n, combo in enumerate(product(*choices)):
                if n >= _MAX_PER_SLOT:
                    break
                out.add(" ".join(combo))
    return out


def _guess_by_ending(words: list[str]) -> str | None:
    if any(w.endswith(("ая", "яя", "ый", "ое", "ее", "ой")) for w in words):
        return "ru"
    return None


def _same(word: str) -> Forms:
    return {slot: {word} for slot in SLOTS}


def _with(stem: str, table: Table) -> Forms:
    return {slot: {stem + e for e in table.get(slot, ())} for slot in SLOTS}


def _merge(*forms: Forms) -> Forms:
    out: Forms = {slot: set() for slot in SLOTS}
    for f in forms:
        for slot in SLOTS:
            out[slot] |= f[slot]
    return out


def _word_forms(word: str, last: bool, lang: str) -> Forms:
    if len(word) < 3 or not _is_cyrillic(word) or word in _INVARIANT_WORDS:
        return _same(word)
    for endings, only_last, rule in _RULES:
        if word.endswith(endings) and (only_last is None or only_last == last):
            return rule(word, lang)
    if word[-1] not in _VOWELS + "ь'":
        return _noun_cons(word, lang)
    return _same(word)


def _is_cyrillic(word: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in word)


def _t(**slots: str) -> Table:
    return {slot: tuple(v.split("|")) for slot, v in slots.items()}


_ADJ_MASC = {
    "ru": _t(gen="ого", dat="ому", ins="ым|им", loc="ом"),
    "uk": _t(gen="ого", dat="ому", ins="им", loc="ому|ім"),
}
_ADJ_MASC_SOFT_UK = _t(gen="ього", dat="ьому", ins="ім", loc="ьому|ім")
_ADJ_FEM = {
    "ru": _t(gen="ой|ей", dat="ой|ей", acc="ую|юю", ins="ой|ою|ей", loc="ой|ей"),
    "uk": _t(gen="ої", dat="ій", acc="у", ins="ою", loc="ій"),
}
_ADJ_FEM_SOFT_UK = _t(gen="ьої", dat="ій", acc="ю", ins="ьою", loc="ій")
_ADJ_NEUT = {
    "ru": _t(gen="ого|его", dat="ому|ему", ins="ым|им", loc="ом|ем"),
    "uk": _t(gen="ого", dat="ому", ins="им", loc="ому|ім"),
}
_NOUN_A = {
    "ru": _t(gen="ы|и", dat="е", acc="у", ins="ой|ою|ей", loc="е"),
    "uk": _t(gen="и", dat="і", acc="у", ins="ою", loc="і"),
}
_NOUN_YA = {
    "ru": _t(gen="и", dat="е|и", acc="ю", ins="ей|ею", loc="е|и"),
    "uk": _t(gen="і|я", dat="і|ю", acc="ю|я", ins="ею|єю|ям", loc="і"),
}
_NOUN_CONS = {
    "ru": _t(gen="а", dat="у", ins="ом|ем", loc="е"),
    "uk": _t(gen="а|у", dat="у|ові", ins="ом|ем", loc="і|у"),
}
_NOUN_SOFT = {
    "ru": _t(gen="я|и", dat="ю|и", ins="ем|ём|ью", loc="е|и"),
    "uk": _t(gen="я|і", dat="ю|еві|і", ins="ем|ю", loc="і"),
}
_NOUN_J = {
    "ru": _t(gen="я", dat="ю", ins="ем", loc="е"),
    "uk": _t(gen="я|ю", dat="ю|єві", ins="єм", loc="ї|ю"),
}
_NOUN_O = {
    "ru": _t(gen="а", dat="у", ins="ом", loc="е"),
    "uk": _t(gen="а", dat="у", ins="ом", loc="і|ому"),
}
_NOUN_E = {
    "ru": _t(gen="я", dat="ю", ins="ем", loc="е"),
    "uk": _t(gen="я", dat="ю", ins="ем", loc="і"),
}
_PLURAL = {
    "ru": _t(gen="|ов|ей", dat="ам|ям", ins="ами|ями", loc="ах|ях"),
    "uk": _t(gen="|ів", dat="ам|ям", ins="ами|ями", loc="ах|ях"),
}


def _keep_acc(forms: Forms, word: str) -> Forms:
    forms["acc"] = forms["acc"] or {word}
    return forms


def _adj_masc(word: str, lang: str) -> Forms:
    table = _ADJ_MASC_SOFT_UK if lang == "uk" and word.endswith("ій") else _ADJ_MASC[lang]
    return _keep_acc(_with(word[:-2], table), word)


def _adj_fem(word: str, lang: str) -> Forms:
    if word.endswith(("ая", "яя")):
        return _with(word[:-2], _ADJ_FEM["ru"])
    if lang == "uk" and word.endswith("я"):
        return _with(word[:-1], _ADJ_FEM_SOFT_UK)
    return _with(word[:-1], _ADJ_FEM[lang])


def _adj_neut(word: str, lang: str) -> Forms:
    stem = word[:-2] if word.endswith(("ое", "ее")) else word[:-1]
    return _keep_acc(_with(stem, _ADJ_NEUT[lang]), word)


def _noun_a(word: str, lang: str) -> Forms:
    stem = word[:-1]
    forms = _keep_acc(_with(stem, _NOUN_A[lang]), word)
    if lang == "uk" and stem[-1] in _VELAR_SHIFT:
        shifted = stem[:-1] + _VELAR_SHIFT[stem[-1]] + "і"
        forms["dat"] = {shifted}
        forms["loc"] = {shifted}
    return forms


def _noun_ya(word: str, lang: str) -> Forms:
    stem = word[:-1]
    forms = _with(stem, _NOUN_YA[lang])
    if lang == "uk" and stem[-1] in _VOWELS:  # Росія → Росії, Сирія → Сирії
        for slot in ("gen", "dat", "loc"):
            forms[slot] = {f[:-1] + "ї" if f.endswith("і") else f for f in forms[slot]}
    return forms


def _noun_soft(word: str, lang: str) -> Forms:
    stems = [word[:-1], *(_alternations(word[:-1]) if lang == "uk" else []), *_fleeting(word[:-1], ("ов", "ец"))]
    return _keep_acc(_merge(*(_with(s, _NOUN_SOFT[lang]) for s in stems)), word)


def _noun_j(word: str, lang: str) -> Forms:
    return _keep_acc(_with(word[:-1], _NOUN_J[lang]), word)


def _noun_o(word: str, lang: str) -> Forms:
    return _keep_acc(_with(word[:-1], _NOUN_O[lang]), word)


def _noun_e(word: str, lang: str) -> Forms:
    return _keep_acc(_with(word[:-1], _NOUN_E[lang]), word)


def _plural(word: str, lang: str) -> Forms:
    stem = word[:-1]
    forms = _keep_acc(_with(stem, _PLURAL[lang]), word)
    if len(stem) < 4:
        forms["gen"].discard(stem)
    return forms


def _noun_cons(word: str, lang: str) -> Forms:
    stems = [word, *_fleeting(word, ("ец", "ок"))]
    if lang == "uk":
        stems += _alternations(word)
    forms = _merge(*(_with(s, _NOUN_CONS[lang]) for s in stems))
    if lang == "uk" and word[-1] in _VELAR_SHIFT:
        forms["loc"] |= {s[:-1] + _VELAR_SHIFT[s[-1]] + "і" for s in stems}
    return _keep_acc(forms, word)


def _fleeting(stem: str, tails: tuple[str, ...]) -> list[str]:
    """The stem without its fleeting vowel, which the other cases drop: Церковь → Церкви,
    Кременець → Кременця, Городок → Городка, Елец → Ельца's "Ельц-" aside. Over-generated
    for the names that keep it (Восток → Востока): a form no one writes never matches."""
    for tail in tails:  # Харков- keeps its "о": only the soft "-овь" drops it
        if stem.endswith(tail) and len(stem) > 4 and stem[-len(tail) - 1] not in _VOWELS:
            return [stem[:-2] + tail[1]]
    return []


def _alternations(stem: str) -> list[str]:
    """Ukrainian closed-syllable vowel alternation: Харків → Харков-, Київ → Києв-."""
    idx = max(stem.rfind("і"), stem.rfind("ї"))
    if idx <= 0 or any(ch in _VOWELS for ch in stem[idx + 1 :]):
        return []
    head, tail = stem[:idx], stem[idx + 1 :]
    if stem[idx] == "ї":
        return [head + "є" + tail]
    return [head + "о" + tail, head + "е" + tail]


_RULES = (
    (("ский", "цкий", "ський", "цький", "зький", "ий", "ый", "ой", "ій"), None, _adj_masc),
    (("ая", "яя"), None, _adj_fem),
    (("о",), False, lambda word, lang: _same(word)),
    (("а", "я"), False, _adj_fem),
    (("ое", "ее", "ське", "цьке", "зьке", "ве", "не"), None, _adj_neut),
    (("а",), True, _noun_a),
    (("я",), True, _noun_ya),
    (("ь",), None, _noun_soft),
    (("й",), None, _noun_j),
    (("о",), None, _noun_o),
    (("е",), None, _noun_e),
    (("и", "ы", "і"), None, _plural),
)
